package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
    void keepsAGoodCertificateAndRenewsOneThatEndsWithinThreeDaysOrThatItsPasswordDoesNotOpen()
            throws Exception {
        Path dir = work.resolve("tls");
        makeCertificate(dir, 4);
        String first = Files.readString(dir.resolve("ca.pem"));
        assertThat(Files.getPosixFilePermissions(dir))
                .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rwx------"));

        makeCertificate(dir, 30);
        assertThat(Files.readString(dir.resolve("ca.pem")))
                .as("4 days left: kept")
                .isEqualTo(first);

        Path soon = work.resolve("soon");
        makeCertificate(soon, 3);
        String ending = Files.readString(soon.resolve("ca.pem"));
        makeCertificate(soon, 30);
        assertThat(Files.readString(soon.resolve("ca.pem"))).as("3 days left").isNotEqualTo(ending);

        Files.writeString(dir.resolve("gateway.password"), "not its password\n");
        makeCertificate(dir, 30);
        assertThat(Files.readString(dir.resolve("ca.pem"))).isNotEqualTo(first);
    }

    @Test
    void leavesTheModeOfADirectoryItDidNotMake() throws Exception {
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(work, shared);

        makeCertificate(work, 30);

        assertThat(Files.getPosixFilePermissions(work)).isEqualTo(shared);
        assertThat(Files.getPosixFilePermissions(work.resolve("gateway.p12")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /** Runs the script; a certificate it makes is valid {@code days} days. */
    private static void makeCertificate(Path dir, int days)
            throws IOException, InterruptedException {
        ProcessBuilder script =
                new ProcessBuilder("bash", "deploy/gateway-tls.sh", dir.toString())
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true);
        script.environment().put("GATEWAY_TLS_DAYS", Integer.toString(days));
        Process p = script.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("deploy/gateway-tls.sh: " + output).isZero();
    }
}
