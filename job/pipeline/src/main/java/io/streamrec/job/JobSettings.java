package io.streamrec.job;

import io.streamrec.feeds.KafkaSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.model.ModelConfig;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.FtrlProximalUpdater;
import io.streamrec.ps.RowOptimizer;
import io.streamrec.serving.ServingSettings;
import io.streamrec.worker.WorkerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.flink.configuration.ReadableConfig;

/** The one place that reads the job's configuration into typed settings. */
public final class JobSettings {
    private final ReadableConfig conf;

    public JobSettings(ReadableConfig conf) {
        this.conf = conf;
    }

    public <T> T get(org.apache.flink.configuration.ConfigOption<T> option) {
        return conf.get(option);
    }

    /** A stage's parallelism: its option if set, else the job's default parallelism. */
    public int parallelism(
            org.apache.flink.configuration.ConfigOption<Integer> option, int jobParallelism) {
        return conf.getOptional(option).orElse(jobParallelism);
    }

    public KafkaSettings kafka() {
        return new KafkaSettings(
                conf.get(StreamrecOptions.BOOTSTRAP_SERVERS),
                conf.get(StreamrecOptions.KAFKA_PROPERTIES));
    }

    public ModelConfig model() {
        return new ModelConfig(
                conf.get(StreamrecOptions.DIM),
                conf.get(StreamrecOptions.NEGATIVES),
                conf.get(StreamrecOptions.HISTORY_LENGTH),
                conf.get(StreamrecOptions.TREND_HALF_LIFE).toMillis(),
                conf.get(StreamrecOptions.SEED),
                conf.get(StreamrecOptions.CONTENT_DIM));
    }

    public RowOptimizer optimizer() {
        double lr = conf.get(StreamrecOptions.LEARNING_RATE);
        switch (conf.get(StreamrecOptions.OPTIMIZER)) {
            case FTRL:
                return new FtrlProximalUpdater(
                        lr,
                        conf.get(StreamrecOptions.FTRL_BETA),
                        conf.get(StreamrecOptions.FTRL_L1),
                        conf.get(StreamrecOptions.L2));
            default:
                return new AdagradUpdater(
                        lr, conf.get(StreamrecOptions.ADAGRAD_INITIAL_ACCUMULATOR), 1e-8);
        }
    }

    public FrequencyAdaptiveL2 l2() {
        return new FrequencyAdaptiveL2(conf.get(StreamrecOptions.L2));
    }

    public ServingSettings serving() {
        return new ServingSettings(
                conf.get(StreamrecOptions.EVAL_WINDOW).toMillis(),
                conf.get(StreamrecOptions.EVAL_SAMPLE_RATE),
                conf.get(StreamrecOptions.SERVING_ANN_MIN_ITEMS));
    }

    public WorkerSettings worker() {
        return new WorkerSettings(
                conf.get(StreamrecOptions.BATCH_SIZE),
                conf.get(StreamrecOptions.FLUSH_INTERVAL).toMillis(),
                conf.get(StreamrecOptions.LOCAL_UPDATES),
                conf.get(StreamrecOptions.PREFER_GPU),
                conf.get(StreamrecOptions.MAX_USER_ITEMS),
                conf.get(StreamrecOptions.RECENT_NEGATIVE_FRACTION),
                conf.get(StreamrecOptions.RECENT_POSITIVES),
                conf.get(StreamrecOptions.DEDUPE_WINDOW).toMillis());
    }

    /** The item catalog from {@code items.path}, or an empty one. */
    public ItemCatalog catalog() {
        return conf.getOptional(StreamrecOptions.ITEMS_PATH)
                .map(
                        p -> {
                            try {
                                return ItemCatalog.read(
                                        Path.of(p),
                                        ItemFormat.parse(conf.get(StreamrecOptions.ITEMS_FORMAT)));
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot read items " + p, e);
                            }
                        })
                .orElseGet(ItemCatalog::empty);
    }
}
