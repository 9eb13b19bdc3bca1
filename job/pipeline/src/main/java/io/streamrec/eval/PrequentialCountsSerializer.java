package io.streamrec.eval;

import io.streamrec.schema.VersionedRecordSerializer;
import java.io.IOException;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link PrequentialCounts}. Schema version 1. */
public final class PrequentialCountsSerializer
        extends VersionedRecordSerializer<PrequentialCounts> {
    private static final long serialVersionUID = 1L;
    public static final PrequentialCountsSerializer INSTANCE = new PrequentialCountsSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(PrequentialCounts c, DataOutputView out) throws IOException {
        out.writeInt(c.subtask);
        out.writeInt(c.windows.size());
        for (var e : c.windows.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue().length);
            for (double v : e.getValue()) {
                out.writeDouble(v);
            }
        }
    }

    @Override
    protected PrequentialCounts readFields(int version, DataInputView in) throws IOException {
        int subtask = in.readInt();
        int n = in.readInt();
        TreeMap<Long, double[]> windows = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            double[] values = new double[in.readInt()];
            for (int j = 0; j < values.length; j++) {
                values[j] = in.readDouble();
            }
            windows.put(start, values);
        }
        return new PrequentialCounts(subtask, windows);
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public PrequentialCounts createInstance() {
        return new PrequentialCounts(0);
    }

    @Override
    public PrequentialCounts copy(PrequentialCounts from) {
        return from.copy();
    }

    @Override
    public PrequentialCounts copy(PrequentialCounts from, PrequentialCounts reuse) {
        return from.copy();
    }

    @Override
    public TypeSerializerSnapshot<PrequentialCounts> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PrequentialCounts> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
