package io.streamrec.feeds;

import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.schema.ItemRecord;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Reads the job's catalog topic: items validated by the job and written transactionally, latest per
 * item (compacted). Like the model-updates feed it is read from the beginning on every (re)start,
 * so a restarted worker or serving replica rebuilds its catalog; catalog changes are side input,
 * not state. A record the codec rejects (a changed content-dim, or bad bytes) is skipped and
 * counted. Not thread-safe: use it from the operator's task thread.
 */
public final class ItemCatalogFeed extends CommittedFeed<ItemRecord> {
    private final ItemJsonCodec codec;

    public ItemCatalogFeed(Properties kafkaProperties, String topic, int contentDim) {
        this(CommittedReader.open(kafkaProperties, topic, true), contentDim);
    }

    /** A feed over a consumer that the caller assigned and positioned (or a test's mock). */
    public ItemCatalogFeed(Consumer<byte[], byte[]> consumer, int contentDim) {
        this(consumer, contentDim, PARTITION_CHECK);
    }

    /** As above, looking for partitions added to the topic every {@code partitionCheck}. */
    ItemCatalogFeed(Consumer<byte[], byte[]> consumer, int contentDim, Duration partitionCheck) {
        super(consumer, "the catalog", partitionCheck);
        this.codec = new ItemJsonCodec(contentDim);
    }

    @Override
    ItemRecord decode(byte[] value) throws Exception {
        // the job validated it with the same codec: a rejection means a changed content-dim or
        // bad bytes
        return codec.parse(value);
    }
}
