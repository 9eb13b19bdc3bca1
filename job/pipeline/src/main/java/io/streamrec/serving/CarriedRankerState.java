package io.streamrec.serving;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned ranker's state as serving carries it under another model ({@code model.type: bpr})
 * for a later ranker, with the forgets applied since: loaded by subtask 0 (the one that writes the
 * carried state back) at the first forget, held from then on, and written at the next checkpoint
 * after a forget that erased someone.
 *
 * <p>The statistics are loaded as a ranker restores them at another parallelism (every entry's
 * per-user statistics merged into one; or the statistics an older checkpoint held in the {@code
 * learned-ranker} entries) and written as one entry of every user's statistics, which a later
 * ranker restores at any parallelism. The {@code learned-ranker} entries keep their scalers and
 * scorers, which name no user, and lose any older checkpoint's statistics (loaded here instead).
 */
final class CarriedRankerState {
    private static final Logger LOG = LoggerFactory.getLogger(CarriedRankerState.class);

    /** The carried statistics with the forgets applied; null when none were carried. */
    private final CandidateGenerator statistics;

    /** The carried {@code learned-ranker} entries, without statistics. */
    private final List<byte[]> learned;

    /** Whether the state changed since it was last written. */
    private boolean changed;

    private CarriedRankerState(
            CandidateGenerator statistics, List<byte[]> learned, boolean changed) {
        this.statistics = statistics;
        this.learned = learned;
        this.changed = changed;
    }

    /**
     * The carried state of the union entries {@code statisticsEntries} and {@code learnedEntries}
     * (all of them, as subtask 0 restored them), the statistics read under {@code settings}.
     */
    static CarriedRankerState load(
            Iterable<StatisticsCheckpoint> statisticsEntries,
            Iterable<byte[]> learnedEntries,
            CandidateSettings settings) {
        List<StatisticsCheckpoint> entries = new ArrayList<>();
        statisticsEntries.forEach(entries::add);
        List<byte[]> learned = new ArrayList<>();
        byte[] olderStatistics = null;
        for (byte[] entry : learnedEntries) {
            LearnedRankerState state = LearnedRankerState.fromBytes(entry);
            if (state.statistics() != null) {
                olderStatistics = state.statistics();
                entry = new LearnedRankerState(state.subtask(), null, state.learned()).toBytes();
            }
            learned.add(entry);
        }
        CandidateGenerator statistics = null;
        if (!entries.isEmpty()) {
            // the statistics' own state wins over an older checkpoint's, as at a ranker's restore
            statistics = StatisticsJournal.restoreMerged(entries, settings, userId -> true);
        } else if (olderStatistics != null) {
            statistics = CandidateStatisticsSerializer.fromBytes(olderStatistics, settings);
        }
        if (statistics != null || !learned.isEmpty()) {
            LOG.info(
                    "Serving loaded the learned ranker's carried state ({} statistics entries, {}"
                            + " learned-ranker entries) to apply forgets to it",
                    entries.size(),
                    learned.size());
        }
        // an older checkpoint's statistics leave the learned-ranker entries at the next write
        return new CarriedRankerState(statistics, learned, olderStatistics != null);
    }

    /** Erases {@code userId} from the carried statistics, as the ranker's forget does. */
    void forget(String userId) {
        if (statistics != null && statistics.knows(userId)) {
            statistics.forget(userId);
            changed = true;
        }
    }

    /** Whether the state changed since it was last written ({@link #written}). */
    boolean changed() {
        return changed;
    }

    /** The carried statistics as one entry of every user's, with an empty journal; or none. */
    List<StatisticsCheckpoint> statisticsEntries() {
        if (statistics == null) {
            return List.of();
        }
        byte[] base = CandidateStatisticsSerializer.toBytes(statistics);
        return List.of(
                new StatisticsCheckpoint(
                        new StatisticsBase(base), List.of(), StatisticsCheckpoint.WHOLE, 0));
    }

    /** The carried {@code learned-ranker} entries, without statistics. */
    List<byte[]> learnedEntries() {
        return learned;
    }

    /** The state as it is now was written. */
    void written() {
        changed = false;
    }
}
