package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EvalReportCodecTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A report as the codec wrote it before it named its recommenders (three of them). */
    private static final String FIRST_FORMAT =
            """
            {"events_since_start":4,"first_event_time":1,"last_event_time":2,"subtask":1,\
            "parallelism":2,"events":4,"trained_events":4,"model_version":99,"time":5,\
            "hr_at_10":{"model":0.75,"popularity":0.25,"trending":0.5},\
            "freshness_ms":{"count":0,"p50":0.0,"p99":0.0,"max":0.0,"buckets":{}},\
            "windows":[{"start":0,"values":[2.0,2.0,0.0,1.0,1.5,0.0,0.5]},\
            {"start":7,"values":[2.0,1.0,1.0,1.0,0.25,1.0,1.0]}]}""";

    @Test
    void writesEveryMetricPerRecommender() throws Exception {
        PrequentialCounts c = new PrequentialCounts(1);
        // model hits at rank 0 and 1 of 4 events; the blend at rank 0 of 1; coverage of the model
        // 3 items of 12 known, of popularity 1 item, trending's and the blend's lists unknown
        String[][] lists = {{"a", "b"}, {"p"}, null, null};
        c.record(0L, new int[] {0, 0, -1, -1}, lists, 12);
        c.record(0L, new int[] {1, -1, -1, -1}, new String[][] {{"b", "c"}, {"p"}, null, null}, 12);
        c.record(7L, new int[] {-1, -1, 0, 0});
        c.record(7L, new int[] {-1, -1, -1, -1});
        c.record(14L, new int[] {0, -1, -1, PrequentialCounts.NOT_RANKED});
        c.record(14L, new int[] {-1, 0, -1, PrequentialCounts.NOT_RANKED});

        JsonNode json = MAPPER.readTree(EvalReportCodec.encode(report(c)));

        assertThat(json.get("recommenders"))
                .extracting(JsonNode::asText)
                .containsExactly("model", "popularity", "trending", "trending+cooccurrence");
        assertThat(json.at("/events").asLong()).isEqualTo(6);
        assertThat(json.at("/hr_at_10/model").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/recall_at_10/model").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/precision_at_10/model").asDouble()).isEqualTo(0.05);
        assertThat(json.at("/f1_at_10/model").asDouble()).isCloseTo(1.0 / 11, within(1e-15));
        assertThat(json.at("/ndcg_at_10/model").asDouble())
                .isCloseTo((2 + 1 / (Math.log(3) / Math.log(2))) / 6, within(1e-15));
        // ranked 4 of the 6 events, one of them a hit
        assertThat(json.at("/hr_at_10/trending+cooccurrence").asDouble()).isEqualTo(0.25);
        assertThat(json.at("/coverage_at_10/model").asDouble()).isEqualTo(0.25);
        assertThat(json.at("/coverage_at_10/popularity").asDouble()).isEqualTo(1.0 / 12);
        assertThat(json.at("/coverage_at_10/trending").isNull()).isTrue();
        assertThat(json.at("/items_known").asLong()).isEqualTo(12);

        JsonNode window = json.at("/windows/1");
        assertThat(window.at("/hr_at_10/trending").asDouble()).isEqualTo(0.5);
        assertThat(window.at("/precision_at_10/trending").asDouble()).isEqualTo(0.05);
        assertThat(window.at("/f1_at_10/model").asDouble()).isZero();
        // counts as before the events ranked were counted, for readers of that layout
        assertThat(window.get("counts")).hasSize(9);
        assertThat(window.get("ranked"))
                .extracting(JsonNode::asDouble)
                .containsExactly(2.0, 2.0, 2.0, 2.0);
        assertThat(json.at("/windows/2/ranked"))
                .extracting(JsonNode::asDouble)
                .containsExactly(2.0, 2.0, 2.0, 0.0);
        // the first format's values: [n, hits, ndcg] of model, popularity and trending
        assertThat(window.get("values"))
                .extracting(JsonNode::asDouble)
                .containsExactly(2.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0);
        JsonNode unranked = json.at("/windows/2");
        assertThat(unranked.at("/hr_at_10/model").asDouble()).isEqualTo(0.5);
        for (String metric : List.of("hr", "ndcg", "recall", "precision", "f1")) {
            assertThat(unranked.at("/" + metric + "_at_10/trending+cooccurrence").isNull())
                    .as("%s of a recommender that ranked none of the window's events", metric)
                    .isTrue();
        }
    }

    @Test
    void decodesWhatItEncodes() throws Exception {
        PrequentialCounts c = new PrequentialCounts(1);
        c.record(0L, new int[] {0, 2, -1, 4}, new String[][] {{"a"}, null, {"t"}, {"x", "y"}}, 5);
        c.record(7L, new int[] {-1, -1, 3, 0});

        PrequentialCounts decoded =
                EvalReportCodec.decode(EvalReportCodec.encode(report(c))).counts();

        assertThat(decoded.windows()).containsOnlyKeys(0L, 7L);
        assertThat(decoded.windows().get(0L)).containsExactly(c.windows().get(0L));
        assertThat(decoded.windows().get(7L)).containsExactly(c.windows().get(7L));
        assertThat(decoded.coverage(3)).hasValue(0.4);
        assertThat(decoded.coverage(1)).isEmpty();
        assertThat(decoded.coveredItems(2)).containsExactly("t");
        assertThat(decoded.subtask()).isEqualTo(1);
    }

    @Test
    void carriesTheFoldedEarlierWindows() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        for (long w = 0; w <= PrequentialCounts.MAX_WINDOWS; w++) {
            c.record(w, new int[] {w == 0 ? 0 : -1, -1, -1, -1});
        }
        String json = EvalReportCodec.encode(report(c));
        PrequentialCounts decoded = EvalReportCodec.decode(json).counts();

        assertThat(c.earlier()[0]).isEqualTo(1); // window 0, its one hit with it
        assertThat(decoded.earlier()).containsExactly(c.earlier());
        assertThat(decoded.windows()).hasSize(PrequentialCounts.MAX_WINDOWS);
        assertThat(decoded.hitRate(0)).isEqualTo(1.0 / (PrequentialCounts.MAX_WINDOWS + 1));
        assertThat(MAPPER.readTree(json).at("/hr_at_10/model").asDouble())
                .isEqualTo(decoded.hitRate(0));
        // a report written before windows were folded has no earlier counts: zeros
        assertThat(EvalReportCodec.decode(FIRST_FORMAT).counts().earlier()).containsOnly(0.0);
    }

    /**
     * Counts of subtask {@code subtask} whose model covered the items {@code from} to {@code to}.
     */
    private static PrequentialCounts covering(int subtask, int from, int to) {
        PrequentialCounts c = new PrequentialCounts(subtask);
        for (int i = from; i < to; i += 10) {
            String[] top = new String[10];
            for (int k = 0; k < 10; k++) {
                top[k] = "tt" + (1_000_000 + i + k);
            }
            c.record(
                    0L, new int[] {0, -1, -1, -1}, new String[][] {top, null, null, null}, 500_000);
        }
        return c;
    }

    @Test
    void manyCoveredItemsTravelAsASketchThatMergesAcrossSubtasks() throws Exception {
        PrequentialCounts a = covering(0, 0, 120_000);
        PrequentialCounts b = covering(1, 80_000, 200_000);
        String ja = EvalReportCodec.encode(report(a));
        String jb = EvalReportCodec.encode(report(b));
        // 120,000 ids would be about 1.3 MB, over Kafka's default 1 MB record limit
        assertThat(ja.length()).isLessThan(100_000);
        assertThat(MAPPER.readTree(ja).at("/covered_items").has("model")).isFalse();
        assertThat(MAPPER.readTree(ja).at("/coverage_at_10/model").asDouble())
                .isCloseTo(0.24, withinPercentage(3));

        LatestReports reports = new LatestReports();
        reports.add(EvalReportCodec.decode(ja));
        reports.add(EvalReportCodec.decode(jb));
        PrequentialCounts merged = reports.merged();
        assertThat(merged.coveredItems(0)).isNull();
        assertThat(merged.coverage(0).getAsDouble()).isCloseTo(0.4, withinPercentage(3));

        // what decides is the list's bytes: 5,000 ids of 36 characters travel as a sketch too
        PrequentialCounts longIds = new PrequentialCounts(0);
        for (int i = 0; i < 5_000; i += 10) {
            String[] top = new String[10];
            for (int k = 0; k < 10; k++) {
                byte[] name = {(byte) i, (byte) (i >> 8), (byte) k};
                top[k] = UUID.nameUUIDFromBytes(name).toString();
            }
            longIds.record(
                    0L, new int[] {0, -1, -1, -1}, new String[][] {top, null, null, null}, 9_000);
        }
        assertThat(longIds.coveredItems(0)).hasSize(5_000);
        assertThat(
                        MAPPER.readTree(EvalReportCodec.encode(report(longIds)))
                                .at("/covered_items_sketch")
                                .has("model"))
                .isTrue();

        // a short list stays exact, and merges exactly with the items behind a sketch
        PrequentialCounts few = covering(0, 0, 100);
        assertThat(
                        EvalReportCodec.decode(EvalReportCodec.encode(report(few)))
                                .counts()
                                .coveredItems(0))
                .hasSize(100);
        few.addAll(EvalReportCodec.decode(ja).counts());
        assertThat(few.coverageSketch(0))
                .isEqualTo(EvalReportCodec.decode(ja).counts().coverageSketch(0));
    }

    /**
     * The largest report: every window kept apart, and each recommender's list just under the bytes
     * that turn it into a sketch. It stays inside Kafka's default 1 MB record limit; before windows
     * folded and long lists became sketches, 1,150 weekly windows alone were about 1 MB.
     */
    @Test
    void theLargestReportFitsAKafkaRecord() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        int ids = EvalReportCodec.MAX_LISTED_BYTES / (36 + 3) - 10; // UUIDs, quoted, a comma each
        for (int w = 0; w < 2_000; w++) {
            String[][] top = new String[4][];
            for (int r = 0; r < 4; r++) {
                top[r] = new String[10];
                for (int k = 0; k < 10; k++) {
                    int n = (w * 10 + k) % ids;
                    byte[] name = {(byte) r, (byte) n, (byte) (n >> 8)};
                    top[r][k] = UUID.nameUUIDFromBytes(name).toString();
                }
            }
            c.record(w * 1_000L, new int[] {0, 1, 2, 3}, top, 1_000_000);
        }
        for (int r = 0; r < 4; r++) {
            assertThat(c.coveredItems(r))
                    .hasSizeGreaterThan(ids - 10)
                    .hasSizeLessThanOrEqualTo(ids);
        }

        String json = EvalReportCodec.encode(report(c));

        assertThat(MAPPER.readTree(json).at("/covered_items_sketch").isEmpty()).isTrue();
        assertThat(json.length()).isBetween(500_000, 1_000_000);
    }

    @Test
    void readsTheFirstFormat() throws Exception {
        EvalReportCodec.Report report = EvalReportCodec.decode(FIRST_FORMAT);
        PrequentialCounts c = report.counts();

        assertThat(report.parallelism()).isEqualTo(2);
        assertThat(c.events()).isEqualTo(4);
        assertThat(c.hitRate(0)).isEqualTo(0.75);
        assertThat(c.hitRate(1)).isEqualTo(0.25);
        assertThat(c.hitRate(2)).isEqualTo(0.5);
        assertThat(c.ndcg(2)).isEqualTo(0.375);
        assertThat(c.quality(3).ranked()).as("not evaluated then").isFalse();
        assertThat(c.coverage(0)).isEmpty();
        assertThat(c.windows().get(7L)).containsExactly(2, 1, 1, 1, 0, 0.25, 1, 1, 0, 2, 2, 2, 0);
    }

    /**
     * A report of 2026-11-30 to 2026-12-06 (counts without ranked): each recommender named ranked
     * every event, but one without a single hit, trending + co-occurrence under BPR, ranked none.
     */
    @Test
    void readsCountsWithoutRankedAsEveryEventRankedButByARecommenderThatNeverHit()
            throws Exception {
        String json =
                "{\"subtask\":0,\"parallelism\":1,\"trained_events\":4,\"model_version\":1,"
                        + "\"time\":5,\"recommenders\":[\"model\",\"popularity\",\"trending\","
                        + "\"trending+cooccurrence\"],\"windows\":[{\"start\":0,"
                        + "\"counts\":[4,2,1,1,0,1.5,1,0.5,0]}],"
                        + "\"earlier_counts\":[0,0,0,0,0,0,0,0,0]}";

        PrequentialCounts c = EvalReportCodec.decode(json).counts();

        assertThat(c.quality(0).events()).isEqualTo(4);
        assertThat(c.hitRate(0)).isEqualTo(0.5);
        assertThat(c.quality(3).ranked()).isFalse();
    }

    private static EvalReportCodec.Report report(PrequentialCounts c) {
        return new EvalReportCodec.Report(
                c, 1, 4, 99, 5L, new EvalReportCodec.Throughput(4, 1, 2), new LatencyHistogram());
    }
}
