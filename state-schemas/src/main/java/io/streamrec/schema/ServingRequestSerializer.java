package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link ServingRequest}. Schema version 1. */
public final class ServingRequestSerializer extends VersionedRecordSerializer<ServingRequest> {
    private static final long serialVersionUID = 1L;
    public static final ServingRequestSerializer INSTANCE = new ServingRequestSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(ServingRequest r, DataOutputView out) throws IOException {
        RecommendationRequestSerializer.INSTANCE.serialize(r.request(), out);
        writeStrings(r.userItems(), out);
    }

    @Override
    protected ServingRequest readFields(int version, DataInputView in) throws IOException {
        return new ServingRequest(
                RecommendationRequestSerializer.INSTANCE.deserialize(in),
                readStrings(in, "ServingRequest.userItems"));
    }

    @Override
    public TypeSerializerSnapshot<ServingRequest> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ServingRequest> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
