package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final TrustedProxies.ClientAddress LOCAL =
            new TrustedProxies.ClientAddress(
                    InetAddress.getLoopbackAddress(), InetAddress.getLoopbackAddress());

    /**
     * The audit log holds client addresses, and raw ids of users asking to be forgotten when the
     * gateway has no privacy.user-id-key-file: it is created readable by its owner only, not with
     * the umask's usual rw-r--r--. A file already there keeps the permissions it has.
     */
    @Test
    void theAuditLogIsCreatedOwnerOnly(@TempDir Path dir) throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("audit.jsonl");

        new AuditLog(file).record("token:1", LOCAL, "forget", "u1", "forget-1", "accepted");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).hasSize(1);

        Path existing = Files.createFile(dir.resolve("existing.jsonl"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-r-----"));
        new AuditLog(existing).record("token:1", LOCAL, "forget", "u1", "forget-1", "accepted");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
                .isEqualTo("rw-r-----");
    }
}
