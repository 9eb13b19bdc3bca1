package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link ParameterRow}. Schema version 2 added the optional {@link RunCheckpoint}
 * stamp; rows of version 1 read without one. Version 3 added {@code oldestNewPositiveTime}, before
 * the stamp; rows of versions 1 and 2 read with their {@code trendTime} there.
 */
public final class ParameterRowSerializer extends VersionedRecordSerializer<ParameterRow> {
    private static final long serialVersionUID = 1L;
    public static final ParameterRowSerializer INSTANCE = new ParameterRowSerializer();

    @Override
    public int currentVersion() {
        return 3;
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
        out.writeLong(r.oldestNewPositiveTime());
        out.writeBoolean(r.stamp() != null);
        if (r.stamp() != null) {
            // RunCheckpoint's fields without its version byte: this row version fixes their layout
            // (RunCheckpoint v1's, pinned by the ParameterRow v2 and v3 fixtures). A new
            // RunCheckpoint layout needs a new ParameterRow version whose reader still reads this
            // one (RecordSerializersTest#aRowEmbedsItsStampAsRunCheckpointVersionOne)
            RunCheckpointSerializer.write(r.stamp(), out);
        }
    }

    @Override
    protected ParameterRow readFields(int version, DataInputView in) throws IOException {
        String key = in.readUTF();
        float[] weights = readFloats(in, "ParameterRow.weights");
        float[] slots = readFloats(in, "ParameterRow.slots");
        long rowVersion = in.readLong();
        long updates = in.readLong();
        long positives = in.readLong();
        float trend = in.readFloat();
        long trendTime = in.readLong();
        long oldestNewPositiveTime = version >= 3 ? in.readLong() : trendTime;
        // from version 2: RunCheckpoint v1's fields, without its version byte (see writeFields);
        // a later row version with another stamp layout reads this one still
        RunCheckpoint stamp =
                version >= 2 && in.readBoolean() ? RunCheckpointSerializer.read(in) : null;
        return new ParameterRow(
                key,
                weights,
                slots,
                rowVersion,
                updates,
                positives,
                trend,
                trendTime,
                oldestNewPositiveTime,
                stamp);
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
