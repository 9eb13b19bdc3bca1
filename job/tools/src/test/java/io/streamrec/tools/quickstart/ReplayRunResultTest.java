package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint interval a replay achieved, from Flink's completion times within its training
 * window.
 */
class ReplayRunResultTest {
    private static ReplayRun.Result result(List<Long> checkpointTimes, long first, long last) {
        return result(
                new CheckpointHistory.Checkpoints(
                        CheckpointHistory.Source.FLINK_REST,
                        checkpointTimes.size(),
                        checkpointTimes,
                        0),
                List.of(),
                first,
                last);
    }

    private static ReplayRun.Result result(
            CheckpointHistory.Checkpoints checkpoints,
            List<Long> servingCheckpointTimes,
            long first,
            long last) {
        return new ReplayRun.Result(
                new PrequentialCounts(0),
                0,
                0,
                0,
                0,
                0,
                checkpoints,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                new LatencyHistogram(),
                new LatencyHistogram(),
                new ReplayRun.TrainingWindow(1, first, last),
                servingCheckpointTimes,
                new TreeMap<>(),
                ThroughputOverTime.none(2));
    }

    @Test
    void intervalsBetweenCheckpointsInsideTheTrainingWindowOnly() {
        double[] intervals =
                result(List.of(50L, 1_000L, 2_100L, 3_000L, 9_000L), 100, 4_000)
                        .checkpointIntervalsSeconds();

        assertThat(intervals).hasSize(2);
        assertThat(intervals[0]).isCloseTo(1.1, within(1e-9));
        assertThat(intervals[1]).isCloseTo(0.9, within(1e-9));
    }

    /**
     * Serving's reports are not the checkpoints: a report waiting to be encoded is dropped when a
     * newer one comes, so their times skip checkpoints Flink completed. The count and the spacing
     * are Flink's.
     */
    @Test
    void theCountAndTheIntervalsAreFlinksNotServingsReports() {
        ReplayRun.Result r =
                result(
                        new CheckpointHistory.Checkpoints(
                                CheckpointHistory.Source.FLINK_REST,
                                5,
                                List.of(1_000L, 3_000L, 5_000L, 7_000L, 9_000L),
                                0),
                        List.of(1_100L, 5_100L, 9_100L),
                        0,
                        10_000);

        assertThat(r.checkpointsCompleted()).isEqualTo(5);
        assertThat(r.checkpointIntervalsSeconds()).containsExactly(2.0, 2.0, 2.0, 2.0);
        assertThat(r.checkpointIntervalSeconds(1.0)).isEqualTo(2.0);
    }

    /** Where the REST API was not read, one checkpoint per report of serving subtask 0. */
    @Test
    void withoutFlinksAnswerTheReportsCount() {
        CheckpointHistory.Checkpoints fromReports =
                CheckpointHistory.Checkpoints.fromReports(2, List.of(1_000L, 4_000L));

        assertThat(fromReports.source()).isEqualTo(CheckpointHistory.Source.EVAL_REPORTS);
        assertThat(result(fromReports, List.of(), 0, 10_000).checkpointIntervalsSeconds())
                .containsExactly(3.0);
    }

    @Test
    void percentilesByNearestRank() {
        ReplayRun.Result r = result(List.of(0L, 1_000L, 2_000L, 5_000L, 6_000L), 0, 10_000);

        assertThat(r.checkpointIntervalSeconds(0.5)).isEqualTo(1.0);
        assertThat(r.checkpointIntervalSeconds(0.99)).isEqualTo(3.0);
        assertThat(r.checkpointIntervalSeconds(1.0)).isEqualTo(3.0);
        assertThat(result(List.of(), 0, 1).checkpointIntervalSeconds(0.5)).isNaN();
    }

    @Test
    void noIntervalWithFewerThanTwoCheckpointsInTheWindow() {
        assertThat(result(List.of(5_000L), 0, 10_000).checkpointIntervalsSeconds()).isEmpty();
        assertThat(result(List.of(), 0, 10_000).checkpointIntervalsSeconds()).isEmpty();
    }

    /**
     * One trained event, or none, spans no time: its events/s is not measured (NaN), not 0, so that
     * it neither prints as a rate nor pulls a median of runs down.
     */
    @Test
    void aTrainingWindowWithoutASpanHasNoRate() {
        assertThat(new ReplayRun.TrainingWindow(1, 5, 5).eventsPerSecond()).isNaN();
        // LatestReports.throughput() with no report that trained: first Long.MAX_VALUE, last 0
        assertThat(new ReplayRun.TrainingWindow(0, Long.MAX_VALUE, 0).eventsPerSecond()).isNaN();
        assertThat(new ReplayRun.TrainingWindow(4, 0, 2_000).eventsPerSecond()).isEqualTo(2.0);
    }
}
