package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.PrequentialCounts;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class QualityGaugesTest {
    /** A metric group that keeps its gauges, so that a test can read them as a reporter does. */
    private static final class GaugesKept extends UnregisteredMetricsGroup {
        final Map<String, Gauge<?>> gauges = new HashMap<>();

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(name, gauge);
            return gauge;
        }

        double read(String name) {
            return ((Number) gauges.get(name).getValue()).doubleValue();
        }
    }

    /**
     * Gauges read what the task thread last published, not the counts as they change: the metrics
     * thread never touches the counts' maps.
     */
    @Test
    void gaugesReadTheLastPublishedValuesNotTheLiveCounts() {
        PrequentialCounts counts = new PrequentialCounts(0);
        GaugesKept group = new GaugesKept();
        long[] nanos = {0L};
        QualityGauges gauges = new QualityGauges(() -> nanos[0]);
        gauges.register(group);
        assertThat(group.gauges).hasSize(3 * PrequentialCounts.RECOMMENDERS.length);

        int[] hitForModelOnly = new int[PrequentialCounts.RECOMMENDERS.length];
        Arrays.fill(hitForModelOnly, -1);
        hitForModelOnly[0] = 0; // the model ranked the item first; the others missed
        counts.record(0L, hitForModelOnly);
        assertThat(group.read("hr10_model")).isZero(); // not published yet

        gauges.maybePublish(counts); // the first publishes at once
        assertThat(group.read("hr10_model")).isEqualTo(1.0);
        assertThat(group.read("ndcg10_model")).isEqualTo(1.0);
        assertThat(group.read("hr10_window_model")).isEqualTo(1.0);
        assertThat(group.read("hr10_popularity")).isZero();

        counts.record(0L, new int[PrequentialCounts.RECOMMENDERS.length]);
        nanos[0] = 999_999_999L;
        gauges.maybePublish(counts); // within a second of the last: not yet
        assertThat(group.read("hr10_popularity")).isZero();
        nanos[0] = 1_000_000_000L;
        gauges.maybePublish(counts);
        assertThat(group.read("hr10_popularity")).isEqualTo(0.5);

        counts.record(0L, hitForModelOnly);
        gauges.publish(counts); // a checkpoint's publish does not wait for the second
        assertThat(group.read("hr10_popularity")).isEqualTo(1.0 / 3);
    }

    /** A recommender that ranked no event (the blend under BPR) has no value, not 0. */
    @Test
    void aRecommenderThatRankedNoEventReadsNaN() {
        PrequentialCounts counts = new PrequentialCounts(0);
        GaugesKept group = new GaugesKept();
        QualityGauges gauges = new QualityGauges();
        gauges.register(group);

        counts.record(0L, new int[] {0, -1, -1, PrequentialCounts.NOT_RANKED});
        gauges.publish(counts);

        assertThat(group.read("hr10_model")).isEqualTo(1.0);
        assertThat(group.read("hr10_popularity")).isZero();
        String blend = QualityGauges.metricName(PrequentialCounts.RECOMMENDERS[3]);
        assertThat(group.read("hr10_" + blend)).isNaN();
        assertThat(group.read("ndcg10_" + blend)).isNaN();
        assertThat(group.read("hr10_window_" + blend)).isNaN();
    }

    @Test
    void recommenderNamesBecomeMetricNamesReportersKeep() {
        assertThat(QualityGauges.metricName("trending+cooccurrence"))
                .isEqualTo("trending_cooccurrence");
        assertThat(QualityGauges.metricName("model")).isEqualTo("model");
    }
}
