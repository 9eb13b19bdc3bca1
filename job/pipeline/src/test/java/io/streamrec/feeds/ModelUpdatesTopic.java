package io.streamrec.feeds;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;

/** A one-partition model-updates topic for operator tests: a reader of committed rows. */
public final class ModelUpdatesTopic {
    private static final TopicPartition TOPIC = new TopicPartition("model-updates", 0);

    private ModelUpdatesTopic() {}

    /** An empty topic, still writable after the operator under test closes its reader. */
    public static MockConsumer<byte[], byte[]> empty() {
        MockConsumer<byte[], byte[]> topic =
                new MockConsumer<>("earliest") {
                    @Override
                    public synchronized void close(Duration timeout) {
                        // a broker's topic takes commits after a reader closed: keep it writable
                    }
                };
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        topic.updateEndOffsets(Map.of(TOPIC, 0L));
        return topic;
    }

    /** Appends a committed row: it becomes visible to read_committed readers. */
    public static void commit(MockConsumer<byte[], byte[]> topic, long offset, ParameterRow row) {
        topic.addRecord(
                new ConsumerRecord<>(
                        TOPIC.topic(),
                        TOPIC.partition(),
                        offset,
                        row.key().getBytes(),
                        ParameterRowSerializer.INSTANCE.toBytes(row)));
        topic.updateEndOffsets(Map.of(TOPIC, offset + 1));
    }

    /** Appends a committed tombstone of {@code key} (a null value). */
    public static void erase(MockConsumer<byte[], byte[]> topic, long offset, String key) {
        topic.addRecord(
                new ConsumerRecord<>(
                        TOPIC.topic(), TOPIC.partition(), offset, key.getBytes(), null));
        topic.updateEndOffsets(Map.of(TOPIC, offset + 1));
    }
}
