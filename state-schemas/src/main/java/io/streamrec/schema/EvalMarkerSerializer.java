package io.streamrec.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link EvalMarker}. Schema version 2 added the optional forgotten user; markers of
 * version 1 read without one.
 */
public final class EvalMarkerSerializer extends VersionedRecordSerializer<EvalMarker> {
    private static final long serialVersionUID = 1L;
    public static final EvalMarkerSerializer INSTANCE = new EvalMarkerSerializer();

    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    protected void writeFields(EvalMarker m, DataOutputView out) throws IOException {
        out.writeLong(m.batchId());
        out.writeInt(m.copies());
        out.writeInt(m.events().size());
        for (int i = 0; i < m.events().size(); i++) {
            UserEventSerializer.INSTANCE.serialize(m.events().get(i), out);
            writeStrings(m.userItems().get(i), out);
        }
        writeNullableString(m.forgetUser(), out);
    }

    @Override
    protected EvalMarker readFields(int version, DataInputView in) throws IOException {
        long batchId = in.readLong();
        int copies = in.readInt();
        int n =
                ReadBounds.checkLength(
                        in.readInt(), ReadBounds.MAX_LIST_LENGTH, "EvalMarker.events");
        List<UserEvent> events = new ArrayList<>(ReadBounds.listCapacity(n));
        List<String[]> userItems = new ArrayList<>(ReadBounds.listCapacity(n));
        for (int i = 0; i < n; i++) {
            events.add(UserEventSerializer.INSTANCE.deserialize(in));
            userItems.add(readStrings(in, "EvalMarker.userItems"));
        }
        return new EvalMarker(
                batchId, copies, events, userItems, version >= 2 ? readNullableString(in) : null);
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
