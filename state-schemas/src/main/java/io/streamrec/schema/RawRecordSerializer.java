package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link RawRecord}. Schema version 1; a null value is written as length -1. */
public final class RawRecordSerializer extends VersionedRecordSerializer<RawRecord> {
    private static final long serialVersionUID = 1L;
    public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(RawRecord r, DataOutputView out) throws IOException {
        out.writeUTF(r.topic());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        if (r.value() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(r.value().length);
            out.write(r.value());
        }
    }

    @Override
    protected RawRecord readFields(int version, DataInputView in) throws IOException {
        String topic = in.readUTF();
        int partition = in.readInt();
        long offset = in.readLong();
        int n = in.readInt();
        byte[] value = null;
        if (n != -1) { // -1 stands for a null value
            // allocated as the bytes arrive: a corrupt length within the bound ends at the end of
            // the data, not in a 64 MiB array
            value =
                    ReadBounds.readBytes(
                            in,
                            ReadBounds.checkLength(
                                    n, ReadBounds.MAX_RECORD_BYTES, "RawRecord.value"));
        }
        return new RawRecord(topic, partition, offset, value);
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
