package io.streamrec.job;

import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.ValidationOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
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
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> c : CLASSES) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                    options.add(read(f));
                }
            }
        }
        return options;
    }

    private static ConfigOption<?> read(Field f) {
        try {
            return (ConfigOption<?>) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("an option field that is not public: " + f, e);
        }
    }
}
