package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.BPR;
import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static io.streamrec.serving.ServingOperatorFixture.reasonFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServingOperatorTest {
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness()
            throws Exception {
        return harness(1, 0);
    }

    /** Subtask {@code subtask} of {@code parallelism} (at most 2). */
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ServingOperator(
                        MODEL, INIT, CATALOG, BPR, null, null, null, DirectRequestSettings.OFF),
                2,
                parallelism,
                subtask);
    }

    /** An item row whose bias and count make it the most popular and best-scored item. */
    private static ModelUpdate popularItem(String item, long version, long count) {
        float[] w = INIT.initialWeights(RowKeys.item(item));
        w[MODEL.dim()] = 5f;
        return ModelUpdate.of(
                new ParameterRow(
                        RowKeys.item(item), w, new float[0], version, count, count, count, 1000L));
    }

    private static ModelUpdate marker(
            long batch, int copies, String user, String item, String... had) {
        return ModelUpdate.of(
                new EvalMarker(
                        batch,
                        copies,
                        List.of(
                                new UserEvent(
                                        "e" + batch,
                                        user,
                                        item,
                                        EventType.CLICK,
                                        Float.NaN,
                                        2000L)),
                        List.<String[]>of(had)));
    }

    @Test
    void evaluatesOnTheFirstMarkerCopyAndKeepsCountsAcrossRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(popularItem("i7", 1, 50)));
            h.processElement(new StreamRecord<>(marker(1, 2, "u", "i7")));
            // a row of the batch arrives between the copies; the second copy must not count again
            h.processElement(new StreamRecord<>(popularItem("i8", 1, 80)));
            h.processElement(new StreamRecord<>(marker(1, 2, "u", "i7")));
            // the user already has i7: excluded, so a miss for everyone
            h.processElement(new StreamRecord<>(marker(2, 1, "v", "i7", "i7")));
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
            List<String> reports = new ArrayList<>();
            h.getSideOutput(ServingOperator.EVAL_REPORTS).forEach(r -> reports.add(r.getValue()));
            EvalReportCodec.Report report = EvalReportCodec.decode(reports.get(0));
            assertThat(report.counts().events()).isEqualTo(2);
            assertThat(report.counts().hitRate(0)).isEqualTo(0.5);
            assertThat(report.counts().hitRate(1)).isEqualTo(0.5);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(marker(3, 1, "w", "i29")));
            restored.prepareSnapshotPreBarrier(2L);
            List<String> reports = new ArrayList<>();
            restored.getSideOutput(ServingOperator.EVAL_REPORTS)
                    .forEach(r -> reports.add(r.getValue()));
            EvalReportCodec.Report report = EvalReportCodec.decode(reports.get(0));
            assertThat(report.counts().events()).isEqualTo(3);
            assertThat(report.counts().hitRate(1)).isEqualTo(1.0 / 3);
        }
    }

    @Test
    void appliesOnlyNewerVersionsAndAnswersRequestsWithoutTheUsersItems() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(popularItem("i3", 2, 40)));
            h.processElement(new StreamRecord<>(popularItem("i4", 1, 30)));
            // an older version of i3 (a re-delivery) must not replace the newer one
            float[] stale = INIT.initialWeights(RowKeys.item("i3"));
            stale[MODEL.dim()] = -50f;
            h.processElement(
                    new StreamRecord<>(
                            ModelUpdate.of(
                                    new ParameterRow(
                                            RowKeys.item("i3"),
                                            stale,
                                            new float[0],
                                            1,
                                            1,
                                            1,
                                            1f,
                                            1L))));
            h.processElement(
                    new StreamRecord<>(
                            ModelUpdate.of(
                                    new ServingRequest(
                                            new RecommendationRequest("r1", "u", 2, 5L),
                                            new String[] {"i4"}))));
            RecommendationResult result = h.extractOutputValues().get(0);
            assertThat(result.items()).hasSize(2);
            assertThat(result.items().get(0).itemId()).isEqualTo("i3");
            assertThat(result.items()).noneMatch(i -> i.itemId().equals("i4"));
            assertThat(result.reason()).isEqualTo("model");
            assertThat(result.modelVersion()).isEqualTo(3);
        }
    }

    /**
     * An item row update that brought the positives of an event ten minutes old and of one just now
     * (one worker flush) gives one freshness sample, the lag of the older event: the one that
     * waited longest, not the newest the row carries.
     */
    @Test
    void freshnessOfARowUpdateIsTheLagOfTheOldestEventItBrought() throws Exception {
        long now = System.currentTimeMillis();
        long tenMinutes = 600_000L;
        float[] w = INIT.initialWeights(RowKeys.item("i5"));
        try (var h = harness()) {
            h.open();
            h.processElement(
                    new StreamRecord<>(
                            ModelUpdate.of(
                                    new ParameterRow(
                                            RowKeys.item("i5"),
                                            w,
                                            new float[0],
                                            1,
                                            2,
                                            2,
                                            2f,
                                            now,
                                            now - tenMinutes))));
            h.prepareSnapshotPreBarrier(1L);
            List<String> reports = new ArrayList<>();
            h.getSideOutput(ServingOperator.EVAL_REPORTS).forEach(r -> reports.add(r.getValue()));
            EvalReportCodec.Report report = EvalReportCodec.decode(reports.get(0));
            assertThat(report.freshness().count()).isEqualTo(1);
            assertThat(report.freshness().maxMs()).isGreaterThanOrEqualTo(tenMinutes);
        }
    }

    private static ModelUpdate userRow(String user, long version) {
        return ModelUpdate.of(ServingOperatorFixture.userRow(user, version));
    }

    @Test
    void aStaleRowThatCameAfterTheForgetIsIgnoredUntilTheOwningShardsTombstone() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(userRow("x", 4)));
            // another shard's copy of the forget marker comes first ...
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 2, "x"))));
            // ... then the owning shard's last row of the user, still in flight: not taken back
            h.processElement(new StreamRecord<>(userRow("x", 5)));
            assertThat(reasonFor(h, "x")).isEqualTo("cold-start");
            // the owning shard's copy, then its tombstone, after that row on its channel
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 2, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            assertThat(reasonFor(h, "x")).isEqualTo("cold-start");
            // the new user's first row (version 1) is taken
            h.processElement(new StreamRecord<>(userRow("x", 1)));
            assertThat(reasonFor(h, "x")).isEqualTo("model");
        }
    }

    @Test
    void aSubtaskHoldsOnlyItsOwnUsersRowsAndReportsTheirShareOfTrainedEvents() throws Exception {
        String mine = userOwnedBy(0);
        String theirs = userOwnedBy(1);
        try (var h = harness(2, 0)) {
            h.open();
            h.processElement(new StreamRecord<>(userRow(mine, 3)));
            h.processElement(new StreamRecord<>(userRow(theirs, 4)));
            h.prepareSnapshotPreBarrier(1L);
            List<String> reports = new ArrayList<>();
            h.getSideOutput(ServingOperator.EVAL_REPORTS).forEach(r -> reports.add(r.getValue()));
            EvalReportCodec.Report report = EvalReportCodec.decode(reports.get(0));
            // the other subtask's user is not held: its 4 updates are that subtask's to report
            assertThat(report.trainedEvents()).isEqualTo(3);
            assertThat(report.modelVersion()).isEqualTo(3);
        }
    }

    private static String userOwnedBy(int subtask) {
        for (int i = 0; ; i++) {
            if (UserOwner.of("user-" + i, 2) == subtask) {
                return "user-" + i;
            }
        }
    }

    /**
     * Off the task thread, a checkpoint's report leaves the task thread with the counts at its
     * barrier and comes out only when the task runs the encoder's hand-back: events counted after
     * the barrier are not in it (the encoder usually finishes before the next event here; the copy
     * is what makes it so when it does not), and none of it is emitted before the barrier.
     */
    @Test
    @Timeout(60) // a hand-back that never comes blocks the mailbox's take
    void aReportEncodedOffTheTaskThreadHoldsTheCountsAtItsBarrierAndComesThroughTheMailbox()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = offTaskThreadReports()) {
            oneEventThenItsBarrier(h);
            snapshot = h.snapshot(1L, 1L);
            assertThat(reports(h)).isEmpty();
            h.processElement(new StreamRecord<>(marker(2, 1, "v", "i29")));

            h.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();

            assertThat(reports(h)).hasSize(1);
            EvalReportCodec.Report report = EvalReportCodec.decode(reports(h).get(0));
            assertThat(report.counts().events()).isEqualTo(1);
            assertThat(report.counts().hitRate(1)).isEqualTo(1.0);
        }
        // the checkpoint holds the same counts as its report (the copy both share)
        assertThat(eventsReportedAfterRestoring(snapshot)).isEqualTo(1);
    }

    /**
     * A checkpoint whose barrier came without a report copy of its own (a harness that snapshots
     * without the pre-barrier step, or a copy left by an earlier checkpoint) holds its own counts.
     */
    @Test
    void aCheckpointHoldsItsOwnCountsNotACopyLeftByAnEarlierBarrier() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = offTaskThreadReports()) {
            oneEventThenItsBarrier(h); // a copy with 1 event, for checkpoint 1 only
            h.processElement(new StreamRecord<>(marker(2, 1, "v", "i29")));
            snapshot = h.snapshot(2L, 2L);
        }
        assertThat(eventsReportedAfterRestoring(snapshot)).isEqualTo(2);
    }

    /**
     * The report at the end of input goes out at once, and a report of an earlier checkpoint still
     * being encoded is dropped: the latest report out is the whole run's.
     */
    @Test
    @Timeout(60)
    void theReportAtTheEndOfInputIsTheLastOutEvenWithAnEarlierOneStillBeingEncoded()
            throws Exception {
        try (var h = offTaskThreadReports()) {
            oneEventThenItsBarrier(h);
            h.processElement(new StreamRecord<>(marker(2, 1, "v", "i29")));

            h.getOperator().finish();
            assertThat(reports(h)).hasSize(1);
            h.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // checkpoint 1's hand-back

            assertThat(reports(h)).hasSize(1);
            assertThat(EvalReportCodec.decode(reports(h).get(0)).counts().events()).isEqualTo(2);
        }
    }

    /** Opens {@code h}, evaluates one event (a hit) and runs checkpoint 1's pre-barrier step. */
    private static void oneEventThenItsBarrier(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h)
            throws Exception {
        h.open();
        h.processElement(new StreamRecord<>(popularItem("i7", 1, 50)));
        h.processElement(new StreamRecord<>(marker(1, 1, "u", "i7")));
        h.prepareSnapshotPreBarrier(1L);
    }

    /** The events counted by the first report of serving restored from {@code snapshot}. */
    private static long eventsReportedAfterRestoring(OperatorSubtaskState snapshot)
            throws Exception {
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.prepareSnapshotPreBarrier(3L);
            return EvalReportCodec.decode(reports(restored).get(0)).counts().events();
        }
    }

    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult>
            offTaskThreadReports() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ServingOperator(
                        MODEL,
                        INIT,
                        CATALOG,
                        BPR.withReportOffTaskThread(true),
                        null,
                        null,
                        null,
                        DirectRequestSettings.OFF));
    }

    private static List<String> reports(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h) {
        List<String> reports = new ArrayList<>();
        var side = h.getSideOutput(ServingOperator.EVAL_REPORTS);
        if (side != null) {
            side.forEach(r -> reports.add(r.getValue()));
        }
        return reports;
    }
}
