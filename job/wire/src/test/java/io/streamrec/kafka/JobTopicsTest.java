package io.streamrec.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidOption;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobTopicsTest {

    @Test
    void readsEveryTopicOption() {
        JobTopics topics =
                JobTopics.from(
                        Configuration.fromMap(
                                Map.of("topic.events", "run-7-events", "topic.results", "out")));

        assertThat(topics)
                .isEqualTo(
                        new JobTopics(
                                "run-7-events",
                                "requests",
                                "out",
                                "model-updates",
                                "items",
                                "item-catalog",
                                "eval-reports",
                                "dead-letters"));
    }

    @Test
    void twoOptionsNamingOneTopicAreRefusedNamingBoth() {
        assertThatThrownBy(
                        () ->
                                JobTopics.from(
                                        Configuration.fromMap(
                                                Map.of("topic.dead-letters", "events"))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option topic.dead-letters = events is out of range: must be a topic of"
                                + " its own, not topic.events's");
    }

    @Test
    void aBlankTopicIsRefused() {
        assertThatThrownBy(() -> JobTopics.from(Configuration.fromMap(Map.of("topic.results", ""))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage("option topic.results =  is out of range: must be not empty");
    }

    @Test
    void aNameKafkaRefusesIsRefusedNamingTheOption() {
        assertThatThrownBy(
                        () ->
                                JobTopics.from(
                                        Configuration.fromMap(Map.of("topic.events", "my events"))))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith(
                        "option topic.events = my events is out of range: must be a legal Kafka"
                                + " topic name")
                .hasMessageContaining("ASCII alphanumerics");
        assertThatThrownBy(
                        () ->
                                JobTopics.from(
                                        Configuration.fromMap(
                                                Map.of("topic.results", "r".repeat(300)))))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("option topic.results = rrr")
                .hasMessageContaining("249");
    }

    @Test
    void namesThatCollideInKafkaAreRefusedNamingBoth() {
        assertThatThrownBy(
                        () ->
                                JobTopics.from(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "topic.events", "x.y",
                                                        "topic.requests", "x_y"))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option topic.requests = x_y is out of range: must be a topic that does not"
                                + " collide with topic.events's x.y (Kafka takes '.' and '_' for"
                                + " one in metric names)");
    }
}
