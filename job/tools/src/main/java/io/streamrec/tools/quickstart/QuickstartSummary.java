package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.tools.offline.QualityReport;
import io.streamrec.tools.report.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the quickstart tells about a replay: the summary it prints, {@code summary.json}, and the
 * quality plot with its page.
 */
final class QuickstartSummary {
    static final String THROUGHPUT_PNG = "throughput.png";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long WEEK = Duration.ofDays(7).toMillis();

    /**
     * The printed table's rows, in weeks: the first that needs at most {@link #MAX_ROWS} rows for
     * the replay's span (4 for the bundled 7 months, 52 for MovieLens latest-small's 22 years).
     */
    private static final int[] ROW_WEEKS = {4, 12, 52, 260};

    private static final int MAX_ROWS = 24;

    /** summary.json's key prefix of each recommender, in {@link PrequentialCounts} order. */
    private static final String[] JSON_PREFIXES = {
        "", "baseline_popularity_", "baseline_trending_", "baseline_trending_cooccurrence_"
    };

    private final ReplayRun.Result result;
    private final PrequentialCounts counts;
    private final ItemCatalog catalog;
    private final double rate;

    /**
     * @param rate the replay pace in events/s, 0 for full speed
     */
    QuickstartSummary(ReplayRun.Result result, ItemCatalog catalog, double rate) {
        this.result = result;
        this.counts = result.counts();
        this.catalog = catalog;
        this.rate = rate;
    }

    void print(PrintStream out) {
        out.println();
        out.println("=== streamrec quickstart summary ===");
        out.printf(
                "events trained        %,d of %,d produced (%,d dead-lettered)%n",
                result.trainedEvents(), result.producedEvents(), result.deadLetters());
        out.printf(
                "events/s              %s (first event sent to last result committed, JIT"
                        + " warm-up included; serving's first to last trained event: %s)%n",
                rate(result.eventsPerSecond()), rate(result.trainingWindow().eventsPerSecond()));
        ThroughputOverTime overTime = result.throughputOverTime();
        if (!Double.isNaN(overTime.firstHalf())) {
            out.printf(
                    "events/s by half      %,.0f until half of the events were trained, %,.0f over"
                            + " the other half to the last result (the JIT compiler's warm-up is"
                            + " in the first)%n",
                    overTime.firstHalf(), overTime.secondHalf());
        }
        out.printf(
                "wall time             %.1f s from the job's submission (replay pace: %s)%n",
                result.wallSeconds(), rate > 0 ? rate + " events/s" : "full speed");
        out.printf(
                "checkpoints completed %d (%s%s)%n",
                result.checkpointsCompleted(), source(), intervals());
        printQuality(out);
        printWindows(out);
        printExamples(out);
    }

    /** An events/s figure; "not measured" where it is NaN (a replay that spanned no time). */
    private static String rate(double eventsPerSecond) {
        return Double.isNaN(eventsPerSecond)
                ? "not measured"
                : String.format("%,.0f", eventsPerSecond);
    }

    /** Where the count and the times come from, and completed checkpoints without a time. */
    private String source() {
        CheckpointHistory.Checkpoints c = result.checkpoints();
        return c.source().description
                + (c.unlisted() > 0 ? ", " + c.unlisted() + " of them not in its history" : "");
    }

    /**
     * How far apart checkpoints completed while the job trained, when two or more did, and how many
     * intervals: the p99 is nearest-rank, so under 100 intervals it is the largest one.
     */
    private String intervals() {
        double p50 = result.checkpointIntervalSeconds(0.5);
        if (Double.isNaN(p50)) {
            return "";
        }
        int n = result.checkpointIntervalsSeconds().length;
        return String.format(
                "; apart while training, %d interval%s: p50 %.1f s, p99 %.1f s%s, max %.1f s",
                n,
                n == 1 ? "" : "s",
                p50,
                result.checkpointIntervalSeconds(0.99),
                n < 100 ? " (the largest: under 100 intervals)" : "",
                result.checkpointIntervalSeconds(1.0));
    }

    /**
     * Each recommender's quality. Every evaluated event has one relevant item, its own, so
     * recall@10 is HR@10 and precision@10 is HR@10 / 10: the note under the table says so.
     */
    private void printQuality(PrintStream out) {
        out.println("prequential quality (test-then-learn, user's own items excluded):");
        out.printf(
                "  %-26s %7s %8s %10s %13s %7s %12s%n",
                "", "HR@10", "NDCG@10", "recall@10", "precision@10", "F1@10", "coverage@10");
        for (int r = 0; r < QualityReport.RECOMMENDERS.length; r++) {
            PrequentialCounts.Quality q = counts.quality(r);
            OptionalDouble coverage = counts.coverage(r);
            if (!q.ranked()) {
                out.printf(
                        "  %-26s %7s (not ranked by this model type)%n",
                        QualityReport.RECOMMENDERS[r], "n/a");
                continue;
            }
            out.printf(
                    "  %-26s %7.4f %8.4f %10.4f %13.4f %7.4f %12s%n",
                    QualityReport.RECOMMENDERS[r],
                    q.hitRate(),
                    q.ndcg(),
                    q.recall(),
                    q.precision(),
                    q.f1(),
                    coverage.isPresent() ? String.format("%.4f", coverage.getAsDouble()) : "n/a");
        }
        out.println(
                "  (one relevant item per event: recall@10 = HR@10, precision@10 = HR@10 / 10)");
    }

    /**
     * The evaluation windows summed into rows of 4 weeks, or of 12, 52 or 260 where the replay's
     * span would otherwise print more than {@link #MAX_ROWS}: a table that fits a terminal.
     */
    private void printWindows(PrintStream out) {
        long row = rowMillis(counts.windows().keySet());
        out.printf(
                "HR@10 per %s window (model / popularity / trending / trending +"
                        + " co-occurrence):%n",
                span(row));
        Map<Long, double[]> coarse = new TreeMap<>();
        counts.windows()
                .forEach(
                        (start, v) -> {
                            double[] w =
                                    coarse.computeIfAbsent(
                                            Math.floorDiv(start, row) * row,
                                            x -> new double[v.length]);
                            for (int i = 0; i < v.length; i++) {
                                w[i] += v[i];
                            }
                        });
        if (counts.earlier()[0] > 0 && !coarse.isEmpty()) {
            // windows the job folded (more than PrequentialCounts.MAX_WINDOWS): one row before
            // the first window kept, as report.html says, not the start of the coarse row it
            // falls in, which can lie before it
            printRow(
                    out,
                    "before " + Charts.dayLabel(Collections.min(counts.windows().keySet())),
                    counts.earlier());
        }
        coarse.forEach((start, v) -> printRow(out, Charts.dayLabel(start), v));
    }

    private static void printRow(PrintStream out, String label, double[] v) {
        String[] hitRates = new String[QualityReport.RECOMMENDERS.length];
        for (int r = 0; r < hitRates.length; r++) {
            hitRates[r] = QualityReport.hitRate(PrequentialCounts.quality(v, r), "%.3f");
        }
        out.printf("  %s  n=%6.0f  %s%n", label, v[0], String.join(" / ", hitRates));
    }

    /**
     * How long a row of the table is: {@link #rowWeeks}, rounded up to whole evaluation windows
     * (the shortest gap between two window starts), so that each row sums the same number of
     * windows: 5-week windows (MovieLens) make rows of 5, 15, 55 or 260 weeks.
     */
    static long rowMillis(Set<Long> starts) {
        long window = Long.MAX_VALUE;
        Long previous = null;
        for (long start : new TreeSet<>(starts)) {
            if (previous != null) {
                window = Math.min(window, start - previous);
            }
            previous = start;
        }
        long row = rowWeeks(starts) * WEEK;
        return window == Long.MAX_VALUE ? row : Math.floorDiv(row + window - 1, window) * window;
    }

    /** A row's length as the header says it: in weeks, or days where weeks are not whole. */
    static String span(long rowMillis) {
        long day = Duration.ofDays(1).toMillis();
        return rowMillis % WEEK == 0
                ? rowMillis / WEEK + "-week"
                : rowMillis % day == 0 ? rowMillis / day + "-day" : rowMillis / 3_600_000 + "-hour";
    }

    /** The shortest of {@link #ROW_WEEKS} whose rows over {@code starts} are at most MAX_ROWS. */
    static int rowWeeks(Set<Long> starts) {
        for (int weeks : ROW_WEEKS) {
            long row = weeks * WEEK;
            long rows = starts.stream().map(s -> Math.floorDiv(s, row)).distinct().count();
            if (rows <= MAX_ROWS) {
                return weeks;
            }
        }
        return ROW_WEEKS[ROW_WEEKS.length - 1];
    }

    private void printExamples(PrintStream out) {
        out.println("example recommendations (top 5, excluding what the user already rated):");
        result.examples()
                .forEach(
                        (user, items) -> {
                            out.printf(
                                    "  user %s (%s):%n", user, result.exampleReasons().get(user));
                            items.forEach(i -> out.printf("    - %s%n", catalog.title(i)));
                        });
    }

    /** Writes summary.json, quality.png and report.html into {@code output}, saying so. */
    void save(Path output, PrintStream out) throws IOException {
        Path file = output.resolve("summary.json");
        JSON.writeValue(file.toFile(), toJson());
        out.println("summary written to " + file);
        QualityReport.Figure throughput = writeThroughputPlot(output);
        QualityReport.write(
                counts,
                "streamrec prequential HR@10 per event-time window",
                output,
                throughput == null ? List.of() : List.of(throughput));
        out.println(
                "quality plot written to "
                        + output.resolve("quality.png")
                        + (throughput == null
                                ? ""
                                : ", throughput to " + output.resolve(THROUGHPUT_PNG))
                        + " (and "
                        + output.resolve("report.html")
                        + ")");
    }

    /** Draws trained events/s over the replay, null when nothing trained. */
    private QualityReport.Figure writeThroughputPlot(Path output) throws IOException {
        ThroughputOverTime t = result.throughputOverTime();
        if (t.eventsPerSecond().length == 0) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < t.eventsPerSecond().length; k++) {
            labels.add(String.format("%.0f s", k * t.bucketSeconds()));
        }
        Charts.lines(
                output.resolve(THROUGHPUT_PNG),
                "trained events/s over the replay (from the first event sent)",
                "events/s",
                labels,
                Map.of("trained events/s", t.eventsPerSecond()));
        return new QualityReport.Figure(
                THROUGHPUT_PNG,
                String.format(
                        "Trained events/s by %.0f s since the first event sent: %,.0f until half of"
                                + " the events were trained, %,.0f over the other half. The JIT"
                                + " compiler's warm-up falls in the first seconds.",
                        t.bucketSeconds(), t.firstHalf(), t.secondHalf()));
    }

    /**
     * A window's evaluated events, a count (the counts keep it as a double), and HR@10 per
     * recommender (null where it ranked none of them).
     */
    private static void putHitRates(ObjectNode window, double[] v) {
        window.put("events", Math.round(v[0]));
        String[] keys = {"hr_model", "hr_popularity", "hr_trending", "hr_trending_cooccurrence"};
        for (int r = 0; r < keys.length; r++) {
            window.put(
                    keys[r],
                    PrequentialCounts.quality(v, r).ifRanked(PrequentialCounts.Quality::hitRate));
        }
    }

    private ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        putEventCounts(json);
        for (int r = 0; r < JSON_PREFIXES.length; r++) {
            putQuality(json, JSON_PREFIXES[r], r);
        }
        putThroughput(json);
        putCheckpoints(json);
        putWindows(json);
        putExamples(json);
        return json;
    }

    /** Trained, evaluated, produced and dead-lettered events. */
    private void putEventCounts(ObjectNode json) {
        json.put("events", result.trainedEvents());
        // the quality figures' denominator: fewer than trained under eval.sample-rate < 1
        json.put("evaluated_events", counts.events());
        json.put("produced_events", result.producedEvents());
        json.put("dead_letters", result.deadLetters());
    }

    /** Events/s overall, serving's, over time; the wall time and the replay's pace. */
    private void putThroughput(ObjectNode json) {
        putRate(json, "events_per_second", result.eventsPerSecond());
        putRate(json, "serving_events_per_second", result.trainingWindow().eventsPerSecond());
        putThroughputOverTime(json, result.throughputOverTime());
        json.put("wall_seconds", result.wallSeconds());
        json.put("replay_events_per_second_pace", rate);
    }

    /** An events/s figure; null where not measured (NaN), as the quality figures not ranked. */
    private static void putRate(ObjectNode json, String key, double eventsPerSecond) {
        if (Double.isNaN(eventsPerSecond)) {
            json.putNull(key);
        } else {
            json.put(key, eventsPerSecond);
        }
    }

    /** The completed checkpoints, where the count comes from, and how far apart they were. */
    private void putCheckpoints(ObjectNode json) {
        json.put("checkpoints_completed", result.checkpointsCompleted());
        json.put("checkpoints_source", result.checkpoints().source().key);
        json.put("checkpoints_unlisted", result.checkpoints().unlisted());
        if (!Double.isNaN(result.checkpointIntervalSeconds(0.5))) {
            json.put("checkpoint_interval_s_p50", result.checkpointIntervalSeconds(0.5));
            json.put("checkpoint_interval_s_p99", result.checkpointIntervalSeconds(0.99));
            json.put("checkpoint_interval_s_max", result.checkpointIntervalSeconds(1.0));
            // under 100 intervals the nearest-rank p99 is the largest: say how many there were
            json.put("checkpoint_intervals_n", result.checkpointIntervalsSeconds().length);
        }
    }

    /** HR@10 per evaluation window, and of the windows the job folded where it folded some. */
    private void putWindows(ObjectNode json) {
        ArrayNode windows = json.putArray("windows");
        counts.windows()
                .forEach(
                        (start, v) ->
                                putHitRates(
                                        windows.addObject()
                                                .put(
                                                        "start",
                                                        Instant.ofEpochMilli(start).toString()),
                                        v));
        if (counts.earlier()[0] > 0) {
            // the windows the job folded, before the first of "windows"
            putHitRates(json.putObject("windows_before"), counts.earlier());
        }
    }

    /** Each example user's recommended items with their titles. */
    private void putExamples(ObjectNode json) {
        ObjectNode examples = json.putObject("examples");
        result.examples()
                .forEach(
                        (user, items) -> {
                            ArrayNode a = examples.putArray(user);
                            items.forEach(
                                    i ->
                                            a.addObject()
                                                    .put("itemId", i)
                                                    .put("title", catalog.title(i)));
                        });
    }

    /** Events/s by half of the events and by bucket of seconds since the first event sent. */
    private static void putThroughputOverTime(ObjectNode json, ThroughputOverTime t) {
        if (Double.isNaN(t.firstHalf())) {
            return;
        }
        json.put("events_per_second_first_half", t.firstHalf());
        json.put("events_per_second_second_half", t.secondHalf());
        ArrayNode buckets = json.putArray("events_per_second_over_time");
        double[] rates = t.eventsPerSecond();
        for (int k = 0; k < rates.length; k++) {
            buckets.addObject()
                    .put("from_s", k * t.bucketSeconds())
                    .put("events_per_second", rates[k]);
        }
    }

    /** Recommender {@code r}'s metrics under summary.json keys that start with {@code prefix}. */
    private void putQuality(ObjectNode json, String prefix, int r) {
        PrequentialCounts.Quality q = counts.quality(r);
        // null where this model type does not rank the recommender
        json.put(prefix + "hr_at_10", q.ifRanked(PrequentialCounts.Quality::hitRate));
        json.put(prefix + "ndcg_at_10", q.ifRanked(PrequentialCounts.Quality::ndcg));
        json.put(prefix + "recall_at_10", q.ifRanked(PrequentialCounts.Quality::recall));
        json.put(prefix + "precision_at_10", q.ifRanked(PrequentialCounts.Quality::precision));
        json.put(prefix + "f1_at_10", q.ifRanked(PrequentialCounts.Quality::f1));
        OptionalDouble coverage = counts.coverage(r);
        if (coverage.isPresent()) {
            json.put(prefix + "coverage_at_10", coverage.getAsDouble());
        } else {
            json.putNull(prefix + "coverage_at_10");
        }
    }
}
