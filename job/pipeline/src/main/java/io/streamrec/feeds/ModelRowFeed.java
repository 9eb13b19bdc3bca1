package io.streamrec.feeds;

import io.streamrec.ps.RowInitializer;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.io.IOException;
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
    private final UnreadableRecords unreadable = new UnreadableRecords("model-updates");
    private RowWidths widths;

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
     * Makes this feed skip, as unreadable, rows whose width is not the one {@code initializer}
     * gives their kind (rows written under another {@code model.dim}). Returns this feed.
     */
    public ModelRowFeed checkingWidthsOf(RowInitializer initializer) {
        this.widths = new RowWidths(initializer);
        return this;
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
            ParameterRow row;
            try {
                row = ParameterRowSerializer.INSTANCE.fromBytes(r.value());
            } catch (IOException | RuntimeException e) {
                unreadable.skip(r.offset(), e);
                continue;
            }
            String mismatch =
                    widths == null ? null : widths.mismatch(row.key(), row.weights().length);
            if (mismatch != null) {
                unreadable.skip(r.offset(), new IOException(mismatch));
                continue;
            }
            sink.accept(row);
            rows++;
        }
        return rows;
    }

    /** Records skipped since this feed opened because they could not be read. */
    public long unreadableRecords() {
        return unreadable.count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
