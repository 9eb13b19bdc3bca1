package io.streamrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of a serving subtask's cumulative evaluation, written to the eval-reports topic at
 * every checkpoint: the counts per window plus training progress as serving sees it.
 */
public final class EvalReportCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EvalReportCodec() {}

    /**
     * One serving subtask's report.
     *
     * @param parallelism how many serving subtasks report: after a rescale the counts of the old
     *     subtasks are merged into the new ones, so a reader sums the latest report of each subtask
     *     of the latest parallelism only
     */
    public record Report(
            PrequentialCounts counts,
            int parallelism,
            long trainedEvents,
            long modelVersion,
            long time,
            Throughput throughput,
            LatencyHistogram freshness) {}

    /**
     * This subtask's share of the trained events (evaluated or not) since it (re)started, and the
     * wall-clock times of the first and the latest: the pipeline's throughput as seen at its end.
     */
    public record Throughput(long events, long firstMillis, long lastMillis) {}

    /** The report as the JSON the eval-reports topic carries. */
    public static String encode(Report report) {
        PrequentialCounts counts = report.counts();
        Throughput throughput = report.throughput();
        LatencyHistogram freshness = report.freshness();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("events_since_start", throughput.events());
        node.put("first_event_time", throughput.firstMillis());
        node.put("last_event_time", throughput.lastMillis());
        node.put("subtask", counts.subtask);
        node.put("parallelism", report.parallelism());
        node.put("events", counts.events());
        node.put("trained_events", report.trainedEvents());
        node.put("model_version", report.modelVersion());
        node.put("time", report.time());
        ObjectNode hr = node.putObject("hr_at_10");
        for (int r = 0; r < PrequentialCounts.RECOMMENDERS.length; r++) {
            hr.put(PrequentialCounts.RECOMMENDERS[r], counts.hitRate(r));
        }
        // wall clock minus the event time of the newest event in each item row the replica
        // applied, since the subtask (re)started
        ObjectNode f = node.putObject("freshness_ms");
        f.put("count", freshness.count());
        f.put("p50", freshness.quantileMs(0.5));
        f.put("p99", freshness.quantileMs(0.99));
        f.put("max", freshness.maxMs());
        ObjectNode fb = f.putObject("buckets");
        freshness.buckets().forEach((b, n) -> fb.put(Integer.toString(b), n));
        ArrayNode windows = node.putArray("windows");
        counts.windows.forEach(
                (start, values) -> {
                    ObjectNode w = windows.addObject();
                    w.put("start", start);
                    ArrayNode v = w.putArray("values");
                    for (double x : values) {
                        v.add(x);
                    }
                });
        return node.toString();
    }

    public static Report decode(String json) throws IOException {
        JsonNode node = MAPPER.readTree(json);
        TreeMap<Long, double[]> windows = new TreeMap<>();
        for (JsonNode w : node.get("windows")) {
            JsonNode v = w.get("values");
            double[] values = new double[v.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = v.get(i).asDouble();
            }
            windows.put(w.get("start").asLong(), values);
        }
        return new Report(
                new PrequentialCounts(node.get("subtask").asInt(), windows),
                node.path("parallelism").asInt(1),
                node.get("trained_events").asLong(),
                node.get("model_version").asLong(),
                node.get("time").asLong(),
                new Throughput(
                        node.path("events_since_start").asLong(),
                        node.path("first_event_time").asLong(),
                        node.path("last_event_time").asLong()),
                freshness(node.path("freshness_ms")));
    }

    private static LatencyHistogram freshness(JsonNode f) {
        Map<Integer, Long> buckets = new java.util.HashMap<>();
        f.path("buckets")
                .fields()
                .forEachRemaining(
                        e -> buckets.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
        return LatencyHistogram.of(buckets, f.path("max").asDouble());
    }
}
