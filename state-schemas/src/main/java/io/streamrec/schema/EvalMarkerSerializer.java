package io.streamrec.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link EvalMarker}. Schema version 1. */
public final class EvalMarkerSerializer extends VersionedRecordSerializer<EvalMarker> {
    private static final long serialVersionUID = 1L;
    public static final EvalMarkerSerializer INSTANCE = new EvalMarkerSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(EvalMarker m, DataOutputView out) throws IOException {
        out.writeLong(m.batchId());
        out.writeInt(m.copies());
        out.writeInt(m.events().size());
        for (UserEvent e : m.events()) {
            UserEventSerializer.INSTANCE.serialize(e, out);
        }
    }

    @Override
    protected EvalMarker readFields(int version, DataInputView in) throws IOException {
        long batchId = in.readLong();
        int copies = in.readInt();
        int n = in.readInt();
        List<UserEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(UserEventSerializer.INSTANCE.deserialize(in));
        }
        return new EvalMarker(batchId, copies, events);
    }

    @Override
    public TypeSerializerSnapshot<EvalMarker> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<EvalMarker> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
