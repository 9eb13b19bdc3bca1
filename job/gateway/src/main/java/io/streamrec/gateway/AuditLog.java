package io.streamrec.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's record of admin actions: one JSON line per action, appended to {@code
 * gateway.audit-log} (opened for append only, never truncated or rewritten) and logged. A line:
 * {@code {"time":"2026-...Z","who":"token:1a2b...","peer":"10.0.0.5","client":"203.0.113.7",
 * "action":"forget","user":"p-...","requestId":"forget-...","result":"accepted"}}: the peer is the
 * connection's remote address, the client the address taken for it (the peer's own, unless the peer
 * is a trusted proxy: {@link TrustedProxies}).
 */
final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Null: log only. */
    private final Path file;

    AuditLog(Path file) {
        this.file = file;
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
