package io.streamrec.loop;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the model-updates topic (written transactionally by the parameter server at every
 * checkpoint) with {@code read_committed}, so it only ever sees rows of completed checkpoints. It
 * always starts from the beginning of the compacted topic: what it builds is a cache that a
 * restarted operator rebuilds, never state that correctness depends on. Not thread-safe: use it
 * from the operator's task thread.
 */
public final class ModelRowFeed implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    public ModelRowFeed(Properties kafkaProperties, String topic) {
        this.consumer = CommittedReader.open(kafkaProperties, topic, true);
        this.partitions = List.copyOf(consumer.assignment());
    }

    /**
     * Reads everything committed up to now, blocking until the end offsets seen at the call are
     * reached. Returns the number of rows read.
     */
    public long catchUp(Consumer<ParameterRow> sink) {
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        long rows = 0;
        while (!reached(end)) {
            rows += poll(Duration.ofMillis(200), sink);
        }
        return rows;
    }

    /** Hands over whatever rows have arrived, waiting at most {@code timeout}. */
    public long poll(Duration timeout, Consumer<ParameterRow> sink) {
        long rows = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue; // tombstone
            }
            try {
                sink.accept(ParameterRowSerializer.INSTANCE.fromBytes(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable row at offset " + r.offset(), e);
            }
            rows++;
        }
        return rows;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
