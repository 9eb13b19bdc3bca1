package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrequentialCountsTest {
    @Test
    void hitRateAndNdcgOfAHandMadeStream() throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, 2});
        c.record(0L, new int[] {1, -1, -1});
        c.record(7L, new int[] {-1, 0, -1});
        c.record(7L, new int[] {9, -1, 0});
        assertThat(c.events()).isEqualTo(4);
        assertThat(c.hitRate(0)).isEqualTo(0.75);
        assertThat(c.hitRate(1)).isEqualTo(0.25);
        assertThat(c.hitRate(2)).isEqualTo(0.5);
        // NDCG@10 with one relevant item: 1/log2(rank + 2)
        double expected =
                (1.0 + 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(11) / Math.log(2))) / 4;
        assertThat(c.ndcg(0)).isCloseTo(expected, within(1e-12));
        assertThat(c.windows()).containsOnlyKeys(0L, 7L);

        PrequentialCounts decoded =
                EvalReportCodec.decode(
                                EvalReportCodec.encode(
                                        new EvalReportCodec.Report(
                                                c,
                                                1,
                                                4,
                                                99,
                                                5L,
                                                new EvalReportCodec.Throughput(4, 1, 2),
                                                new LatencyHistogram())))
                        .counts();
        assertThat(decoded.hitRate(2)).isEqualTo(0.5);
        PrequentialCounts copy =
                PrequentialCountsSerializer.INSTANCE.fromBytes(
                        PrequentialCountsSerializer.INSTANCE.toBytes(c));
        assertThat(copy.ndcg(0)).isEqualTo(c.ndcg(0));
        assertThat(copy.subtask()).isZero();
    }
}
