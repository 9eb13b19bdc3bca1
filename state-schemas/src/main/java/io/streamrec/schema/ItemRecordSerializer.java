package io.streamrec.schema;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link ItemRecord}. Schema version 1. */
public final class ItemRecordSerializer extends VersionedRecordSerializer<ItemRecord> {
    private static final long serialVersionUID = 1L;
    public static final ItemRecordSerializer INSTANCE = new ItemRecordSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(ItemRecord r, DataOutputView out) throws IOException {
        out.writeUTF(r.itemId());
        out.writeUTF(r.title());
        writeStrings(r.attributes().toArray(new String[0]), out);
        writeFloats(r.contentVector(), out);
    }

    @Override
    protected ItemRecord readFields(int version, DataInputView in) throws IOException {
        return new ItemRecord(
                in.readUTF(),
                in.readUTF(),
                List.of(readStrings(in, "ItemRecord.attributes")),
                readFloats(in, "ItemRecord.contentVector"));
    }

    @Override
    public TypeSerializerSnapshot<ItemRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ItemRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
