package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.RecommendationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple4;
import org.junit.jupiter.api.Test;

/**
 * The task-thread side of requests serving reads itself: what is answered when, how a request waits
 * for its user's forget, and which offsets a checkpoint stores and a restore takes.
 */
class DirectRequestLedgerTest {
    private static final long T = 1_000_000L;

    private static DirectRequest request(int partition, long offset, String id, String user) {
        return new DirectRequest(partition, offset, new RecommendationRequest(id, user, 10, T));
    }

    private static DirectRequest forget(int partition, long offset, String user) {
        return new DirectRequest(
                partition, offset, RecommendationRequest.forget("f" + offset, user, T));
    }

    private static DirectRequestBatch batch(Map<Integer, Long> next, DirectRequest... requests) {
        return new DirectRequestBatch(List.of(requests), next);
    }

    private static List<String> ids(List<RecommendationRequest> requests) {
        return requests.stream().map(RecommendationRequest::requestId).toList();
    }

    @Test
    void answersRequestsAtOnceAndMovesPastEveryReadOffset() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 5L, 1, 0L));
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 5L, 1, 0L));

        List<RecommendationRequest> answer =
                ledger.accept(
                        batch(Map.of(0, 9L), request(0, 5, "r1", "a"), request(0, 7, "r2", "b")),
                        T);

        assertThat(ids(answer)).containsExactly("r1", "r2");
        // offsets 6 and 8 were other subtasks' users: dealt with too
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 9L, 1, 0L));
    }

    @Test
    void aRequestAfterItsUsersForgetWaitsUntilServingHasErasedTheUser() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));

        List<RecommendationRequest> answer =
                ledger.accept(
                        batch(
                                Map.of(0, 4L),
                                request(0, 0, "before", "a"),
                                forget(0, 1, "a"),
                                request(0, 2, "after", "a"),
                                request(0, 3, "other", "b")),
                        T);

        assertThat(ids(answer)).containsExactly("before", "other");
        assertThat(ledger.held()).isEqualTo(1);
        // the unapplied forget and the held request are not dealt with: a restore reads them again
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 1L));

        assertThat(ledger.forgetApplied("b", T)).isEmpty();
        assertThat(ids(ledger.forgetApplied("a", T + 10))).containsExactly("after");
        assertThat(ledger.held()).isZero();
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 4L));
    }

    @Test
    void twoForgetsAheadHoldTheRequestUntilBothAreApplied() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.accept(
                batch(Map.of(0, 3L), forget(0, 0, "a"), forget(0, 1, "a"), request(0, 2, "r", "a")),
                T);

        assertThat(ledger.forgetApplied("a", T)).isEmpty();
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 1L));
        assertThat(ids(ledger.forgetApplied("a", T))).containsExactly("r");
    }

    @Test
    void aForgetServingAppliedBeforeItWasReadHoldsNothing() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        assertThat(ledger.forgetApplied("a", T)).isEmpty();

        List<RecommendationRequest> answer =
                ledger.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r", "a")), T);

        assertThat(ids(answer)).containsExactly("r");
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 2L));
    }

    @Test
    void aForgetNeverAppliedHoldsItsUsersRequestsForTheLongestWaitOnly() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r", "a")), T);

        assertThat(ledger.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS))
                .isEmpty();
        List<RecommendationRequest> released =
                ledger.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS + 1);

        assertThat(ids(released)).containsExactly("r");
        assertThat(ledger.releasedUnapplied()).isEqualTo(1);
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 2L));
    }

    /**
     * The wait is bounded from when the forget was read, not by whether the forget is lost: a
     * forget merely late (the training path behind serving's own reader, as while a backlog
     * replays) releases its user's request after the longest wait too, answered from the user's
     * data as serving still holds it, and its application later answers nothing again.
     */
    @Test
    void aLateForgetIsNotWaitedForPastTheLongestWait() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r", "a")), T);

        List<RecommendationRequest> released =
                ledger.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS + 1);

        assertThat(ids(released)).containsExactly("r");
        assertThat(ledger.releasedUnapplied()).isEqualTo(1);
        assertThat(ledger.held()).isZero();
        // the forget arrives after all: serving erases the user then, with nothing left to release
        assertThat(ledger.forgetApplied("a", T + DirectRequestLedger.FORGET_WAIT_MS + 10_000))
                .isEmpty();
        assertThat(ledger.releasedUnapplied()).isEqualTo(1);
    }

    /**
     * A forget applied after the longest wait released its user's request belongs to that forget:
     * it is not taken for one applied before it was read, so a second forget of the user read soon
     * after still holds the requests behind it until serving applies it.
     */
    @Test
    void aLateForgetAppliedAfterItsReleaseDoesNotCancelTheUsersNextForget() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r1", "a")), T);
        assertThat(ids(ledger.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS + 1)))
                .containsExactly("r1");
        assertThat(ledger.forgetApplied("a", T + 61_000)).isEmpty(); // the first forget, late

        List<RecommendationRequest> answer =
                ledger.accept(
                        batch(Map.of(0, 4L), forget(0, 2, "a"), request(0, 3, "r2", "a")),
                        T + 62_000);

        assertThat(answer).as("held behind the second forget").isEmpty();
        assertThat(ledger.held()).isEqualTo(1);
        assertThat(ledger.positions()).isEqualTo(Map.of(0, 2L));
        assertThat(ids(ledger.forgetApplied("a", T + 63_000))).containsExactly("r2");
        assertThat(ledger.releasedUnapplied()).isEqualTo(1);
    }

    /**
     * The late forget's release is checkpointed: a restore between the release and the forget's
     * application still takes that application for the released forget, not for the next one.
     */
    @Test
    void aReleasedForgetIsStillAwaitedAfterARestore() {
        DirectRequestLedger before = new DirectRequestLedger(Map.of(0, 0L));
        before.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r1", "a")), T);
        before.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS + 1);
        List<Tuple4<Integer, Integer, Long, String>> applied = before.appliedForgetsState(0);
        assertThat(before.positions()).isEqualTo(Map.of(0, 2L));

        DirectRequestLedger restored =
                new DirectRequestLedger(
                        before.positions(), applied, T + 60_500, EarlierOwners.NONE);
        assertThat(restored.forgetApplied("a", T + 61_000)).isEmpty();
        List<RecommendationRequest> answer =
                restored.accept(
                        batch(Map.of(0, 4L), forget(0, 2, "a"), request(0, 3, "r2", "a")),
                        T + 62_000);

        assertThat(answer).isEmpty();
        assertThat(ids(restored.forgetApplied("a", T + 63_000))).containsExactly("r2");
    }

    /**
     * A released forget that is never applied (lost before serving) is awaited for {@link
     * DirectRequestLedger#LATE_FORGET_MS} only: a later forget of the user after that is matched by
     * its own application, its requests answered at once, not after the longest wait.
     */
    @Test
    void aReleasedForgetNeverAppliedIsAwaitedForALimitedTimeOnly() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.accept(batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r1", "a")), T);
        ledger.accept(batch(Map.of()), T + DirectRequestLedger.FORGET_WAIT_MS + 1);

        long later = T + DirectRequestLedger.LATE_FORGET_MS + 1;
        assertThat(
                        ledger.accept(
                                batch(Map.of(0, 4L), forget(0, 2, "a"), request(0, 3, "r2", "a")),
                                later))
                .isEmpty();
        assertThat(ids(ledger.forgetApplied("a", later + 1))).containsExactly("r2");
        assertThat(ledger.appliedForgetsState(0))
                .as("the released forget is no longer kept")
                .isEmpty();
    }

    @Test
    void anAppliedForgetNotReadInTimeNoLongerCancelsALaterOne() {
        DirectRequestLedger ledger = new DirectRequestLedger(Map.of(0, 0L));
        ledger.forgetApplied("a", T);

        long later = T + DirectRequestLedger.FORGET_WAIT_MS + 1;
        List<RecommendationRequest> answer =
                ledger.accept(
                        batch(Map.of(0, 2L), forget(0, 0, "a"), request(0, 1, "r", "a")), later);

        assertThat(answer).isEmpty();
        assertThat(ledger.held()).isEqualTo(1);
    }

    /**
     * A checkpoint taken while a's forget (offset 0) holds a's request stores position 0, so a
     * restore reads again b's forget (offset 2), read and applied before the checkpoint, and c's
     * (offset 4), applied before it was read: serving never applies them again, and b's and c's
     * requests after them are answered at once, not after the longest wait.
     */
    @Test
    void forgetsAppliedBeforeACheckpointAndReadAgainAfterItsRestoreHoldNothing() {
        DirectRequestLedger before = new DirectRequestLedger(Map.of(0, 0L));
        before.accept(
                batch(
                        Map.of(0, 3L),
                        forget(0, 0, "a"),
                        request(0, 1, "held", "a"),
                        forget(0, 2, "b")),
                T);
        assertThat(before.forgetApplied("b", T)).isEmpty();
        assertThat(before.forgetApplied("c", T)).isEmpty(); // read after the checkpoint
        Map<Integer, Long> positions = before.positions();
        List<Tuple4<Integer, Integer, Long, String>> applied = before.appliedForgetsState(0);
        assertThat(positions).isEqualTo(Map.of(0, 0L));
        assertThat(applied)
                .containsExactlyInAnyOrder(Tuple4.of(0, 0, 2L, "b"), Tuple4.of(0, -1, T, "c"));

        DirectRequestLedger restored =
                new DirectRequestLedger(positions, applied, T + 5, EarlierOwners.NONE);
        List<RecommendationRequest> answer =
                restored.accept(
                        batch(
                                Map.of(0, 6L),
                                forget(0, 0, "a"),
                                request(0, 1, "held", "a"),
                                forget(0, 2, "b"),
                                request(0, 3, "of-b", "b"),
                                forget(0, 4, "c"),
                                request(0, 5, "of-c", "c")),
                        T + 5);

        assertThat(ids(answer)).containsExactly("of-b", "of-c");
        assertThat(restored.held()).isEqualTo(1); // a's forget is not applied yet: it waits
        assertThat(restored.forgetApplied("a", T + 6))
                .extracting("requestId")
                .containsExactly("held");
        assertThat(restored.appliedForgetsState(0))
                .as("read past: no restore reads them")
                .isEmpty();
        assertThat(restored.positions()).isEqualTo(Map.of(0, 6L));
    }

    /**
     * A restored forget applied before it was read keeps its own deadline: one applied longer than
     * the longest wait before the restore is dropped, so it never cancels a new forget of its user,
     * and a forget read at another position than the stored one holds as any.
     */
    @Test
    void aRestoredAppliedForgetKeepsItsDeadlineAndItsPlace() {
        List<Tuple4<Integer, Integer, Long, String>> applied =
                List.of(Tuple4.of(0, -1, T, "stale"), Tuple4.of(0, 0, 1L, "b"));
        DirectRequestLedger restored =
                new DirectRequestLedger(
                        Map.of(0, 0L),
                        applied,
                        T + DirectRequestLedger.FORGET_WAIT_MS + 1,
                        EarlierOwners.NONE);
        List<RecommendationRequest> answer =
                restored.accept(
                        batch(
                                Map.of(0, 4L),
                                forget(0, 0, "stale"),
                                request(0, 1, "of-stale", "stale"),
                                forget(0, 2, "b"),
                                request(0, 3, "of-b", "b")),
                        T + DirectRequestLedger.FORGET_WAIT_MS + 1);
        assertThat(answer).isEmpty();
        assertThat(restored.held()).isEqualTo(2);
    }

    @Test
    void atTheSameParallelismEachSubtaskRestoresItsOwnPositions() {
        List<Tuple4<Integer, Integer, Integer, Long>> state =
                new ArrayList<>(DirectRequestLedger.asState(Map.of(0, 10L, 1, 3L), 0, 2));
        state.addAll(DirectRequestLedger.asState(Map.of(0, 7L, 1, 8L), 1, 2));

        assertThat(DirectRequestLedger.restore(state, 0, 2)).isEqualTo(Map.of(0, 10L, 1, 3L));
        assertThat(DirectRequestLedger.restore(state, 1, 2)).isEqualTo(Map.of(0, 7L, 1, 8L));
    }

    @Test
    void afterARescaleEverySubtaskStartsAtTheLowestPositionOfAll() {
        List<Tuple4<Integer, Integer, Integer, Long>> state =
                new ArrayList<>(DirectRequestLedger.asState(Map.of(0, 10L, 1, 3L), 0, 2));
        state.addAll(DirectRequestLedger.asState(Map.of(0, 7L, 1, 8L), 1, 2));

        Map<Integer, Long> lowest = Map.of(0, 7L, 1, 3L);
        assertThat(DirectRequestLedger.restore(state, 0, 3)).isEqualTo(lowest);
        assertThat(DirectRequestLedger.restore(state, 2, 3)).isEqualTo(lowest);
        assertThat(DirectRequestLedger.restore(state, 0, 1)).isEqualTo(lowest);
        assertThat(DirectRequestLedger.restore(List.of(), 0, 2)).isEmpty();
    }

    /**
     * Partition 1 was added to the topic and only old subtask 0 had found it (at offset 5) before
     * the checkpoint; old subtask 1 had read none of it, so its users' requests there below 5 were
     * never answered. After a rescale partition 1 starts at the earliest offset (absent), as a
     * partition missing from a subtask's own positions does, not at subtask 0's 5; what subtask 0
     * had dealt with there is skipped by {@link EarlierOwners}.
     */
    @Test
    void afterARescaleAPartitionSomeOldSubtaskLackedStartsAtTheEarliestOffset() {
        List<Tuple4<Integer, Integer, Integer, Long>> state =
                new ArrayList<>(DirectRequestLedger.asState(Map.of(0, 10L, 1, 5L), 0, 2));
        state.addAll(DirectRequestLedger.asState(Map.of(0, 7L), 1, 2));

        assertThat(DirectRequestLedger.restore(state, 0, 1)).isEqualTo(Map.of(0, 7L));
        assertThat(DirectRequestLedger.restore(state, 2, 3)).isEqualTo(Map.of(0, 7L));
        assertThat(DirectRequestLedger.restore(state, 0, 2))
                .as("at the same parallelism each subtask keeps its own")
                .isEqualTo(Map.of(0, 10L, 1, 5L));

        String ofZero = userOwnedBy(0, 2);
        String ofOne = userOwnedBy(1, 2);
        DirectRequestLedger restored =
                new DirectRequestLedger(
                        DirectRequestLedger.restore(state, 0, 1),
                        List.of(),
                        T,
                        EarlierOwners.of(state, List.of(), 1));
        List<RecommendationRequest> answer =
                restored.accept(
                        batch(
                                Map.of(0, 7L, 1, 6L),
                                request(1, 2, "answered-by-the-finder", ofZero),
                                request(1, 3, "never-read-by-its-owner", ofOne),
                                request(1, 5, "above-the-finder", ofZero)),
                        T);
        assertThat(ids(answer)).containsExactly("never-read-by-its-owner", "above-the-finder");
    }

    /**
     * After a rescale (2 subtasks to 1) the subtask starts at the lowest position of all, 4, and
     * reads again what the users' old owners had dealt with: subtask 0 up to offset 10, among it an
     * applied forget. Those are neither answered again nor held behind; what the old owner 1 had
     * not reached yet (its position 4) is answered.
     */
    @Test
    void afterARescaleWhatTheOldOwnerHadDealtWithIsNotAnsweredAgainNorHeld() {
        String ofZero = userOwnedBy(0, 2);
        String ofOne = userOwnedBy(1, 2);
        List<Tuple4<Integer, Integer, Integer, Long>> state =
                new ArrayList<>(DirectRequestLedger.asState(Map.of(0, 10L), 0, 2));
        state.addAll(DirectRequestLedger.asState(Map.of(0, 4L), 1, 2));
        DirectRequestLedger restored =
                new DirectRequestLedger(
                        DirectRequestLedger.restore(state, 0, 1),
                        List.of(),
                        T,
                        EarlierOwners.of(state, List.of(), 1));

        List<RecommendationRequest> answer =
                restored.accept(
                        batch(
                                Map.of(0, 11L),
                                request(0, 4, "answered-before", ofZero),
                                request(0, 5, "not-reached", ofOne),
                                forget(0, 6, ofZero),
                                request(0, 10, "after-the-forget", ofZero)),
                        T);

        assertThat(ids(answer)).containsExactly("not-reached", "after-the-forget");
        assertThat(restored.held()).isZero();
        assertThat(restored.positions()).isEqualTo(Map.of(0, 11L));
        assertThat(EarlierOwners.of(state, List.of(), 2))
                .as("at the same parallelism each subtask restores its own position")
                .isEqualTo(EarlierOwners.NONE);
    }

    private static String userOwnedBy(int subtask, int parallelism) {
        for (int i = 0; ; i++) {
            if (UserOwner.of("u" + i, parallelism) == subtask) {
                return "u" + i;
            }
        }
    }
}
