package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/gateway-tls.sh keeps a test certificate while it is good and makes a new one before it
 * expires (valid 30 days) or when its password no longer opens it.
 */
class GatewayTlsScriptTest {
    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();

    @TempDir Path work;

    @Test
    void keepsAGoodCertificateAndRenewsAnOldOneOrOneItsPasswordDoesNotOpen() throws Exception {
        Path dir = work.resolve("tls");
        makeCertificate(dir);
        String first = Files.readString(dir.resolve("ca.pem"));
        assertThat(Files.getPosixFilePermissions(dir))
                .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rwx------"));

        makeCertificate(dir);
        assertThat(Files.readString(dir.resolve("ca.pem"))).as("kept").isEqualTo(first);

        Files.setLastModifiedTime(
                dir.resolve("gateway.p12"),
                FileTime.from(Instant.now().minus(Duration.ofDays(28))));
        makeCertificate(dir);
        String renewed = Files.readString(dir.resolve("ca.pem"));
        assertThat(renewed).as("renewed 3 days before it expires").isNotEqualTo(first);

        Files.writeString(dir.resolve("gateway.password"), "not its password\n");
        makeCertificate(dir);
        assertThat(Files.readString(dir.resolve("ca.pem"))).isNotEqualTo(renewed);
    }

    @Test
    void leavesTheModeOfADirectoryItDidNotMake() throws Exception {
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(work, shared);

        makeCertificate(work);

        assertThat(Files.getPosixFilePermissions(work)).isEqualTo(shared);
        assertThat(Files.getPosixFilePermissions(work.resolve("gateway.p12")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    private static void makeCertificate(Path dir) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("bash", "deploy/gateway-tls.sh", dir.toString())
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("deploy/gateway-tls.sh: " + output).isZero();
    }
}
