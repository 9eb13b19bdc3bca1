package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/flink-cluster.sh with a stub java (each JobManager or TaskManager a sleep; Flink's
 * BashJavaUtils answers with fixed memory flags) and a stub REST API where every TaskManager is
 * registered: which configuration, ports and memory flags the JVMs it starts get.
 */
class FlinkClusterScriptTest {
    @TempDir Path dir;
    private ScriptSandbox sandbox;

    @BeforeEach
    void aClusterWithItsJarsFetched() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux host");
        sandbox =
                new ScriptSandbox(
                        dir,
                        "deploy/flink-cluster.sh",
                        "deploy/lib.sh",
                        "pom.xml",
                        "flink-conf/config-cpu.yaml");
        Files.writeString(
                Files.createDirectories(sandbox.repo.resolve("target/flink/lib")).resolve("a.jar"),
                "");
        sandbox.stub(
                "java",
                """
                case " $* " in
                  *" -version "*) echo 'openjdk version "17.0.9" 2023-10-17' ;;
                  *BashJavaUtils*)
                    if [ -n "${BAD_MEMORY:-}" ]; then echo "$BAD_MEMORY" >&2; exit 1; fi
                    echo BASH_JAVA_UTILS_EXEC_RESULT:-Xmx64m
                    echo BASH_JAVA_UTILS_EXEC_RESULT:-Dtaskmanager.memory.x=1 ;;
                  *) exec sleep 60 ;;
                esac""");
        sandbox.stub(
                "curl",
                """
                case "${@: -1}" in
                  */taskmanagers) echo '{"taskmanagers":[{"id":"taskmanager-1"}]}' ;;
                esac""");
        sandbox.stub("mvn", "exit 1");
    }

    @AfterEach
    void stopWhatItStarted() throws Exception {
        if (sandbox != null) {
            sandbox.run(Map.of(), "flink-cluster.sh", "stop");
        }
    }

    @Test
    void aTaskManagerStartedLaterJoinsTheClusterWithItsConfigurationAndPorts() throws Exception {
        Path custom = dir.resolve("custom.yaml");
        Files.writeString(
                custom,
                Files.readString(sandbox.repo.resolve("flink-conf/config-cpu.yaml"))
                        + "# the custom one\n");
        ScriptSandbox.Result start =
                sandbox.run(
                        Map.of(
                                "FLINK_CONF", custom.toString(),
                                "FLINK_REST_PORT", "31081",
                                "FLINK_RPC_PORT", "31123"),
                        "flink-cluster.sh",
                        "start",
                        "0");
        assertThat(start.exit()).as(start.output()).isZero();

        ScriptSandbox.Result startTm = sandbox.run(Map.of(), "flink-cluster.sh", "start-tm");

        assertThat(startTm.exit()).as(startTm.output()).isZero();
        assertThat(Files.readString(sandbox.repo.resolve("target/flink/conf/config.yaml")))
                .endsWith("# the custom one\n");
        assertThat(sandbox.calls().lines().filter(l -> l.contains("TaskManagerRunner")))
                .singleElement()
                .asString()
                .contains("-Djobmanager.rpc.port=31123", "-Drest.port=31081");
        assertThat(sandbox.calls()).contains("127.0.0.1:31081/taskmanagers");
    }

    @Test
    void aMemoryConfigurationFlinkRejectsIsNamedAndStartsNothing() throws Exception {
        Map<String, String> bad = Map.of("BAD_MEMORY", "IllegalConfigurationException: too small");

        ScriptSandbox.Result startJm = sandbox.run(bad, "flink-cluster.sh", "start-jm");

        assertThat(startJm.exit()).isNotZero();
        assertThat(startJm.output())
                .contains("could not compute memory settings from flink-conf/config-cpu.yaml")
                .contains("IllegalConfigurationException: too small");
        assertThat(sandbox.calls()).doesNotContain("StandaloneSessionClusterEntrypoint");
    }

    /** The supervisor replaces a TaskManager that exited; never with one without memory flags. */
    @Test
    void theSupervisorLaunchesNoTaskManagerWithoutMemorySettings() throws Exception {
        Path run = Files.createDirectories(sandbox.repo.resolve("target/flink/run"));
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        Files.writeString(run.resolve("taskmanager-1.pid"), exited.pid() + "\n");
        Files.createDirectories(sandbox.repo.resolve("target/flink/conf"));
        Files.writeString(sandbox.repo.resolve("target/flink/conf/config.yaml"), "");

        Process supervisor =
                sandbox.start(
                        Map.of("BAD_MEMORY", "IllegalConfigurationException: too small"),
                        "flink-cluster.sh",
                        "supervise");
        try {
            Await.waitUntil(
                    "the supervisor asks for memory settings",
                    Duration.ofSeconds(30),
                    () -> sandbox.calls().contains("BashJavaUtils"));
            Thread.sleep(1000);
        } finally {
            Files.deleteIfExists(run.resolve("supervisor.pid")); // its loop ends with it
            assertThat(supervisor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(new String(supervisor.getInputStream().readAllBytes()))
                .contains("could not compute memory settings");
        assertThat(sandbox.calls()).doesNotContain("TaskManagerRunner");
        assertThat(run.resolve("taskmanager-1.pid")).doesNotExist();
    }
}
