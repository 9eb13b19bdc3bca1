package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Each stage's parallelism. Read in one place: {@link JobSettings}. */
public final class ParallelismOptions {
    private ParallelismOptions() {}

    public static final ConfigOption<Integer> WORKERS =
            ConfigOptions.key("parallelism.workers")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Parallelism of the sources and workers; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");

    public static final ConfigOption<Integer> SHARDS =
            ConfigOptions.key("parallelism.shards")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Number of parameter-server shards; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");

    public static final ConfigOption<Integer> SHARDS_MAX =
            ConfigOptions.key("parallelism.shards-max")
                    .intType()
                    .defaultValue(128)
                    .withDescription("Max parallelism (key groups) of the parameter server.");

    public static final ConfigOption<Integer> SERVING =
            ConfigOptions.key("parallelism.serving")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Parallelism of serving and evaluation; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");
}
