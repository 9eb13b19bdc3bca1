package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void medianMinMaxOfRuns() {
        Summary odd = Summary.of(3, 1, 2);
        assertThat(odd.median()).isEqualTo(2);
        assertThat(odd.min()).isEqualTo(1);
        assertThat(odd.max()).isEqualTo(3);
        assertThat(odd.runs()).containsExactly(3, 1, 2); // in the order measured
        assertThat(Summary.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void aRunThatMeasuredNothingMakesTheSummaryNothingMeasured() {
        // sorted, NaN would go last and the median of three would be a real run's figure
        Summary withEmpty = Summary.of(300, Double.NaN, 200);
        assertThat(withEmpty.median()).isNaN();
        assertThat(withEmpty.max()).isNaN();
        assertThat(withEmpty.runs()).hasSize(3);
    }

    @Test
    void nearestRankQuantiles() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Summary.quantile(sorted, 0.5)).isEqualTo(50);
        assertThat(Summary.quantile(sorted, 0.99)).isEqualTo(99);
        assertThat(Summary.quantile(sorted, 1.0)).isEqualTo(100);
        assertThat(Summary.quantile(new double[] {7}, 0.99)).isEqualTo(7);
    }
}
