package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.schema.EventType;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * What a serving subtask restores of its operator state: its share after a rescale, and what older
 * versions wrote. The operator's tests restore what the snapshot methods write.
 */
class ServingStatesTest {
    private static final int MAX_PARALLELISM = 128;

    private static final TypeInformation<Tuple2<Long, Integer>> MARKER_COPIES_ENTRY =
            TypeInformation.of(new TypeHint<Tuple2<Long, Integer>>() {});

    private static final TypeInformation<Tuple4<Integer, Integer, Long, String>> APPLIED_FORGET =
            TypeInformation.of(new TypeHint<Tuple4<Integer, Integer, Long, String>>() {});

    /** Owned by subtask 0 of 2. */
    private static final String A = "u1";

    /** Owned by subtask 1 of 2. */
    private static final String B = "u0";

    @Test
    void theUsersAreOwnedAsTheExpectationsAssume() {
        assertThat(UserOwner.of(A, 2)).isZero();
        assertThat(UserOwner.of(B, 2)).isOne();
    }

    /**
     * Each subtask restores its own counts; after a rescale old subtask i's go to new subtask i %
     * parallelism, and the newest event time is the newest of all.
     */
    @Test
    void aSubtaskRestoresTheCountsOfTheOldSubtasksItTakesOverAndTheNewestClock() throws Exception {
        long[] clocks = {5L, 9L, 7L};
        List<OperatorSubtaskState> atThree = new ArrayList<>();
        for (int subtask = 0; subtask < 3; subtask++) {
            StatesOnly writer = new StatesOnly();
            try (var h = opened(writer, 3, subtask, null)) {
                for (int e = 0; e <= subtask; e++) {
                    writer.states.counts().record(0L, new int[] {0, 1, 2, 3});
                }
                writer.clock = clocks[subtask];
                atThree.add(h.snapshot(1L, 1L));
            }
        }
        OperatorSubtaskState written =
                AbstractStreamOperatorTestHarness.repackageState(
                        atThree.toArray(OperatorSubtaskState[]::new));

        long[] events = new long[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            StatesOnly restored = new StatesOnly();
            try (var h = opened(restored, 2, subtask, rescaled(written, 3, 2, subtask))) {
                assertThat(restored.states.counts().subtask()).isEqualTo(subtask);
                assertThat(restored.states.clock()).isEqualTo(9L);
                events[subtask] = restored.states.counts().events();
            }
        }
        assertThat(events).containsExactly(1 + 3, 2);
    }

    /**
     * Marker copies that versions before 2026-12-06 wrote as split list state are read, then
     * written as the union state that replaced it, and the old state is emptied.
     */
    @Test
    void markerCopiesOfTheOldSplitStateAreReadThenMovedToTheUnionState() throws Exception {
        List<Tuple2<Long, Integer>> copies = List.of(Tuple2.of(3L, 1), Tuple2.of(4L, 2));
        OperatorSubtaskState old =
                written(
                        new ListStateDescriptor<>(StateNames.PENDING_MARKERS, MARKER_COPIES_ENTRY),
                        false,
                        copies);

        StatesOnly restored = new StatesOnly();
        OperatorSubtaskState again;
        try (var h = opened(restored, 1, 0, old)) {
            assertThat(restored.states.markerCopies().toState())
                    .containsExactlyInAnyOrderElementsOf(copies);
            again = h.snapshot(2L, 2L);
        }
        assertThat(entries(again, StateNames.PENDING_MARKERS)).isZero();
        assertThat(entries(again, StateNames.PENDING_MARKER_COPIES)).isEqualTo(2);
    }

    /** After a rescale a user's applied forgets go to the user's new owner, under its index. */
    @Test
    void appliedForgetsGoToTheUsersNewOwner() throws Exception {
        OperatorSubtaskState atOne =
                written(
                        new ListStateDescriptor<>(
                                StateNames.DIRECT_REQUEST_APPLIED_FORGETS, APPLIED_FORGET),
                        true,
                        List.of(Tuple4.of(0, 0, 5L, A), Tuple4.of(0, 1, 7L, B)));

        StatesOnly restored = new StatesOnly();
        try (var h = opened(restored, 2, 1, rescaled(atOne, 1, 2, 1))) {
            assertThat(restored.states.appliedForgets()).containsExactly(Tuple4.of(1, 1, 7L, B));
        }
    }

    /**
     * After a rescale a user erased and awaiting its tombstone goes to the user's new owner, the
     * subtask whose replica holds the user's row, and to no other.
     */
    @Test
    void erasedUsersAwaitingTheirTombstoneGoToTheirNewOwner() throws Exception {
        OperatorSubtaskState atOne =
                written(
                        new ListStateDescriptor<>(
                                StateNames.ERASED_USERS_AWAITING_TOMBSTONE, Types.STRING),
                        true,
                        List.of(A, B));

        for (int subtask = 0; subtask < 2; subtask++) {
            StatesOnly restored = new StatesOnly();
            try (var h = opened(restored, 2, subtask, rescaled(atOne, 1, 2, subtask))) {
                assertThat(restored.states.erasedAwaitingTombstone())
                        .containsExactly(subtask == 0 ? A : B);
            }
        }
    }

    /**
     * Candidate statistics in their own state win over any in the learned ranker's entry, where
     * checkpoints before 2026-12-01 held them whole: the own state is what this version writes (it
     * writes none in the entry), and the entry's are the fallback for an earlier version's
     * checkpoint, which has no own state.
     */
    @Test
    void theCandidateStatisticsStateWinsOverStatisticsInTheLearnedRankersEntry() throws Exception {
        RankerSettings settings = RankerSettings.builder().build();
        byte[] wholeInRankerEntry;
        byte[] learned;
        try (LearnedRanking earlier = LearnedRankings.of(settings)) {
            earlier.statistics().update(rating("e1", "in-ranker-entry"));
            wholeInRankerEntry = CandidateStatisticsSerializer.toBytes(earlier.statistics());
            learned = earlier.writeLearned();
        }
        StatisticsCheckpoint ownState;
        try (LearnedRanking later = LearnedRankings.of(settings)) {
            later.journalStatistics();
            later.statistics().update(rating("e2", "in-own-state"));
            ownState = later.checkpointStatistics();
        }
        OperatorSubtaskState both =
                AbstractStreamOperatorTestHarness.repackageState(
                        written(
                                new ListStateDescriptor<>(
                                        StateNames.LEARNED_RANKER,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                true,
                                List.of(
                                        new LearnedRankerState(0, wholeInRankerEntry, learned)
                                                .toBytes())),
                        written(ServingStates.candidateStatistics(), true, List.of(ownState)));

        StatesOnly restored = new StatesOnly();
        try (var h = opened(restored, 1, 0, both);
                LearnedRanking ranking = LearnedRankings.of(settings)) {
            restored.states.restoreLearnedRanking(ranking);
            assertThat(ranking.knows("in-own-state")).isTrue();
            assertThat(ranking.knows("in-ranker-entry")).isFalse();
        }
    }

    private static UserEvent rating(String id, String user) {
        return new UserEvent(id, user, "i1", EventType.RATING, 4f, 1_400_000_000_000L);
    }

    @Test
    void aFreshStartRestoresNothing() throws Exception {
        StatesOnly fresh = new StatesOnly();
        try (var h = opened(fresh, 2, 1, null)) {
            assertThat(fresh.states.counts().events()).isZero();
            assertThat(fresh.states.clock()).isZero();
            assertThat(fresh.states.markerCopies().toState()).isEmpty();
            assertThat(fresh.states.appliedForgets()).isEmpty();
            assertThat(fresh.states.erasedAwaitingTombstone()).isEmpty();
            assertThat(fresh.states.directPositions()).isEmpty();
            assertThat(fresh.states.earlierOwners()).isEqualTo(EarlierOwners.NONE);
        }
    }

    /** A started subtask of {@code parallelism}, restored from {@code state} unless null. */
    private static <T extends AbstractStreamOperator<Void> & OneInputStreamOperator<Void, Void>>
            OneInputStreamOperatorTestHarness<Void, Void> opened(
                    T operator, int parallelism, int subtask, OperatorSubtaskState state)
                    throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        operator, MAX_PARALLELISM, parallelism, subtask);
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    private static OperatorSubtaskState rescaled(
            OperatorSubtaskState state, int from, int to, int subtask) throws Exception {
        return AbstractStreamOperatorTestHarness.repartitionOperatorState(
                state, MAX_PARALLELISM, from, to, subtask);
    }

    /** A snapshot of one subtask of one that holds {@code entries} in one list state. */
    private static <T> OperatorSubtaskState written(
            ListStateDescriptor<T> descriptor, boolean union, List<T> entries) throws Exception {
        try (var h = opened(new ListStateWriter<>(descriptor, union, entries), 1, 0, null)) {
            return h.snapshot(1L, 1L);
        }
    }

    /** How many entries {@code state} holds of the operator state {@code name}. */
    private static int entries(OperatorSubtaskState state, String name) {
        int entries = 0;
        for (OperatorStateHandle handle : state.getManagedOperatorState()) {
            OperatorStateHandle.StateMetaInfo info =
                    handle.getStateNameToPartitionOffsets().get(name);
            entries += info == null ? 0 : info.getOffsets().length;
        }
        return entries;
    }

    /** An operator that holds serving's states only, written at a checkpoint as serving does. */
    private static final class StatesOnly extends AbstractStreamOperator<Void>
            implements OneInputStreamOperator<Void, Void> {
        ServingStates states;
        long clock;

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            states =
                    ServingStates.restore(
                            context,
                            getRuntimeContext().getJobInfo().getJobId(),
                            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                            getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            states.snapshotEvaluation(context.getCheckpointId(), states.counts().copy(), clock);
            states.snapshotLearning(null, new CheckpointTimings(0));
            states.snapshotDirectRequests(null);
        }

        @Override
        public void processElement(StreamRecord<Void> element) {}
    }

    /** An operator that writes one list state, as an older version of serving did. */
    private static final class ListStateWriter<T> extends AbstractStreamOperator<Void>
            implements OneInputStreamOperator<Void, Void> {
        private final ListStateDescriptor<T> descriptor;
        private final boolean union;
        private final List<T> entries;

        ListStateWriter(ListStateDescriptor<T> descriptor, boolean union, List<T> entries) {
            this.descriptor = descriptor;
            this.union = union;
            this.entries = entries;
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            ListState<T> state =
                    union
                            ? context.getOperatorStateStore().getUnionListState(descriptor)
                            : context.getOperatorStateStore().getListState(descriptor);
            state.update(entries);
        }

        @Override
        public void processElement(StreamRecord<Void> element) {}
    }
}
