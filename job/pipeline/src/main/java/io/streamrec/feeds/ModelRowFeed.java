package io.streamrec.feeds;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the model-updates topic (written transactionally by the parameter server at every
 * checkpoint) with {@code read_committed}, so it only ever sees rows of completed checkpoints. It
 * always starts from the beginning of the compacted topic: what it builds is a cache that a
 * restarted operator rebuilds, never state that correctness depends on. Not thread-safe: use it
 * from the operator's task thread.
 */
public final class ModelRowFeed implements AutoCloseable {
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;

    public ModelRowFeed(Properties kafkaProperties, String topic) {
        this(CommittedReader.open(kafkaProperties, topic, true));
    }

    /**
     * A feed over a consumer that the caller assigned and positioned (a {@code read_committed}
     * consumer at the beginning of the topic, or a test's mock).
     */
    public ModelRowFeed(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * Reads everything committed up to now, blocking until the end offsets seen at the call are
     * reached. Returns the number of rows read.
     */
    public long catchUp(Consumer<ParameterRow> sink) {
        return CommittedReader.catchUp(consumer, timeout -> poll(timeout, sink));
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

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
