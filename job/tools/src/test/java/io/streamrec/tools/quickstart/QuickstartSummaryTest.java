package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartSummaryTest {
    private static final long WEEK = Duration.ofDays(7).toMillis();

    /** A Thursday, 2013-02-28: the epoch's 4-week windows start on Thursdays. */
    private static final long START = Instant.parse("2013-02-28T00:00:00Z").toEpochMilli();

    @TempDir Path output;

    /**
     * Rows of 4 weeks for the bundled data's 7 months; longer rows where a replay spans years
     * (MovieLens latest-small: 22), so the table stays at most 24 rows.
     */
    @Test
    void theWindowTableTakesLongerRowsForLongerReplays() {
        assertThat(QuickstartSummary.rowWeeks(weeklyStarts(30))).isEqualTo(4);
        assertThat(QuickstartSummary.rowWeeks(weeklyStarts(4 * 24))).isEqualTo(4);
        assertThat(QuickstartSummary.rowWeeks(weeklyStarts(4 * 24 + 1))).isEqualTo(12);
        assertThat(QuickstartSummary.rowWeeks(weeklyStarts(52 * 22))).isEqualTo(52);
        assertThat(QuickstartSummary.rowWeeks(weeklyStarts(52 * 100))).isEqualTo(260);
        assertThat(QuickstartSummary.rowWeeks(Set.of())).isEqualTo(4);
    }

    /**
     * Rows sum whole evaluation windows: MovieLens' 5-week windows make rows of 5 and 55 weeks, not
     * 4 and 52 weeks holding one or two windows, or ten or eleven.
     */
    @Test
    void aRowSumsWholeEvaluationWindows() {
        Set<Long> fiveWeekly = new TreeSet<>();
        for (int w = 0; w < 20; w++) {
            fiveWeekly.add(5 * WEEK * (10_000 + w)); // aligned to the epoch as the job's are
        }
        assertThat(QuickstartSummary.rowMillis(fiveWeekly)).isEqualTo(5 * WEEK);
        assertThat(QuickstartSummary.span(5 * WEEK)).isEqualTo("5-week");
        for (int w = 20; w < 200; w++) { // 1,000 weeks: 52-week rows
            fiveWeekly.add(5 * WEEK * (10_000 + w));
        }
        assertThat(QuickstartSummary.rowMillis(fiveWeekly)).isEqualTo(55 * WEEK);
        assertThat(QuickstartSummary.rowMillis(weeklyStarts(30))).isEqualTo(4 * WEEK);
        assertThat(QuickstartSummary.span(3 * Duration.ofDays(1).toMillis())).isEqualTo("3-day");
    }

    /** {@code n} consecutive weekly window starts from {@link #START}. */
    private static Set<Long> weeklyStarts(int n) {
        Set<Long> starts = new TreeSet<>();
        for (int w = 0; w < n; w++) {
            starts.add(START + w * WEEK);
        }
        return starts;
    }

    @Test
    void printsTheSummaryAndSavesItsFigures() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        // two weeks in one 4-week window: model hits 3 of 4, popularity 1, trending 2, the blend 2;
        // only the first event has a top-10 list, the model's: 2 of 4 items known
        String[][] lists = {{"i1", "i2"}, null, null, null};
        counts.record(START, new int[] {0, 0, 0, 0}, lists, 4);
        counts.record(START, new int[] {1, -1, -1, -1});
        counts.record(START + WEEK, new int[] {2, -1, 0, 1});
        counts.record(START + WEEK, new int[] {-1, -1, -1, -1});
        ReplayRun.Result result = result(counts);
        QuickstartSummary summary = new QuickstartSummary(result, ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        summary.print(out);
        summary.save(output, out);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("events trained        4 of 6 produced (2 dead-lettered)\n")
                .contains(
                        "events/s              1,234 (first event sent to last result committed,"
                                + " JIT warm-up included; serving's first to last trained event:"
                                + " 4,000)\n")
                .contains(
                        "events/s by half      1 until half of the events were trained, 2 over"
                                + " the other half to the last result (the JIT compiler's warm-up"
                                + " is in the first)\n")
                .contains(
                        "wall time             75.2 s from the job's submission (replay pace: full"
                                + " speed)\n")
                .contains("checkpoints completed 18 (from Flink's REST API)\n")
                .contains(
                        "                               HR@10  NDCG@10  recall@10  precision@10"
                                + "   F1@10  coverage@10\n")
                // NDCG (1 + 1/log2 3 + 1/log2 4) / 4; precision 0.75 / 10;
                // F1 2 * 0.075 * 0.75 / (0.075 + 0.75) = 0.13636
                .contains(
                        "  model                       0.7500   0.5327     0.7500        0.0750"
                                + "  0.1364       0.5000\n")
                // F1 2 * 0.025 * 0.25 / 0.275 = 0.04545; no lists: no coverage
                .contains(
                        "  all-time popularity         0.2500   0.2500     0.2500        0.0250"
                                + "  0.0455          n/a\n")
                // NDCG (1 + 1/log2 3) / 4 = 0.40773
                .contains(
                        "  trending + co-occurrence    0.5000   0.4077     0.5000        0.0500"
                                + "  0.0909          n/a\n")
                .contains("recall@10 = HR@10, precision@10 = HR@10 / 10)\n")
                .contains("  2013-02-28  n=     4  0.750 / 0.250 / 0.500 / 0.500\n")
                .contains("  user u1 (model):\n    - ")
                .contains("summary written to " + output.resolve("summary.json"));
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("events").asLong()).isEqualTo(4);
        assertThat(json.get("evaluated_events").asLong()).isEqualTo(4);
        assertThat(json.get("hr_at_10").asDouble()).isEqualTo(0.75);
        assertThat(json.get("baseline_popularity_hr_at_10").asDouble()).isEqualTo(0.25);
        assertThat(json.get("baseline_trending_hr_at_10").asDouble()).isEqualTo(0.5);
        assertThat(json.get("baseline_trending_cooccurrence_hr_at_10").asDouble()).isEqualTo(0.5);
        assertThat(json.get("recall_at_10").asDouble()).isEqualTo(0.75);
        assertThat(json.get("precision_at_10").asDouble()).isEqualTo(0.075);
        assertThat(json.get("f1_at_10").asDouble()).isCloseTo(0.15 / 1.1, within(1e-15));
        assertThat(json.get("coverage_at_10").asDouble()).isEqualTo(0.5);
        assertThat(json.get("baseline_popularity_coverage_at_10").isNull()).isTrue();
        assertThat(json.at("/windows/1/hr_trending_cooccurrence").asDouble()).isEqualTo(0.5);
        assertThat(json.get("windows")).hasSize(2);
        // a count, written as one: 4, not 4.0
        assertThat(json.at("/windows/0/events").isIntegralNumber()).isTrue();
        assertThat(json.at("/windows/0/events").asLong()).isEqualTo(2);
        assertThat(json.get("examples").get("u1")).hasSize(2);
        assertThat(json.get("events_per_second_first_half").asDouble())
                .isCloseTo(2.5 / 2.75, within(1e-9));
        assertThat(json.get("events_per_second_second_half").asDouble())
                .isCloseTo(2.0, within(1e-9));
        assertThat(json.at("/events_per_second_over_time/0/events_per_second").asDouble())
                .isCloseTo(0.5, within(1e-9));
        assertThat(json.at("/events_per_second_over_time/1/from_s").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/events_per_second_over_time/1/events_per_second").asDouble())
                .isCloseTo(2.0, within(1e-9));
        assertThat(output.resolve("quality.png")).exists();
        assertThat(output.resolve("throughput.png")).exists();
        assertThat(output.resolve("report.html")).content().contains("src=\"throughput.png\"");
    }

    /**
     * The checkpoint line counts what Flink completed, and spaces the completions within the
     * training window, not serving's reports; it says where the figures come from, and which
     * completed checkpoints no history answer listed.
     */
    @Test
    void theCheckpointLineGivesFlinksCountAndSpacingAndSaysSo() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(START, new int[] {0, 0, 0, 0});
        ReplayRun.Result result =
                result(
                        counts,
                        new CheckpointHistory.Checkpoints(
                                CheckpointHistory.Source.FLINK_REST,
                                7,
                                List.of(500L, 1_000L, 3_000L, 5_000L, 8_000L, 20_000L),
                                1),
                        new ReplayRun.TrainingWindow(4, 900, 10_000));
        QuickstartSummary summary = new QuickstartSummary(result, ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        summary.print(out);
        summary.save(output, out);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "checkpoints completed 7 (from Flink's REST API, 1 of them not in its"
                                + " history; apart while training, 3 intervals: p50 2.0 s, p99"
                                + " 3.0 s (the largest: under 100 intervals), max 3.0 s)\n");
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("checkpoints_completed").asLong()).isEqualTo(7);
        assertThat(json.get("checkpoints_source").asText()).isEqualTo("flink_rest");
        assertThat(json.get("checkpoints_unlisted").asLong()).isEqualTo(1);
        assertThat(json.get("checkpoint_interval_s_p50").asDouble()).isEqualTo(2.0);
        assertThat(json.get("checkpoint_interval_s_max").asDouble()).isEqualTo(3.0);
        // under 100 intervals the p99 is the largest: the count says how many there were
        assertThat(json.get("checkpoint_intervals_n").asInt()).isEqualTo(3);
    }

    /** Without Flink's answer the line counts serving's reports, and says so. */
    @Test
    void theCheckpointLineSaysWhenItCountsServingsReports() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(START, new int[] {0, 0, 0, 0});
        ReplayRun.Result result =
                result(
                        counts,
                        CheckpointHistory.Checkpoints.fromReports(3, List.of(0L, 2_000L, 5_000L)),
                        new ReplayRun.TrainingWindow(4, 0, 10_000));
        QuickstartSummary summary = new QuickstartSummary(result, ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        summary.print(out);
        summary.save(output, out);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "checkpoints completed 3 (from serving subtask 0's eval reports, one per"
                                + " report: Flink's REST API unread; apart while training, 2"
                                + " intervals: p50 2.0 s, p99 3.0 s (the largest: under 100"
                                + " intervals), max 3.0 s)\n");
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("checkpoints_source").asText()).isEqualTo("eval_reports");
    }

    /**
     * A replay whose figures span no time (one trained event, or none) measured no events/s: the
     * line says so rather than printing 0 or NaN, and summary.json has null.
     */
    @Test
    void eventsPerSecondNotMeasuredPrintAsSuch() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(START, new int[] {0, 0, 0, 0});
        ReplayRun.TrainingWindow oneEvent = new ReplayRun.TrainingWindow(1, 5, 5);
        ReplayRun.Result result =
                result(
                        counts,
                        new CheckpointHistory.Checkpoints(
                                CheckpointHistory.Source.FLINK_REST, 1, List.of(), 0),
                        oneEvent,
                        Double.NaN);
        QuickstartSummary summary = new QuickstartSummary(result, ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        summary.print(out);
        summary.save(output, out);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "events/s              not measured (first event sent to last result"
                                + " committed, JIT warm-up included; serving's first to last"
                                + " trained event: not measured)\n");
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("events_per_second").isNull()).isTrue();
        assertThat(json.get("serving_events_per_second").isNull()).isTrue();
    }

    /**
     * Under {@code eval.sample-rate} below 1 the quality figures cover fewer events than were
     * trained: summary.json names both.
     */
    @Test
    void theSummaryNamesTheEvaluatedEventsBesideTheTrainedOnes() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(START, new int[] {0, 0, 0, 0});
        counts.record(START, new int[] {-1, -1, -1, -1});
        QuickstartSummary summary =
                new QuickstartSummary(result(counts), ItemCatalog.empty(), 0); // 4 trained
        summary.save(output, new PrintStream(new ByteArrayOutputStream(), true));
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("events").asLong()).isEqualTo(4);
        assertThat(json.get("evaluated_events").asLong()).isEqualTo(2);
    }

    private static ReplayRun.Result result(PrequentialCounts counts) {
        return result(
                counts,
                new CheckpointHistory.Checkpoints(
                        CheckpointHistory.Source.FLINK_REST, 18, List.of(), 0),
                new ReplayRun.TrainingWindow(4, 0, 1));
    }

    private static ReplayRun.Result result(
            PrequentialCounts counts,
            CheckpointHistory.Checkpoints checkpoints,
            ReplayRun.TrainingWindow window) {
        return result(counts, checkpoints, window, 1234.4);
    }

    private static ReplayRun.Result result(
            PrequentialCounts counts,
            CheckpointHistory.Checkpoints checkpoints,
            ReplayRun.TrainingWindow window,
            double eventsPerSecond) {
        return new ReplayRun.Result(
                counts,
                6,
                2,
                4,
                eventsPerSecond,
                75.24,
                checkpoints,
                Map.of("u1", List.of("i1", "i2")),
                Map.of("u1", "model"),
                Map.of(),
                Map.of(),
                Map.of(),
                new LatencyHistogram(),
                new LatencyHistogram(),
                window,
                // serving's report times, not the checkpoints' (one report dropped)
                List.of(1_500L, 5_500L),
                new TreeMap<>(),
                // 1 event 2 s after the first sent, 5 at 4 s: half (2.5) at 2.75 s
                ThroughputOverTime.of(
                        new TreeMap<>(Map.of(1_000L, 0L, 3_000L, 1L, 5_000L, 5L)),
                        1_000,
                        5_000,
                        2));
    }

    /**
     * Under BPR trending + co-occurrence ranks no event: its figures print as n/a and are null in
     * summary.json, rather than a hit rate of 0, and the report draws no line for it.
     */
    @Test
    void aRecommenderTheModelTypeDoesNotRankHasNoFigures() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(START, new int[] {0, -1, 0, PrequentialCounts.NOT_RANKED});
        counts.record(START, new int[] {-1, 1, -1, PrequentialCounts.NOT_RANKED});
        String printed = printAndSave(counts);

        assertThat(printed)
                .containsPattern(
                        "\\n  trending \\+ co-occurrence +n/a \\(not ranked by this model type\\)\\n")
                .contains("  2013-02-28  n=     2  0.500 / 0.500 / 0.500 / n/a\n");
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("hr_at_10").asDouble()).isEqualTo(0.5);
        assertThat(json.get("baseline_trending_cooccurrence_hr_at_10").isNull()).isTrue();
        assertThat(json.get("baseline_trending_cooccurrence_f1_at_10").isNull()).isTrue();
        assertThat(json.at("/windows/0/hr_trending_cooccurrence").isNull()).isTrue();
        assertThat(output.resolve("report.html")).content().contains("<td>n/a</td>");
    }

    /**
     * Prints the summary of a replay that evaluated {@code counts}, saves it, returns the print.
     */
    private String printAndSave(PrequentialCounts counts) throws Exception {
        QuickstartSummary summary = new QuickstartSummary(result(counts), ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        summary.print(out);
        summary.save(output, out);
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Windows the job folded show as one row before the others, and in summary.json. */
    @Test
    void windowsFoldedByTheJobShowAsOneRowBeforeTheOthers() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        for (int w = 0; w < PrequentialCounts.MAX_WINDOWS + 3; w++) {
            counts.record(START + w * WEEK, new int[] {w < 3 ? 0 : -1, -1, -1, -1});
        }
        String printed = printAndSave(counts);

        // the first window kept starts 3 weeks in, 2013-03-21: the row is before it, not before
        // the start of the coarse row that window falls in
        assertThat(printed)
                .contains("\n  before 2013-03-21  n=     3  1.000 / 0.000 / 0.000 / 0.000\n");
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.at("/windows_before/events").isIntegralNumber()).isTrue();
        assertThat(json.at("/windows_before/events").asLong()).isEqualTo(3);
        assertThat(json.get("windows")).hasSize(PrequentialCounts.MAX_WINDOWS);
        assertThat(output.resolve("report.html")).content().contains("<td>before 2013-03-21<");
    }
}
