package io.streamrec.job;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The workers' micro-batches and model copies. Read in one place: {@link JobSettings}. */
public final class WorkerOptions {
    private WorkerOptions() {}

    public static final ConfigOption<Integer> RECENT_POSITIVES =
            ConfigOptions.key("worker.recent-positives")
                    .intType()
                    .defaultValue(2000)
                    .withDescription("Size of each worker's ring of recent positives.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("worker.batch-size")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Micro-batch size that triggers a flush; unset: 256 under"
                                    + " model.type RANKER, 64 under BPR. A flush is one DJL"
                                    + " forward and backward pass and one aggregated update per"
                                    + " touched row, so larger batches cost less CPU per event;"
                                    + " the factorization model alone loses quality with them,"
                                    + " the ranker (whose scorer steps every ranker.batch-size"
                                    + " events) does not.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("worker.flush-interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Longest time an event waits in a micro-batch; unset: 100 ms under"
                                    + " model.type RANKER, 50 ms under BPR. Below full load it"
                                    + " sets the batch size, and it adds to freshness.");

    public static final ConfigOption<Boolean> LOCAL_UPDATES =
            ConfigOptions.key("worker.local-updates")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Workers apply their own updates to their model copy until the"
                                    + " parameter server's newer rows arrive.");

    public static final ConfigOption<Boolean> PREFER_GPU =
            ConfigOptions.key("worker.prefer-gpu")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Train on a GPU when the engine sees one.");

    public static final ConfigOption<Integer> MAX_USER_ITEMS =
            ConfigOptions.key("worker.max-user-items")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Items the workers remember per user for exclusion and history. The"
                                    + " learned ranker's statistics remember 1,000 per user"
                                    + " whatever this says.");
}
