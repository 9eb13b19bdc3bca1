package io.streamrec.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's record of admin actions: one JSON line per action, appended to {@code
 * gateway.audit-log} (opened for append only, never truncated or rewritten) and logged. A line:
 * {@code {"time":"2026-...Z","who":"token:1a2b...","peer":"10.0.0.5","client":"203.0.113.7",
 * "action":"forget","user":"p-...","requestId":"forget-...","result":"accepted"}}: the peer is the
 * connection's remote address, the client the address taken for it (the peer's own, unless the peer
 * is a trusted proxy: {@link TrustedProxies}).
 *
 * <p>It holds client addresses, and raw user ids when the gateway has no {@code
 * privacy.user-id-key-file}: created readable by its owner only (rw-------) where the file system
 * has POSIX permissions; a file already there keeps its own, with a warning if others may read it.
 */
final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Null: log only. */
    private final Path file;

    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    AuditLog(Path file) {
        this.file = file;
        if (file != null) {
            warnIfOthersMayRead(file);
        }
    }

    private static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void warnIfOthersMayRead(Path file) {
        if (!posix(file) || !Files.exists(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn(
                        "gateway.audit-log {} is {}: others may read its client addresses and"
                                + " user ids (chmod 600 it)",
                        file,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException e) {
            LOG.warn(
                    "Could not read the permissions of gateway.audit-log {}: {}",
                    file,
                    e.toString());
        }
    }

    /** Creates the file owner-only before its first line: CREATE would take the umask's mode. */
    private static void createOwnerOnly(Path file) throws IOException {
        if (!posix(file) || Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by another process: its permissions are its own
        }
    }

    /** Appends one action; an action that cannot be recorded fails with the I/O error. */
    synchronized void record(
            String who,
            TrustedProxies.ClientAddress from,
            String action,
            String user,
            String requestId,
            String result)
            throws IOException {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("who", who);
        line.put("peer", hostAddress(from.peer()));
        line.put("client", hostAddress(from.client()));
        line.put("action", action);
        line.put("user", user);
        line.put("requestId", requestId);
        line.put("result", result);
        LOG.info("Audit: {}", line);
        if (file != null) {
            createOwnerOnly(file);
            Files.write(
                    file,
                    (line + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
        }
    }

    private static String hostAddress(InetAddress address) {
        return address == null ? null : NetUtil.toAddressString(address); // IPv6 as RFC 5952
    }
}
