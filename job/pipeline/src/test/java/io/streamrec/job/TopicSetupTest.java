package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.kafka.TopicOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
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

    /**
     * Events with their own partitions; the partitioned topics with the job's; reports, items and
     * the catalog with one; the catalog and the model-updates compacted.
     */
    @Test
    void theJobsTopicsTakeTheirPartitionsAndCleanup() {
        Configuration conf = new Configuration();
        conf.set(TopicOptions.CATALOG, "shop-catalog");
        Map<String, NewTopic> topics =
                TopicSetup.topics(new JobSettings(conf).topics(), 4, 2).stream()
                        .collect(Collectors.toMap(NewTopic::name, t -> t));

        assertThat(topics)
                .hasSize(TopicOptions.ALL.size())
                .containsKeys("shop-catalog")
                .doesNotContainKey("item-catalog");
        assertThat(topics.get("events").numPartitions()).isEqualTo(2);
        for (String partitioned : List.of("requests", "results", "dead-letters", "model-updates")) {
            assertThat(topics.get(partitioned).numPartitions()).as(partitioned).isEqualTo(4);
        }
        for (String single : List.of("eval-reports", "items", "shop-catalog")) {
            assertThat(topics.get(single).numPartitions()).as(single).isEqualTo(1);
        }
        assertThat(topics.get("shop-catalog").configs())
                .isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(topics.get("model-updates").configs())
                .isEqualTo(Map.of("cleanup.policy", "compact", "segment.ms", "60000"));
        assertThat(topics.get("events").configs()).isEmpty();
    }
}
