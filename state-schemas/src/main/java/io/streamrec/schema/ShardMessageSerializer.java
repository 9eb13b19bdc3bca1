package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link ShardMessage}. Schema version 2 added a gradient's {@code
 * oldestPositiveTime}; a version 1 gradient reads with its {@code eventTime} there.
 */
public final class ShardMessageSerializer extends VersionedRecordSerializer<ShardMessage> {
    private static final long serialVersionUID = 1L;
    public static final ShardMessageSerializer INSTANCE = new ShardMessageSerializer();
    private static final int KIND_GRADIENT = 0;
    private static final int KIND_MARKER = 1;
    private static final int KIND_REQUEST = 2;

    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    protected void writeFields(ShardMessage m, DataOutputView out) throws IOException {
        out.writeUTF(m.key());
        if (m.isMarker()) {
            out.writeByte(KIND_MARKER);
            EvalMarkerSerializer.INSTANCE.serialize(m.marker(), out);
        } else if (m.isRequest()) {
            out.writeByte(KIND_REQUEST);
            ServingRequestSerializer.INSTANCE.serialize(m.request(), out);
        } else {
            out.writeByte(KIND_GRADIENT);
            writeFloats(m.gradient(), out);
            out.writeInt(m.contributions());
            out.writeInt(m.positives());
            out.writeFloat(m.trendIncrement());
            out.writeLong(m.eventTime());
            out.writeLong(m.oldestPositiveTime());
        }
    }

    @Override
    protected ShardMessage readFields(int version, DataInputView in) throws IOException {
        String key = in.readUTF();
        int kind = in.readUnsignedByte();
        if (kind == KIND_MARKER) {
            return ShardMessage.marker(key, EvalMarkerSerializer.INSTANCE.deserialize(in));
        }
        if (kind == KIND_REQUEST) {
            return ShardMessage.request(key, ServingRequestSerializer.INSTANCE.deserialize(in));
        }
        if (kind != KIND_GRADIENT) {
            throw new IOException("corrupt ShardMessage kind " + kind + " (bound 0..2)");
        }
        float[] gradient = readFloats(in, "ShardMessage.gradient");
        int contributions = in.readInt();
        int positives = in.readInt();
        float trendIncrement = in.readFloat();
        long eventTime = in.readLong();
        long oldestPositiveTime = version >= 2 ? in.readLong() : eventTime;
        return ShardMessage.gradient(
                key,
                gradient,
                contributions,
                positives,
                trendIncrement,
                eventTime,
                oldestPositiveTime);
    }

    @Override
    public TypeSerializerSnapshot<ShardMessage> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ShardMessage> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
