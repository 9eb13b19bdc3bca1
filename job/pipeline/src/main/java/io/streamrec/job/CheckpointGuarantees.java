package io.streamrec.job;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.CheckpointConfig;

/**
 * The checkpoint settings the job's exactly-once guarantee needs, checked where the job is built:
 * the exactly-once sinks commit only at a checkpoint and the sources' offsets move only with one,
 * and a sink's transaction stays open from one completed checkpoint to the next, through every
 * failed checkpoint and a restart between, which must end within the transaction timeout or the
 * broker aborts it and the commit after finds the output gone.
 */
final class CheckpointGuarantees {
    private CheckpointGuarantees() {}

    /**
     * Fails, naming the options, when checkpoints are at-least-once, checkpointing is off or a
     * transaction could outlive {@code transactionTimeout} ({@link RuntimeDefaults} sets all three
     * as the job needs them).
     */
    static void check(
            CheckpointConfig checkpoints, ReadableConfig conf, Duration transactionTimeout) {
        refuseAtLeastOnce(checkpoints);
        if (!checkpoints.isCheckpointingEnabled()) {
            throw new IllegalArgumentException(
                    CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
                            + " is not set: streamrec's exactly-once sinks commit only at"
                            + " checkpoints, so without them nothing but the results would ever be"
                            + " visible. Set it in the cluster's configuration (flink-conf/) or"
                            + " with -D"
                            + CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
                            + "=2s");
        }
        Duration longestOpen = longestOpenTransaction(checkpoints, conf);
        if (longestOpen.compareTo(transactionTimeout) >= 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "a sink's transaction may stay open %d s (%s + %s x the longer of"
                                    + " %s and %s plus the minimum pause, + %s + the longest"
                                    + " restart delay), not"
                                    + " less than its"
                                    + " transaction.timeout.ms of %d s: past it the broker aborts"
                                    + " the transaction and the output is lost. Lower the"
                                    + " checkpoint timeout, the interval or the tolerated failures, or raise"
                                    + " transaction.timeout.ms in kafka.properties (at most the"
                                    + " broker's transaction.max.timeout.ms)",
                            longestOpen.toSeconds(),
                            CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
                            CheckpointingOptions.TOLERABLE_FAILURE_NUMBER.key(),
                            CheckpointingOptions.CHECKPOINTING_TIMEOUT.key(),
                            CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
                            CheckpointingOptions.CHECKPOINTING_TIMEOUT.key(),
                            transactionTimeout.toSeconds()));
        }
    }

    /**
     * Fails on checkpoints in {@code AT_LEAST_ONCE} mode (not the sinks' delivery guarantees: those
     * are options of their own). Without barrier alignment an operator with several inputs takes
     * records that follow the barrier on one input before the barrier on another arrives, so its
     * snapshot holds their effects while the sources' offsets still lie before them: after a
     * failure they are replayed and their gradients applied twice, and serving keeps counting
     * evaluation batches whose other copies came before the barrier and never come again. Unaligned
     * checkpoints keep checkpoints on time without giving that up.
     */
    private static void refuseAtLeastOnce(CheckpointConfig checkpoints) {
        if (checkpoints.isCheckpointingEnabled()
                && checkpoints.getCheckpointingConsistencyMode()
                        == CheckpointingMode.AT_LEAST_ONCE) {
            throw new IllegalArgumentException(
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE.key()
                            + ": AT_LEAST_ONCE is not supported: every event must change the"
                            + " model exactly once (docs/architecture.md, \"Exactly-once model"
                            + " evolution\"). Use EXACTLY_ONCE, with "
                            + CheckpointingOptions.ENABLE_UNALIGNED.key()
                            + ": true where aligned checkpoints fall behind under load");
        }
    }

    /**
     * The wait for the first checkpoint after the transaction opened (the interval, or the minimum
     * pause after the checkpoint that opened it, whichever is longer); then every tolerated failed
     * checkpoint, each until the next is triggered (the longer of the interval and the timeout plus
     * the minimum pause: checkpoints are triggered an interval apart, one may be declined at once,
     * and the next waits the pause after it); then the last one's timeout; then a restart's delay.
     */
    static Duration longestOpenTransaction(CheckpointConfig checkpoints, ReadableConfig conf) {
        int tolerable = Math.max(0, checkpoints.getTolerableCheckpointFailureNumber());
        Duration interval = Duration.ofMillis(checkpoints.getCheckpointInterval());
        Duration timeout = Duration.ofMillis(checkpoints.getCheckpointTimeout());
        Duration pause = Duration.ofMillis(checkpoints.getMinPauseBetweenCheckpoints());
        Duration first = longer(interval, pause);
        Duration eachFailed = longer(interval, timeout.plus(pause));
        return first.plus(eachFailed.multipliedBy(tolerable))
                .plus(timeout)
                .plus(restartDelay(conf));
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration restartDelay(ReadableConfig conf) {
        String strategy = conf.getOptional(RestartStrategyOptions.RESTART_STRATEGY).orElse("");
        switch (strategy.toLowerCase(java.util.Locale.ROOT)) {
            case "exponential-delay":
            case "exponentialdelay":
                return conf.get(
                        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
            case "fixed-delay":
            case "fixeddelay":
                return conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY);
            case "failure-rate":
            case "failurerate":
                return conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY);
            default: // none, or Flink's default with checkpoints (exponential-delay's own default)
                return strategy.isEmpty()
                        ? conf.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)
                        : Duration.ZERO;
        }
    }
}
