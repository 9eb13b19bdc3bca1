package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.kafka.JobTopics;
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

    private static List<TopicSetup.Mismatch> mismatches(
            Map<String, TopicSetup.Described> existing) {
        JobTopics names = new JobSettings(new Configuration()).topics();
        return TopicSetup.mismatches(names, TopicSetup.topics(names, 2, 2), existing);
    }

    /** Kafka's defaults: 7 days, no size limit. */
    private static TopicSetup.Described described(int partitions, String cleanupPolicy) {
        return new TopicSetup.Described(partitions, cleanupPolicy, 604_800_000L, -1L);
    }

    /**
     * Topics that exist as the job would create them are fine, whatever else exists; retention does
     * not touch a compact-only topic.
     */
    @Test
    void existingTopicsAsTheJobAsksThemHaveNoMismatch() {
        assertThat(
                        mismatches(
                                Map.of(
                                        "events", described(4, "delete"),
                                        "model-updates", described(2, "compact"),
                                        "item-catalog", described(1, "compact"),
                                        "items", described(1, "delete"),
                                        "other", described(1, "delete"))))
                .isEmpty();
    }

    /**
     * model-updates compacted and deleted after Kafka's default 7 days: a row last changed on day 1
     * is gone on day 9, and a replica rebuilt from the topic starts that item from its initial
     * weights. Fatal, naming the topic, the policy and the retention.
     */
    @Test
    void compactDeleteWithTimeRetentionIsFatal() {
        List<TopicSetup.Mismatch> found =
                mismatches(Map.of("model-updates", described(2, "compact,delete")));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fatal()).isTrue();
        assertThat(found.get(0).toString())
                .contains("topic model-updates has cleanup.policy=compact,delete")
                .contains("retention.ms=604800000")
                .contains("the job needs cleanup.policy=compact");
    }

    /** A size limit deletes old segments under compact,delete just as a time limit does. */
    @Test
    void compactDeleteWithSizeRetentionIsFatal() {
        List<TopicSetup.Mismatch> found =
                mismatches(
                        Map.of(
                                "item-catalog",
                                new TopicSetup.Described(1, "compact,delete", -1L, 1L << 30)));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fatal()).isTrue();
        assertThat(found.get(0).toString())
                .contains("topic item-catalog has cleanup.policy=compact,delete")
                .contains("retention.bytes=1073741824");
    }

    /** With neither a time nor a size limit, delete never removes a segment: as good as compact. */
    @Test
    void compactDeleteWithInfiniteRetentionPasses() {
        assertThat(
                        mismatches(
                                Map.of(
                                        "model-updates",
                                        new TopicSetup.Described(2, "compact,delete", -1L, -1L),
                                        "item-catalog",
                                        new TopicSetup.Described(1, "delete,compact", -1L, -1L))))
                .isEmpty();
    }

    /** events with 1 partition under events-partitions=2: kept, but said, and not fatal. */
    @Test
    void fewerPartitionsThanAskedIsAWarning() {
        List<TopicSetup.Mismatch> found = mismatches(Map.of("events", described(1, "delete")));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fatal()).isFalse();
        assertThat(found.get(0).toString())
                .isEqualTo("topic events has 1 partition, the job asks for 2");
    }

    /** items keeps one item's updates in order only on one partition. */
    @Test
    void itemsOnMoreThanOnePartitionIsAWarning() {
        List<TopicSetup.Mismatch> found = mismatches(Map.of("items", described(3, "delete")));

        assertThat(found)
                .extracting(Object::toString)
                .singleElement()
                .asString()
                .startsWith("topic items has 3 partitions, the job asks for 1");
    }

    /**
     * model-updates the broker auto-created (cleanup.policy=delete): a forgotten user's earlier
     * rows would stay until retention, and rows not updated within it would vanish from replicas
     * rebuilt from the topic. Fatal, naming the topic, what it has and what the job needs.
     */
    @Test
    void aTopicTheJobCompactsWithoutCompactionIsFatal() {
        List<TopicSetup.Mismatch> found =
                mismatches(Map.of("model-updates", described(2, "delete")));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).fatal()).isTrue();
        assertThat(found.get(0).toString())
                .contains("topic model-updates has cleanup.policy=delete")
                .contains("the job needs cleanup.policy=compact");
    }

    /**
     * A job's principal without DESCRIBE_CONFIGS starts; any other failure still fails the setup.
     */
    @Test
    void onlyARefusedDescriptionIsPassedOver() {
        assertThat(
                        TopicSetup.unauthorized(
                                new java.util.concurrent.ExecutionException(
                                        new org.apache.kafka.common.errors
                                                .TopicAuthorizationException("no"))))
                .isTrue();
        assertThat(
                        TopicSetup.unauthorized(
                                new java.util.concurrent.ExecutionException(
                                        new org.apache.kafka.common.errors.TimeoutException(
                                                "slow"))))
                .isFalse();
    }
}
