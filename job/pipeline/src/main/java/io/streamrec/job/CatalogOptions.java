package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The item catalog file the job reads at start. Read in one place: {@link JobSettings}. */
public final class CatalogOptions {
    private CatalogOptions() {}

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("items.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Optional item file (titles and attributes).");

    public static final ConfigOption<String> FORMAT =
            ConfigOptions.key("items.format")
                    .stringType()
                    .defaultValue("movietweetings")
                    .withDescription("movietweetings, movielens-100k or movielens-csv.");

    public static final ConfigOption<String> CHARSET =
            ConfigOptions.key("items.charset")
                    .stringType()
                    .defaultValue("auto")
                    .withDescription(
                            "Charset of items.path, e.g. UTF-8, ISO-8859-1, windows-1252; auto"
                                    + " reads UTF-8, or ISO-8859-1 where the bytes say so"
                                    + " unambiguously, and otherwise fails naming the line."
                                    + " UTF-16 and UTF-32 are refused, set here or detected"
                                    + " under auto (a byte-order mark or a NUL byte): lines are"
                                    + " split at byte 0x0A.");
}
