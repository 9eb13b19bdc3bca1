package io.streamrec.schema;

import java.io.IOException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link RunCheckpoint}. Schema version 1. */
public final class RunCheckpointSerializer extends VersionedRecordSerializer<RunCheckpoint> {
    private static final long serialVersionUID = 1L;
    public static final RunCheckpointSerializer INSTANCE = new RunCheckpointSerializer();

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    protected void writeFields(RunCheckpoint r, DataOutputView out) throws IOException {
        write(r, out);
    }

    @Override
    protected RunCheckpoint readFields(int version, DataInputView in) throws IOException {
        return read(in);
    }

    /**
     * Writes the fields alone, without a version byte, for records that embed one ({@link
     * ParameterRowSerializer} from its version 2): their version fixes this layout, so a change of
     * it is a new version of each embedding record too.
     */
    static void write(RunCheckpoint r, DataOutputView out) throws IOException {
        out.writeLong(r.job().getLowerPart());
        out.writeLong(r.job().getUpperPart());
        out.writeLong(r.checkpointId());
    }

    /** Reads what {@link #write} wrote. */
    static RunCheckpoint read(DataInputView in) throws IOException {
        long lower = in.readLong();
        long upper = in.readLong();
        return new RunCheckpoint(new JobID(lower, upper), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<RunCheckpoint> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RunCheckpoint> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
