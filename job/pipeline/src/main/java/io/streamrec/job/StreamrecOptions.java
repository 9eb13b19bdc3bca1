package io.streamrec.job;

import io.streamrec.config.KnownOptions;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.ValidationOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The index of the job's settings: each {@code *Options} class groups one concern's Flink {@link
 * ConfigOption}s, and {@link JobSettings} is the one place the job reads them (the options it
 * shares with the gateway through {@code KafkaSettings.from}, {@code JobTopics.from} and {@code
 * ValidationOptions.maxFuture}).
 */
public final class StreamrecOptions {
    private StreamrecOptions() {}

    /** Every class whose public static {@link ConfigOption} fields are options of the job. */
    public static final List<Class<?>> CLASSES =
            List.of(
                    KafkaOptions.class,
                    KafkaSinkOptions.class,
                    TopicOptions.class,
                    ValidationOptions.class,
                    GuardOptions.class,
                    ModelOptions.class,
                    OptimizerOptions.class,
                    WorkerOptions.class,
                    ParallelismOptions.class,
                    RankerOptions.class,
                    ServingOptions.class,
                    ParameterServerOptions.class,
                    EvaluationOptions.class,
                    CatalogOptions.class,
                    PrivacyOptions.class);

    /** Every option of the job, in the order of {@link #CLASSES} and their fields. */
    public static List<ConfigOption<?>> all() {
        return KnownOptions.declaredIn(CLASSES);
    }
}
