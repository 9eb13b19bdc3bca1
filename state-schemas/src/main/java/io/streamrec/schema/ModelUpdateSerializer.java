package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link ModelUpdate}. Schema version 1. */
public final class ModelUpdateSerializer extends VersionedRecordSerializer<ModelUpdate> {
    private static final long serialVersionUID = 1L;
    public static final ModelUpdateSerializer INSTANCE = new ModelUpdateSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(ModelUpdate u, DataOutputView out) throws IOException {
        if (u.isMarker()) {
            out.writeByte(1);
            EvalMarkerSerializer.INSTANCE.serialize(u.marker(), out);
        } else if (u.isRequest()) {
            out.writeByte(2);
            ServingRequestSerializer.INSTANCE.serialize(u.request(), out);
        } else {
            out.writeByte(0);
            ParameterRowSerializer.INSTANCE.serialize(u.row(), out);
        }
    }

    @Override
    protected ModelUpdate readFields(int version, DataInputView in) throws IOException {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case 1:
                return ModelUpdate.of(EvalMarkerSerializer.INSTANCE.deserialize(in));
            case 2:
                return ModelUpdate.of(ServingRequestSerializer.INSTANCE.deserialize(in));
            case 0:
                return ModelUpdate.of(ParameterRowSerializer.INSTANCE.deserialize(in));
            default:
                throw new IOException("corrupt ModelUpdate kind " + kind + " (bound 0..2)");
        }
    }

    @Override
    public TypeSerializerSnapshot<ModelUpdate> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ModelUpdate> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
