package io.streamrec.e2e;

import io.streamrec.job.RuntimeDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster every integration test runs on (one TaskManager with two slots) and the job
 * configuration it runs with: streamrec's {@link RuntimeDefaults}, checkpoints more often.
 */
public final class TestClusters {
    /** Results and model updates become visible per checkpoint; tests wait less at this pace. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(300);

    private TestClusters() {}

    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(RuntimeDefaults.embeddedCluster())
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    /** {@link RuntimeDefaults#embedded} with checkpoints every {@link #CHECKPOINT_INTERVAL}. */
    public static Configuration jobConfiguration(Configuration jobConf, Path checkpointDir) {
        Configuration c = RuntimeDefaults.embedded(jobConf, checkpointDir);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        return c;
    }

    /**
     * Stops a job with a canonical savepoint under {@code directory} and returns its path. Flink
     * 2.2 can refuse a stop when the source subtasks stop at different moments (the race in {@code
     * deploy/flink-job.sh}'s {@code stop}); the job then restarts from its last checkpoint, so the
     * stop is asked again until one is taken.
     */
    static String stopWithSavepoint(JobClient job, Path directory) throws Exception {
        String[] savepoint = new String[1];
        Exception[] refused = new Exception[1];
        try {
            Await.waitUntil(
                    "the job stops with a savepoint",
                    Duration.ofMinutes(3),
                    () -> {
                        try {
                            savepoint[0] =
                                    job.stopWithSavepoint(
                                                    false,
                                                    directory.toUri().toString(),
                                                    SavepointFormatType.CANONICAL)
                                            .get();
                            return true;
                        } catch (ExecutionException e) {
                            refused[0] = e;
                            return false;
                        }
                    });
        } catch (AssertionError timedOut) {
            timedOut.initCause(refused[0]);
            throw timedOut;
        }
        return savepoint[0];
    }

    /**
     * Cancels a job and waits until it has stopped, so nothing writes into its checkpoint directory
     * any more when the test's temporary directory is deleted ({@code cancel()} only asks).
     */
    static void cancelAndAwait(JobClient job) throws Exception {
        job.cancel().get();
        Await.waitUntil(
                "the cancelled job has stopped",
                Duration.ofSeconds(60),
                () -> {
                    try {
                        return job.getJobStatus().get().isGloballyTerminalState();
                    } catch (ExecutionException gone) {
                        return true; // no longer known to the cluster: stopped
                    }
                });
    }
}
