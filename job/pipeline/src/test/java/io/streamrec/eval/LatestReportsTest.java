package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class LatestReportsTest {

    @Test
    void sumsTheLatestReportOfEachSubtask() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 2, 10, 3, 100, 1_000, 1_500, 7));
        reports.add(report(1, 2, 10, 2, 100, 1_200, 1_400, 9));
        reports.add(report(0, 2, 20, 5, 120, 1_000, 2_500, 11));
        reports.add(report(1, 2, 20, 4, 80, 1_200, 2_400, 13));

        assertThat(reports.reports()).isEqualTo(4);
        assertThat(reports.checkpoints()).isEqualTo(2);
        assertThat(reports.trainedEvents()).isEqualTo(200);
        assertThat(reports.evaluatedEvents()).isEqualTo(9);
        assertThat(reports.merged().events()).isEqualTo(9);
        assertThat(reports.current()).hasSize(2);
        assertThat(reports.freshness().count()).isEqualTo(2);
        assertThat(reports.freshness().maxMs()).isEqualTo(13.0);
        assertThat(reports.throughput())
                .isEqualTo(new EvalReportCodec.Throughput(200, 1_000, 2_500));
    }

    @Test
    void afterARescaleOnlyTheNewSubtasksCount() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 3, 10, 3, 100, 1_000, 1_500, 7));
        reports.add(report(1, 3, 10, 2, 100, 1_000, 1_500, 7));
        reports.add(report(2, 3, 10, 4, 100, 1_000, 1_500, 7));
        // the job restarted at parallelism 2: its subtasks carry the old counts on, plus new ones
        reports.add(report(0, 2, 20, 6, 150, 2_000, 2_200, 5));
        reports.add(report(1, 2, 20, 5, 150, 2_100, 2_300, 6));

        assertThat(reports.evaluatedEvents()).isEqualTo(11);
        assertThat(reports.trainedEvents()).isEqualTo(300);
        assertThat(reports.merged().events()).isEqualTo(11);
        assertThat(reports.current()).allMatch(r -> r.parallelism() == 2);
        assertThat(reports.freshness().count()).isEqualTo(2);
        assertThat(reports.throughput())
                .isEqualTo(new EvalReportCodec.Throughput(300, 2_000, 2_300));
        assertThat(reports.checkpoints()).isEqualTo(2);
    }

    /**
     * Back at a parallelism it ran at before (2, then 1, then 2): the first run's report of subtask
     * 1 no longer counts beside the new subtask 0, which carries its counts on.
     */
    @Test
    void backAtAnEarlierParallelismTheEarlierRunsReportsNoLongerCount() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 2, 10, 3, 100, 1_000, 1_500, 7));
        reports.add(report(1, 2, 10, 2, 100, 1_000, 1_500, 7));
        reports.add(report(0, 1, 20, 6, 250, 2_000, 2_200, 5));
        // at 2 again: subtask 0 reports first, with every count so far
        reports.add(report(0, 2, 30, 8, 300, 3_000, 3_200, 5));

        assertThat(reports.evaluatedEvents()).isEqualTo(8);
        assertThat(reports.trainedEvents()).isEqualTo(300);
        assertThat(reports.current()).hasSize(1);

        reports.add(report(1, 2, 30, 1, 20, 3_000, 3_200, 5));
        assertThat(reports.evaluatedEvents()).isEqualTo(9);
    }

    @Test
    void mergedCoverageUnitesTheSubtasksLists() throws Exception {
        LatestReports reports = new LatestReports();
        PrequentialCounts first = new PrequentialCounts(0);
        first.record(
                0L, new int[] {0, -1, -1, -1}, new String[][] {{"a", "b"}, null, null, null}, 8);
        PrequentialCounts second = new PrequentialCounts(1);
        second.record(
                0L, new int[] {-1, -1, -1, -1}, new String[][] {{"b", "c"}, null, null, null}, 8);
        // through the topic's JSON, as the quickstart reads them
        reports.add(EvalReportCodec.decode(EvalReportCodec.encode(report(first, 2, 10))));
        reports.add(EvalReportCodec.decode(EvalReportCodec.encode(report(second, 2, 10))));

        PrequentialCounts merged = reports.merged();
        assertThat(merged.coverage(0)).hasValue(3.0 / 8);
        assertThat(merged.coverage(1)).isEmpty();
        assertThat(merged.quality(0).precision()).isEqualTo(0.05);
    }

    @Test
    void aLateOlderReportReplacesNothing() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 1, 20, 5, 100, 1_000, 2_000, 1));
        reports.add(report(0, 1, 10, 3, 50, 1_000, 1_000, 1));

        assertThat(reports.evaluatedEvents()).isEqualTo(5);
        assertThat(reports.trainedEvents()).isEqualTo(100);
    }

    @Test
    void freshnessBySecondHoldsWhatEachReportAdded() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 2, 1_000, 1, 10, 0, 0, histogram(10, 20)));
        reports.add(report(1, 2, 1_400, 1, 10, 0, 0, histogram(30)));
        reports.add(report(0, 2, 2_100, 1, 10, 0, 0, histogram(10, 20, 900, 1_000)));
        reports.add(report(1, 2, 2_300, 1, 10, 0, 0, histogram(30, 2_000)));
        // subtask 1 restarted: its histogram starts again
        reports.add(report(1, 2, 3_500, 1, 10, 0, 0, histogram(40)));
        // a late older report adds nothing
        reports.add(report(0, 2, 1_500, 1, 10, 0, 0, histogram(10, 20, 5_000)));

        assertThat(reports.freshnessBySecond()).containsOnlyKeys(1L, 2L, 3L);
        LatencyHistogram first = reports.freshnessBySecond().get(1L);
        assertThat(first.count()).isEqualTo(3);
        assertThat(first.maxMs()).isEqualTo(30.0);
        LatencyHistogram second = reports.freshnessBySecond().get(2L);
        assertThat(second.count()).isEqualTo(3);
        assertThat(second.quantileMs(0.01)).isGreaterThan(800.0);
        assertThat(second.maxMs()).isBetween(2_000.0, 2_300.0);
        assertThat(reports.freshnessBySecond().get(3L).count()).isEqualTo(1);
    }

    private static LatencyHistogram histogram(double... samplesMs) {
        LatencyHistogram h = new LatencyHistogram();
        for (double ms : samplesMs) {
            h.record(ms);
        }
        return h;
    }

    @Test
    void trainedEventsByTimeIsTheSumEachReportLeft() {
        LatestReports reports = new LatestReports();
        reports.add(report(0, 2, 10, 3, 100, 1_000, 1_500, 7));
        reports.add(report(1, 2, 12, 2, 40, 1_200, 1_400, 9));
        reports.add(report(0, 2, 20, 5, 120, 1_000, 2_500, 11));

        assertThat(reports.trainedEventsByTime())
                .containsExactly(entry(10L, 100L), entry(12L, 140L), entry(20L, 160L));
    }

    @Test
    void emptyBeforeTheFirstReport() {
        LatestReports reports = new LatestReports();

        assertThat(reports.reports()).isZero();
        assertThat(reports.merged().events()).isZero();
        assertThat(reports.trainedEventsByTime()).isEmpty();
        assertThat(reports.throughput())
                .isEqualTo(new EvalReportCodec.Throughput(0, Long.MAX_VALUE, 0));
    }

    /** A subtask's report with {@code evaluated} events (all hits) and one freshness sample. */
    private static EvalReportCodec.Report report(
            int subtask,
            int parallelism,
            long time,
            int evaluated,
            long trainedEvents,
            long firstMillis,
            long lastMillis,
            double freshnessMs) {
        return report(
                subtask,
                parallelism,
                time,
                evaluated,
                trainedEvents,
                firstMillis,
                lastMillis,
                histogram(freshnessMs));
    }

    private static EvalReportCodec.Report report(
            int subtask,
            int parallelism,
            long time,
            int evaluated,
            long trainedEvents,
            long firstMillis,
            long lastMillis,
            LatencyHistogram freshness) {
        PrequentialCounts counts = new PrequentialCounts(subtask);
        for (int i = 0; i < evaluated; i++) {
            counts.record(0L, new int[] {0, 0, 0, 0});
        }
        return new EvalReportCodec.Report(
                counts,
                parallelism,
                trainedEvents,
                0,
                time,
                new EvalReportCodec.Throughput(trainedEvents, firstMillis, lastMillis),
                freshness);
    }

    private static EvalReportCodec.Report report(
            PrequentialCounts counts, int parallelism, long time) {
        return new EvalReportCodec.Report(
                counts,
                parallelism,
                0,
                0,
                time,
                new EvalReportCodec.Throughput(0, Long.MAX_VALUE, 0),
                new LatencyHistogram());
    }
}
