package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link ParameterRow}. Schema version 1. */
public final class ParameterRowSerializer extends VersionedRecordSerializer<ParameterRow> {
    private static final long serialVersionUID = 1L;
    public static final ParameterRowSerializer INSTANCE = new ParameterRowSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(ParameterRow r, DataOutputView out) throws IOException {
        out.writeUTF(r.key());
        writeFloats(r.weights(), out);
        writeFloats(r.slots(), out);
        out.writeLong(r.version());
        out.writeLong(r.updates());
        out.writeLong(r.positives());
        out.writeFloat(r.trend());
        out.writeLong(r.trendTime());
    }

    @Override
    protected ParameterRow readFields(int version, DataInputView in) throws IOException {
        return new ParameterRow(
                in.readUTF(),
                readFloats(in, "ParameterRow.weights"),
                readFloats(in, "ParameterRow.slots"),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readFloat(),
                in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<ParameterRow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ParameterRow> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
