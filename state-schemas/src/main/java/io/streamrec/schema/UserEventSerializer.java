package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link UserEvent}. Schema version 1. */
public final class UserEventSerializer extends VersionedRecordSerializer<UserEvent> {
    private static final long serialVersionUID = 1L;
    public static final UserEventSerializer INSTANCE = new UserEventSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(UserEvent e, DataOutputView out) throws IOException {
        out.writeUTF(e.eventId());
        out.writeUTF(e.userId());
        out.writeUTF(e.itemId());
        out.writeByte(e.type().ordinal());
        out.writeFloat(e.value());
        out.writeLong(e.timestamp());
    }

    @Override
    protected UserEvent readFields(int version, DataInputView in) throws IOException {
        return new UserEvent(
                in.readUTF(),
                in.readUTF(),
                in.readUTF(),
                eventType(in.readUnsignedByte()),
                in.readFloat(),
                in.readLong());
    }

    private static EventType eventType(int ordinal) throws IOException {
        EventType[] types = EventType.values();
        if (ordinal >= types.length) {
            throw new IOException(
                    "corrupt UserEvent.type " + ordinal + " (bound 0.." + (types.length - 1) + ")");
        }
        return types[ordinal];
    }

    @Override
    public TypeSerializerSnapshot<UserEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
