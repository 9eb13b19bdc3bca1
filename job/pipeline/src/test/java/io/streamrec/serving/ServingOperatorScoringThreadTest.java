package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.RecommendationResult;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.OneInputStreamTask;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarness;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarnessBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.Mockito;

/**
 * Serving with the ranker's scores and training on a second thread ({@code
 * ranker.scoring-in-flight}) evaluates, answers and checkpoints exactly as serving on one thread:
 * the checkpoint's pre-barrier step waits for every result, so the reports, the answers and the
 * learned state before a barrier are the same.
 */
class ServingOperatorScoringThreadTest {
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            int scoringInFlight) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                ServingOperatorRankerTest.operator(
                        RankerSettings.builder()
                                .scoringInFlight(scoringInFlight)
                                .batchEvents(16)
                                .build()));
    }

    /** Markers with requests between them: a request must see every event before it. */
    private static List<ModelUpdate> input(ServingOperatorRankerTest.Stream stream, int round) {
        List<ModelUpdate> updates = new ArrayList<>(stream.markers(10));
        for (String user : List.of("u0", "u3", "u5", "stranger")) {
            updates.add(stream.request("r" + round + "-" + user, user, 10));
        }
        return updates;
    }

    private record Run(
            List<PrequentialCounts> reports,
            List<RecommendationResult> answers,
            OperatorSubtaskState snapshot,
            boolean onScoringThread) {}

    private static Run run(int scoringInFlight) throws Exception {
        ServingOperatorRankerTest.Stream stream = new ServingOperatorRankerTest.Stream();
        List<PrequentialCounts> reports = new ArrayList<>();
        List<Thread> others = scoringThreads();
        try (var h = harness(scoringInFlight)) {
            h.open();
            OperatorSubtaskState snapshot = null;
            for (int checkpoint = 1; checkpoint <= 3; checkpoint++) {
                ServingOperatorRankerTest.feed(h, input(stream, checkpoint));
                reports.add(ServingOperatorRankerTest.report(h, checkpoint).counts());
                snapshot = h.snapshot(checkpoint, checkpoint);
            }
            boolean onScoringThread = scoringThreads().stream().anyMatch(t -> !others.contains(t));
            return new Run(
                    reports, new ArrayList<>(h.extractOutputValues()), snapshot, onScoringThread);
        }
    }

    @Test
    void aSecondScoringThreadEvaluatesAnswersAndCheckpointsAsOneThreadDoes() throws Exception {
        Run inline = run(0);
        Run threaded = run(4);
        assertThat(inline.onScoringThread()).isFalse();
        assertThat(threaded.onScoringThread()).as("a second thread did the scoring").isTrue();

        assertThat(inline.answers()).hasSize(12);
        assertThat(threaded.answers()).hasSize(12);
        for (int i = 0; i < inline.answers().size(); i++) {
            RecommendationResult expected = inline.answers().get(i);
            RecommendationResult actual = threaded.answers().get(i);
            assertThat(actual.requestId()).isEqualTo(expected.requestId());
            assertThat(actual.items()).isEqualTo(expected.items());
            assertThat(actual.reason()).isEqualTo(expected.reason());
            assertThat(actual.modelVersion()).isEqualTo(expected.modelVersion());
        }
        for (int c = 0; c < inline.reports().size(); c++) {
            PrequentialCounts expected = inline.reports().get(c);
            PrequentialCounts actual = threaded.reports().get(c);
            assertThat(actual.events()).isEqualTo(expected.events()).isEqualTo(80L * (c + 1));
            for (int r = 0; r < PrequentialCounts.RECOMMENDERS.length; r++) {
                assertThat(actual.hitRate(r)).isEqualTo(expected.hitRate(r));
                assertThat(actual.ndcg(r)).isEqualTo(expected.ndcg(r));
                assertThat(actual.coverage(r)).isEqualTo(expected.coverage(r));
            }
        }

        // the learned state each wrote answers alike after a restore on one thread
        ServingOperatorRankerTest.Stream later = new ServingOperatorRankerTest.Stream();
        List<ModelUpdate> requests = input(later, 9).subList(10, 14);
        List<List<RecommendationResult>> restoredAnswers = new ArrayList<>();
        for (OperatorSubtaskState snapshot : List.of(inline.snapshot(), threaded.snapshot())) {
            try (var restored = harness(0)) {
                restored.initializeState(snapshot);
                restored.open();
                ServingOperatorRankerTest.feed(restored, requests);
                restoredAnswers.add(restored.extractOutputValues());
            }
        }
        assertThat(restoredAnswers.get(1)).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(restoredAnswers.get(1).get(i).items())
                    .isEqualTo(restoredAnswers.get(0).get(i).items());
        }
    }

    /** The factorization model's fill is read when the request is, and the answer is whole. */
    @Test
    void fewerCandidatesThanKAreFilledOnTheScoringThreadToo() throws Exception {
        ServingOperatorRankerTest.Stream stream = new ServingOperatorRankerTest.Stream();
        try (var h = harness(8)) {
            h.open();
            ServingOperatorRankerTest.feed(h, List.of(stream.request("r0", "first-user", 6)));
            h.prepareSnapshotPreBarrier(1L);
            ServingOperatorRankerTest.assertOneFilledAnswer(h.extractOutputValues(), 6);
        }
    }

    /**
     * In a running task the scoring thread's wake-up mail hands a result over between records, with
     * no checkpoint to wait for it: a request is answered while the task is otherwise idle.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs
    void aRunningTaskGetsItsAnswersThroughTheMailbox() throws Exception {
        ServingOperatorRankerTest.Stream stream = new ServingOperatorRankerTest.Stream();
        try (StreamTaskMailboxTestHarness<RecommendationResult> h =
                new StreamTaskMailboxTestHarnessBuilder<>(
                                OneInputStreamTask::new, RecommendationResult.typeInfo())
                        .addInput(ModelUpdate.typeInfo())
                        .setupOutputForSingletonOperatorChain(
                                ServingOperatorRankerTest.operator(
                                        RankerSettings.builder().scoringInFlight(64).build()))
                        .build()) {
            for (ModelUpdate marker : stream.markers(10)) {
                h.processElement(new StreamRecord<>(marker));
            }
            h.processElement(new StreamRecord<>(stream.request("r1", "u0", 10)));
            // runs the task's mails (and nothing else arrives) until the answer is out
            h.processUntil(() -> !answers(h).isEmpty());
            assertThat(answers(h)).hasSize(1);
            assertThat(answers(h).get(0).requestId()).isEqualTo("r1");
            assertThat(answers(h).get(0).items()).hasSize(10);
        }
    }

    private static List<RecommendationResult> answers(
            StreamTaskMailboxTestHarness<RecommendationResult> h) {
        List<RecommendationResult> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof RecommendationResult a) {
                out.add(a);
            }
        }
        return out;
    }

    @Test
    void beforeTheBarrierEveryEventIsCountedAndEveryRequestAnswered() throws Exception {
        ServingOperatorRankerTest.Stream stream = new ServingOperatorRankerTest.Stream();
        try (var h = harness(64)) {
            h.open();
            ServingOperatorRankerTest.feed(h, input(stream, 1));
            EvalReportCodec.Report report = ServingOperatorRankerTest.report(h, 1L);
            assertThat(report.counts().events()).isEqualTo(80);
            assertThat(h.extractOutputValues()).hasSize(4);
        }
    }

    /**
     * A feed whose close fails (a Kafka consumer's close throws once Flink has interrupted the
     * task) does not keep the operator from stopping the scoring thread: it lived on otherwise, one
     * more at every failover, holding the job's classloader.
     */
    @Test
    void aFailingCloseBeforeItStillStopsTheScoringThread() throws Exception {
        ServingOperator operator =
                ServingOperatorRankerTest.operator(
                        RankerSettings.builder().scoringInFlight(4).batchEvents(16).build());
        List<Thread> others = scoringThreads(); // other tests' in this JVM
        var h = new OneInputStreamOperatorTestHarness<>(operator);
        h.open();
        ServingOperatorRankerTest.feed(h, new ServingOperatorRankerTest.Stream().markers(4));
        List<Thread> ours = new ArrayList<>(scoringThreads());
        ours.removeAll(others);
        assertThat(ours).isNotEmpty();
        ModelRowFeed failing = Mockito.mock(ModelRowFeed.class);
        Mockito.doThrow(new IllegalStateException("interrupted")).when(failing).close();
        Field rowFeed = ServingOperator.class.getDeclaredField("rowFeed");
        rowFeed.setAccessible(true);
        rowFeed.set(operator, failing);

        assertThatThrownBy(h::close).hasMessageContaining("interrupted");
        for (Thread t : ours) {
            t.join(10_000);
        }
        assertThat(ours).noneMatch(Thread::isAlive);
    }

    private static List<Thread> scoringThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("serving scoring") && t.isAlive())
                .toList();
    }
}
