package io.streamrec.feeds;

import io.streamrec.ingest.InvalidRecordException;
import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.schema.ItemRecord;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job's catalog topic: items validated by the job and written transactionally, latest per
 * item (compacted). Like the model-updates feed it is read from the beginning on every (re)start,
 * so a restarted worker or serving replica rebuilds its catalog; catalog changes are side input,
 * not state. Not thread-safe: use it from the operator's task thread.
 */
public final class ItemCatalogFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ItemCatalogFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ItemJsonCodec codec;

    public ItemCatalogFeed(Properties kafkaProperties, String topic, int contentDim) {
        this.consumer = CommittedReader.open(kafkaProperties, topic, true);
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
            try {
                sink.accept(codec.parse(r.value()));
                items++;
            } catch (InvalidRecordException e) {
                // the job validated it with the same codec; a mismatch means a changed content-dim
                LOG.warn("Skipping catalog record at offset {}: {}", r.offset(), e.getMessage());
            }
        }
        return items;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
