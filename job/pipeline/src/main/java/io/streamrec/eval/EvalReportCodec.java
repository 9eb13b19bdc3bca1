package io.streamrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * JSON form of a serving subtask's cumulative evaluation, written to the eval-reports topic at
 * every checkpoint: the counts per window plus training progress as serving sees it.
 */
public final class EvalReportCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The most bytes of ids a report lists per recommender; beyond this it carries their {@link
     * CoverageSketch} (about 22 KB of Base64). Four lists of 100 KB (10,000 ids of ten characters),
     * with {@link PrequentialCounts#MAX_WINDOWS} windows of about 800 bytes, keep a report inside
     * Kafka's default 1 MB record limit ({@code max.request.size}): the producer refuses a larger
     * record.
     */
    public static final int MAX_LISTED_BYTES = 100_000;

    private EvalReportCodec() {}

    /**
     * One serving subtask's report.
     *
     * @param parallelism how many serving subtasks report: after a rescale the counts of the old
     *     subtasks are merged into the new ones, so a reader sums the latest report of each subtask
     *     of the latest parallelism only
     * @param trainedEvents the events of this subtask's users that the parameter server trained on
     *     (each subtask holds only its own users' rows): summed like the counts
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

    /**
     * The report as the JSON the eval-reports topic carries. Per recommender (keys as in {@link
     * PrequentialCounts#RECOMMENDERS}): {@code hr_at_10}, {@code ndcg_at_10}, {@code recall_at_10},
     * {@code precision_at_10}, {@code f1_at_10} (null where the recommender ranked none of the
     * events, as trending + co-occurrence under BPR) and {@code coverage_at_10} (null while a
     * recommender supplied no top-10 lists), overall and, but for the coverage, per window. A
     * window's {@code counts} are its raw counts: the events evaluated, then per recommender in the
     * order {@code recommenders} names its hits, then its summed NDCG; {@code ranked} the events
     * each recommender ranked (a key of its own, so that readers of the {@code counts} before it
     * still read them); its {@code values} keep the first report format (the first three
     * recommenders) for older readers. {@code earlier_counts} and {@code earlier_ranked} are the
     * same of the windows before those listed, folded into one ({@link
     * PrequentialCounts#MAX_WINDOWS}); the overall figures include them.
     */
    public static String encode(Report report) {
        PrequentialCounts counts = report.counts();
        Throughput throughput = report.throughput();
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
        ArrayNode names = node.putArray("recommenders");
        for (String name : PrequentialCounts.RECOMMENDERS) {
            names.add(name);
        }
        putQuality(node, counts.total());
        putCoverage(node, counts);
        putFreshness(node, report.freshness());
        ArrayNode windows = node.putArray("windows");
        counts.windows.forEach((start, values) -> putWindow(windows.addObject(), start, values));
        putDoubles(node.putArray("earlier_counts"), PrequentialCounts.legacyPart(counts.earlier));
        putDoubles(node.putArray("earlier_ranked"), PrequentialCounts.rankedPart(counts.earlier));
        return node.toString();
    }

    /** The quality metrics of each recommender over the events {@code values} counts. */
    private static void putQuality(ObjectNode node, double[] values) {
        ObjectNode hr = node.putObject("hr_at_10");
        ObjectNode ndcg = node.putObject("ndcg_at_10");
        ObjectNode recall = node.putObject("recall_at_10");
        ObjectNode precision = node.putObject("precision_at_10");
        ObjectNode f1 = node.putObject("f1_at_10");
        for (int r = 0; r < PrequentialCounts.RECOMMENDERS.length; r++) {
            String name = PrequentialCounts.RECOMMENDERS[r];
            PrequentialCounts.Quality q = PrequentialCounts.quality(values, r);
            hr.put(name, q.ifRanked(PrequentialCounts.Quality::hitRate));
            ndcg.put(name, q.ifRanked(PrequentialCounts.Quality::ndcg));
            recall.put(name, q.ifRanked(PrequentialCounts.Quality::recall));
            precision.put(name, q.ifRanked(PrequentialCounts.Quality::precision));
            f1.put(name, q.ifRanked(PrequentialCounts.Quality::f1));
        }
    }

    /**
     * Coverage per recommender, and what it is made of so that subtasks' reports merge: the covered
     * ids, or their sketch where those would take more than {@link #MAX_LISTED_BYTES}.
     */
    private static void putCoverage(ObjectNode node, PrequentialCounts counts) {
        ObjectNode coverage = node.putObject("coverage_at_10");
        ObjectNode covered = node.putObject("covered_items");
        ObjectNode sketches = node.putObject("covered_items_sketch");
        node.put("items_known", counts.itemsKnown());
        for (int r = 0; r < PrequentialCounts.RECOMMENDERS.length; r++) {
            String name = PrequentialCounts.RECOMMENDERS[r];
            OptionalDouble c = counts.coverage(r);
            if (c.isPresent()) {
                coverage.put(name, c.getAsDouble());
            } else {
                coverage.putNull(name);
            }
            Set<String> ids = counts.coveredItems(r);
            if (ids != null && listedBytes(ids) <= MAX_LISTED_BYTES) {
                ArrayNode items = covered.putArray(name);
                ids.forEach(items::add);
            } else if (ids != null) {
                sketches.put(name, CoverageSketch.of(ids).toBase64());
            } else if (counts.coverageSketch(r) != null) {
                sketches.put(name, counts.coverageSketch(r).toBase64());
            }
        }
    }

    /** The bytes {@code ids} take in a JSON list: each id quoted, and a comma. */
    private static long listedBytes(Set<String> ids) {
        if (ids.size() > MAX_LISTED_BYTES / 3) {
            return Long.MAX_VALUE; // no list of more ids fits
        }
        long bytes = 0;
        for (String id : ids) {
            bytes += id.length() + 3; // validated ids are ASCII (RecordParser.ID)
        }
        return bytes;
    }

    /**
     * Wall clock minus the event time of the newest event in each item row the replica applied,
     * since the subtask (re)started.
     */
    private static void putFreshness(ObjectNode node, LatencyHistogram freshness) {
        ObjectNode f = node.putObject("freshness_ms");
        f.put("count", freshness.count());
        f.put("p50", freshness.quantileMs(0.5));
        f.put("p99", freshness.quantileMs(0.99));
        f.put("max", freshness.maxMs());
        ObjectNode fb = f.putObject("buckets");
        freshness.buckets().forEach((b, n) -> fb.put(Integer.toString(b), n));
    }

    private static void putWindow(ObjectNode w, long start, double[] values) {
        w.put("start", start);
        ArrayNode legacy = w.putArray("values");
        for (double x : firstFormat(values)) {
            legacy.add(x);
        }
        putDoubles(w.putArray("counts"), PrequentialCounts.legacyPart(values));
        putDoubles(w.putArray("ranked"), PrequentialCounts.rankedPart(values));
        putQuality(w, values);
    }

    private static void putDoubles(ArrayNode array, double[] values) {
        for (double x : values) {
            array.add(x);
        }
    }

    /** A window's values in the first format: [n, hits, ndcg] of the version-1 recommenders. */
    private static double[] firstFormat(double[] values) {
        int n = PrequentialCounts.VERSION_1_RECOMMENDERS.length;
        double[] v = new double[PrequentialCounts.legacyFields(n)];
        v[0] = values[0];
        for (int i = 0; i < n; i++) {
            int r = PrequentialCounts.indexOf(PrequentialCounts.VERSION_1_RECOMMENDERS[i]);
            v[1 + i] = values[1 + r];
            v[1 + n + i] = values[1 + PrequentialCounts.RECOMMENDERS.length + r];
        }
        return v;
    }

    /**
     * Reads a report of this format or of an older one (no recommender list, no coverage, no events
     * ranked per recommender: each then ranked all the events).
     */
    public static Report decode(String json) throws IOException {
        JsonNode node = MAPPER.readTree(json);
        String[] names = recommenders(node);
        TreeMap<Long, double[]> windows = readWindows(node.get("windows"), names);
        double[] earlier = readEarlier(node, names);
        List<TreeSet<String>> covered = readCovered(node.path("covered_items"));
        PrequentialCounts counts =
                new PrequentialCounts(
                        node.get("subtask").asInt(),
                        windows,
                        earlier,
                        covered,
                        node.path("items_known").asLong());
        readSketches(node.path("covered_items_sketch"), counts);
        if (lacksRanked(node)) {
            counts.legacyRecommendersWithoutHitsRankedNone();
        }
        return new Report(
                counts,
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

    /**
     * Each window's counts by its start, in the current layout whatever format it was written in.
     */
    private static TreeMap<Long, double[]> readWindows(JsonNode windows, String[] names) {
        TreeMap<Long, double[]> read = new TreeMap<>();
        for (JsonNode w : windows) {
            boolean hasCounts = w.has("counts");
            double[] values =
                    hasCounts
                            ? withRanked(w.get("counts"), w.get("ranked"))
                            : doubles(w.get("values"));
            String[] layout = hasCounts ? names : PrequentialCounts.VERSION_1_RECOMMENDERS;
            read.put(w.get("start").asLong(), PrequentialCounts.inCurrentLayout(layout, values));
        }
        return read;
    }

    /** The folded windows before those listed; none in a report without them. */
    private static double[] readEarlier(JsonNode node, String[] names) {
        if (!node.has("earlier_counts")) {
            return new double[PrequentialCounts.FIELDS];
        }
        return PrequentialCounts.inCurrentLayout(
                names, withRanked(node.get("earlier_counts"), node.get("earlier_ranked")));
    }

    /** Per recommender the covered ids the report lists; none for those it does not. */
    private static List<TreeSet<String>> readCovered(JsonNode coveredItems) {
        List<TreeSet<String>> covered = PrequentialCounts.noCoverage();
        coveredItems
                .fields()
                .forEachRemaining(
                        e -> {
                            int r = PrequentialCounts.indexOf(e.getKey());
                            if (r >= 0) {
                                TreeSet<String> items = new TreeSet<>();
                                e.getValue().forEach(item -> items.add(item.asText()));
                                covered.set(r, items);
                            }
                        });
        return covered;
    }

    /**
     * Whether a window or the earlier ones carry counts without the events each recommender ranked:
     * a report written before those were counted.
     */
    private static boolean lacksRanked(JsonNode node) {
        for (JsonNode w : node.get("windows")) {
            if (!w.has("ranked")) {
                return true;
            }
        }
        return node.has("earlier_counts") && !node.has("earlier_ranked");
    }

    private static void readSketches(JsonNode sketches, PrequentialCounts counts)
            throws IOException {
        var fields = sketches.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            int r = PrequentialCounts.indexOf(e.getKey());
            if (r >= 0) {
                try {
                    counts.coverageSketches.set(
                            r, CoverageSketch.fromBase64(e.getValue().asText()));
                } catch (IllegalArgumentException bad) {
                    throw new IOException("corrupt covered_items_sketch of " + e.getKey(), bad);
                }
            }
        }
    }

    private static String[] recommenders(JsonNode node) {
        JsonNode names = node.get("recommenders");
        if (names == null) {
            return PrequentialCounts.VERSION_1_RECOMMENDERS;
        }
        String[] out = new String[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = names.get(i).asText();
        }
        return out;
    }

    /** A window's legacy {@code counts} followed by its {@code ranked}, where there is one. */
    private static double[] withRanked(JsonNode counts, JsonNode ranked) {
        double[] legacy = doubles(counts);
        if (ranked == null) {
            return legacy;
        }
        double[] perRecommender = doubles(ranked);
        double[] all = Arrays.copyOf(legacy, legacy.length + perRecommender.length);
        System.arraycopy(perRecommender, 0, all, legacy.length, perRecommender.length);
        return all;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
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
