package io.streamrec.worker;

import io.streamrec.schema.VersionedRecordSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link FloodBucket}. Schema version 1: tokens (double), event time (long). */
public final class FloodBucketSerializer extends VersionedRecordSerializer<FloodBucket> {
    private static final long serialVersionUID = 1L;
    public static final FloodBucketSerializer INSTANCE = new FloodBucketSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(FloodBucket bucket, DataOutputView out) throws IOException {
        out.writeDouble(bucket.tokens());
        out.writeLong(bucket.lastMillis());
    }

    @Override
    protected FloodBucket readFields(int version, DataInputView in) throws IOException {
        return new FloodBucket(in.readDouble(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<FloodBucket> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FloodBucket> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
