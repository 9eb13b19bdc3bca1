package io.streamrec.serving;

/**
 * The candidate statistics in a checkpoint: a full snapshot taken at some earlier checkpoint (the
 * base, bytes of {@link io.streamrec.candidates.CandidateStatisticsSerializer}) and the journal of
 * changes since it ({@link StatisticsJournal}). Both arrays are never written after they are made,
 * so checkpoints share a base without copying it.
 */
public record StatisticsCheckpoint(byte[] base, byte[] journal) {
    /** The statistics this checkpoint holds (its base with its journal replayed), for audits. */
    public io.streamrec.candidates.CandidateGenerator statistics() {
        return StatisticsJournal.restore(
                this, io.streamrec.candidates.CandidateSettings.defaults());
    }
}
