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
import java.util.Map;
import java.util.TreeMap;

/**
 * What the quickstart tells about a replay: the summary it prints, {@code summary.json}, and the
 * quality plot with its page.
 */
final class QuickstartSummary {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long FOUR_WEEKS = Duration.ofDays(28).toMillis();

    /** summary.json's key prefix of each recommender, in {@link PrequentialCounts} order. */
    private static final String[] JSON_PREFIXES = {
        "", "baseline_popularity_", "baseline_trending_"
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

    private long validEvents() {
        return result.producedEvents() - result.deadLetters();
    }

    void print(PrintStream out) {
        out.println();
        out.println("=== streamrec quickstart summary ===");
        out.printf(
                "events processed      %,d (%,d dead-lettered)%n",
                validEvents(), result.deadLetters());
        out.printf(
                "events/s              %,.0f (training loop, steady state)%n",
                result.eventsPerSecond());
        out.printf(
                "wall time             %.1f s (replay pace: %s)%n",
                result.wallSeconds(), rate > 0 ? rate + " events/s" : "full speed");
        out.printf("checkpoints completed %d%n", result.checkpointsCompleted());
        printQuality(out);
        printFourWeekWindows(out);
        printExamples(out);
    }

    private void printQuality(PrintStream out) {
        out.println("prequential quality (test-then-learn, user's own items excluded):");
        for (int r = 0; r < QualityReport.RECOMMENDERS.length; r++) {
            out.printf(
                    "  %-22s HR@10 %.4f   NDCG@10 %.4f%n",
                    QualityReport.RECOMMENDERS[r], counts.hitRate(r), counts.ndcg(r));
        }
    }

    /** The evaluation windows summed into 4-week windows: a table that fits a terminal. */
    private void printFourWeekWindows(PrintStream out) {
        out.println("HR@10 per 4-week window (model / popularity / trending):");
        Map<Long, double[]> coarse = new TreeMap<>();
        counts.windows()
                .forEach(
                        (start, v) -> {
                            double[] w =
                                    coarse.computeIfAbsent(
                                            Math.floorDiv(start, FOUR_WEEKS) * FOUR_WEEKS,
                                            x -> new double[v.length]);
                            for (int i = 0; i < v.length; i++) {
                                w[i] += v[i];
                            }
                        });
        coarse.forEach(
                (start, v) ->
                        out.printf(
                                "  %s  n=%6.0f  %.3f / %.3f / %.3f%n",
                                Charts.dayLabel(start),
                                v[0],
                                v[1] / v[0],
                                v[2] / v[0],
                                v[3] / v[0]));
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
        QualityReport.write(counts, "streamrec prequential HR@10 per event-time window", output);
        out.println(
                "quality plot written to "
                        + output.resolve("quality.png")
                        + " (and "
                        + output.resolve("report.html")
                        + ")");
    }

    private ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("events", validEvents());
        json.put("dead_letters", result.deadLetters());
        for (int r = 0; r < JSON_PREFIXES.length; r++) {
            json.put(JSON_PREFIXES[r] + "hr_at_10", counts.hitRate(r));
            json.put(JSON_PREFIXES[r] + "ndcg_at_10", counts.ndcg(r));
        }
        json.put("events_per_second", result.eventsPerSecond());
        json.put("wall_seconds", result.wallSeconds());
        json.put("replay_events_per_second_pace", rate);
        json.put("checkpoints_completed", result.checkpointsCompleted());
        ArrayNode windows = json.putArray("windows");
        counts.windows()
                .forEach(
                        (start, v) ->
                                windows.addObject()
                                        .put("start", Instant.ofEpochMilli(start).toString())
                                        .put("events", v[0])
                                        .put("hr_model", v[1] / v[0])
                                        .put("hr_popularity", v[2] / v[0])
                                        .put("hr_trending", v[3] / v[0]));
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
        return json;
    }
}
