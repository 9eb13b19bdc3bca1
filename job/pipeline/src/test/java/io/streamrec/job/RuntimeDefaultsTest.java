package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cluster configurations in flink-conf/ run with the same values as the embedded default. */
class RuntimeDefaultsTest {
    /** What {@link RuntimeDefaults#checkpointsAndRestarts()} sets, as typed options. */
    private static final List<ConfigOption<?>> SHARED =
            List.of(
                    PipelineOptions.GENERIC_TYPES,
                    StateBackendOptions.STATE_BACKEND,
                    CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
                    CheckpointingOptions.CHECKPOINTING_INTERVAL,
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    CheckpointingOptions.CHECKPOINT_STORAGE,
                    CheckpointingOptions.TOLERABLE_FAILURE_NUMBER,
                    CheckpointingOptions.CHECKPOINTING_TIMEOUT,
                    ExecutionOptions.BUFFER_TIMEOUT,
                    TaskManagerOptions.BUFFER_DEBLOAT_ENABLED,
                    TaskManagerOptions.BUFFER_DEBLOAT_TARGET,
                    RestartStrategyOptions.RESTART_STRATEGY,
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    RestartStrategyOptions
                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD);

    /** Checkpoint settings only a cluster has: shared storage, and checkpoints kept on cancel. */
    private static final Set<String> CLUSTER_ONLY =
            Set.of(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                    CheckpointingOptions.SAVEPOINT_DIRECTORY.key(),
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.key());

    /**
     * A sink's transaction stays open until a checkpoint completes: through every failed one the
     * job tolerates in a row (each up to the checkpoint timeout) and a restart's longest backoff.
     * Past the transaction timeout the broker aborts it, and the commit after finds it gone. That
     * the job's sinks carry this timeout: {@code
     * KafkaConnectorsTest#theJobsCommittedSinksAreExactlyOnceWithTheTransactionTimeout}.
     */
    @Test
    void aSinksTransactionOutlivesEveryToleratedFailedCheckpointAndARestart() {
        Configuration c = RuntimeDefaults.checkpointsAndRestarts();
        // the interval, each tolerated failed checkpoint the longer of the timeout and the
        // interval, then the last one's timeout
        Duration timeout = c.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        Duration interval = c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        Duration longestOpen =
                interval.plus(
                                (timeout.compareTo(interval) >= 0 ? timeout : interval)
                                        .multipliedBy(
                                                c.get(
                                                        CheckpointingOptions
                                                                .TOLERABLE_FAILURE_NUMBER)))
                        .plus(timeout)
                        .plus(
                                c.get(
                                        RestartStrategyOptions
                                                .RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF));
        assertThat(longestOpen).isLessThan(KafkaConnectors.TRANSACTION_TIMEOUT);
        assertThat(KafkaConnectors.TRANSACTION_TIMEOUT)
                .as("at most the broker's default transaction.max.timeout.ms")
                .isLessThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void theSharedSettingsAreTheOnesListedHere() {
        assertThat(RuntimeDefaults.checkpointsAndRestarts().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        SHARED.stream().map(ConfigOption::key).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"flink-conf/config.yaml", "flink-conf/config-cpu.yaml"})
    void clusterConfigurationsAgreeWithTheDefaults(String file, @TempDir Path dir)
            throws Exception {
        Configuration cluster = load(file, dir);
        Configuration defaults = RuntimeDefaults.checkpointsAndRestarts();

        for (ConfigOption<?> option : SHARED) {
            assertThat(cluster.containsKey(option.key()))
                    .as(file + " sets " + option.key())
                    .isTrue();
            assertThat((Object) cluster.get(option))
                    .as(file + ": " + option.key())
                    .isEqualTo(defaults.get(option));
        }
        Set<String> sharedKeys = defaults.keySet();
        Set<String> unlisted =
                cluster.keySet().stream()
                        .filter(
                                k ->
                                        k.startsWith("state.backend")
                                                || k.startsWith("execution.checkpointing.")
                                                || k.startsWith("restart-strategy"))
                        .filter(k -> !sharedKeys.contains(k) && !CLUSTER_ONLY.contains(k))
                        .collect(Collectors.toSet());
        assertThat(unlisted).as(file + " settings the embedded default lacks").isEmpty();
    }

    @Test
    void embeddedRunsCheckpointIntoTheDirectoryAndJobOptionsWin(@TempDir Path dir) {
        Configuration job = new Configuration();
        job.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        job.set(ModelOptions.DIM, 8);

        Configuration c = RuntimeDefaults.embedded(job, dir.resolve("chk"));

        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(dir.resolve("chk").toUri().toString());
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofMillis(300));
        assertThat(c.get(ModelOptions.DIM)).isEqualTo(8);
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(c.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(RuntimeDefaults.EMBEDDED_MANAGED_MEMORY);
    }

    /** Loads a cluster configuration with Flink's own loader, as a cluster would. */
    private static Configuration load(String file, Path dir) throws Exception {
        Files.copy(RepositoryFiles.root().resolve(file), dir.resolve("config.yaml"));
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }
}
