package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The checkpoint settings the exactly-once sinks need, checked where the job is built. */
class CheckpointGuaranteesTest {
    private static final Duration FIFTEEN_MINUTES = Duration.ofMinutes(15);

    private static void check(Configuration runtime, Duration transactionTimeout) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, runtime);
        CheckpointGuarantees.check(
                env.getCheckpointConfig(), env.getConfiguration(), transactionTimeout);
    }

    @Test
    void theRuntimeDefaultsKeepATransactionWithinTheDefaultTimeout() {
        assertThatCode(() -> check(RuntimeDefaults.checkpointsAndRestarts(), FIFTEEN_MINUTES))
                .doesNotThrowAnyException();
    }

    /** A cluster whose configuration sets no interval: no sink would ever commit. */
    @Test
    void aJobWithoutCheckpointsIsRefusedNamingTheInterval() {
        assertThatThrownBy(() -> check(new Configuration(), FIFTEEN_MINUTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("execution.checkpointing.interval is not set");
    }

    /** kafka.properties may lower the timeout below what the checkpoint settings can hold open. */
    @Test
    void aTransactionTimeoutBelowTheLongestOpenTransactionIsRefused() {
        // 1 min x (10 + 1) + 2 s + 30 s of restart delay
        assertThatThrownBy(
                        () ->
                                check(
                                        RuntimeDefaults.checkpointsAndRestarts(),
                                        Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may stay open 692 s")
                .hasMessageContaining("transaction.timeout.ms of 300 s");
    }

    /**
     * Checkpoints are triggered an interval apart and a failing one can decline at once, so each
     * tolerated failure takes the interval where it is longer than the timeout: 11 x 90 s + 90 s +
     * 30 s, where counting the interval once gave 11 x 60 s + 90 s + 30 s = 780 s and let through a
     * transaction that commits about 990 s after it opened.
     */
    @Test
    void aLongIntervalCountsOncePerToleratedFailure() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(90));

        assertThatThrownBy(() -> check(runtime, FIFTEEN_MINUTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may stay open 1080 s");
    }

    /**
     * A long interval with no failure tolerated: the interval to the next checkpoint and its
     * timeout, not the interval twice (GatewayITCase keeps checkpoints out of its way so).
     */
    @Test
    void aLongIntervalWithNoToleratedFailureCountsItOnce() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(10));
        runtime.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 0);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, runtime);
        assertThat(
                        CheckpointGuarantees.longestOpenTransaction(
                                env.getCheckpointConfig(), env.getConfiguration()))
                .isEqualTo(Duration.ofSeconds(600 + 60 + 30));
        assertThatCode(() -> check(runtime, FIFTEEN_MINUTES)).doesNotThrowAnyException();
    }

    /** Flink waits the minimum pause after a checkpoint before it triggers the next. */
    @Test
    void theMinimumPauseCounts() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofMinutes(5));

        // 300 (the pause, longer than the 2 s interval) + 10 x (60 + 300) + 60 + 30
        assertThatThrownBy(() -> check(runtime, FIFTEEN_MINUTES))
                .hasMessageContaining("may stay open 3990 s");
    }

    @Test
    void aRestartsDelayCounts() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        runtime.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMinutes(4));

        assertThatThrownBy(() -> check(runtime, FIFTEEN_MINUTES))
                .hasMessageContaining("may stay open 902 s");
        runtime.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 5);
        assertThatCode(() -> check(runtime, FIFTEEN_MINUTES)).doesNotThrowAnyException();
    }
}
