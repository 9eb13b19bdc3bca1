package io.streamrec.kafka;

import io.streamrec.config.InvalidOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The names of every topic the job reads or writes ({@code topic.*}), one per {@link
 * TopicOptions#ALL} option, each set and no two naming the same topic.
 *
 * @param events user events, read
 * @param requests recommendation and forget requests, read
 * @param results recommendation results, written
 * @param modelUpdates the compacted feedback loop of checkpointed parameter rows, written and read
 * @param items catalog items, read
 * @param catalog the compacted topic of validated items, written and read
 * @param evalReports prequential evaluation reports, written
 * @param deadLetters rejected input, written
 */
public record JobTopics(
        String events,
        String requests,
        String results,
        String modelUpdates,
        String items,
        String catalog,
        String evalReports,
        String deadLetters) {

    /** Reads the topics, failing with an {@link InvalidOption} for a blank or a shared name. */
    public static JobTopics from(ReadableConfig conf) {
        Map<String, String> optionByTopic = new HashMap<>();
        for (ConfigOption<String> option : TopicOptions.ALL) {
            String topic = conf.get(option);
            if (topic.isBlank()) {
                throw new InvalidOption(option, topic, "not empty");
            }
            String other = optionByTopic.putIfAbsent(topic, option.key());
            if (other != null) {
                throw new InvalidOption(option, topic, "a topic of its own, not " + other + "'s");
            }
        }
        return new JobTopics(
                conf.get(TopicOptions.EVENTS),
                conf.get(TopicOptions.REQUESTS),
                conf.get(TopicOptions.RESULTS),
                conf.get(TopicOptions.MODEL_UPDATES),
                conf.get(TopicOptions.ITEMS),
                conf.get(TopicOptions.CATALOG),
                conf.get(TopicOptions.EVAL_REPORTS),
                conf.get(TopicOptions.DEAD_LETTERS));
    }
}
