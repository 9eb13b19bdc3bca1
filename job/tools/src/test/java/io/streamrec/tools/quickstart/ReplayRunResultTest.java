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
 * The checkpoint interval a replay achieved, from the reports' times within its training window.
 */
class ReplayRunResultTest {
    private static ReplayRun.Result result(List<Long> checkpointTimes, long first, long last) {
        return new ReplayRun.Result(
                new PrequentialCounts(0),
                0,
                0,
                0,
                0,
                0,
                checkpointTimes.size(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                new LatencyHistogram(),
                new LatencyHistogram(),
                new ReplayRun.TrainingWindow(1, first, last),
                checkpointTimes,
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
}
