package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.PrequentialCounts;
import io.streamrec.job.EvaluationOptions;
import io.streamrec.job.ParallelismOptions;
import io.streamrec.job.RankerOptions;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class QuickstartJobConfigurationTest {
    private static final Duration WEEK = Duration.ofDays(7);

    private static UserEvent at(long millis) {
        return new UserEvent("e" + millis, "u", "i", EventType.RATING, 5, millis);
    }

    @Test
    void evaluationWindowsWidenSoALongReplayKeepsItsWindowsApart() {
        long week = WEEK.toMillis();
        long start = 1_362_000_000_000L;
        // the bundled data: 7 months
        assertThat(QuickstartMain.evalWindowFor(List.of(at(start), at(start + 30 * week))))
                .isEqualTo(WEEK);
        // MovieLens latest-small: 22 years, 1,150 weeks, in windows of 5 weeks (231 of them)
        assertThat(QuickstartMain.evalWindowFor(List.of(at(start), at(start + 1_150 * week))))
                .isEqualTo(WEEK.multipliedBy(5));
        assertThat(QuickstartMain.evalWindowFor(List.of())).isEqualTo(WEEK);
        // 518.5 weeks: windows of 2 weeks could touch 261, so 3
        assertThat(QuickstartMain.evalWindowFor(List.of(at(start), at(start + 1037 * week / 2))))
                .isEqualTo(WEEK.multipliedBy(3));
        // whatever the span and where it starts, the windows it touches fit
        for (long spanDays = 0; spanDays < 7 * 3_000; spanDays += 13) {
            for (long offsetDays = 0; offsetDays < 7 * 6; offsetDays += 5) {
                long first = start + offsetDays * week / 7;
                long last = first + spanDays * week / 7;
                long window = QuickstartMain.evalWindowFor(List.of(at(first), at(last))).toMillis();
                assertThat(last / window - first / window + 1)
                        .as("windows touched by %d days from day %d", spanDays, offsetDays)
                        .isLessThanOrEqualTo(PrequentialCounts.MAX_WINDOWS);
            }
        }

        Configuration flags = new Configuration();
        flags.set(EvaluationOptions.WINDOW, Duration.ofDays(1));
        assertThat(
                        QuickstartMain.jobConfiguration("b:9092", flags, WEEK.multipliedBy(5))
                                .get(EvaluationOptions.WINDOW))
                .isEqualTo(Duration.ofDays(1));
    }

    @Test
    void servingRunsAsOneSubtaskUnlessAFlagSaysOtherwise() {
        Configuration defaults =
                QuickstartMain.jobConfiguration("b:9092", new Configuration(), WEEK);

        assertThat(defaults.get(ParallelismOptions.SERVING)).isEqualTo(1);
        assertThat(defaults.getOptional(ParallelismOptions.WORKERS)).isEmpty();
        assertThat(defaults.get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("b:9092");

        Configuration flags = new Configuration();
        flags.set(ParallelismOptions.SERVING, 2);
        assertThat(
                        QuickstartMain.jobConfiguration("b:9092", flags, WEEK)
                                .get(ParallelismOptions.SERVING))
                .isEqualTo(2);
    }

    /**
     * The replayed catalogs list exactly the rated items, so the quickstart offers no catalog item
     * before an event named it; a flag turns it back on, and the job's own default stays on.
     */
    @Test
    void catalogItemsWithoutEventsAreNotOfferedUnlessAFlagSaysSo() {
        assertThat(
                        QuickstartMain.jobConfiguration("b:9092", new Configuration(), WEEK)
                                .get(RankerOptions.UNSEEN_CATALOG_CANDIDATES))
                .isFalse();
        assertThat(new Configuration().get(RankerOptions.UNSEEN_CATALOG_CANDIDATES)).isTrue();

        Configuration flags = new Configuration();
        flags.set(RankerOptions.UNSEEN_CATALOG_CANDIDATES, true);
        assertThat(
                        QuickstartMain.jobConfiguration("b:9092", flags, WEEK)
                                .get(RankerOptions.UNSEEN_CATALOG_CANDIDATES))
                .isTrue();
    }
}
