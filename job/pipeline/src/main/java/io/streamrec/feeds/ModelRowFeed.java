package io.streamrec.feeds;

import io.streamrec.kafka.CommittedReader;
import io.streamrec.ps.RowInitializer;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Reads the model-updates topic (written transactionally by the parameter server at every
 * checkpoint) with {@code read_committed}, so it only ever sees rows of completed checkpoints. It
 * always starts from the beginning of the compacted topic: what it builds is a cache that a
 * restarted operator rebuilds, never state that correctness depends on. Not thread-safe: use it
 * from the operator's task thread.
 */
public final class ModelRowFeed extends CommittedFeed<ParameterRow> {
    private RowWidths widths;

    public ModelRowFeed(Properties kafkaProperties, String topic) {
        this(CommittedReader.open(kafkaProperties, topic, true));
    }

    /**
     * A feed over a consumer that the caller assigned and positioned (a {@code read_committed}
     * consumer at the beginning of the topic, or a test's mock).
     */
    public ModelRowFeed(Consumer<byte[], byte[]> consumer) {
        this(consumer, PARTITION_CHECK);
    }

    /** As above, looking for partitions added to the topic every {@code partitionCheck}. */
    ModelRowFeed(Consumer<byte[], byte[]> consumer, Duration partitionCheck) {
        super(consumer, "model-updates", partitionCheck);
    }

    /**
     * Makes this feed skip, as unreadable, rows whose width is not the one {@code initializer}
     * gives their kind (rows written under another {@code model.dim}). Returns this feed.
     */
    public ModelRowFeed checkingWidthsOf(RowInitializer initializer) {
        this.widths = new RowWidths(initializer);
        return this;
    }

    /** A forgotten user's row: replicas drop what they hold of it. */
    @Override
    ParameterRow tombstone(byte[] key) {
        return ParameterRow.tombstone(new String(key, StandardCharsets.UTF_8));
    }

    @Override
    ParameterRow decode(byte[] value) throws IOException {
        ParameterRow row = ParameterRowSerializer.INSTANCE.fromBytes(value);
        String mismatch = widths == null ? null : widths.mismatch(row.key(), row.weights().length);
        if (mismatch != null) {
            throw new IOException(mismatch);
        }
        return row;
    }
}
