package io.streamrec.serving;

import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.candidates.Source;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.lifecycle.CloseAll;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.PrivacyAccountant;
import io.streamrec.ranking.RankedCandidates;
import io.streamrec.ranking.ScoringStage;
import io.streamrec.ranking.TrendingCooccurrence;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The serving side of the learned ranker ({@code model.type: ranker}): the candidate statistics,
 * fed with every event, and the ranker, which ranks and learns the events of the users this subtask
 * owns, with the factorization replica's score as one feature. Also ranks the trending +
 * co-occurrence heuristic from the same statistics, for evaluation. Its state (statistics, feature
 * scaler, scorer) is written with {@link #writeLearned} and {@link #checkpointStatistics}.
 */
final class LearnedRanking implements AutoCloseable {
    private static final int K = 10;

    private final ServingModel factorization;
    private final RankerSettings settings;
    private CandidateRanker ranker;
    private TrendingCooccurrence heuristic;
    private final Source trendingSource;

    /**
     * Where each event's second half (scores, training example) and the scorer's steps run: on the
     * caller's thread until {@link #scoreOnThread}. The first half (candidates, features, the
     * statistics update) always runs on the caller's.
     */
    private ScoringStage scoring = ScoringStage.inline();

    /** Set once the statistics are checkpointed ({@link #serveShare}); null before. */
    private StatisticsJournal journal;

    /**
     * Whether the journal builds new bases of the statistics off the task thread, in the {@link
     * StatisticsRebuilds} queue the job's serving subtasks in this TaskManager share ({@link
     * #serveShare}).
     */
    private boolean rebasingOffTaskThread;

    /**
     * Bytes the last {@link #writeLearned} wrote: the next one starts with a quarter more room, as
     * the state grows with new items and a buffer sized to the last write doubled (and copied) at
     * nearly every checkpoint. Not a buffer kept between checkpoints: that would hold the learned
     * state's size again on every serving subtask's heap.
     */
    private int learnedSize;

    /**
     * Own events learned since the scorer's last step: it steps at {@link
     * RankerSettings#batchEvents} of them, and at each micro-batch's end. Not state: a checkpoint
     * runs every queued batch to its end first, so it is 0 at every snapshot.
     */
    private int sinceStep;

    /**
     * The users whose similar users, activity and whole history this ranking keeps, null for all
     * ({@link #serveShare}).
     */
    private Predicate<String> share;

    /**
     * @param trendHalfLifeMs the trending baseline's half-life: evaluation ranks trending by the
     *     statistics' decayed count nearest it (1 day by default, both)
     */
    LearnedRanking(
            ServingModel factorization,
            RankerSettings settings,
            ItemCatalog catalog,
            long trendHalfLifeMs) {
        this.factorization = factorization;
        this.settings = settings;
        this.trendingSource = Source.decayedPopularityNearest(trendHalfLifeMs);
        CandidateGenerator statistics = settings.newStatistics(catalog);
        try {
            build(statistics);
        } catch (RuntimeException | Error e) {
            // the serving operator never gets this object to close: free the native memory here
            CloseAll.closeAfter(e, ranker, statistics::closeTextEncoder);
            throw e;
        }
    }

    private void build(CandidateGenerator statistics) {
        if (ranker != null) {
            requireScoringIdle(); // the scoring thread's work holds the ranker it was given
            ranker.close();
        }
        ranker = settings.newRanker(statistics);
        heuristic = new TrendingCooccurrence(statistics);
        if (journal != null) {
            statistics.recordChangesTo(journal);
        }
    }

    /**
     * The privacy spent by DP-SGD so far, a line for the log, or null when it is off. The per-user
     * counts are kept per run, not checkpointed: after a restore they cover the events since,
     * including those replayed from the last checkpoint, which are trained again with fresh noise.
     */
    String privacyReport() {
        requireScoringIdle();
        PrivacyAccountant privacy = ranker.privacy();
        return privacy == null
                ? null
                : privacy.report(settings.floodBoundPerDay(), settings.batchEvents());
    }

    /**
     * Journals every change of the statistics from now on, for {@link #checkpointStatistics}; the
     * statistics of every user (one ranking serving all users).
     */
    void journalStatistics() {
        journal = new StatisticsJournal();
        ranker.statistics().recordChangesTo(journal);
    }

    /**
     * Makes this ranking serving subtask {@code subtask} of {@code parallelism}: its statistics
     * keep similar users, activity and whole history for the subtask's own users only (the others'
     * are what the other subtasks keep), and every change is journaled for {@link
     * #checkpointStatistics}.
     */
    void serveShare(int subtask, int parallelism) {
        share = UserOwner.share(subtask, parallelism);
        ranker.statistics().keepUserStatisticsOf(share);
        journal = new StatisticsJournal(subtask, parallelism);
        if (settings.rebaseOffTaskThread()) {
            rebasingOffTaskThread = true;
            journal = journal.rebasingOn(StatisticsRebuilds.shared(), settings.candidates());
        }
        ranker.statistics().recordChangesTo(journal);
    }

    /**
     * Writes the statistics' checkpoint base now, where they have none yet (a fresh start, a
     * rescale) and new bases are built off the task thread: the first checkpoint then writes only a
     * journal, and no base is ever written on the task thread while requests wait. Call at open,
     * after any restore.
     */
    void baseStatisticsNow() {
        if (journal != null && rebasingOffTaskThread) {
            journal.baseNow(ranker.statistics());
        }
    }

    /**
     * Runs each event's scores and training, and the scorer's steps, on a thread of its own, at
     * most {@link RankerSettings#scoringInFlight} events behind the caller; results come back
     * through {@link #deliverScoring}, which {@code wakeOwner} must have the caller's thread call
     * soon. Call before the first event.
     */
    void scoreOnThread(String threadName, Runnable wakeOwner) {
        if (settings.scoringInFlight() > 0) {
            scoring = ScoringStage.onThread(threadName, settings.scoringInFlight(), wakeOwner);
        }
    }

    /** Events and requests given to the scoring thread whose results are not back yet. */
    int scoringInFlight() {
        return scoring.inFlight();
    }

    /** Hands over the scoring results that are ready (on the caller's thread): the wake-up. */
    void deliverScoring() {
        scoring.deliver();
    }

    /** {@link #deliverScoring} between two pieces of the caller's work, not as the wake-up. */
    void deliverReadyScoring() {
        scoring.deliverReady();
    }

    /**
     * Waits until every event and request given so far is scored and learned and its result handed
     * over: before the scaler and scorer are written, and at the end of input.
     */
    void awaitScoring() throws InterruptedException {
        scoring.awaitIdle();
    }

    /**
     * {@link #awaitScoring}, running {@code meanwhile} (on the caller's thread) whenever the waker
     * of {@link #scoringWaitWaker} is called while events given before the wait are still being
     * scored ({@link ScoringStage#awaitIdle(Runnable)}).
     */
    void awaitScoring(Runnable meanwhile) throws InterruptedException {
        scoring.awaitIdle(meanwhile);
    }

    /** What any thread calls to have a wait in {@link #awaitScoring(Runnable)} look up. */
    Runnable scoringWaitWaker() {
        return scoring::wakeWaiter;
    }

    /**
     * What evaluation records for an event: ranks and top-10 lists of the ranker and heuristic, and
     * the ranks of all-time and trending popularity, read from the same statistics at the same
     * event (their sources' lists, which exclude the user's items as the ranker does).
     */
    record Evaluation(
            int rank,
            List<String> top,
            int heuristicRank,
            List<String> heuristicTop,
            int popularityRank,
            int trendingRank) {}

    /**
     * Ranks {@code event}'s item before learning it, for the ranker and the heuristic, then learns
     * the event (a training example, when the scorer learns from it, and the statistics); the
     * evaluation goes to {@code then}, at once or, scoring on a thread of its own, once it is
     * handed over.
     */
    void evaluateThenLearn(UserEvent event, String[] userItems, Consumer<Evaluation> then) {
        CandidateSet candidates = ranker.statistics().candidates(event.userId(), event.timestamp());
        RankedCandidates blend = heuristic.rank(event.userId(), candidates, event.timestamp(), K);
        Candidate item = candidates.get(event.itemId());
        int popularityRank = sourceRank(item, Source.POPULARITY_ALL_TIME);
        int trendingRank = sourceRank(item, trendingSource);
        CandidateRanker.Prepared prepared =
                ranker.prepareRanking(event, candidates, factorizationFor(event, userItems));
        complete(
                prepared,
                ranked ->
                        then.accept(
                                new Evaluation(
                                        ranked.rankOf(event.itemId(), K),
                                        ranked.top(K),
                                        blend.rankOf(event.itemId(), K),
                                        blend.top(K),
                                        popularityRank,
                                        trendingRank)));
        stepIfBatchFull();
    }

    /** The item's rank in a popularity source's list, -1 when not among its first {@link #K}. */
    private static int sourceRank(Candidate item, Source source) {
        return item != null && item.from(source) && item.rank(source) < K ? item.rank(source) : -1;
    }

    /** {@link #evaluateThenLearn}, waiting for the event's scoring (tests). */
    Evaluation evaluateThenLearn(UserEvent event, String[] userItems) {
        List<Evaluation> out = new ArrayList<>(1);
        evaluateThenLearn(event, userItems, out::add);
        awaitScoringUninterrupted();
        return out.get(0);
    }

    /**
     * Learns an event of an owned user that is not evaluated: the same training example (when the
     * scorer learns from it) and statistics as {@link #evaluateThenLearn}, without ranking it.
     */
    void learn(UserEvent event, String[] userItems) {
        CandidateRanker.Prepared prepared =
                ranker.prepareLearning(event, factorizationFor(event, userItems));
        complete(prepared, ranked -> {});
        stepIfBatchFull();
    }

    private void stepIfBatchFull() {
        if (++sinceStep >= settings.batchEvents()) {
            endBatch();
        }
    }

    /** Finishes prepared work on the scoring stage, with the ranker that prepared it. */
    private void complete(CandidateRanker.Prepared prepared, Consumer<RankedCandidates> then) {
        CandidateRanker r = ranker;
        submit(() -> r.complete(prepared), then);
    }

    /**
     * Hands {@code work} to the scoring stage. Only a cancelled task interrupts its thread while
     * the stage is full; the task is going away then, so an unchecked exception ends the work.
     */
    private <T> void submit(Callable<T> work, Consumer<T> then) {
        try {
            scoring.submit(work, then);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted waiting for the scoring thread");
        }
    }

    private void awaitScoringUninterrupted() {
        try {
            scoring.awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted waiting for the scoring thread");
        }
    }

    private CandidateRanker.ItemScores factorizationFor(UserEvent event, String[] userItems) {
        return items ->
                factorization.scoreItems(event.userId(), userItems, event.timestamp(), items);
    }

    /** Applies an event of another subtask's user to the statistics. */
    void learnStatistics(UserEvent event) {
        ranker.learnStatistics(event);
    }

    /** Trains the scorer on the examples since the last call, in order with the events'. */
    void endBatch() {
        endBatch(lists -> {});
    }

    /** {@link #endBatch}, waiting for the step; returns how many lists it trained (tests). */
    int endBatchAndWait() {
        int[] lists = new int[1];
        endBatch(n -> lists[0] = n);
        awaitScoringUninterrupted();
        return lists[0];
    }

    private void endBatch(Consumer<Integer> trained) {
        sinceStep = 0;
        CandidateRanker r = ranker;
        submit(r::endBatch, trained);
    }

    /** {@link CandidateGenerator#userItemsOldestFirst}: for a request serving reads itself. */
    String[] userItemsOldestFirst(String userId) {
        return ranker.statistics().userItemsOldestFirst(userId);
    }

    /**
     * The user's candidates ranked, to {@code then}: at once or, scoring on a thread of its own,
     * once handed over, after every earlier event was scored and learned. Their ids go to {@code
     * candidates} at once, before the ranking is even started.
     */
    void recommend(
            String userId,
            String[] userItems,
            long now,
            Consumer<RankedCandidates> then,
            Consumer<List<String>> candidates) {
        CandidateRanker.Prepared prepared =
                ranker.prepareRecommendation(
                        userId,
                        now,
                        items ->
                                factorization.scoreItemsWithCurrentContent(
                                        userId, userItems, now, items));
        candidates.accept(prepared.candidateIds());
        complete(prepared, then);
    }

    /** The DP-SGD accounting, or null when it is off (tests). */
    PrivacyAccountant privacy() {
        return ranker.privacy();
    }

    /** The candidate statistics (tests). */
    CandidateGenerator statistics() {
        return ranker.statistics();
    }

    /**
     * Erases a user from the candidate statistics (see {@link CandidateGenerator#forget}) and from
     * the DP-SGD per-user counts.
     */
    void forget(String userId) {
        ranker.statistics().forget(userId);
        PrivacyAccountant privacy = ranker.privacy();
        if (privacy != null) {
            // the accountant counts on the scoring thread: forgotten after the user's last list
            submit(
                    () -> {
                        privacy.forget(userId);
                        return null;
                    },
                    done -> {});
        }
    }

    boolean knows(String userId) {
        return ranker.statistics().knows(userId);
    }

    void putItem(String itemId, String title, List<String> attributes) {
        ranker.statistics().putItem(itemId, title, attributes);
    }

    /**
     * The scaler and scorer (this subtask's learned state). Written at every checkpoint on the task
     * thread, so through a {@link DataOutputSerializer}, sized from the last one: the same bytes as
     * a {@code DataOutputStream}, whose synchronized per-byte writes took the item vectors 7.5 ms
     * instead of 2 ms at 10k items (1.4 MB) and 78 ms instead of 19 ms at 100k, and were 80% of
     * serving's checkpoint pause.
     */
    byte[] writeLearned() {
        requireScoringIdle();
        DataOutputSerializer out =
                new DataOutputSerializer(Math.max(1 << 16, learnedSize + learnedSize / 4));
        try {
            ranker.scaler().writeTo(out);
            ranker.scorer().writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        learnedSize = out.length();
        return out.getCopyOfBuffer();
    }

    /**
     * The statistics as a base snapshot and the journal since it; only after {@link
     * #journalStatistics} or {@link #serveShare}.
     */
    StatisticsCheckpoint checkpointStatistics() {
        if (journal == null) {
            throw new IllegalStateException("statistics checkpointed before they were journaled");
        }
        return journal.checkpoint(ranker.statistics());
    }

    /** Restores from what {@link #checkpointStatistics} and {@link #writeLearned} wrote. */
    void restore(StatisticsCheckpoint statistics, byte[] learned) throws IOException {
        restore(List.of(statistics), learned);
    }

    /**
     * Restores from what the serving subtasks' {@link #checkpointStatistics} wrote (every entry of
     * the union state) and {@link #writeLearned}. At the same parallelism a subtask takes its own
     * entry and its journal goes on; otherwise (a rescale, or one entry of every user's statistics
     * from before statistics were kept per subtask) the statistics of items come from one entry,
     * each user's similar users, activity and history from the entry of the subtask that kept them,
     * and the next checkpoint writes a new base.
     */
    void restore(List<StatisticsCheckpoint> entries, byte[] learned) throws IOException {
        StatisticsCheckpoint own = ownEntry(entries);
        CandidateGenerator statistics;
        if (own != null) {
            statistics = StatisticsJournal.restore(own, settings.candidates());
            journal = journal == null ? null : journal.goingOnFrom(own);
        } else {
            statistics = merged(entries);
            journal = journal == null ? null : journal.fresh();
        }
        build(withTextVectors(statistics));
        restoreLearned(learned);
    }

    /** The entry this ranking wrote before the restore, when {@code entries} hold it. */
    private StatisticsCheckpoint ownEntry(List<StatisticsCheckpoint> entries) {
        for (StatisticsCheckpoint entry : entries) {
            if (journal != null ? journal.wrote(entry) : entry.whole()) {
                return entry;
            }
        }
        return null;
    }

    /** One entry's statistics with every entry's per-user statistics of this ranking's users. */
    private CandidateGenerator merged(List<StatisticsCheckpoint> entries) {
        return StatisticsJournal.restoreMerged(
                entries, settings.candidates(), share == null ? userId -> true : share);
    }

    /**
     * Restores from checkpoints of earlier versions, which held the whole statistics in every
     * checkpoint; the next checkpoint writes them whole again as a base.
     */
    void restore(byte[] statistics, byte[] learned) throws IOException {
        journal = journal == null ? null : journal.fresh();
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(statistics, settings.candidates());
        if (share != null) {
            restored.keepUserStatisticsOf(share);
        }
        build(withTextVectors(restored));
        restoreLearned(learned);
    }

    /**
     * {@code restored} with the text vectors of the statistics built at open(): they are not in
     * checkpoints, and the catalog read at open() has them.
     */
    private CandidateGenerator withTextVectors(CandidateGenerator restored) {
        restored.adoptTextVectors(ranker.statistics());
        return restored;
    }

    private void restoreLearned(byte[] learned) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(learned))) {
            ranker.scaler().readFrom(in);
            ranker.scorer().readFrom(in);
        }
    }

    private void requireScoringIdle() {
        if (scoring.inFlight() > 0) {
            throw new IllegalStateException(
                    scoring.inFlight() + " events still being scored: await the scoring first");
        }
    }

    /**
     * Stops the scoring thread (its queued work is dropped), then the ranker, but only once the
     * thread stopped: the ranker's native memory must not go while a step still runs in it.
     */
    @Override
    public void close() {
        try {
            if (scoring.stop()) {
                ranker.close();
            }
        } finally {
            if (rebasingOffTaskThread) {
                // a base being built is of no use any more: one waiting never starts, one under
                // way stops at its next check (the queue is shared with other subtasks)
                journal.abandonPending();
            }
            // the encoder runs on the caller's thread, never the scoring one: always safe to close
            ranker.statistics().closeTextEncoder();
        }
    }
}
