package io.streamrec.feeds;

import io.streamrec.ingest.InvalidRecordException;
import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.schema.ItemRecord;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the job's catalog topic: items validated by the job and written transactionally, latest per
 * item (compacted). Like the model-updates feed it is read from the beginning on every (re)start,
 * so a restarted worker or serving replica rebuilds its catalog; catalog changes are side input,
 * not state. Not thread-safe: use it from the operator's task thread.
 */
public final class ItemCatalogFeed implements AutoCloseable {
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final ItemJsonCodec codec;
    private final UnreadableRecords unreadable = new UnreadableRecords("the catalog");

    public ItemCatalogFeed(Properties kafkaProperties, String topic, int contentDim) {
        this(CommittedReader.open(kafkaProperties, topic, true), contentDim);
    }

    /** A feed over a consumer that the caller assigned and positioned (or a test's mock). */
    public ItemCatalogFeed(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, int contentDim) {
        this.consumer = consumer;
        this.codec = new ItemJsonCodec(contentDim);
    }

    /** Reads everything committed up to now; returns the number of items read. */
    public long catchUp(Consumer<ItemRecord> sink) {
        return CommittedReader.catchUp(consumer, timeout -> poll(timeout, sink));
    }

    /** Hands over whatever items have arrived, waiting at most {@code timeout}. */
    public long poll(Duration timeout, Consumer<ItemRecord> sink) {
        long items = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue; // tombstone
            }
            ItemRecord item;
            try {
                item = codec.parse(r.value());
            } catch (InvalidRecordException | RuntimeException e) {
                // the job validated it with the same codec: a changed content-dim, or bad bytes
                unreadable.skip(r.offset(), e);
                continue;
            }
            sink.accept(item);
            items++;
        }
        return items;
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
