package io.streamrec.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ItemRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ItemCatalogFeedTest {
    private static final TopicPartition TOPIC = new TopicPartition("catalog", 0);

    @Test
    void anUnreadableRecordIsSkippedAndCountedATombstoneIsSkipped() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        add(topic, 0, "{not json".getBytes(StandardCharsets.UTF_8));
        add(topic, 1, null);
        add(topic, 2, "{\"itemId\":\"i1\",\"title\":\"A\"}".getBytes(StandardCharsets.UTF_8));
        topic.updateEndOffsets(Map.of(TOPIC, 3L));

        ItemCatalogFeed feed = new ItemCatalogFeed(topic, 0);
        List<ItemRecord> items = new ArrayList<>();
        long read = feed.catchUp(items::add);

        assertThat(read).isEqualTo(1);
        assertThat(items).extracting(ItemRecord::itemId).containsExactly("i1");
        assertThat(feed.unreadableRecords()).isEqualTo(1);
    }

    /**
     * An item the job writes to a partition added to the catalog while serving runs reaches
     * serving's catalog through its one-poll-a-call path ({@code poll}), as it does after a
     * restart.
     */
    @Test
    void anItemOnAPartitionAddedWhileReadingIsHandedOver() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        TopicPartition added = new TopicPartition(TOPIC.topic(), 1);
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        topic.updateEndOffsets(Map.of(TOPIC, 0L));
        ItemCatalogFeed feed = new ItemCatalogFeed(topic, 0, Duration.ZERO);
        List<ItemRecord> items = new ArrayList<>();
        feed.catchUp(items::add);

        topic.updatePartitions(
                TOPIC.topic(),
                List.of(
                        new PartitionInfo(TOPIC.topic(), 0, null, new Node[0], new Node[0]),
                        new PartitionInfo(TOPIC.topic(), 1, null, new Node[0], new Node[0])));
        topic.updateBeginningOffsets(Map.of(added, 0L));
        // MockConsumer takes records only for an assigned partition
        topic.schedulePollTask(
                () -> {
                    if (topic.assignment().contains(added)) {
                        topic.addRecord(
                                new ConsumerRecord<>(
                                        added.topic(),
                                        added.partition(),
                                        0L,
                                        null,
                                        "{\"itemId\":\"i2\"}".getBytes(StandardCharsets.UTF_8)));
                    }
                });
        feed.poll(Duration.ZERO, items::add);

        assertThat(items).extracting(ItemRecord::itemId).containsExactly("i2");
    }

    private static void add(MockConsumer<byte[], byte[]> topic, long offset, byte[] value) {
        topic.addRecord(
                new ConsumerRecord<>(TOPIC.topic(), TOPIC.partition(), offset, null, value));
    }
}
