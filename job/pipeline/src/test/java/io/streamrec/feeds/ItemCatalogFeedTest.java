package io.streamrec.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ItemRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
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

    private static void add(MockConsumer<byte[], byte[]> topic, long offset, byte[] value) {
        topic.addRecord(
                new ConsumerRecord<>(TOPIC.topic(), TOPIC.partition(), offset, null, value));
    }
}
