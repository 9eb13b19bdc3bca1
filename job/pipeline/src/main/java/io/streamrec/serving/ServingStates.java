package io.streamrec.serving;

import io.streamrec.candidates.CandidateSettings;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.eval.PrequentialCountsSerializer;
import io.streamrec.ps.RunLineage;
import io.streamrec.schema.SavepointContract.StateNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Serving's operator state, each state under the name and type its checkpoints and savepoints hold
 * it by ({@link StateNames}): the prequential counts, the marker copies, the learned ranker and its
 * candidate statistics, the event clock, the run lineage, the requests topic's positions, applied
 * forgets and earlier owners, and the erased users awaiting their tombstone. Every state is union
 * list state but the marker copies' split list state written until 2026-12-06, which is read, then
 * emptied.
 *
 * <p>{@link #restore} registers the states in the order {@link ServingOperator} always did and
 * reads what this subtask takes of them; the operator takes the counts, marker copies, clock and
 * lineage at once, the learned ranker's state once {@code open} built the ranking, and the requests
 * topic's state when its intake starts. The snapshot methods write it back at every checkpoint.
 * Tools that read a savepoint (the forget audit) take the descriptors they read from here too, so
 * they read the bytes as the operator wrote them.
 */
public final class ServingStates {
    private static final TypeInformation<Tuple2<Long, Integer>> MARKER_COPIES_ENTRY =
            TypeInformation.of(new TypeHint<Tuple2<Long, Integer>>() {});

    /**
     * An entry (subtask, parallelism, partition, offset) of the requests topic's positions, this
     * run's and earlier runs' ({@link DirectRequestLedger#asState}, {@link EarlierOwners}).
     */
    private static final TypeInformation<Tuple4<Integer, Integer, Integer, Long>> POSITION_ENTRY =
            TypeInformation.of(new TypeHint<Tuple4<Integer, Integer, Integer, Long>>() {});

    /** An applied forget (subtask, partition, offset, user) of the requests topic. */
    private static final TypeInformation<Tuple4<Integer, Integer, Long, String>> APPLIED_FORGET =
            TypeInformation.of(new TypeHint<Tuple4<Integer, Integer, Long, String>>() {});

    private final int subtask;
    private final int parallelism;

    private ListState<PrequentialCounts> countsState;
    private ListState<Tuple2<Long, Integer>> markerCopiesState;
    private ListState<byte[]> learnedState;
    private ListState<StatisticsCheckpoint> statisticsState;
    private ListState<Long> clockState;
    private RunLineage lineage;
    private ListState<Tuple4<Integer, Integer, Integer, Long>> directPositionsState;
    private ListState<Tuple4<Integer, Integer, Integer, Long>> earlierOwnersState;
    private ListState<Tuple4<Integer, Integer, Long, String>> appliedForgetsState;
    private ListState<String> erasedAwaitingTombstoneState;

    private PrequentialCounts counts;
    private MarkerCopies markerCopies;
    private long clock;
    private LearnedRankerState restoredRanker;
    private List<StatisticsCheckpoint> restoredStatistics;

    /**
     * The learned ranker's state carried under another model, loaded at the first forget on subtask
     * 0 (which writes it back); null before, and on every other subtask.
     */
    private CarriedRankerState carried;

    private Map<Integer, Long> directPositions;
    private EarlierOwners earlierOwners;
    private List<Tuple4<Integer, Integer, Long, String>> appliedForgets;
    private List<String> erasedAwaitingTombstone;

    private ServingStates(int subtask, int parallelism) {
        this.subtask = subtask;
        this.parallelism = parallelism;
    }

    /** The learned ranker's candidate statistics, one union entry per subtask. */
    public static ListStateDescriptor<StatisticsCheckpoint> candidateStatistics() {
        return new ListStateDescriptor<>(
                StateNames.CANDIDATE_STATISTICS, StatisticsCheckpointSerializer.INSTANCE);
    }

    /**
     * Registers serving's states in {@code context} and reads what subtask {@code subtask} of
     * {@code parallelism} restores from them (nothing on a fresh start); {@code run} is this job.
     */
    static ServingStates restore(
            StateInitializationContext context, JobID run, int subtask, int parallelism)
            throws Exception {
        ServingStates states = new ServingStates(subtask, parallelism);
        OperatorStateStore store = context.getOperatorStateStore();
        states.restoreEvaluation(store);
        states.restoreLearning(store);
        states.restoreClock(store);
        states.lineage = RunLineage.restore(context, run);
        states.restoreDirectRequests(store);
        states.restoreErasures(store);
        return states;
    }

    /** The prequential counts and the markers still waiting for their evaluation. */
    private void restoreEvaluation(OperatorStateStore store) throws Exception {
        countsState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.PREQUENTIAL_COUNTS,
                                PrequentialCountsSerializer.INSTANCE));
        ListState<Tuple2<Long, Integer>> legacyMarkerCopies =
                store.getListState(
                        new ListStateDescriptor<>(StateNames.PENDING_MARKERS, MARKER_COPIES_ENTRY));
        markerCopiesState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.PENDING_MARKER_COPIES, MARKER_COPIES_ENTRY));
        counts = new PrequentialCounts(subtask);
        // after a rescale, old subtask i's counts go to new subtask i % parallelism
        for (PrequentialCounts c : countsState.get()) {
            if (c.subtask() % parallelism == subtask) {
                counts.addAll(c);
            }
        }
        markerCopies = new MarkerCopies();
        markerCopies.restore(markerCopiesState.get());
        markerCopies.restore(legacyMarkerCopies.get());
        legacyMarkerCopies.clear();
    }

    /** The learned ranker's scorer and its candidate statistics, kept as restored. */
    private void restoreLearning(OperatorStateStore store) throws Exception {
        learnedState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.LEARNED_RANKER,
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        restoredRanker = LearnedRankerState.choose(learnedState.get(), subtask);
        statisticsState = store.getUnionListState(candidateStatistics());
        restoredStatistics = new ArrayList<>(); // one entry per old subtask (one: version 1)
        statisticsState.get().forEach(restoredStatistics::add);
    }

    /** The newest event time any subtask saw. */
    private void restoreClock(OperatorStateStore store) throws Exception {
        clockState =
                store.getUnionListState(
                        new ListStateDescriptor<>(StateNames.SERVING_CLOCK, Types.LONG));
        for (Long c : clockState.get()) {
            clock = Math.max(clock, c);
        }
    }

    /** The requests topic's positions, earlier owners and this subtask's users' applied forgets. */
    private void restoreDirectRequests(OperatorStateStore store) throws Exception {
        directPositionsState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.DIRECT_REQUEST_POSITIONS, POSITION_ENTRY));
        directPositions =
                DirectRequestLedger.restore(directPositionsState.get(), subtask, parallelism);
        earlierOwnersState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.DIRECT_REQUEST_EARLIER_OWNERS, POSITION_ENTRY));
        earlierOwners =
                EarlierOwners.of(directPositionsState.get(), earlierOwnersState.get(), parallelism);
        appliedForgetsState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.DIRECT_REQUEST_APPLIED_FORGETS, APPLIED_FORGET));
        appliedForgets = new ArrayList<>();
        for (Tuple4<Integer, Integer, Long, String> a : appliedForgetsState.get()) {
            // after a rescale, the user's new owner takes them
            if (UserOwner.of(a.f3, parallelism) == subtask) {
                appliedForgets.add(Tuple4.of(subtask, a.f1, a.f2, a.f3));
            }
        }
    }

    /**
     * This subtask's users erased before the restored checkpoint whose tombstone serving had not
     * read by then. Each subtask writes its own users' only; after a rescale each user's new owner
     * takes them, the one subtask that holds the user's row (the others drop it on arrival).
     */
    private void restoreErasures(OperatorStateStore store) throws Exception {
        erasedAwaitingTombstoneState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                StateNames.ERASED_USERS_AWAITING_TOMBSTONE, Types.STRING));
        erasedAwaitingTombstone = new ArrayList<>();
        for (String user : erasedAwaitingTombstoneState.get()) {
            if (UserOwner.of(user, parallelism) == subtask) {
                erasedAwaitingTombstone.add(user);
            }
        }
    }

    /** This subtask's prequential counts as restored, to count on. */
    PrequentialCounts counts() {
        return counts;
    }

    /** The copies seen of the markers whose last copy has not come, to count on. */
    MarkerCopies markerCopies() {
        return markerCopies;
    }

    /** The newest event time restored (0 on a fresh start). */
    long clock() {
        return clock;
    }

    /** The runs the restored state descends from, this run's included. */
    RunLineage lineage() {
        return lineage;
    }

    /** The requests topic's positions this subtask starts from, by partition. */
    Map<Integer, Long> directPositions() {
        return directPositions;
    }

    /** Where the subtasks of runs at other parallelisms had dealt with the requests topic. */
    EarlierOwners earlierOwners() {
        return earlierOwners;
    }

    /** The forgets of this subtask's users applied before the restored checkpoint. */
    List<Tuple4<Integer, Integer, Long, String>> appliedForgets() {
        return appliedForgets;
    }

    /** This subtask's users erased and awaiting their tombstone at the restored checkpoint. */
    List<String> erasedAwaitingTombstone() {
        return erasedAwaitingTombstone;
    }

    /** Restores {@code learned} from the learned ranker's state, if any was restored. */
    void restoreLearnedRanking(LearnedRanking learned) throws IOException {
        if (restoredRanker == null) {
            return;
        }
        if (restoredStatistics != null && !restoredStatistics.isEmpty()) {
            learned.restore(restoredStatistics, restoredRanker.learned());
        } else if (restoredRanker.statistics() != null) {
            learned.restore(restoredRanker.statistics(), restoredRanker.learned());
        } else {
            throw new IllegalStateException(
                    "learned ranker state without candidate statistics: neither "
                            + StateNames.CANDIDATE_STATISTICS
                            + " nor an older checkpoint's statistics in "
                            + StateNames.LEARNED_RANKER);
        }
        releaseRestoredLearning();
    }

    /**
     * Lets go of the learned ranker's state as read: restored, or not wanted (another model runs;
     * the state itself stays, written back by subtask 0).
     */
    void releaseRestoredLearning() {
        restoredRanker = null;
        restoredStatistics = null;
    }

    /**
     * Erases {@code userId} from the learned ranker's state carried under another model (see {@link
     * #snapshotLearning}), whose statistics are read under {@code settings}: subtask 0, which
     * writes that state back, loads it at the first forget and holds it from then on (about what a
     * ranker's subtask holds); the other subtasks write none of it, so there is nothing to erase.
     */
    void forgetInCarriedLearning(String userId, CandidateSettings settings) {
        if (subtask != 0) {
            return;
        }
        if (carried == null) {
            try {
                carried =
                        CarriedRankerState.load(
                                statisticsState.get(), learnedState.get(), settings);
            } catch (Exception e) {
                // operator state on the heap: reading it does not fail but for a broken backend
                throw new IllegalStateException("cannot read the carried learned ranker state", e);
            }
        }
        carried.forget(userId);
    }

    /**
     * Writes the counts of checkpoint {@code checkpointId} ({@code counts}, a copy nothing changes
     * any more), the newest event time {@code clock}, the lineage and the marker copies.
     */
    void snapshotEvaluation(long checkpointId, PrequentialCounts counts, long clock)
            throws Exception {
        countsState.update(List.of(counts));
        clockState.update(List.of(clock));
        lineage.snapshot(checkpointId);
        markerCopiesState.update(markerCopies.toState());
    }

    /**
     * Writes the learned ranker's scorer and statistics, each write's time to {@code timings}.
     * Under another model ({@code learned} null) the restored state is kept for a later ranker:
     * each subtask restored every union entry, so only subtask 0 writes them back (each writing its
     * own copy multiplied the entries at every restore), as restored until a forget erased a user
     * from them ({@link #forgetInCarriedLearning}), from then on as that left them.
     */
    void snapshotLearning(LearnedRanking learned, CheckpointTimings timings) throws Exception {
        if (learned == null) {
            if (subtask != 0) {
                learnedState.clear();
                statisticsState.clear();
            } else if (carried != null && carried.changed()) {
                long start = System.nanoTime();
                statisticsState.update(carried.statisticsEntries());
                learnedState.update(carried.learnedEntries());
                carried.written();
                timings.record(CheckpointTimings.Phase.STATISTICS, System.nanoTime() - start);
            }
            return;
        }
        long rankerStart = System.nanoTime();
        learnedState.update(
                List.of(new LearnedRankerState(subtask, null, learned.writeLearned()).toBytes()));
        timings.record(CheckpointTimings.Phase.RANKER, System.nanoTime() - rankerStart);
        // alike on every subtask but for the similar users, kept by each user's owner
        long statisticsStart = System.nanoTime();
        statisticsState.update(List.of(learned.checkpointStatistics()));
        timings.record(CheckpointTimings.Phase.STATISTICS, System.nanoTime() - statisticsStart);
    }

    /**
     * Writes the requests topic's positions, applied forgets and earlier owners of {@code ledger},
     * the account of a subtask that reads the topic itself. While requests come through the workers
     * ({@code ledger} null), none: the workers answer the requests above the restored positions
     * meanwhile, so a later run that reads the topic itself again starts as a subtask without
     * state, at the job group's committed offsets, which the workers' request source moves, instead
     * of answering those requests again.
     */
    void snapshotDirectRequests(DirectRequestLedger ledger) throws Exception {
        if (ledger == null) {
            directPositionsState.clear();
            appliedForgetsState.clear();
            earlierOwnersState.clear();
            return;
        }
        directPositionsState.update(ledger.toState(subtask, parallelism));
        appliedForgetsState.update(ledger.appliedForgetsState(subtask));
        earlierOwnersState.update(earlierOwners.toState(ledger.positions()));
    }

    /**
     * Writes the users erased that still await their tombstone, {@code model}'s: this subtask's own
     * users only (what it holds), so the union state holds each user once per tombstone due.
     */
    void snapshotErasures(ServingModel model) throws Exception {
        erasedAwaitingTombstoneState.update(model.erasedAwaitingTombstone());
    }
}
