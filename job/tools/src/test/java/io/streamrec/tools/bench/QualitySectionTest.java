package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.tools.offline.BaselineEvaluator.WindowedHits;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualitySectionTest {

    @Test
    void leadersAreTheFirstHighestOfEachKind() {
        Map<String, WindowedHits> baselines = new LinkedHashMap<>();
        baselines.put("popularity", hits(3));
        baselines.put("trending(1h)", hits(4));
        baselines.put("trending(1d)", hits(6));
        baselines.put("trending(7d)", hits(6));
        baselines.put("co-occurrence + 1.0 x trending(1d)", hits(5));
        baselines.put("co-occurrence + 3.0 x trending(1d)", hits(2));

        QualitySection.Leaders leaders = QualitySection.Leaders.of(baselines);

        assertThat(leaders.trending()).isEqualTo("trending(1d)");
        assertThat(leaders.blend()).isEqualTo("co-occurrence + 1.0 x trending(1d)");
        assertThat(leaders.best()).isEqualTo("trending(1d)");
        assertThat(leaders.plotted())
                .containsExactly(
                        "popularity", "trending(1d)", "co-occurrence + 1.0 x trending(1d)");
    }

    @Test
    void popularityLeadsWhenItBeatsTheOthers() {
        Map<String, WindowedHits> baselines = new LinkedHashMap<>();
        baselines.put("popularity", hits(7));
        baselines.put("trending(1d)", hits(7));
        baselines.put("co-occurrence + 1.0 x trending(1d)", hits(8));

        assertThat(QualitySection.Leaders.of(baselines).best())
                .isEqualTo("co-occurrence + 1.0 x trending(1d)");
        baselines.put("co-occurrence + 1.0 x trending(1d)", hits(1));
        baselines.put("popularity", hits(9));
        assertThat(QualitySection.Leaders.of(baselines).best()).isEqualTo("popularity");
    }

    /** {@code hits} of 10 events hit. */
    private static WindowedHits hits(int hits) {
        WindowedHits w = new WindowedHits();
        for (int i = 0; i < 10; i++) {
            w.record(0L, i < hits ? 0 : -1);
        }
        return w;
    }
}
