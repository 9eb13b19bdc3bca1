package io.streamrec.serving;

import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.VersionedRecordSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link StatisticsCheckpoint}. Schema version 3: the base's length, the length and
 * bytes of its LZ4 block ({@link StatisticsBase#block}), journal length and bytes, the writer's
 * subtask index and parallelism. Version 2 wrote the base's bytes as they are; version 1 also had
 * no writer: its one entry holds every user's statistics ({@link StatisticsCheckpoint#WHOLE}).
 * Copies are the same instance (the arrays are never written after they are made), so a
 * checkpoint's synchronous part does not copy tens of megabytes of statistics.
 */
public final class StatisticsCheckpointSerializer
        extends VersionedRecordSerializer<StatisticsCheckpoint> {
    private static final long serialVersionUID = 1L;
    public static final StatisticsCheckpointSerializer INSTANCE =
            new StatisticsCheckpointSerializer();

    /** Larger than any statistics a subtask holds in memory; bounds a corrupt length. */
    private static final int MAX_BYTES = 1 << 30;

    @Override
    public int currentVersion() {
        return 3;
    }

    @Override
    protected void writeFields(StatisticsCheckpoint checkpoint, DataOutputView out)
            throws IOException {
        byte[] block = checkpoint.base().block();
        checkReadable(checkpoint.base().length(), "statistics base");
        checkReadable(block.length, "statistics base block");
        checkReadable(checkpoint.journalLength(), "statistics journal");
        out.writeInt(checkpoint.base().length());
        out.writeInt(block.length);
        out.write(block);
        out.writeInt(checkpoint.journalLength());
        for (byte[] chunk : checkpoint.journalChunks()) {
            out.write(chunk);
        }
        out.writeInt(checkpoint.subtask());
        out.writeInt(checkpoint.parallelism());
    }

    /**
     * Refuses to write a part longer than a restore reads ({@code MAX_BYTES}): the checkpoint fails
     * now, naming the part, instead of completing as one no restore can read.
     */
    static void checkReadable(int length, String what) throws IOException {
        if (length > MAX_BYTES) {
            throw new IOException(
                    what
                            + " of "
                            + length
                            + " bytes is longer than the "
                            + MAX_BYTES
                            + " a restore reads: this serving subtask's candidate statistics"
                            + " outgrew one checkpoint entry");
        }
    }

    @Override
    protected StatisticsCheckpoint readFields(int version, DataInputView in) throws IOException {
        StatisticsBase base = readBase(version, in);
        byte[] journal =
                ReadBounds.readBytes(
                        in, ReadBounds.checkLength(in.readInt(), MAX_BYTES, "statistics journal"));
        if (version < 2) {
            return new StatisticsCheckpoint(base, journal);
        }
        int subtask = in.readInt();
        int parallelism = in.readInt();
        if (subtask < StatisticsCheckpoint.WHOLE || (subtask >= 0 && subtask >= parallelism)) {
            throw new IOException(
                    "statistics of subtask " + subtask + " of parallelism " + parallelism);
        }
        return new StatisticsCheckpoint(base, journal, subtask, parallelism);
    }

    private static StatisticsBase readBase(int version, DataInputView in) throws IOException {
        int length = ReadBounds.checkLength(in.readInt(), MAX_BYTES, "statistics base");
        if (version < 3) {
            return new StatisticsBase(ReadBounds.readBytes(in, length));
        }
        byte[] block =
                ReadBounds.readBytes(
                        in,
                        ReadBounds.checkLength(in.readInt(), MAX_BYTES, "statistics base block"));
        return StatisticsBase.ofBlock(block, length);
    }

    @Override
    public TypeSerializerSnapshot<StatisticsCheckpoint> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; record-level versions handle schema evolution. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StatisticsCheckpoint> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
