package io.streamrec.kafka;

import io.streamrec.config.InvalidOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * The names of every topic the job reads or writes ({@code topic.*}), one per {@link
 * TopicOptions#ALL} option, each a name Kafka accepts and no two naming the same topic or ones
 * Kafka takes for the same.
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

    /**
     * Reads the topics, failing with an {@link InvalidOption} for a blank name, one Kafka refuses,
     * or one shared with, or colliding with, another option's.
     */
    public static JobTopics from(ReadableConfig conf) {
        Map<String, String> optionByTopic = new LinkedHashMap<>();
        for (ConfigOption<String> option : TopicOptions.ALL) {
            String topic = conf.get(option);
            checkLegal(option, topic);
            checkOwn(option, topic, optionByTopic);
            optionByTopic.put(topic, option.key());
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

    /** Kafka's own rules (characters, length), so a bad name fails here, not at topic creation. */
    private static void checkLegal(ConfigOption<String> option, String topic) {
        if (topic.isBlank()) {
            throw new InvalidOption(option, topic, "not empty");
        }
        try {
            Topic.validate(topic);
        } catch (InvalidTopicException e) {
            throw new InvalidOption(
                    option, topic, "a legal Kafka topic name (" + e.getMessage() + ")");
        }
    }

    /** Neither the same topic as another option's nor one Kafka takes for the same. */
    private static void checkOwn(
            ConfigOption<String> option, String topic, Map<String, String> optionByTopic) {
        for (Map.Entry<String, String> other : optionByTopic.entrySet()) {
            if (other.getKey().equals(topic)) {
                throw new InvalidOption(
                        option, topic, "a topic of its own, not " + other.getValue() + "'s");
            }
            if (Topic.hasCollision(topic, other.getKey())) {
                throw new InvalidOption(
                        option,
                        topic,
                        "a topic that does not collide with "
                                + other.getValue()
                                + "'s "
                                + other.getKey()
                                + " (Kafka takes '.' and '_' for one in metric names)");
            }
        }
    }
}
