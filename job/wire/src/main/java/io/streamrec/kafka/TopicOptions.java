package io.streamrec.kafka;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The names of the topics the job reads and writes. */
public final class TopicOptions {
    private TopicOptions() {}

    public static final ConfigOption<String> EVENTS =
            ConfigOptions.key("topic.events")
                    .stringType()
                    .defaultValue("events")
                    .withDescription("Topic of user events (JSON).");

    public static final ConfigOption<String> REQUESTS =
            ConfigOptions.key("topic.requests")
                    .stringType()
                    .defaultValue("requests")
                    .withDescription("Topic of recommendation requests (JSON).");

    public static final ConfigOption<String> RESULTS =
            ConfigOptions.key("topic.results")
                    .stringType()
                    .defaultValue("results")
                    .withDescription(
                            "Topic of recommendation results (JSON), written as"
                                    + " results.delivery-guarantee says.");

    public static final ConfigOption<String> MODEL_UPDATES =
            ConfigOptions.key("topic.model-updates")
                    .stringType()
                    .defaultValue("model-updates")
                    .withDescription(
                            "Compacted topic of checkpointed parameter rows: the exactly-once"
                                    + " feedback loop to the workers. Owned by one job.");

    public static final ConfigOption<String> ITEMS =
            ConfigOptions.key("topic.items")
                    .stringType()
                    .defaultValue("items")
                    .withDescription(
                            "Topic of catalog items (JSON: attributes, optional pretrained content"
                                    + " vector).");

    public static final ConfigOption<String> CATALOG =
            ConfigOptions.key("topic.catalog")
                    .stringType()
                    .defaultValue("item-catalog")
                    .withDescription(
                            "Compacted topic of validated items that workers and serving read."
                                    + " Owned by one job.");

    public static final ConfigOption<String> EVAL_REPORTS =
            ConfigOptions.key("topic.eval-reports")
                    .stringType()
                    .defaultValue("eval-reports")
                    .withDescription("Topic of prequential evaluation reports (JSON).");

    public static final ConfigOption<String> DEAD_LETTERS =
            ConfigOptions.key("topic.dead-letters")
                    .stringType()
                    .defaultValue("dead-letters")
                    .withDescription("Topic of rejected input with the reason (JSON).");

    /** Every topic the job reads or writes, e.g. to give a run its own set. */
    public static final List<ConfigOption<String>> ALL =
            List.of(
                    EVENTS,
                    REQUESTS,
                    RESULTS,
                    MODEL_UPDATES,
                    ITEMS,
                    CATALOG,
                    EVAL_REPORTS,
                    DEAD_LETTERS);
}
