package io.streamrec.serving;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;

/**
 * The candidate statistics in a checkpoint: a full snapshot taken at some earlier checkpoint (the
 * base, bytes of {@link io.streamrec.candidates.CandidateStatisticsSerializer}) and the journal of
 * changes since it ({@link StatisticsJournal}). Both arrays are never written after they are made,
 * so checkpoints share a base without copying it.
 *
 * <p>Each serving subtask writes its own: the statistics of items and each user's latest items are
 * alike on every subtask, but similar users, activity and whole histories are kept for the
 * subtask's own users only ({@link UserOwner}{@code .of(user, parallelism) == subtask}).
 * Checkpoints of schema version 1 held one entry, written by subtask 0, with every user's
 * statistics: {@link #WHOLE} as the subtask.
 *
 * @param subtask the writer's subtask index, or {@link #WHOLE}
 * @param parallelism the writer's parallelism (0 with {@link #WHOLE})
 */
public record StatisticsCheckpoint(byte[] base, byte[] journal, int subtask, int parallelism) {
    /** The subtask of an entry holding every user's statistics. */
    public static final int WHOLE = -1;

    /** An entry of every user's statistics, as schema version 1 wrote them. */
    public StatisticsCheckpoint(byte[] base, byte[] journal) {
        this(base, journal, WHOLE, 0);
    }

    /** Whether it holds every user's statistics (schema version 1). */
    public boolean whole() {
        return subtask == WHOLE;
    }

    /** The statistics this checkpoint holds (its base with its journal replayed), for audits. */
    public CandidateGenerator statistics() {
        return StatisticsJournal.restore(this, CandidateSettings.defaults());
    }
}
