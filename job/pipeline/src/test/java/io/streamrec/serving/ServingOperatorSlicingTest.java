package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static io.streamrec.serving.ServingOperatorRankerTest.feed;
import static io.streamrec.serving.ServingOperatorRankerTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingOperatorRankerTest.Stream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Marker batches evaluated in slices ({@code serving.evaluation-slice}): requests are answered
 * between a batch's events, and what is checkpointed and reported is what whole batches give. A
 * slice of 1 ns ends after every event, so the slicing is deterministic here.
 */
class ServingOperatorSlicingTest {
    private static final long ONE_EVENT_PER_SLICE = 1;

    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            long sliceNanos) throws Exception {
        ServingSettings settings =
                new ServingSettings(
                                86_400_000L,
                                1.0,
                                Integer.MAX_VALUE,
                                ModelType.RANKER,
                                RankerSettings.builder().learningRate(0.05).build())
                        .withEvaluationSlice(sliceNanos);
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new ServingOperator(
                                MODEL,
                                INIT,
                                CATALOG,
                                settings,
                                null,
                                null,
                                null,
                                DirectRequestSettings.OFF));
        h.open();
        return h;
    }

    private static int pendingContinuations(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h) {
        return h.getProcessingTimeService().getNumActiveTimers();
    }

    /** Lets the operator's continuations run until nothing is left. */
    private static void runContinuations(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h)
            throws Exception {
        while (pendingContinuations(h) > 0) {
            h.setProcessingTime(h.getProcessingTime() + 1);
        }
    }

    @Test
    void slicesGiveTheCountsAndAnswersOfWholeBatches() throws Exception {
        Stream wholeStream = new Stream();
        Stream slicedStream = new Stream();
        try (var whole = harness(0);
                var sliced = harness(ONE_EVENT_PER_SLICE)) {
            feed(whole, wholeStream.markers(30));
            feed(sliced, slicedStream.markers(30));
            assertThat(pendingContinuations(whole)).isZero();
            assertThat(pendingContinuations(sliced)).isEqualTo(1);
            runContinuations(sliced);
            feed(whole, List.of(wholeStream.request("r1", "u3", 10)));
            feed(sliced, List.of(slicedStream.request("r1", "u3", 10)));

            assertThat(sliced.extractOutputValues())
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("servedAt")
                    .isEqualTo(whole.extractOutputValues());
            EvalReportCodec.Report a = report(whole, 1L);
            EvalReportCodec.Report b = report(sliced, 1L);
            assertThat(b.counts().events()).isEqualTo(a.counts().events()).isEqualTo(30 * 8);
            assertThat(b.counts().hitRate(0)).isEqualTo(a.counts().hitRate(0));
            assertThat(b.counts().hitRate(3)).isEqualTo(a.counts().hitRate(3));
        }
    }

    @Test
    void aRequestIsAnsweredBeforeTheRestOfItsBatchAndTheBarrierWaitsForAll() throws Exception {
        Stream stream = new Stream();
        try (var h = harness(ONE_EVENT_PER_SLICE)) {
            feed(h, stream.markers(5));
            runContinuations(h);
            feed(h, stream.markers(1)); // eight events: one evaluated, seven left
            assertThat(pendingContinuations(h)).isEqualTo(1);

            feed(h, List.of(stream.request("r1", "u2", 5)));
            assertThat(h.extractOutputValues())
                    .extracting(RecommendationResult::requestId)
                    .containsExactly("r1");
            // no continuation ran: the barrier itself evaluates the rest of the batch
            assertThat(report(h, 1L).counts().events()).isEqualTo(6 * 8);
            assertThat(pendingContinuations(h)).isEqualTo(1); // left over, finds nothing
            runContinuations(h);
            assertThat(report(h, 2L).counts().events()).isEqualTo(6 * 8);
        }
    }

    @Test
    void aRequestWaitsForAQueuedForgetOfItsUser() throws Exception {
        Stream stream = new Stream();
        try (var h = harness(ONE_EVENT_PER_SLICE)) {
            feed(h, stream.markers(5));
            runContinuations(h);
            feed(h, stream.markers(1));
            feed(h, List.of(ModelUpdate.of(EvalMarker.forget(10_000L, 1, "u2"))));

            feed(h, List.of(stream.request("forgotten", "u2", 5)));
            feed(h, List.of(stream.request("other", "u3", 5)));
            assertThat(h.extractOutputValues())
                    .extracting(RecommendationResult::requestId)
                    .containsExactly("other");

            runContinuations(h);
            assertThat(h.extractOutputValues())
                    .extracting(RecommendationResult::requestId)
                    .containsExactly("other", "forgotten");
        }
    }

    /**
     * A batch's rows come after its marker: while the batch is evaluated in slices they wait, so no
     * event is scored against rows its own batch trained. Each batch here takes a new item three
     * times and its row then makes that item the most popular: whole batches miss it all three
     * times under popularity, and so must slices.
     */
    @Test
    void rowsBehindAnUnfinishedBatchWaitForIt() throws Exception {
        try (var h =
                new OneInputStreamOperatorTestHarness<>(
                        new ServingOperator(
                                MODEL,
                                INIT,
                                CATALOG,
                                ServingOperatorFixture.BPR.withEvaluationSlice(ONE_EVENT_PER_SLICE),
                                null,
                                null,
                                null,
                                DirectRequestSettings.OFF))) {
            h.open();
            // eleven items taken 50 times fill the popularity top 10 before any batch
            for (int i = 10; i <= 20; i++) {
                h.processElement(new StreamRecord<>(itemRow("i" + i, 1, 50)));
            }
            for (int b = 1; b <= 5; b++) {
                String item = "i" + b;
                List<UserEvent> events = new ArrayList<>();
                List<String[]> had = new ArrayList<>();
                for (int u = 0; u < 3; u++) {
                    events.add(
                            new UserEvent(
                                    "e" + b + "-" + u,
                                    "u" + b + "-" + u,
                                    item,
                                    EventType.CLICK,
                                    Float.NaN,
                                    1_000L * b));
                    had.add(new String[0]);
                }
                h.processElement(
                        new StreamRecord<>(ModelUpdate.of(new EvalMarker(b, 1, events, had))));
                h.processElement(new StreamRecord<>(itemRow(item, 1 + b, 100L * b)));
            }
            EvalReportCodec.Report report = report(h, 1L);
            assertThat(report.counts().events()).isEqualTo(15);
            assertThat(report.counts().hitRate(1)).isZero();
        }
    }

    /** An item row taken {@code count} times. */
    private static ModelUpdate itemRow(String item, long version, long count) {
        return ModelUpdate.of(
                new ParameterRow(
                        RowKeys.item(item),
                        INIT.initialWeights(RowKeys.item(item)),
                        new float[0],
                        version,
                        count,
                        count,
                        count,
                        1_000L));
    }
}
