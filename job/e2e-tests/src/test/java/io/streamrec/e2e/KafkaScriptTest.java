package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kafka.sh with a stub java (StorageTool formats by writing meta.properties; the broker
 * exits at once): what a start does to a broker directory before the broker runs.
 */
class KafkaScriptTest {
    private static final String CLUSTER_ID = "q1Lh4bIL1Q2mO1xYQ6v9oA";

    @TempDir Path dir;
    private ScriptSandbox sandbox;
    private Path kafka;
    private Process broker;

    @BeforeEach
    void brokerJarsFetched() throws Exception {
        sandbox = new ScriptSandbox(dir, "deploy/kafka.sh", "deploy/lib.sh", "pom.xml");
        kafka = dir.resolve("kafka");
        Files.writeString(Files.createDirectories(kafka.resolve("lib")).resolve("a.jar"), "");
        sandbox.stub(
                "java",
                """
                case " $* " in
                  *" -version "*) echo 'openjdk version "17.0.9" 2023-10-17' ;;
                  *" random-uuid "*) echo %s ;;
                  *" @"* | *" format "*)
                    if [ -n "${FORMAT_FAILS:-}" ]; then echo "format failed" >&2; exit 1; fi
                    mkdir -p "$KAFKA_DIR/data"
                    echo cluster.id=%s > "$KAFKA_DIR/data/meta.properties" ;;
                esac"""
                        .formatted(CLUSTER_ID, CLUSTER_ID));
        sandbox.stub("mvn", "exit 1");
    }

    @Test
    void aPlainStartOfADirectoryFormattedForSaslSslIsRefused() throws Exception {
        Files.writeString(
                Files.createDirectories(kafka.resolve("data")).resolve("meta.properties"),
                "cluster.id=" + CLUSTER_ID + "\n");
        Files.writeString(
                Files.createDirectories(kafka.resolve("secrets")).resolve("formatted"),
                CLUSTER_ID + "\n");
        Path properties =
                Files.createDirectories(kafka.resolve("config")).resolve("server.properties");
        Files.writeString(properties, "listeners=SASL_SSL://127.0.0.1:9092\n");

        ScriptSandbox.Result plain = sandbox.run(env(), "kafka.sh", "start");

        assertThat(plain.exit()).isNotZero();
        assertThat(plain.output()).contains("KAFKA_SASL_SSL=1");
        assertThat(properties).hasContent("listeners=SASL_SSL://127.0.0.1:9092");
        assertThat(sandbox.calls()).doesNotContain("kafka.Kafka");

        deleteRecursively(kafka.resolve("data")); // storage removed: a plain start formats anew
        ScriptSandbox.Result fresh = sandbox.run(env(), "kafka.sh", "start");
        assertThat(sandbox.calls()).as(fresh.output()).contains("kafka.Kafka");
    }

    /**
     * A broker of the directory runs as PLAINTEXT without an authorizer: a secured start must not
     * answer "already running" (exit 0), or the operator believes it secured.
     */
    @Test
    void aSecuredStartWhileAPlainBrokerOfTheDirectoryRunsIsRefused() throws Exception {
        Path properties = runningBroker("listeners=PLAINTEXT://127.0.0.1:9092");

        ScriptSandbox.Result secured = sandbox.run(env("KAFKA_SASL_SSL", "1"), "kafka.sh", "start");

        assertThat(secured.exit()).as(secured.output()).isNotZero();
        assertThat(secured.output())
                .contains("PLAINTEXT", "KAFKA_SASL_SSL=1", "deploy/kafka.sh stop")
                .doesNotContain("already running");
        assertThat(properties).hasContent("listeners=PLAINTEXT://127.0.0.1:9092");
        assertThat(sandbox.calls()).doesNotContain("kafka.Kafka");
    }

    /** The reverse: plain clients would fail against the secured broker that runs. */
    @Test
    void aPlainStartWhileASecuredBrokerOfTheDirectoryRunsIsRefused() throws Exception {
        Path properties = runningBroker("listeners=SASL_SSL://127.0.0.1:9092");

        ScriptSandbox.Result plain = sandbox.run(env(), "kafka.sh", "start");

        assertThat(plain.exit()).as(plain.output()).isNotZero();
        assertThat(plain.output())
                .contains("SASL_SSL", "KAFKA_SASL_SSL=1")
                .doesNotContain("already running");
        assertThat(properties).hasContent("listeners=SASL_SSL://127.0.0.1:9092");
        assertThat(sandbox.calls()).doesNotContain("kafka.Kafka");
    }

    @Test
    void aStartInTheModeTheRunningBrokerHasSaysItRuns() throws Exception {
        runningBroker("listeners=PLAINTEXT://127.0.0.1:9092");
        ScriptSandbox.Result plain = sandbox.run(env(), "kafka.sh", "start");
        assertThat(plain.exit()).as(plain.output()).isZero();
        assertThat(plain.output()).contains("Kafka already running (pid " + broker.pid() + ")");

        runningBroker("listeners=SASL_SSL://127.0.0.1:9092");
        ScriptSandbox.Result secured = sandbox.run(env("KAFKA_SASL_SSL", "1"), "kafka.sh", "start");
        assertThat(secured.exit()).as(secured.output()).isZero();
        assertThat(secured.output()).contains("Kafka already running (pid " + broker.pid() + ")");
        assertThat(sandbox.calls()).doesNotContain("kafka.Kafka");
    }

    /**
     * A broker of the directory that runs: a live process's pid in the pidfile (written after the
     * process started, as the script does) and the configuration it was started with.
     */
    private Path runningBroker(String listeners) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux host");
        if (broker == null) {
            broker = new ProcessBuilder("sleep", "120").start();
        }
        Files.writeString(kafka.resolve("kafka.pid"), broker.pid() + "\n");
        Path properties =
                Files.createDirectories(kafka.resolve("config")).resolve("server.properties");
        Files.writeString(properties, listeners + "\n");
        return properties;
    }

    @AfterEach
    void stopTheBroker() {
        if (broker != null) {
            broker.destroyForcibly();
        }
    }

    /** The argument file of the secured format holds every SCRAM password. */
    @Test
    void theSecuredFormatsArgumentFileIsRemovedWhetherTheFormatFailsOrNot() throws Exception {
        ScriptSandbox.Result failed =
                sandbox.run(env("KAFKA_SASL_SSL", "1", "FORMAT_FAILS", "1"), "kafka.sh", "start");

        assertThat(failed.exit()).isNotZero();
        assertThat(failed.output()).contains("format failed").doesNotContain("unbound variable");
        assertThat(sandbox.calls()).contains("format.args");
        assertThat(kafka.resolve("secrets/format.args")).doesNotExist();
        assertThat(kafka.resolve("secrets/formatted")).doesNotExist();

        ScriptSandbox.Result formatted =
                sandbox.run(env("KAFKA_SASL_SSL", "1"), "kafka.sh", "start");

        assertThat(kafka.resolve("secrets/formatted"))
                .as(formatted.output())
                .hasContent(CLUSTER_ID);
        assertThat(kafka.resolve("secrets/format.args")).doesNotExist();
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("KAFKA_DIR", kafka.toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static void deleteRecursively(Path path) throws Exception {
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
