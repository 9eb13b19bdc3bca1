package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Events/s over a replay's course from the reports' cumulative trained events, by hand. */
class ThroughputOverTimeTest {

    @Test
    void bucketsAndHalvesFromTheFirstEventSent() {
        // sent at 10 s; 100 trained by 12 s, 400 by 14 s, 1,000 by 15 s
        ThroughputOverTime t =
                ThroughputOverTime.of(
                        new TreeMap<>(Map.of(12_000L, 100L, 14_000L, 400L, 15_000L, 1_000L)),
                        10_000,
                        15_000, // the last result read with the last report
                        2);

        // [0, 2): 100 / 2; [2, 4): 300 / 2; [4, 5): the last bucket ends at the last event, 600 / 1
        assertThat(t.eventsPerSecond()).containsExactly(50.0, 150.0, 600.0);
        // 500 trained at 4 + 100 / 600 s: 500 events in 4.1667 s, then 500 in 0.8333 s
        assertThat(t.firstHalf()).isCloseTo(500 / (4 + 1 / 6.0), within(1e-9));
        assertThat(t.secondHalf()).isCloseTo(500 / (1 - 1 / 6.0), within(1e-9));
        assertThat(t.bucketSeconds()).isEqualTo(2.0);
    }

    /**
     * The last result is read a checkpoint after the report that showed the last event trained: the
     * second half runs to it, so that the halves make up the headline's span.
     */
    @Test
    void theSecondHalfEndsAtTheLastResultRead() {
        ThroughputOverTime t =
                ThroughputOverTime.of(
                        new TreeMap<>(Map.of(12_000L, 100L, 14_000L, 400L, 15_000L, 1_000L)),
                        10_000,
                        17_000,
                        2);

        double half = 4 + 1 / 6.0;
        assertThat(t.firstHalf()).isCloseTo(500 / half, within(1e-9));
        assertThat(t.secondHalf()).isCloseTo(500 / (7 - half), within(1e-9));
        // the halves' times add up to the headline's 7 s for 1,000 events
        assertThat(500 / t.firstHalf() + 500 / t.secondHalf()).isCloseTo(7.0, within(1e-9));
    }

    @Test
    void eventsTrainedBeforeTheStartAndReportsAfterTheLastEventAreLeftOut() {
        ThroughputOverTime t =
                ThroughputOverTime.of(
                        new TreeMap<>(
                                Map.of(
                                        5_000L, 70L, // before the first event sent
                                        11_000L, 80L,
                                        12_000L, 90L,
                                        20_000L, 90L, // an idle job's later report
                                        30_000L, 90L)),
                        10_000,
                        12_000,
                        1);

        // 20 events in 2 s after the 70 of an earlier run: 10 in each second
        assertThat(t.eventsPerSecond()).containsExactly(10.0, 10.0);
        assertThat(t.firstHalf()).isCloseTo(10.0, within(1e-9));
        assertThat(t.secondHalf()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void nothingTrainedGivesNoFigures() {
        ThroughputOverTime t =
                ThroughputOverTime.of(
                        new TreeMap<>(Map.of(5_000L, 70L, 12_000L, 70L)), 10_000, 12_000, 2);

        assertThat(t.eventsPerSecond()).isEmpty();
        assertThat(t.firstHalf()).isNaN();
        assertThat(t.secondHalf()).isNaN();
        assertThat(ThroughputOverTime.of(new TreeMap<>(), 10_000, 10_000, 2).eventsPerSecond())
                .isEmpty();
    }

    /**
     * Two serving subtasks report apart, so the latest report need not hold the largest count: the
     * curve runs to the total, the largest count, not to the first report equal to the latest one.
     */
    @Test
    void theCurveRunsToTheLargestCountNotTheLatestReport() {
        ThroughputOverTime t =
                ThroughputOverTime.of(
                        new TreeMap<>(
                                Map.of(
                                        12_000L, 60L,
                                        13_000L, 80L,
                                        14_000L, 100L,
                                        14_005L, 80L)), // a subtask's report behind the other's
                        10_000,
                        14_005,
                        1);

        // 60 by 2 s, 80 by 3 s, all 100 by 4 s
        assertThat(t.eventsPerSecond()).containsExactly(30.0, 30.0, 20.0, 20.0);
        // 50 trained at 2 s × 50 / 60 = 5/3 s; the other 50 by the last result read at 4.005 s,
        // 21.4/s (it was 15.0/s when the curve stopped at 80, the latest report's count)
        double half = 5 / 3.0;
        assertThat(t.firstHalf()).isCloseTo(30.0, within(1e-9));
        assertThat(t.secondHalf()).isCloseTo(50 / (4.005 - half), within(1e-9));
    }
}
