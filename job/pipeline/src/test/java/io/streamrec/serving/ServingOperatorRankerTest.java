package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.ITEMS;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.candidates.ShortTermCounts;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.candidates.StatisticsView;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/** The serving operator under the learned ranker ({@link ModelType#RANKER}). */
class ServingOperatorRankerTest {
    private static final long START = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final int MAX_PARALLELISM = 128;

    private static ServingOperator operator() {
        return operator(RankerSettings.builder().learningRate(0.05).build());
    }

    /** Serving under the learned ranker with these settings, every event evaluated. */
    static ServingOperator operator(RankerSettings ranker) {
        return new ServingOperator(
                MODEL,
                INIT,
                CATALOG,
                new ServingSettings(86_400_000L, 1.0, Integer.MAX_VALUE, ModelType.RANKER, ranker),
                null,
                null,
                null,
                DirectRequestSettings.OFF);
    }

    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness()
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(operator());
    }

    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                operator(), MAX_PARALLELISM, parallelism, subtask);
    }

    /**
     * Events in markers of 8, with each user's items before the event; users walk a cycle of the
     * catalog's items (i, then i + 1), a few at once, one event a minute.
     */
    static final class Stream {
        private final Random random = new Random(5);
        private final Map<String, List<String>> histories = new HashMap<>();
        private final int[] user = new int[6];
        private final int[] position = new int[6];
        private int users;
        private long batch;
        private long time = START;

        Stream() {
            for (int a = 0; a < user.length; a++) {
                user[a] = users++;
                position[a] = random.nextInt(ITEMS);
            }
        }

        List<ModelUpdate> markers(int count) {
            List<ModelUpdate> markers = new ArrayList<>();
            for (int m = 0; m < count; m++) {
                List<UserEvent> events = new ArrayList<>();
                for (int e = 0; e < 8; e++) {
                    int a = random.nextInt(user.length);
                    events.add(event("u" + user[a], "i" + position[a] % ITEMS, time));
                    time += MINUTE;
                    position[a]++;
                    if (random.nextInt(8) == 0) {
                        user[a] = users++;
                        position[a] = random.nextInt(ITEMS);
                    }
                }
                markers.add(marker(events));
            }
            return markers;
        }

        /** A marker of these events, with the users' items before each (oldest first). */
        ModelUpdate marker(List<UserEvent> events) {
            List<String[]> before = new ArrayList<>();
            for (UserEvent e : events) {
                List<String> history =
                        histories.computeIfAbsent(e.userId(), u -> new ArrayList<>());
                before.add(history.toArray(String[]::new));
                history.add(e.itemId());
            }
            return ModelUpdate.of(new EvalMarker(++batch, 1, events, before));
        }

        String[] itemsOf(String userId) {
            return histories.getOrDefault(userId, List.of()).toArray(String[]::new);
        }

        /** The latest event time: what the operator answers requests at. */
        long lastEventTime() {
            return time - MINUTE;
        }

        ModelUpdate request(String id, String userId, int k) {
            return request(id, userId, k, lastEventTime());
        }

        ModelUpdate request(String id, String userId, int k, long timestamp) {
            return ModelUpdate.of(
                    new ServingRequest(
                            new RecommendationRequest(id, userId, k, timestamp), itemsOf(userId)));
        }
    }

    private static UserEvent event(String user, String item, long t) {
        return new UserEvent(
                user + "/" + item + "/" + t, user, item, EventType.CLICK, Float.NaN, t);
    }

    static void feed(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h,
            List<ModelUpdate> updates)
            throws Exception {
        for (ModelUpdate u : updates) {
            h.processElement(new StreamRecord<>(u));
        }
    }

    /** The report the operator emits before a checkpoint's barrier. */
    static EvalReportCodec.Report report(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h, long checkpoint)
            throws Exception {
        h.prepareSnapshotPreBarrier(checkpoint);
        List<String> reports = new ArrayList<>();
        h.getSideOutput(ServingOperator.EVAL_REPORTS).forEach(r -> reports.add(r.getValue()));
        return EvalReportCodec.decode(reports.get(reports.size() - 1));
    }

    @Test
    void evaluatesTheRankerAndTheHeuristicTestThenLearn() throws Exception {
        Stream stream = new Stream();
        try (var h = harness()) {
            h.open();
            // u1's i0: nothing seen yet, so no candidate, a miss for all;
            // u2's i0: the only candidate (popular now), rank 0 for all
            feed(
                    h,
                    List.of(
                            stream.marker(
                                    List.of(
                                            event("u1", "i0", START - 2 * MINUTE),
                                            event("v2", "i0", START - MINUTE)))));
            EvalReportCodec.Report first = report(h, 1L);
            assertThat(first.counts().events()).isEqualTo(2);
            assertThat(first.counts().hitRate(0)).isEqualTo(0.5);
            assertThat(first.counts().hitRate(3)).isEqualTo(0.5);
            // popularity and trending see u1's event too, though it is in the same marker: they
            // read the statistics the ranker reads, not the replica, which has no row of the batch
            assertThat(first.counts().hitRate(1)).isEqualTo(0.5);
            assertThat(first.counts().hitRate(2)).isEqualTo(0.5);
            assertThat(first.counts().coveredItems(0)).containsExactly("i0");
            assertThat(first.counts().coveredItems(3)).containsExactly("i0");

            feed(h, stream.markers(40));
            EvalReportCodec.Report report = report(h, 2L);
            PrequentialCounts counts = report.counts();
            assertThat(counts.events()).isEqualTo(2 + 40 * 8);
            // users walk to the next item: co-occurrence finds it, so both beat chance clearly
            assertThat(counts.hitRate(3)).isGreaterThan(0.5);
            assertThat(counts.hitRate(0)).isGreaterThan(0.5);
            // top-10 lists are known for the ranker and the heuristic only
            assertThat(counts.coverage(0)).isPresent();
            assertThat(counts.coverage(3)).isPresent();
            assertThat(counts.coverage(1)).isEmpty();
        }
    }

    @Test
    void answersFromTheRankerWithoutTheUsersItems() throws Exception {
        Stream stream = new Stream();
        try (var h = harness()) {
            h.open();
            feed(h, stream.markers(30));
            String user = "u3";
            String[] had = stream.itemsOf(user);
            assertThat(had).isNotEmpty();
            feed(h, List.of(stream.request("r1", user, 5), stream.request("r2", "stranger", 7)));

            List<RecommendationResult> results = h.extractOutputValues();
            assertThat(results).hasSize(2);
            RecommendationResult known = results.get(0);
            assertThat(known.requestId()).isEqualTo("r1");
            assertThat(known.reason()).isEqualTo("model");
            assertThat(known.items()).hasSize(5);
            assertThat(known.items())
                    .extracting(RecommendationResult.ScoredItem::itemId)
                    .doesNotContain(had)
                    .doesNotHaveDuplicates();
            assertThat(known.items())
                    .extracting(RecommendationResult.ScoredItem::score)
                    .isSortedAccordingTo((a, b) -> Float.compare(b, a));

            RecommendationResult cold = results.get(1);
            assertThat(cold.reason()).isEqualTo("cold-start");
            assertThat(cold.items()).hasSize(7);
            assertThat(cold.items())
                    .extracting(RecommendationResult.ScoredItem::score)
                    .isSortedAccordingTo((a, b) -> Float.compare(b, a));
        }
    }

    /**
     * Before any event no source has candidates: the factorization model's order fills the answer,
     * so a request still gets k distinct items, scored in descending order.
     */
    @Test
    void fewerCandidatesThanKAreFilledFromTheFactorizationModel() throws Exception {
        Stream stream = new Stream();
        try (var h = harness()) {
            h.open();
            feed(h, List.of(stream.request("r0", "first-user", 6)));

            assertOneFilledAnswer(h.extractOutputValues(), 6);
        }
    }

    /**
     * serving.ann-min-items is for the factorization model alone: under the learned ranker a fill
     * (a young catalog) is the exact top k, with no approximate index built on half the cores.
     */
    @Test
    void underTheRankerTheFillUsesNoApproximateIndex() throws Exception {
        ServingOperator operator =
                new ServingOperator(
                        MODEL,
                        INIT,
                        CATALOG,
                        new ServingSettings(
                                86_400_000L,
                                1.0,
                                1,
                                ModelType.RANKER,
                                RankerSettings.builder().learningRate(0.05).build()),
                        null,
                        null,
                        null,
                        DirectRequestSettings.OFF);
        Stream stream = new Stream();
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.open();
            feed(h, List.of(stream.request("r0", "first-user", 6)));

            assertOneFilledAnswer(h.extractOutputValues(), 6);
            assertThat(operator.model().usesAnn()).isFalse();
            assertThat(operator.model().annReady()).isFalse();
        }
    }

    /** One answer of {@code k} distinct items, best first. */
    static void assertOneFilledAnswer(List<RecommendationResult> results, int k) {
        assertThat(results).hasSize(1);
        assertThat(results.get(0).items())
                .hasSize(k)
                .extracting(RecommendationResult.ScoredItem::itemId)
                .doesNotHaveDuplicates();
        assertThat(results.get(0).items())
                .extracting(RecommendationResult.ScoredItem::score)
                .isSortedAccordingTo((a, b) -> Float.compare(b, a));
    }

    /**
     * A restored operator answers exactly as one that ran on: the statistics (a base snapshot and
     * the journal since it), the feature scaler and the scorer (parameters and AdaGrad
     * accumulators) all come back, so it keeps learning alike too.
     */
    @Test
    void restoredAnswersAndLearnsAsTheOperatorThatRanOn() throws Exception {
        restoredAnswersAndLearnsAsTheOperatorThatRanOn(
                RankerSettings.builder().learningRate(0.05).build());
    }

    /**
     * With new bases built off the task thread, the base is written at open, so the first
     * checkpoint holds a journal already; it restores to the same answers all the same. (The
     * journal here stays below the 1 MB that starts a new base: {@link StatisticsJournalTest}
     * builds those.)
     */
    @Test
    void restoredFromABaseWrittenAtOpenAnswersAndLearnsAsTheOperatorThatRanOn() throws Exception {
        restoredAnswersAndLearnsAsTheOperatorThatRanOn(
                RankerSettings.builder().learningRate(0.05).rebaseOffTaskThread(true).build());
    }

    private static void restoredAnswersAndLearnsAsTheOperatorThatRanOn(RankerSettings settings)
            throws Exception {
        Stream stream = new Stream();
        List<ModelUpdate> beforeFirst = stream.markers(10);
        List<ModelUpdate> beforeSecond = stream.markers(15);
        List<ModelUpdate> firstRequests = requests(stream, "a");
        List<ModelUpdate> after = stream.markers(15);
        List<ModelUpdate> laterRequests = requests(stream, "b");
        try (var ranOn = new OneInputStreamOperatorTestHarness<>(operator(settings));
                var restored = new OneInputStreamOperatorTestHarness<>(operator(settings))) {
            ranOn.open();
            feed(ranOn, beforeFirst);
            ranOn.prepareSnapshotPreBarrier(1L);
            ranOn.snapshot(1L, 1L); // writes the statistics whole (the base), unless open did
            feed(ranOn, beforeSecond);
            ranOn.prepareSnapshotPreBarrier(2L);
            // the base of checkpoint 1 and the journal of the events since
            OperatorSubtaskState snapshot = ranOn.snapshot(2L, 2L);
            restored.initializeState(snapshot);
            restored.open();

            feed(ranOn, firstRequests);
            feed(restored, firstRequests);
            assertSameAnswers(restored.extractOutputValues(), ranOn.extractOutputValues(), 5);

            feed(ranOn, after);
            feed(restored, after);
            feed(ranOn, laterRequests);
            feed(restored, laterRequests);
            assertSameAnswers(restored.extractOutputValues(), ranOn.extractOutputValues(), 10);
            // the counts came back too, and the later events were ranked alike
            assertThat(report(restored, 3L).counts().windows())
                    .usingRecursiveComparison()
                    .isEqualTo(report(ranOn, 3L).counts().windows());
        }
    }

    /**
     * A checkpoint of the code before the statistics journal (statistics whole in subtask 0's
     * learned-ranker entry; fixture written once by that code, whose scorer had fewer feature
     * columns and 16 hidden units) restores the statistics of the operator that ran on, byte for
     * byte, keeps them alike under later events, and checkpoints again in today's format, which
     * restores to the same answers. All but the short-term popularity counts, which that code did
     * not keep: they start empty and hold the events since the restore. Both operators make users
     * similar both ways, as that code did ({@code ranker.similar-users}).
     */
    @Test
    void restoresACheckpointThatHeldTheStatisticsWhole() throws Exception {
        Stream stream = new Stream();
        List<ModelUpdate> before = stream.markers(25); // what the fixture's operator took
        List<ModelUpdate> after = stream.markers(15);
        List<ModelUpdate> laterRequests = requests(stream, "b");
        RankerSettings asWritten =
                RankerSettings.builder()
                        .learningRate(0.05)
                        .similarUsers(SimilarUsers.BOTH_WAYS)
                        .build();
        ServingOperator ranOnOperator = operator(asWritten);
        ServingOperator restoredOperator = operator(asWritten);
        try (var ranOn = new OneInputStreamOperatorTestHarness<>(ranOnOperator);
                var restored = new OneInputStreamOperatorTestHarness<>(restoredOperator)) {
            ranOn.open();
            feed(ranOn, before);
            restored.initializeState(
                    OperatorSnapshotUtil.readStateHandle(
                            "src/test/resources/operator-fixtures/"
                                    + "serving-ranker-whole-statistics.snapshot"));
            restored.open();
            assertThat(statisticsBeforeShortTerm(restoredOperator))
                    .isEqualTo(statisticsBeforeShortTerm(ranOnOperator));
            assertThat(ShortTermCounts.items(restoredOperator.learnedRanking().statistics()))
                    .isZero();
            assertThat(ShortTermCounts.items(ranOnOperator.learnedRanking().statistics()))
                    .isPositive();
            feed(ranOn, after);
            feed(restored, after);
            assertThat(statisticsBeforeShortTerm(restoredOperator))
                    .isEqualTo(statisticsBeforeShortTerm(ranOnOperator));
            assertThat(ShortTermCounts.items(restoredOperator.learnedRanking().statistics()))
                    .isPositive();

            restored.prepareSnapshotPreBarrier(2L);
            OperatorSubtaskState today = restored.snapshot(2L, 2L);
            try (var again = new OneInputStreamOperatorTestHarness<>(operator(asWritten))) {
                again.initializeState(today);
                again.open();
                feed(restored, laterRequests);
                feed(again, laterRequests);
                assertSameAnswers(again.extractOutputValues(), restored.extractOutputValues(), 5);
            }
        }
    }

    /**
     * A forget marker erases the user from the candidate statistics at its first copy (later copies
     * change nothing), and the next checkpoint writes the statistics whole without the user, so a
     * restore from it does not know the user (its journal held the user's events) and holds the
     * same statistics as the operator that ran on.
     */
    @Test
    void aForgottenUserIsGoneFromTheStatisticsAndFromTheNextCheckpoint() throws Exception {
        Stream stream = new Stream();
        ServingOperator op = operator();
        try (var ranOn = new OneInputStreamOperatorTestHarness<>(op);
                var restored = harness()) {
            ranOn.open();
            feed(ranOn, stream.markers(10));
            ranOn.prepareSnapshotPreBarrier(1L);
            ranOn.snapshot(1L, 1L); // the base
            feed(ranOn, stream.markers(5)); // journaled
            assertThat(op.learnedRanking().knows("u0")).isTrue();
            EvalMarker forget = EvalMarker.forget(99L, 2, "u0");
            ranOn.processElement(new StreamRecord<>(ModelUpdate.of(forget)));
            assertThat(op.learnedRanking().knows("u0")).isFalse();
            byte[] afterForget = statisticsOf(op);
            ranOn.processElement(new StreamRecord<>(ModelUpdate.of(forget))); // second copy
            assertThat(statisticsOf(op)).isEqualTo(afterForget);
            ranOn.prepareSnapshotPreBarrier(2L);
            restored.initializeState(ranOn.snapshot(2L, 2L));
            restored.open();
            ServingOperator back = (ServingOperator) restored.getOneInputOperator();
            assertThat(back.learnedRanking().knows("u0")).isFalse();
            assertThat(statisticsOf(back)).isEqualTo(afterForget);
            // new users come: the first takes u0's index, in the restored operator too
            int users = op.learnedRanking().statistics().size().users();
            List<ModelUpdate> later = stream.markers(10);
            Set<String> newUsers = new HashSet<>();
            for (ModelUpdate m : later) {
                for (UserEvent e : m.marker().events()) {
                    if (!op.learnedRanking().knows(e.userId())) {
                        newUsers.add(e.userId());
                    }
                }
            }
            assertThat(newUsers).isNotEmpty();
            feed(ranOn, later);
            feed(restored, later);
            assertThat(statisticsOf(back)).isEqualTo(statisticsOf(op));
            assertThat(op.learnedRanking().statistics().size().users())
                    .isEqualTo(users + newUsers.size() - 1);
        }
    }

    private static byte[] statisticsOf(ServingOperator operator) {
        return CandidateStatisticsSerializer.toBytes(operator.learnedRanking().statistics());
    }

    private static byte[] statisticsBeforeShortTerm(ServingOperator operator) {
        return ShortTermCounts.statisticsWithout(operator.learnedRanking().statistics());
    }

    /**
     * A request stamped later than the latest event (a wall clock ahead of replayed events) is
     * answered at the latest event's time ({@code maxEventTime}); a restored operator does not know
     * that time until its first marker, so it answers at the request's time instead.
     */
    @Test
    void restoredAnswersARequestStampedAfterTheEventsAsTheOperatorThatRanOn() throws Exception {
        Stream stream = new Stream();
        List<ModelUpdate> before = stream.markers(25);
        long later = stream.lastEventTime() + 6 * 60 * MINUTE;
        List<ModelUpdate> requests = new ArrayList<>();
        for (String user : List.of("u0", "u2", "u4", "stranger")) {
            requests.add(stream.request("r-" + user, user, 10, later));
        }
        try (var ranOn = harness();
                var restored = harness()) {
            ranOn.open();
            feed(ranOn, before);
            ranOn.prepareSnapshotPreBarrier(1L);
            restored.initializeState(ranOn.snapshot(1L, 1L));
            restored.open();
            feed(ranOn, requests);
            feed(restored, requests);
            assertSameAnswers(restored.extractOutputValues(), ranOn.extractOutputValues(), 4);
        }
    }

    private static List<ModelUpdate> requests(Stream stream, String prefix) {
        List<ModelUpdate> requests = new ArrayList<>();
        for (String user : List.of("u0", "u2", "u4", "u6", "stranger")) {
            requests.add(stream.request(prefix + user, user, 10));
        }
        return requests;
    }

    private static void assertSameAnswers(
            List<RecommendationResult> actual, List<RecommendationResult> expected, int count) {
        assertThat(actual).hasSameSizeAs(expected).hasSize(count);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).requestId()).isEqualTo(expected.get(i).requestId());
            assertThat(actual.get(i).items()).isEqualTo(expected.get(i).items());
            assertThat(actual.get(i).items()).isNotEmpty();
            assertThat(actual.get(i).reason()).isEqualTo(expected.get(i).reason());
        }
    }

    @Test
    void atParallelismTwoOnlyTheUsersSubtaskAnswersAndEvaluates() throws Exception {
        Stream stream = new Stream();
        List<ModelUpdate> markers = stream.markers(20);
        List<String> users = List.of("u0", "u1", "u2", "u3", "u4", "u5", "stranger");
        try (var zero = harness(2, 0);
                var one = harness(2, 1)) {
            zero.open();
            one.open();
            feed(zero, markers);
            feed(one, markers);
            for (String user : users) {
                ModelUpdate request = stream.request("r-" + user, user, 4);
                zero.processElement(new StreamRecord<>(request));
                one.processElement(new StreamRecord<>(request));
            }
            List<String> answeredByZero = answeredUsers(zero.extractOutputValues());
            List<String> answeredByOne = answeredUsers(one.extractOutputValues());
            for (String user : users) {
                boolean ownedByZero = Math.floorMod(user.hashCode(), 2) == 0;
                assertThat(answeredByZero.contains(user)).as(user).isEqualTo(ownedByZero);
                assertThat(answeredByOne.contains(user)).as(user).isEqualTo(!ownedByZero);
            }
            assertThat(answeredByZero).isNotEmpty();
            assertThat(answeredByOne).isNotEmpty();
            long evaluatedByZero = report(zero, 1L).counts().events();
            long evaluatedByOne = report(one, 1L).counts().events();
            assertThat(evaluatedByZero).isPositive();
            assertThat(evaluatedByOne).isPositive();
            assertThat(evaluatedByZero + evaluatedByOne).isEqualTo(20 * 8);
        }
    }

    private static List<String> answeredUsers(List<RecommendationResult> results) {
        return results.stream().map(RecommendationResult::userId).toList();
    }

    /**
     * Rescaling 2 → 1: the one subtask restores the statistics (written by old subtask 0 only) and
     * old subtask 0's scaler and scorer, so it answers old subtask 0's users exactly as that did.
     */
    @Test
    void scalingDownRestoresSubtaskZerosRanker() throws Exception {
        Stream stream = new Stream();
        List<ModelUpdate> markers = stream.markers(20);
        List<String> zerosUsers = new ArrayList<>();
        for (int u = 0; zerosUsers.size() < 3; u++) {
            if (Math.floorMod(("u" + u).hashCode(), 2) == 0) {
                zerosUsers.add("u" + u);
            }
        }
        OperatorSubtaskState merged;
        List<RecommendationResult> answersOfZero = new ArrayList<>();
        try (var zero = harness(2, 0);
                var one = harness(2, 1)) {
            zero.open();
            one.open();
            feed(zero, markers);
            feed(one, markers);
            zero.prepareSnapshotPreBarrier(1L);
            one.prepareSnapshotPreBarrier(1L);
            merged =
                    AbstractStreamOperatorTestHarness.repackageState(
                            zero.snapshot(1L, 1L), one.snapshot(1L, 1L));
            for (String user : zerosUsers) {
                zero.processElement(new StreamRecord<>(stream.request("r-" + user, user, 10)));
            }
            answersOfZero.addAll(zero.extractOutputValues());
        }
        try (var single = harness(1, 0)) {
            single.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            merged, MAX_PARALLELISM, 2, 1, 0));
            single.open();
            for (String user : zerosUsers) {
                single.processElement(new StreamRecord<>(stream.request("r-" + user, user, 10)));
            }
            assertSameAnswers(single.extractOutputValues(), answersOfZero, zerosUsers.size());
        }
    }

    /**
     * A marker sent as two copies, one seen before a checkpoint (the other shard's copy came after
     * its barrier, as unaligned checkpoints allow): restored at a higher parallelism, every subtask
     * knows the copy it saw, so none evaluates and learns the batch again when the second arrives.
     * Split between subtasks as plain list state, one new subtask took it for a new batch.
     */
    @Test
    void aMarkerHalfSeenAtACheckpointIsNotLearnedAgainAfterScalingUp() throws Exception {
        Stream stream = new Stream();
        EvalMarker sent = stream.markers(1).get(0).marker();
        ModelUpdate copy =
                ModelUpdate.of(new EvalMarker(sent.batchId(), 2, sent.events(), sent.userItems()));
        OperatorSubtaskState state;
        try (var single = harness(1, 0)) {
            single.open();
            single.processElement(new StreamRecord<>(copy));
            single.prepareSnapshotPreBarrier(1L);
            state = single.snapshot(1L, 1L);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            ServingOperator op = operator();
            try (var h = new OneInputStreamOperatorTestHarness<>(op, MAX_PARALLELISM, 2, subtask)) {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                state, MAX_PARALLELISM, 1, 2, subtask));
                h.open();
                long learned = op.learnedRanking().statistics().updates();

                h.processElement(new StreamRecord<>(copy));
                h.prepareSnapshotPreBarrier(2L);

                assertThat(op.learnedRanking().statistics().updates())
                        .as("subtask %d", subtask)
                        .isEqualTo(learned);
            }
        }
    }

    /**
     * A ranker checkpoint resumed under BPR keeps the ranker's union state as it was, each entry
     * once: every subtask restores every entry, and all of them writing back what they restored
     * doubled the entries at each restore, until the ranker, turned on again at another
     * parallelism, found no scorer of its old subtask (a restart loop).
     */
    @Test
    void aRankerCheckpointResumedUnderBprKeepsTheRankersStateOnceForALaterRanker()
            throws Exception {
        Stream stream = new Stream();
        OperatorSubtaskState state;
        try (var zero = harness(2, 0);
                var one = harness(2, 1)) {
            zero.open();
            one.open();
            List<ModelUpdate> markers = stream.markers(20);
            feed(zero, markers);
            feed(one, markers);
            zero.prepareSnapshotPreBarrier(1L);
            one.prepareSnapshotPreBarrier(1L);
            state =
                    AbstractStreamOperatorTestHarness.repackageState(
                            zero.snapshot(1L, 1L), one.snapshot(1L, 1L));
        }
        for (long checkpoint = 2; checkpoint <= 3; checkpoint++) {
            state = resumedUnderBpr(state, checkpoint);
            assertThat(entries(state, StateNames.LEARNED_RANKER)).isEqualTo(2);
            assertThat(entries(state, StateNames.CANDIDATE_STATISTICS)).isEqualTo(2);
        }
        try (var third = harness(3, 2)) {
            third.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            state, MAX_PARALLELISM, 2, 3, 2));
            third.open();
            String user = "u0";
            for (int u = 1; UserOwner.of(user, 3) != 2; u++) {
                user = "u" + u;
            }
            third.processElement(new StreamRecord<>(stream.request("r", user, 10)));
            assertThat(answeredUsers(third.extractOutputValues())).containsExactly(user);
        }
    }

    /**
     * A user forgotten while serving runs BPR on a ranker checkpoint is erased from the ranker's
     * state it carries too: switched back to the ranker, serving does not know the user, and its
     * statistics are those of a ranker that applied the forget itself (the other users kept). The
     * carried state once held the user until the ranker came back with it.
     */
    @Test
    void aUserForgottenUnderBprIsGoneFromTheCarriedRankerState() throws Exception {
        Stream stream = new Stream();
        OperatorSubtaskState rankerState;
        try (var zero = harness(2, 0);
                var one = harness(2, 1)) {
            zero.open();
            one.open();
            List<ModelUpdate> markers = stream.markers(20);
            feed(zero, markers);
            feed(one, markers);
            zero.prepareSnapshotPreBarrier(1L);
            one.prepareSnapshotPreBarrier(1L);
            rankerState =
                    AbstractStreamOperatorTestHarness.repackageState(
                            zero.snapshot(1L, 1L), one.snapshot(1L, 1L));
        }
        ModelUpdate forget = ModelUpdate.of(EvalMarker.forget(99L, 1, "u0"));
        // the forget under BPR, then a checkpoint without one: the erasure stays carried
        OperatorSubtaskState state = resumedUnderBpr(rankerState, 2L, List.of(forget));
        state = resumedUnderBpr(state, 3L, List.of());
        ServingOperator expected = operator();
        try (var back = harness();
                var forgotItself = new OneInputStreamOperatorTestHarness<>(expected)) {
            forgotItself.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            rankerState, MAX_PARALLELISM, 2, 1, 0));
            forgotItself.open();
            assertThat(expected.learnedRanking().knows("u0")).isTrue();
            assertThat(expected.learnedRanking().knows("u1")).isTrue();
            forgotItself.processElement(new StreamRecord<>(forget));

            back.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            state, MAX_PARALLELISM, 2, 1, 0));
            back.open();
            ServingOperator op = (ServingOperator) back.getOneInputOperator();
            assertThat(op.learnedRanking().knows("u0")).isFalse();
            assertThat(op.learnedRanking().knows("u1")).isTrue();
            assertThat(statisticsOf(op)).isEqualTo(statisticsOf(expected));
        }
    }

    /** Both subtasks at parallelism 2 under BPR, restored from {@code state}, checkpointed. */
    private static OperatorSubtaskState resumedUnderBpr(OperatorSubtaskState state, long checkpoint)
            throws Exception {
        return resumedUnderBpr(state, checkpoint, List.of());
    }

    /** {@link #resumedUnderBpr(OperatorSubtaskState, long)}, both taking {@code updates} first. */
    private static OperatorSubtaskState resumedUnderBpr(
            OperatorSubtaskState state, long checkpoint, List<ModelUpdate> updates)
            throws Exception {
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            ServingOperator bpr =
                    new ServingOperator(
                            MODEL,
                            INIT,
                            CATALOG,
                            ServingOperatorFixture.BPR,
                            null,
                            null,
                            null,
                            DirectRequestSettings.OFF);
            try (var h =
                    new OneInputStreamOperatorTestHarness<>(bpr, MAX_PARALLELISM, 2, subtask)) {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                state, MAX_PARALLELISM, 2, 2, subtask));
                h.open();
                feed(h, updates);
                h.prepareSnapshotPreBarrier(checkpoint);
                snapshots.add(h.snapshot(checkpoint, checkpoint));
            }
        }
        return AbstractStreamOperatorTestHarness.repackageState(
                snapshots.toArray(OperatorSubtaskState[]::new));
    }

    /** How many entries the operator list state {@code name} holds over every subtask. */
    private static int entries(OperatorSubtaskState state, String name) {
        int entries = 0;
        for (OperatorStateHandle handle : state.getManagedOperatorState()) {
            OperatorStateHandle.StateMetaInfo info =
                    handle.getStateNameToPartitionOffsets().get(name);
            entries += info == null ? 0 : info.getOffsets().length;
        }
        return entries;
    }

    /**
     * The same markers taken by one subtask at parallelism 1 ({@code all}) and by both subtasks at
     * parallelism 2, each checkpointed once ({@code atOne}, and {@code atTwo} repackaged).
     */
    private record RanAtOneAndTwo(
            ServingOperator all,
            ServingOperator zero,
            ServingOperator one,
            OperatorSubtaskState atOne,
            OperatorSubtaskState atTwo) {

        static RanAtOneAndTwo run(List<ModelUpdate> markers) throws Exception {
            ServingOperator all = operator();
            ServingOperator zero = operator();
            ServingOperator one = operator();
            try (var atOne = new OneInputStreamOperatorTestHarness<>(all);
                    var atTwoZero =
                            new OneInputStreamOperatorTestHarness<>(zero, MAX_PARALLELISM, 2, 0);
                    var atTwoOne =
                            new OneInputStreamOperatorTestHarness<>(one, MAX_PARALLELISM, 2, 1)) {
                for (var h : List.of(atOne, atTwoZero, atTwoOne)) {
                    h.open();
                    feed(h, markers);
                    h.prepareSnapshotPreBarrier(1L);
                }
                return new RanAtOneAndTwo(
                        all,
                        zero,
                        one,
                        atOne.snapshot(1L, 1L),
                        AbstractStreamOperatorTestHarness.repackageState(
                                atTwoZero.snapshot(1L, 1L), atTwoOne.snapshot(1L, 1L)));
            }
        }
    }

    /**
     * At parallelism 2 each subtask keeps the similar users and the activity of its own users only:
     * the two shares of similar users add up to exactly those one subtask keeps for everyone, and
     * only a user's owner counts the user's events.
     */
    @Test
    void atParallelismTwoEachSubtaskKeepsItsOwnUsersStatistics() throws Exception {
        RanAtOneAndTwo ran = RanAtOneAndTwo.run(withHeavyUsers(new Stream()));
        long everyone = similarUserEntries(ran.all());
        assertThat(similarUserEntries(ran.zero())).isPositive().isLessThan(everyone);
        assertThat(similarUserEntries(ran.one())).isPositive().isLessThan(everyone);
        assertThat(similarUserEntries(ran.zero()) + similarUserEntries(ran.one()))
                .isEqualTo(everyone);
        // a user's whole history on its owner, its latest 20 items (what others' statistics read)
        // elsewhere
        assertThat(HEAVY_USERS.stream().map(u -> UserOwner.of(u, 2))).containsExactly(1, 0);
        for (String user : HEAVY_USERS) {
            List<String> whole = ran.all().learnedRanking().statistics().userItems(user);
            boolean zeroOwns = UserOwner.of(user, 2) == 0;
            assertThat(whole).hasSize(ITEMS);
            assertThat(ran.zero().learnedRanking().statistics().userItems(user))
                    .isEqualTo(zeroOwns ? whole : whole.subList(0, 20));
            assertThat(ran.one().learnedRanking().statistics().userItems(user))
                    .isEqualTo(zeroOwns ? whole.subList(0, 20) : whole);
        }
        for (String user : List.of("u0", "u1", "u2", "u3")) {
            long events = eventsOf(ran.all(), user);
            boolean zeroOwns = UserOwner.of(user, 2) == 0;
            assertThat(events).isPositive();
            assertThat(eventsOf(ran.zero(), user)).as(user).isEqualTo(zeroOwns ? events : 0);
            assertThat(eventsOf(ran.one(), user)).as(user).isEqualTo(zeroOwns ? 0 : events);
        }
    }

    /** The stream's markers, then two users with every item of the catalog, more than 20 each. */
    private static List<ModelUpdate> withHeavyUsers(Stream stream) {
        List<ModelUpdate> markers = new ArrayList<>(stream.markers(20));
        List<UserEvent> heavy = new ArrayList<>();
        long t = stream.lastEventTime();
        for (int i = 0; i < ITEMS; i++) {
            for (String user : HEAVY_USERS) {
                heavy.add(event(user, "i" + i, t += MINUTE));
            }
        }
        markers.add(stream.marker(heavy));
        return markers;
    }

    /** Two users, one owned by each subtask at parallelism 2. */
    private static final List<String> HEAVY_USERS = List.of("heavy-1", "heavy-2");

    private static long eventsOf(ServingOperator operator, String user) {
        CandidateGenerator statistics = operator.learnedRanking().statistics();
        return statistics.activity().users().events(new StatisticsView(statistics).user(user));
    }

    /**
     * Rescaling 2 → 1 brings every user's similar users and activity back from the subtask that
     * kept them: the one subtask holds, byte for byte, the statistics of a subtask that ran at
     * parallelism 1; and 1 → 2 gives each subtask the statistics of the subtask that ran at
     * parallelism 2.
     */
    @Test
    void rescalingKeepsEveryUsersStatistics() throws Exception {
        RanAtOneAndTwo ran = RanAtOneAndTwo.run(withHeavyUsers(new Stream()));
        ServingOperator scaledDown = operator();
        try (var single =
                new OneInputStreamOperatorTestHarness<>(scaledDown, MAX_PARALLELISM, 1, 0)) {
            single.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            ran.atTwo(), MAX_PARALLELISM, 2, 1, 0));
            single.open();
            assertThat(statisticsOf(scaledDown)).isEqualTo(statisticsOf(ran.all()));
        }
        List<ServingOperator> ranAtTwo = List.of(ran.zero(), ran.one());
        for (int subtask = 0; subtask < 2; subtask++) {
            ServingOperator scaledUp = operator();
            try (var h =
                    new OneInputStreamOperatorTestHarness<>(
                            scaledUp, MAX_PARALLELISM, 2, subtask)) {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                ran.atOne(), MAX_PARALLELISM, 1, 2, subtask));
                h.open();
                assertThat(statisticsOf(scaledUp)).isEqualTo(statisticsOf(ranAtTwo.get(subtask)));
            }
        }
    }

    /**
     * Rescaling between two parallelisms above 1 (2 → 3 and 3 → 2), where each new subtask takes
     * its users' per-user statistics from several old subtasks and gives others away: each new
     * subtask holds, byte for byte, the statistics of the subtask that ran at the new parallelism
     * from the start, so no user's similar users, activity or history is lost or kept twice.
     */
    @Test
    void rescalingBetweenTwoAndThreeKeepsEveryUsersStatistics() throws Exception {
        List<ModelUpdate> markers = withHeavyUsers(new Stream());
        RanAt two = RanAt.run(2, markers);
        RanAt three = RanAt.run(3, markers);
        RanAt one = RanAt.run(1, markers);
        // a heavy user changes owner: its whole history moves between subtasks both ways
        assertThat(HEAVY_USERS.stream().map(u -> UserOwner.of(u, 2)).toList())
                .isNotEqualTo(HEAVY_USERS.stream().map(u -> UserOwner.of(u, 3)).toList());
        for (RanAt[] fromTo : new RanAt[][] {{two, three}, {three, two}}) {
            RanAt from = fromTo[0];
            RanAt to = fromTo[1];
            int p = to.subtasks().size();
            long similarUsers = 0;
            Map<String, Integer> wholeHistories = new HashMap<>();
            for (int subtask = 0; subtask < p; subtask++) {
                ServingOperator rescaled = operator();
                try (var h =
                        new OneInputStreamOperatorTestHarness<>(
                                rescaled, MAX_PARALLELISM, p, subtask)) {
                    h.initializeState(
                            AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                    from.state(),
                                    MAX_PARALLELISM,
                                    from.subtasks().size(),
                                    p,
                                    subtask));
                    h.open();
                    assertThat(statisticsOf(rescaled))
                            .as("%d → %d, subtask %d", from.subtasks().size(), p, subtask)
                            .isEqualTo(statisticsOf(to.subtasks().get(subtask)));
                    similarUsers += similarUserEntries(rescaled);
                    for (String user : HEAVY_USERS) {
                        if (rescaled.learnedRanking().statistics().userItems(user).size()
                                == ITEMS) {
                            wholeHistories.merge(user, 1, Integer::sum);
                        }
                    }
                }
            }
            // every user's similar users kept once over the subtasks, each whole history once
            assertThat(similarUsers).isEqualTo(similarUserEntries(one.subtasks().get(0)));
            assertThat(wholeHistories)
                    .isEqualTo(Map.of(HEAVY_USERS.get(0), 1, HEAVY_USERS.get(1), 1));
        }
    }

    /**
     * The same markers taken by every subtask at {@code parallelism}, each checkpointed once: the
     * subtasks, and their snapshots repackaged as one state.
     */
    private record RanAt(List<ServingOperator> subtasks, OperatorSubtaskState state) {
        static RanAt run(int parallelism, List<ModelUpdate> markers) throws Exception {
            List<ServingOperator> subtasks = new ArrayList<>();
            List<OperatorSubtaskState> snapshots = new ArrayList<>();
            for (int subtask = 0; subtask < parallelism; subtask++) {
                ServingOperator op = operator();
                try (var h =
                        new OneInputStreamOperatorTestHarness<>(
                                op, MAX_PARALLELISM, parallelism, subtask)) {
                    h.open();
                    feed(h, markers);
                    h.prepareSnapshotPreBarrier(1L);
                    snapshots.add(h.snapshot(1L, 1L));
                }
                subtasks.add(op);
            }
            return new RanAt(
                    subtasks,
                    AbstractStreamOperatorTestHarness.repackageState(
                            snapshots.toArray(OperatorSubtaskState[]::new)));
        }
    }

    /**
     * Every subtask reads every subtask's statistics entry (union state), but at the same
     * parallelism uses only its own: the others' bases stay compressed, so subtask 1's base, made
     * corrupt, does not stop subtask 0 from restoring its own statistics. Subtask 1 itself, and a
     * rescale that takes subtask 1's users from that base, fail on it, naming the block.
     */
    @Test
    void aRestoreAtTheSameParallelismDecompressesOnlyItsOwnStatisticsBase() throws Exception {
        List<ModelUpdate> markers = withHeavyUsers(new Stream());
        ServingOperator zero = operator();
        OperatorSubtaskState[] atTwo = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            ServingOperator op = subtask == 0 ? zero : operator();
            try (var h = new OneInputStreamOperatorTestHarness<>(op, MAX_PARALLELISM, 2, subtask)) {
                h.open();
                feed(h, markers);
                h.prepareSnapshotPreBarrier(1L);
                atTwo[subtask] = h.snapshot(1L, 1L);
            }
        }
        OperatorSubtaskState oneCorrupt =
                AbstractStreamOperatorTestHarness.repackageState(
                        atTwo[0], withStatisticsBlocksCorrupt(atTwo[1]));

        ServingOperator restored = operator();
        try (var h = new OneInputStreamOperatorTestHarness<>(restored, MAX_PARALLELISM, 2, 0)) {
            h.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            oneCorrupt, MAX_PARALLELISM, 2, 2, 0));
            h.open();
            assertThat(statisticsOf(restored)).isEqualTo(statisticsOf(zero));
        }
        for (int[] at : new int[][] {{2, 1}, {3, 0}}) { // parallelism, subtask
            ServingOperator failing = operator();
            var h = new OneInputStreamOperatorTestHarness<>(failing, MAX_PARALLELISM, at[0], at[1]);
            try {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                oneCorrupt, MAX_PARALLELISM, 2, at[0], at[1]));
                assertThatThrownBy(h::open)
                        .as("subtask %d of %d", at[1], at[0])
                        .hasStackTraceContaining("corrupt statistics base block");
            } finally {
                // as Flink after a failed open: close, no finish (the harness's close finishes)
                failing.close();
                h.getEnvironment().close();
            }
        }
    }

    /**
     * {@code state} with the LZ4 block of each candidate statistics entry made corrupt: its first
     * bytes (after the schema version, the base's length and the block's length) set to 0xff.
     */
    private static OperatorSubtaskState withStatisticsBlocksCorrupt(OperatorSubtaskState state)
            throws Exception {
        List<OperatorStateHandle> handles = new ArrayList<>();
        for (OperatorStateHandle handle : state.getManagedOperatorState()) {
            byte[] bytes;
            try (var in = handle.openInputStream()) {
                bytes = in.readAllBytes();
            }
            OperatorStateHandle.StateMetaInfo info =
                    handle.getStateNameToPartitionOffsets().get(StateNames.CANDIDATE_STATISTICS);
            for (long offset : info == null ? new long[0] : info.getOffsets()) {
                Arrays.fill(bytes, (int) offset + 9, (int) offset + 13, (byte) 0xff);
            }
            handles.add(
                    new OperatorStreamStateHandle(
                            handle.getStateNameToPartitionOffsets(),
                            new ByteStreamStateHandle("corrupt statistics", bytes)));
        }
        assertThat(state.getManagedKeyedState()).isEmpty();
        assertThat(state.getRawOperatorState()).isEmpty();
        return OperatorSubtaskState.builder()
                .setManagedOperatorState(new StateObjectCollection<>(handles))
                .build();
    }

    private static long similarUserEntries(ServingOperator operator) {
        return operator.learnedRanking().statistics().size().similarUserEntries();
    }
}
