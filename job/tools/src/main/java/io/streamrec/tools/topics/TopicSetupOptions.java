package io.streamrec.tools.topics;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * {@link TopicSetupMain}'s own options; the broker and the topic names are the job's options
 * (README, Configuration).
 */
public final class TopicSetupOptions {
    private TopicSetupOptions() {}

    public static final ConfigOption<Integer> PARTITIONS =
            ConfigOptions.key("partitions")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Partitions of requests, results, dead-letters and model-updates"
                                    + " (eval-reports, items and item-catalog get one).");

    public static final ConfigOption<Integer> EVENTS_PARTITIONS =
            ConfigOptions.key("events-partitions")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Partitions of events: 1, as the job's --create-topics makes it; more"
                                    + " spread users over partitions, each partition's event time"
                                    + " judged on its own.");

    /** Every option, for the usage and the tests. */
    static final List<ConfigOption<Integer>> ALL = List.of(PARTITIONS, EVENTS_PARTITIONS);

    /** "partitions (default 2), events-partitions (default 1)", for the usage. */
    static String withDefaults() {
        return ALL.stream()
                .map(o -> o.key() + " (default " + o.defaultValue() + ")")
                .collect(Collectors.joining(", "));
    }
}
