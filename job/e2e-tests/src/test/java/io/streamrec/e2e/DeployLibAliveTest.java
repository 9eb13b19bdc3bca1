package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alive PIDFILE} of deploy/lib.sh, which every deploy script asks before it reports a broker
 * or a Flink process running or stops it: a pid that went to a process started after the pidfile
 * was written (after a reboot or a hard kill) is not the process the file names.
 */
class DeployLibAliveTest {
    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();

    @TempDir Path dir;
    private Process sleeper;

    @BeforeEach
    void startAProcess() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux host");
        sleeper = new ProcessBuilder("sleep", "120").start();
    }

    @AfterEach
    void stopIt() {
        sleeper.destroyForcibly();
    }

    @Test
    void theProcessAPidfileWasWrittenForIsAlive() throws Exception {
        Path pidfile = pidfile(sleeper.pid());

        assertThat(alive(pidfile)).isTrue();
    }

    @Test
    void aPidThatWentToAProcessStartedAfterThePidfileIsNotAlive() throws Exception {
        assumeTrue(bash("ps -o etimes= -p $$ >/dev/null") == 0, "procps' ps");
        Path pidfile = pidfile(sleeper.pid());
        Files.setLastModifiedTime(pidfile, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertThat(alive(pidfile)).isFalse();
    }

    /**
     * A wall clock stepped forward makes a live process look started after its pidfile; one whose
     * command line names the pidfile's directory (or the WORK given) is still the one it names.
     */
    @Test
    void aProcessNamingItsDirectoryIsAliveWhateverTheClockSays() throws Exception {
        assumeTrue(bash("ps -o etimes= -p $$ >/dev/null") == 0, "procps' ps");
        Process named =
                new ProcessBuilder("bash", "-c", "exec -a '" + dir + "/run/daemon' sleep 120")
                        .start();
        try {
            Path pidfile = pidfile(named.pid());
            Files.setLastModifiedTime(
                    pidfile, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

            assertThat(alive(pidfile)).isTrue();
            Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
            Path moved = Files.move(pidfile, elsewhere.resolve("daemon.pid"));
            assertThat(alive(moved)).as("names another directory").isFalse();
            assertThat(bash("source deploy/lib.sh && alive '" + moved + "' '" + dir + "'"))
                    .as("names the WORK given")
                    .isZero();
        } finally {
            named.destroyForcibly();
        }
    }

    @Test
    void anEmptyOrMissingPidfileOrAnExitedProcessIsNotAlive() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        assertThat(exited.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(alive(pidfile(exited.pid()))).isFalse();
        assertThat(alive(Files.writeString(dir.resolve("empty.pid"), ""))).isFalse();
        assertThat(alive(dir.resolve("missing.pid"))).isFalse();
    }

    private Path pidfile(long pid) throws IOException {
        return Files.writeString(dir.resolve(pid + ".pid"), pid + "\n");
    }

    private static boolean alive(Path pidfile) throws Exception {
        return bash("source deploy/lib.sh && alive '" + pidfile + "'") == 0;
    }

    private static int bash(String script) throws Exception {
        Process p =
                new ProcessBuilder("bash", "-c", script)
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        return p.exitValue();
    }
}
