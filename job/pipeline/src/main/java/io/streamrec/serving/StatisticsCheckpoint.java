package io.streamrec.serving;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.schema.RecordTypeInfo;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The candidate statistics in a checkpoint: a full snapshot taken at some earlier checkpoint (the
 * {@link StatisticsBase}) and the journal of changes since it ({@link StatisticsJournal}), in
 * chunks that follow each other. No array is written after it is made, so checkpoints share the
 * base (and its compressed block) and the journal's sealed chunks without copying them.
 *
 * <p>Each serving subtask writes its own: the statistics of items and each user's latest items are
 * alike on every subtask, but similar users, activity and whole histories are kept for the
 * subtask's own users only ({@link UserOwner}{@code .of(user, parallelism) == subtask}).
 * Checkpoints of schema version 1 held one entry, written by subtask 0, with every user's
 * statistics: {@link #WHOLE} as the subtask.
 *
 * @param base the full snapshot the journal goes on from
 * @param journalChunks the journal's bytes, chunk after chunk
 * @param subtask the writer's subtask index, or {@link #WHOLE}
 * @param parallelism the writer's parallelism (0 with {@link #WHOLE})
 */
@TypeInfo(StatisticsCheckpoint.Info.class)
public record StatisticsCheckpoint(
        StatisticsBase base, List<byte[]> journalChunks, int subtask, int parallelism) {
    /** The subtask of an entry holding every user's statistics. */
    public static final int WHOLE = -1;

    public StatisticsCheckpoint {
        journalChunks = List.copyOf(journalChunks);
    }

    /**
     * Flink type information backed by {@link StatisticsCheckpointSerializer}: without it Flink
     * takes the record for a POJO whose {@code base} it writes with Kryo.
     */
    public static final class Info extends TypeInfoFactory<StatisticsCheckpoint> {
        @Override
        public TypeInformation<StatisticsCheckpoint> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    /** Type information backed by {@link StatisticsCheckpointSerializer}. */
    public static TypeInformation<StatisticsCheckpoint> typeInfo() {
        return new RecordTypeInfo<>(
                StatisticsCheckpoint.class, StatisticsCheckpointSerializer.INSTANCE);
    }

    /** A checkpoint whose journal is one array. */
    public StatisticsCheckpoint(StatisticsBase base, byte[] journal, int subtask, int parallelism) {
        this(base, List.of(journal), subtask, parallelism);
    }

    /** A checkpoint of base bytes {@code base} whose journal is one array. */
    public StatisticsCheckpoint(byte[] base, byte[] journal, int subtask, int parallelism) {
        this(new StatisticsBase(base), journal, subtask, parallelism);
    }

    /** An entry of every user's statistics, as schema version 1 wrote them. */
    public StatisticsCheckpoint(StatisticsBase base, byte[] journal) {
        this(base, journal, WHOLE, 0);
    }

    /** An entry of every user's statistics of base bytes {@code base}. */
    public StatisticsCheckpoint(byte[] base, byte[] journal) {
        this(new StatisticsBase(base), journal);
    }

    /** The journal's length in bytes. */
    public int journalLength() {
        int length = 0;
        for (byte[] chunk : journalChunks) {
            length += chunk.length;
        }
        return length;
    }

    /** The journal's bytes in one array (a copy when it is in several chunks). */
    public byte[] journal() {
        if (journalChunks.size() == 1) {
            return journalChunks.get(0);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(journalLength());
        for (byte[] chunk : journalChunks) {
            bytes.writeBytes(chunk);
        }
        return bytes.toByteArray();
    }

    /** Whether it holds every user's statistics (schema version 1). */
    public boolean whole() {
        return subtask == WHOLE;
    }

    /**
     * The statistics this checkpoint holds (its base with its journal replayed under the default
     * settings), for audits of which users and items they know: that does not depend on the
     * settings' similarity rule ({@link CandidateSettings#similarUsers}).
     */
    public CandidateGenerator statistics() {
        return statistics(CandidateSettings.defaults());
    }

    /**
     * Hands the journal's entries, in order, to {@code entries}, each as the change it records (an
     * event, an item), without applying them: for audits of whom and what it names.
     *
     * @throws IllegalArgumentException for a corrupt journal
     */
    public void readJournal(CandidateGenerator.Changes entries) {
        StatisticsJournal.readJournal(this, entries, () -> false);
    }

    /** The statistics this checkpoint holds, its journal replayed under {@code settings}. */
    public CandidateGenerator statistics(CandidateSettings settings) {
        return StatisticsJournal.restore(this, settings);
    }
}
