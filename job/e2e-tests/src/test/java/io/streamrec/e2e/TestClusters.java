package io.streamrec.e2e;

import io.streamrec.job.RuntimeDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.FinishedTaskStateProvider.PartialFinishingNotSupportedByStateException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

/**
 * The MiniCluster every integration test runs on (one TaskManager with two slots) and the job
 * configuration it runs with: streamrec's {@link RuntimeDefaults}, checkpoints more often.
 */
public final class TestClusters {
    /** Results and model updates become visible per checkpoint; tests wait less at this pace. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(300);

    /** How long {@link #stopWithSavepoint} asks again after refused stops. */
    static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);

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
     * deploy/flink-job.sh}'s {@code stop}); the job then restarts from its last checkpoint, so a
     * stop that failed on a checkpoint is asked again, for {@link #STOP_TIMEOUT} at most. Any other
     * failure, or the timeout, cancels the job and is thrown with the earlier refusals.
     */
    static String stopWithSavepoint(JobClient job, Path directory) throws Exception {
        String[] savepoint = new String[1];
        List<Exception> refusals = new ArrayList<>();
        try {
            Await.waitUntil(
                    "the job stops with a savepoint",
                    STOP_TIMEOUT,
                    () -> {
                        try {
                            savepoint[0] =
                                    job.stopWithSavepoint(
                                                    false,
                                                    directory.toUri().toString(),
                                                    SavepointFormatType.CANONICAL)
                                            .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                            return true;
                        } catch (ExecutionException e) {
                            if (!refusedCheckpoint(e)
                                    || job.getJobStatus().get().isGloballyTerminalState()) {
                                throw e;
                            }
                            refusals.add(e);
                            return false;
                        }
                    });
        } catch (Exception | AssertionError e) {
            refusals.forEach(e::addSuppressed);
            try {
                cancelAndAwait(job);
            } catch (Exception notCancelled) {
                e.addSuppressed(notCancelled);
            }
            throw e;
        }
        return savepoint[0];
    }

    private static boolean refusedCheckpoint(Throwable t) {
        return ExceptionUtils.findThrowable(t, CheckpointException.class).isPresent()
                || ExceptionUtils.findThrowable(
                                t, PartialFinishingNotSupportedByStateException.class)
                        .isPresent();
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
