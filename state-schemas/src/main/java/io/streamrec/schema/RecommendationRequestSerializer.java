package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link RecommendationRequest}. Schema version 1. */
public final class RecommendationRequestSerializer
        extends VersionedRecordSerializer<RecommendationRequest> {
    private static final long serialVersionUID = 1L;
    public static final RecommendationRequestSerializer INSTANCE =
            new RecommendationRequestSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(RecommendationRequest r, DataOutputView out) throws IOException {
        out.writeUTF(r.requestId());
        out.writeUTF(r.userId());
        out.writeInt(r.k());
        out.writeLong(r.timestamp());
    }

    @Override
    protected RecommendationRequest readFields(int version, DataInputView in) throws IOException {
        return new RecommendationRequest(in.readUTF(), in.readUTF(), in.readInt(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<RecommendationRequest> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RecommendationRequest> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
