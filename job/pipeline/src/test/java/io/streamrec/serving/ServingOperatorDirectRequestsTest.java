package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.feeds.ItemCatalogFeed;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.ServingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Serving reading the requests topic itself ({@code serving.direct-requests}) through the operator:
 * its fetcher's thread hands polls to the task's mailbox, and the operator keeps the three union
 * states (positions, applied forgets, earlier owners) across restores and rescales. The topic is a
 * {@code MockConsumer} per subtask ({@link RequestsTopic}); the expectations are worked out by hand
 * from the offsets.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost hand-off hangs
class ServingOperatorDirectRequestsTest {
    private static final int MAX_PARALLELISM = 128;

    /** Never reached: every Kafka reader of these operators is the test's. */
    private static final KafkaSettings KAFKA = new KafkaSettings("unreachable:9092", Map.of());

    private static final DirectRequestSettings DIRECT =
            new DirectRequestSettings(true, RequestsTopic.NAME, "streamrec", null, 300_000, 0);

    /** Owned by subtask 0 of 2 ({@link #theUsersAreOwnedAsTheExpectationsAssume}). */
    private static final String A = "u1";

    /** Owned by subtask 1 of 2. */
    private static final String B = "u0";

    /** Owned by subtask 0 of 2. */
    private static final String C = "u3";

    private static final TypeInformation<Tuple4<Integer, Integer, Integer, Long>> POSITION_ENTRY =
            TypeInformation.of(new TypeHint<Tuple4<Integer, Integer, Integer, Long>>() {});

    private static final TypeInformation<Tuple4<Integer, Integer, Long, String>> APPLIED_FORGET =
            TypeInformation.of(new TypeHint<Tuple4<Integer, Integer, Long, String>>() {});

    /**
     * Serving under the learned ranker reading {@code topic}, its consumer having fetched the
     * records below {@code upTo} per partition (all when null); no catalog or model-updates topic.
     */
    private static ServingOperator operator(RequestsTopic topic, Map<Integer, Long> upTo) {
        return operator(topic, upTo, DIRECT);
    }

    /** As above, with requests read from the topic as {@code direct} says. */
    private static ServingOperator operator(
            RequestsTopic topic, Map<Integer, Long> upTo, DirectRequestSettings direct) {
        return new ServingOperator(
                MODEL,
                INIT,
                CATALOG,
                new ServingSettings(
                        86_400_000L,
                        1.0,
                        Integer.MAX_VALUE,
                        ModelType.RANKER,
                        RankerSettings.builder().learningRate(0.05).build()),
                KAFKA,
                null,
                null,
                direct) {
            @Override
            ItemCatalogFeed openItemCatalogFeed() {
                return null;
            }

            @Override
            ModelRowFeed openModelRowFeed() {
                return null;
            }

            @Override
            DirectRequestFetcher openDirectRequestFetcher(
                    Map<Integer, Long> restored, DirectRequestDecoder decoder) {
                return topic.fetcher(restored, decoder, upTo);
            }
        };
    }

    /** A started subtask of {@code parallelism}, restored from {@code state} (as written at it). */
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> opened(
            ServingOperator operator, int parallelism, int subtask, OperatorSubtaskState state)
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

    /**
     * Runs the task's mails (the fetcher's hand-offs, at least one a second while it runs) on this
     * thread, the task thread, until {@code done} holds; fails after 60 s.
     */
    private static void runMailsUntil(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h,
            ServingOperator operator,
            BooleanSupplier done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            DirectRequestLedger ledger = operator.directRequestLedger();
            assertThat(System.nanoTime())
                    .as("positions %s, held %d", ledger.positions(), ledger.held())
                    .isLessThan(deadline);
            h.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();
        }
    }

    /** Runs the mails until the subtask has dealt with every offset below {@code positions}. */
    private static void runMailsUntilAt(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h,
            ServingOperator operator,
            Map<Integer, Long> positions)
            throws Exception {
        runMailsUntil(
                h, operator, () -> operator.directRequestLedger().positions().equals(positions));
    }

    /** The ids of the requests answered so far, after the checkpoint's wait for every answer. */
    private static List<String> answeredBy(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h, long checkpoint)
            throws Exception {
        h.prepareSnapshotPreBarrier(checkpoint);
        return h.extractOutputValues().stream().map(RecommendationResult::requestId).toList();
    }

    private static RecommendationRequest request(String id, String user) {
        return new RecommendationRequest(id, user, 5, 1_000L);
    }

    private static RecommendationRequest forget(String id, String user) {
        return RecommendationRequest.forget(id, user, 1_000L);
    }

    /** {@code request} as the workers send it to its user's serving subtask, with no items. */
    private static StreamRecord<ModelUpdate> fromTheWorkers(RecommendationRequest request) {
        return new StreamRecord<>(ModelUpdate.of(new ServingRequest(request, new String[0])));
    }

    /** Serving's forget marker of {@code user}, as the parameter server broadcasts it. */
    private static StreamRecord<ModelUpdate> forgetMarker(long batch, String user) {
        return forgetMarker(batch, 1, user);
    }

    /** One of the {@code copies} copies of a forget marker, one per parameter-server shard. */
    private static StreamRecord<ModelUpdate> forgetMarker(long batch, int copies, String user) {
        return new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(batch, copies, user)));
    }

    /** A row of {@code user} at {@code version} on the broadcast edge. */
    private static StreamRecord<ModelUpdate> userRow(String user, long version) {
        return new StreamRecord<>(ModelUpdate.of(ServingOperatorFixture.userRow(user, version)));
    }

    /** The owning shard's tombstone of {@code user} on the broadcast edge. */
    private static StreamRecord<ModelUpdate> tombstone(String user) {
        return new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone(RowKeys.user(user))));
    }

    /** The answer to request {@code id}, after the checkpoint's wait for every answer. */
    private static RecommendationResult answerTo(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h,
            long checkpoint,
            String id)
            throws Exception {
        h.prepareSnapshotPreBarrier(checkpoint);
        return h.extractOutputValues().stream()
                .filter(r -> r.requestId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theUsersAreOwnedAsTheExpectationsAssume() {
        assertThat(UserOwner.of(A, 2)).isZero();
        assertThat(UserOwner.of(B, 2)).isOne();
        assertThat(UserOwner.of(C, 2)).isZero();
    }

    /**
     * Two shards: the other shard's copy of A's forget comes first, then the owning shard's row of
     * A trained before the forget (B1), still in flight on its channel ahead of its forget copy and
     * tombstone. A request read in between is answered as a user without history, and the replica
     * keeps no row of A until the tombstone; the returning user's rows after it are taken.
     */
    @Test
    void aPreForgetRowThatComesAfterTheForgetIsIgnoredUntilTheOwningShardsTombstone()
            throws Exception {
        RequestsTopic topic = new RequestsTopic(1);
        ServingOperator op = operator(topic, null);
        try (var h = opened(op, 1, 0, null)) {
            h.processElement(userRow(A, 4));
            h.processElement(forgetMarker(9L, 2, A)); // the other shard's copy
            h.processElement(userRow(A, 5)); // the owning shard's, before its forget copy
            assertThat(op.model().knowsUser(A)).as("the pre-forget row taken back").isFalse();

            topic.appendFetched(0, request("between", A));
            runMailsUntilAt(h, op, Map.of(0, 1L));
            assertThat(answerTo(h, 1L, "between").reason()).isEqualTo("cold-start");

            h.processElement(forgetMarker(9L, 2, A)); // the owning shard's copy
            assertThat(op.model().knowsUser(A)).isFalse();
            h.processElement(tombstone(A));
            h.processElement(userRow(A, 1)); // the returning user's first row
            assertThat(op.model().knowsUser(A)).isTrue();
            topic.appendFetched(0, request("back", A));
            runMailsUntilAt(h, op, Map.of(0, 2L));
            assertThat(answerTo(h, 2L, "back").reason()).isEqualTo("model");
        }
    }

    /**
     * A restore at the same parallelism starts where the checkpoint left the subtask: the requests
     * answered before it are not answered again, and nothing is held behind a forget.
     */
    @Test
    void requestsAnsweredBeforeACheckpointAreNotAnsweredAgainAfterItsRestore() throws Exception {
        RequestsTopic topic = new RequestsTopic(2);
        topic.append(0, request("r1", A));
        topic.append(0, request("r2", B));
        topic.append(1, request("r3", A));
        OperatorSubtaskState checkpoint;
        ServingOperator first = operator(topic, null);
        try (var h = opened(first, 1, 0, null)) {
            runMailsUntilAt(h, first, Map.of(0, 2L, 1, 1L));
            assertThat(answeredBy(h, 1L)).containsExactlyInAnyOrder("r1", "r2", "r3");
            checkpoint = h.snapshot(1L, 1L);
        }
        topic.append(1, request("r4", B)); // after the checkpoint: answered by the restored one

        ServingOperator restored = operator(topic, null);
        try (var h = opened(restored, 1, 0, checkpoint)) {
            assertThat(restored.directRequestLedger().positions()).isEqualTo(Map.of(0, 2L, 1, 1L));
            runMailsUntilAt(h, restored, Map.of(0, 2L, 1, 2L));
            assertThat(answeredBy(h, 2L)).containsExactly("r4");
            assertThat(restored.directRequestLedger().held()).isZero();
        }
    }

    /**
     * On, off, on again, each run restored from the one before:
     *
     * <pre>
     *   p0: 0 r1(A) | 1 r3(A) | 2 r5(A)
     *   p1: 0 r2(A) | 1 r4(A)
     * </pre>
     *
     * The first run reads r1 and r2 itself. With the path off the workers answer r3 and r4 (their
     * request source then commits p0 2, p1 2 for the job's group). Back on, serving starts at those
     * committed offsets, not at the first run's positions: it answers r5 only, not r3 and r4 again.
     */
    @Test
    void requestsTheWorkersAnsweredWhileThePathWasOffAreNotAnsweredAgainWhenItIsBackOn()
            throws Exception {
        RequestsTopic topic = new RequestsTopic(2);
        topic.append(0, request("r1", A));
        topic.append(1, request("r2", A));
        OperatorSubtaskState on;
        ServingOperator first = operator(topic, null);
        try (var h = opened(first, 1, 0, null)) {
            runMailsUntilAt(h, first, Map.of(0, 1L, 1, 1L));
            assertThat(answeredBy(h, 1L)).containsExactlyInAnyOrder("r1", "r2");
            on = h.snapshot(1L, 1L);
        }
        OperatorSubtaskState off = offAnsweringThroughTheWorkers(topic, on);
        assertThat(entries(off, 1, StateNames.DIRECT_REQUEST_POSITIONS, POSITION_ENTRY)).isEmpty();

        topic.append(0, request("r5", A));
        ServingOperator again = operator(topic, null);
        try (var h = opened(again, 1, 0, off)) {
            assertThat(again.directRequestLedger().positions()).isEqualTo(Map.of(0, 2L, 1, 2L));
            runMailsUntilAt(h, again, Map.of(0, 3L, 1, 2L));
            assertThat(answeredBy(h, 3L)).containsExactly("r5");
        }
    }

    /**
     * Restored from {@code on} with the path off: the workers send r3 (p0 1) and r4 (p1 1), which
     * serving answers, and their request source commits past them; checkpointed.
     */
    private static OperatorSubtaskState offAnsweringThroughTheWorkers(
            RequestsTopic topic, OperatorSubtaskState on) throws Exception {
        ServingOperator off = operator(topic, null, DirectRequestSettings.OFF);
        try (var h = opened(off, 1, 0, on)) {
            assertThat(off.directRequestLedger()).isNull();
            RecommendationRequest r3 = request("r3", A);
            RecommendationRequest r4 = request("r4", A);
            topic.append(0, r3);
            topic.append(1, r4);
            h.processElement(fromTheWorkers(r3));
            h.processElement(fromTheWorkers(r4));
            assertThat(answeredBy(h, 2L)).containsExactlyInAnyOrder("r3", "r4");
            OperatorSubtaskState state = h.snapshot(2L, 2L);
            topic.commit(0, 2L); // on the checkpoint's completion
            topic.commit(1, 2L);
            return state;
        }
    }

    /**
     * Two subtasks of 2 checkpoint, subtask 1 behind subtask 0; the topic then holds
     *
     * <pre>
     *   p0: 0 r1(A)  1 r2(B)  2 r3(B)  3 r4(A) | 4 r7(A)  5 r8(B)
     *   p1: 0 r5(B)  1 r6(A)                   | 2 r9(B)
     * </pre>
     *
     * where subtask 0 (A's owner) had read all left of the bar: positions p0 4, p1 2, answers r1 r4
     * r6; subtask 1 (B's owner) p0 below 2, p1 below 1: positions p0 2, p1 1, answers r2 r5.
     */
    private static OperatorSubtaskState checkpointAtTwo(RequestsTopic topic) throws Exception {
        topic.append(0, request("r1", A));
        topic.append(0, request("r2", B));
        topic.append(0, request("r3", B));
        topic.append(0, request("r4", A));
        topic.append(1, request("r5", B));
        topic.append(1, request("r6", A));
        ServingOperator zero = operator(topic, null);
        ServingOperator one = operator(topic, Map.of(0, 2L, 1, 1L));
        try (var h0 = opened(zero, 2, 0, null);
                var h1 = opened(one, 2, 1, null)) {
            runMailsUntilAt(h0, zero, Map.of(0, 4L, 1, 2L));
            runMailsUntilAt(h1, one, Map.of(0, 2L, 1, 1L));
            assertThat(answeredBy(h0, 1L)).containsExactlyInAnyOrder("r1", "r4", "r6");
            assertThat(answeredBy(h1, 1L)).containsExactlyInAnyOrder("r2", "r5");
            return AbstractStreamOperatorTestHarness.repackageState(
                    h0.snapshot(1L, 1L), h1.snapshot(1L, 1L));
        }
    }

    /**
     * Rescaled 2 → 1, the one subtask starts at the lowest positions (p0 2, p1 1): it answers r3,
     * which neither old subtask had answered, and skips r6, below old subtask 0's p1 position. Its
     * checkpoint, taken when it has fetched p0 below 3 and p1 below 2, keeps of the old positions
     * only old subtask 0's p0 4, still above its own p0 3; a failover from it skips r4 by that
     * entry and answers r7, r8 and r9, which nobody had: every request once.
     */
    @Test
    void afterARescaleTheOldOwnersAnswersAreNotGivenAgainNorAfterAFailover() throws Exception {
        RequestsTopic topic = new RequestsTopic(2);
        OperatorSubtaskState atTwo = checkpointAtTwo(topic);
        topic.append(0, request("r7", A));
        topic.append(0, request("r8", B));
        topic.append(1, request("r9", B));

        OperatorSubtaskState rescaled = rescaledToOne(topic, atTwo);
        assertThat(entries(rescaled, 1, StateNames.DIRECT_REQUEST_EARLIER_OWNERS, POSITION_ENTRY))
                .containsExactly(Tuple4.of(0, 2, 0, 4L));
        assertThat(entries(rescaled, 1, StateNames.DIRECT_REQUEST_POSITIONS, POSITION_ENTRY))
                .containsExactlyInAnyOrder(Tuple4.of(0, 1, 0, 3L), Tuple4.of(0, 1, 1, 2L));

        ServingOperator failedOver = operator(topic, null);
        try (var h = opened(failedOver, 1, 0, rescaled)) {
            runMailsUntilAt(h, failedOver, Map.of(0, 6L, 1, 3L));
            assertThat(answeredBy(h, 3L)).containsExactlyInAnyOrder("r7", "r8", "r9");
            // past every old position now: none is kept any longer
            OperatorSubtaskState after = h.snapshot(3L, 3L);
            assertThat(entries(after, 1, StateNames.DIRECT_REQUEST_EARLIER_OWNERS, POSITION_ENTRY))
                    .isEmpty();
        }
    }

    /**
     * Rescaled 2 → 1 with the path off, the subtask carries none of the three states: neither the
     * old positions nor the old owners' (which a later run reading the topic itself would use to
     * skip requests), nor applied forgets.
     */
    @Test
    void withThePathOffARescaledSubtaskCarriesNoneOfItsStates() throws Exception {
        RequestsTopic topic = new RequestsTopic(2);
        OperatorSubtaskState atTwo = checkpointAtTwo(topic);
        ServingOperator off = operator(topic, null, DirectRequestSettings.OFF);
        OperatorSubtaskState restore =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        atTwo, MAX_PARALLELISM, 2, 1, 0);
        OperatorSubtaskState state;
        try (var h = opened(off, 1, 0, restore)) {
            state = h.snapshot(2L, 2L);
        }
        assertThat(entries(state, 1, StateNames.DIRECT_REQUEST_POSITIONS, POSITION_ENTRY))
                .isEmpty();
        assertThat(entries(state, 1, StateNames.DIRECT_REQUEST_EARLIER_OWNERS, POSITION_ENTRY))
                .isEmpty();
        assertThat(entries(state, 1, StateNames.DIRECT_REQUEST_APPLIED_FORGETS, APPLIED_FORGET))
                .isEmpty();
    }

    /**
     * The one subtask after the rescale, checkpointed when it has fetched p0 below 3, p1 below 2.
     */
    private static OperatorSubtaskState rescaledToOne(
            RequestsTopic topic, OperatorSubtaskState atTwo) throws Exception {
        ServingOperator single = operator(topic, Map.of(0, 3L, 1, 2L));
        OperatorSubtaskState restore =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        atTwo, MAX_PARALLELISM, 2, 1, 0);
        try (var h = opened(single, 1, 0, restore)) {
            assertThat(single.directRequestLedger().positions()).isEqualTo(Map.of(0, 2L, 1, 1L));
            runMailsUntilAt(h, single, Map.of(0, 3L, 1, 2L));
            assertThat(answeredBy(h, 2L)).containsExactly("r3");
            return h.snapshot(2L, 2L);
        }
    }

    /**
     * One subtask reads
     *
     * <pre>
     *   p0: 0 forget(C)  1 forget(A)  2 ra(A)  3 forget(B)  4 rb(B)
     * </pre>
     *
     * and serving applies A's and B's forgets, not C's: ra and rb are answered after them, and the
     * checkpoint's position stays at C's forget (0), with A's and B's forgets as applied. Rescaled
     * 1 → 2, each forget is read again by its user's new owner, which takes it as applied: ra and
     * rb are answered again at once (above the position, as documented), nothing is held. Each
     * applied forget is written back only by its user's owner while its own position is below it:
     * A's by subtask 0, still at C's forget; B's by nobody, subtask 1 having passed it (position
     * 5), nor by subtask 0, which never reads B's forget.
     */
    @Test
    void forgetsAppliedBeforeACheckpointHoldNothingOnTheirUsersNewOwnersAfterARescale()
            throws Exception {
        RequestsTopic topic = new RequestsTopic(1);
        topic.append(0, forget("fc", C));
        topic.append(0, forget("fa", A));
        topic.append(0, request("ra", A));
        topic.append(0, forget("fb", B));
        topic.append(0, request("rb", B));
        OperatorSubtaskState atOne = checkpointWithForgetsApplied(topic);
        assertThat(entries(atOne, 1, StateNames.DIRECT_REQUEST_APPLIED_FORGETS, APPLIED_FORGET))
                .containsExactlyInAnyOrder(Tuple4.of(0, 0, 1L, A), Tuple4.of(0, 0, 3L, B));

        OperatorSubtaskState merged =
                AbstractStreamOperatorTestHarness.repackageState(
                        restoredAtTwo(topic, atOne, 0, "ra"), restoredAtTwo(topic, atOne, 1, "rb"));
        assertThat(entries(merged, 2, StateNames.DIRECT_REQUEST_APPLIED_FORGETS, APPLIED_FORGET))
                .containsExactly(Tuple4.of(0, 0, 1L, A));
    }

    /**
     * Subtask {@code subtask} of 2 restored from {@code atOne}: it answers its user's request
     * {@code own} at once, holding nothing; checkpointed.
     */
    private static OperatorSubtaskState restoredAtTwo(
            RequestsTopic topic, OperatorSubtaskState atOne, int subtask, String own)
            throws Exception {
        ServingOperator op = operator(topic, null);
        OperatorSubtaskState restore =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        atOne, MAX_PARALLELISM, 1, 2, subtask);
        try (var h = opened(op, 2, subtask, restore)) {
            DirectRequestLedger ledger = op.directRequestLedger();
            // its one request read, answered or held (C's forget keeps subtask 0's position at 0)
            runMailsUntil(h, op, () -> ledger.held() + h.extractOutputValues().size() > 0);
            assertThat(answeredBy(h, 2L)).containsExactly(own);
            assertThat(ledger.held()).isZero();
            return h.snapshot(2L, 2L);
        }
    }

    /** The subtask at parallelism 1 applies A's and B's forgets after reading the whole topic. */
    private static OperatorSubtaskState checkpointWithForgetsApplied(RequestsTopic topic)
            throws Exception {
        ServingOperator op = operator(topic, null);
        try (var h = opened(op, 1, 0, null)) {
            DirectRequestLedger ledger = op.directRequestLedger();
            runMailsUntil(h, op, () -> ledger.held() == 2); // ra and rb, behind their forgets
            h.processElement(forgetMarker(1L, A));
            h.processElement(forgetMarker(2L, B));
            assertThat(answeredBy(h, 1L)).containsExactly("ra", "rb");
            assertThat(ledger.held()).isZero();
            assertThat(ledger.positions()).isEqualTo(Map.of(0, 0L)); // C's forget waits
            return h.snapshot(1L, 1L);
        }
    }

    /**
     * The entries of the union list state {@code name} in a checkpoint written at {@code
     * parallelism}, as a restore reads them: every subtask's.
     */
    private static <T> List<T> entries(
            OperatorSubtaskState state, int parallelism, String name, TypeInformation<T> type)
            throws Exception {
        UnionStateReader<T> reader = new UnionStateReader<>(name, type);
        try (var h = new OneInputStreamOperatorTestHarness<>(reader, MAX_PARALLELISM, 1, 0)) {
            h.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            state, MAX_PARALLELISM, parallelism, 1, 0));
            return reader.entries;
        }
    }

    /** An operator that only restores one union list state. */
    private static final class UnionStateReader<T> extends AbstractStreamOperator<Void>
            implements OneInputStreamOperator<Void, Void> {
        private final String name;
        private final TypeInformation<T> type;
        private final List<T> entries = new ArrayList<>();

        UnionStateReader(String name, TypeInformation<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            context.getOperatorStateStore()
                    .getUnionListState(new ListStateDescriptor<>(name, type))
                    .get()
                    .forEach(entries::add);
        }

        @Override
        public void processElement(StreamRecord<Void> element) {}
    }
}
