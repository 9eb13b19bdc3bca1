package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The parameter server's write-back cache. Read in one place: {@link JobSettings}. */
public final class ParameterServerOptions {
    private ParameterServerOptions() {}

    public static final ConfigOption<Integer> CACHE_ROWS =
            ConfigOptions.key("ps.cache-rows")
                    .intType()
                    .defaultValue(1_000_000)
                    .withDescription(
                            "Rows a parameter-server subtask keeps in its write-back cache, least"
                                    + " recently used evicted first; an evicted row changed since"
                                    + " the last checkpoint is written to state as it leaves.");
}
