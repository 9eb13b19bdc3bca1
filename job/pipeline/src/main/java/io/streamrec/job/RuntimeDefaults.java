package io.streamrec.job;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * The Flink runtime settings streamrec is meant to run with, in one place: RocksDB with incremental
 * checkpoints, exactly-once checkpoints every two seconds (at full speed within 2.7 s of each other
 * in the benchmarks, with network buffer debloating to 200 ms of in-flight data), and
 * exponential-delay restarts. The quickstart, {@code deploy/job.sh} ({@code StreamrecMain
 * --checkpoint-dir}), the benchmarks and the integration tests run with {@link #embedded}; the
 * cluster configurations in {@code flink-conf/} carry the same values (a test holds them to it).
 *
 * <p>Restarts back off exponentially (1 s, growing to 30 s, reset after 10 min without failure) and
 * never give up: a streaming job outlives a broker or TaskManager that is gone for longer than a
 * fixed number of quick retries would allow, without hammering it meanwhile.
 */
public final class RuntimeDefaults {
    private RuntimeDefaults() {}

    /**
     * What a checkpoint commits (the model-updates feedback topic the workers' copy of the model
     * reads, the transactional outputs) becomes visible at its completion, so the interval bounds
     * how stale they get; serving takes the parameter server's rows without waiting for it. Each
     * checkpoint costs the pipeline a share of work whatever the rate: the parameter server's
     * changed rows written to RocksDB and the feedback topic and read back by every worker, the
     * sinks' transactions, the serving statistics' base written again, the workers' batches cut at
     * the barrier. At 2 s the CPU per event at full speed was 30-36% lower than at 1 s (381 and 447
     * against 593 and 642 µs at p=2 with 10% evaluated, two alternating pairs, part of it the
     * faster rate itself; BENCHMARKS, "What a checkpoint costs"), so 2 s; {@code
     * -Dexecution.checkpointing.interval=1s} halves the lag for that CPU.
     */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    /** Checkpoint failures in a row the job rides out (a broker restarting declines them). */
    public static final int TOLERABLE_FAILED_CHECKPOINTS = 10;

    /**
     * The longest a checkpoint may take: with every tolerated failure taking this long, a sink's
     * transaction still ends within {@link KafkaConnectors#TRANSACTION_TIMEOUT}.
     */
    public static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(1);

    /** How long a network buffer waits to fill before it is sent anyway. */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

    /**
     * The in-flight data buffer debloating aims at, as time to process it (Flink's default 1 s). An
     * aligned barrier waits behind that much at every exchange: with checkpoints every 1 s and a 1
     * s target, checkpoints came p99 2.2-3.0 s apart at full speed in eight suite runs, at 200 ms
     * 1.2-1.8 s in six, for 6-9% of the suite's throughput and 8-15% of the quickstart's
     * (BENCHMARKS, thirty-seventh session; not measured again at the 2 s interval).
     */
    public static final Duration BUFFER_DEBLOAT_TARGET = Duration.ofMillis(200);

    /** RocksDB's managed memory on an embedded MiniCluster (a cluster sizes it as a fraction). */
    public static final MemorySize EMBEDDED_MANAGED_MEMORY = MemorySize.parse("256m");

    /**
     * State backend, checkpointing and restarts, and no Kryo: the settings every deployment shares.
     * The checkpoint directory is the deployment's own.
     */
    public static Configuration checkpointsAndRestarts() {
        Configuration c = new Configuration();
        // every record and state type has a hand-written, versioned serializer: a type that falls
        // back to Kryo (unversioned, its format Kryo's and the classes') fails the job instead of
        // reaching a checkpoint (StreamrecJobTopologyTest#noEdgeOrStateFallsBackToKryo)
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // parameter-server rows outgrow the heap; incremental checkpoints upload new SSTs only
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        // a checkpoint that fails while a broker restarts should not fail the job by itself
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, TOLERABLE_FAILED_CHECKPOINTS);
        // a sink's transaction stays open until a checkpoint completes, across every failed one
        // between: that must end within the transaction timeout, or the broker aborts it and the
        // commit after it finds the output gone (RuntimeDefaultsTest holds the two together)
        c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, CHECKPOINT_TIMEOUT);
        // a request crosses three network exchanges (workers, shards, serving): at Flink's 100 ms
        // flush timeout an idle job answers in up to 300 ms; under load buffers fill first
        c.set(ExecutionOptions.BUFFER_TIMEOUT, BUFFER_TIMEOUT);
        // at full speed an aligned barrier waits behind every event buffered in front of the
        // workers (1.5 of 2.1 s); debloating bounds that to BUFFER_DEBLOAT_TARGET's worth, and with
        // the checkpoints the workers' copy of the model and the committed results (unaligned
        // checkpoints keep on time too, but cost HR@10 in replays: docs/operations.md)
        c.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        c.set(TaskManagerOptions.BUFFER_DEBLOAT_TARGET, BUFFER_DEBLOAT_TARGET);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                Duration.ofSeconds(1));
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofSeconds(30));
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(10));
        return c;
    }

    /**
     * The configuration of a job on an embedded MiniCluster (or a local environment): {@link
     * #checkpointsAndRestarts()} into {@code checkpointDir}, RocksDB's managed memory, then {@code
     * jobConf} on top, so job options and any Flink option given there win.
     */
    public static Configuration embedded(Configuration jobConf, Path checkpointDir) {
        Configuration c = checkpointsAndRestarts();
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpointDir.toAbsolutePath().toUri().toString());
        c.addAll(embeddedCluster());
        c.addAll(jobConf);
        return c;
    }

    /** TaskManager settings of an embedded MiniCluster. */
    public static Configuration embeddedCluster() {
        Configuration c = new Configuration();
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, EMBEDDED_MANAGED_MEMORY);
        return c;
    }
}
