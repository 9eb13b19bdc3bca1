package io.streamrec.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link RecommendationResult}. Schema version 1. */
public final class RecommendationResultSerializer
        extends VersionedRecordSerializer<RecommendationResult> {
    private static final long serialVersionUID = 1L;
    public static final RecommendationResultSerializer INSTANCE =
            new RecommendationResultSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(RecommendationResult r, DataOutputView out) throws IOException {
        out.writeUTF(r.requestId());
        out.writeUTF(r.userId());
        out.writeInt(r.items().size());
        for (RecommendationResult.ScoredItem item : r.items()) {
            out.writeUTF(item.itemId());
            out.writeFloat(item.score());
        }
        out.writeUTF(r.reason());
        out.writeLong(r.modelVersion());
        out.writeLong(r.servedAt());
    }

    @Override
    protected RecommendationResult readFields(int version, DataInputView in) throws IOException {
        String requestId = in.readUTF();
        String userId = in.readUTF();
        int n =
                ReadBounds.checkLength(
                        in.readInt(), ReadBounds.MAX_LIST_LENGTH, "RecommendationResult.items");
        List<RecommendationResult.ScoredItem> items = new ArrayList<>(ReadBounds.listCapacity(n));
        for (int i = 0; i < n; i++) {
            items.add(new RecommendationResult.ScoredItem(in.readUTF(), in.readFloat()));
        }
        return new RecommendationResult(
                requestId, userId, items, in.readUTF(), in.readLong(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<RecommendationResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RecommendationResult> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
