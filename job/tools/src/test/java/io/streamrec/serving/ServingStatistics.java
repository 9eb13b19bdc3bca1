package io.streamrec.serving;

import io.streamrec.candidates.CandidateGenerator;

/**
 * Candidate statistics journaled and checkpointed as a serving subtask does it ({@link
 * LearnedRanking#serveShare}): {@link StatisticsJournal} is package-private, and the tools' tests
 * must audit checkpoints the production classes wrote, not bytes made to the audit's own idea of
 * them.
 */
public final class ServingStatistics {
    private final CandidateGenerator statistics;
    private final StatisticsJournal journal;

    /**
     * {@code statistics} as subtask {@code subtask} of {@code parallelism} keeps and journals them.
     */
    public ServingStatistics(CandidateGenerator statistics, int subtask, int parallelism) {
        this.statistics = statistics;
        statistics.keepUserStatisticsOf(UserOwner.share(subtask, parallelism));
        journal = new StatisticsJournal(subtask, parallelism);
        statistics.recordChangesTo(journal);
    }

    public CandidateGenerator statistics() {
        return statistics;
    }

    /** What the next checkpoint of the serving subtask holds: its base and journal. */
    public StatisticsCheckpoint checkpoint() {
        return journal.checkpoint(statistics);
    }
}
