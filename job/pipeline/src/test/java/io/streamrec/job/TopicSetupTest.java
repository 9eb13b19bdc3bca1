package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The job's topics as {@code --create-topics} asks the broker for them. */
class TopicSetupTest {

    @Test
    void aTopicTakesTheBrokersReplicationFactor() {
        NewTopic topic =
                TopicSetup.newTopic("model-updates", 4, Map.of("cleanup.policy", "compact"));
        assertThat(topic.replicationFactor()).isEqualTo((short) -1); // the broker's default
        assertThat(topic.numPartitions()).isEqualTo(4);
        assertThat(topic.configs()).containsEntry("cleanup.policy", "compact");
    }
}
