package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientLatencyProbeTest {
    @Test
    void theServedPartIsTimedFromTheDueTimeAsTheWholeLatencyIs() {
        // due at 1,000, sent late at 1,300 (the client was behind), served at 1,500, in hand at
        // 1,600: 600 ms in all, of which 500 until serving answered, 100 on the way out
        long due = 1_000;
        double whole = 1_600 - due;

        double served = ClientLatencyProbe.servedMs(1_500, due);

        assertThat(served).isEqualTo(500.0);
        assertThat(whole - served).isEqualTo(100.0);
    }

    @Test
    void aRequestWithoutAResultCountsAtTheTimeoutInTheSpanItWasDueIn() {
        List<ClientLatencyProbe.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            samples.add(new ClientLatencyProbe.Sample(1_000 + i, 5.0, true));
        }
        // a 503 answered at once: no result in hand
        samples.add(new ClientLatencyProbe.Sample(1_049, 3.0, false));
        // due outside the span
        samples.add(new ClientLatencyProbe.Sample(5_000, 9_000.0, true));

        LatencySamples h = ClientLatencyProbe.latencies(samples, 1_000, 2_000);

        assertThat(h.count()).isEqualTo(50);
        // one in fifty: the p99 is the failed request's, at the timeout
        assertThat(h.quantileMs(0.99))
                .isGreaterThanOrEqualTo(ClientLatencyProbe.RESULT_TIMEOUT.toMillis() * 0.9);
        assertThat(h.quantileMs(0.5)).isEqualTo(5.0);
    }

    /** Percentiles are the samples' own (nearest rank), not a histogram bucket's upper edge. */
    @Test
    void percentilesAreExact() {
        LatencySamples samples = new LatencySamples();
        for (int ms = 1; ms <= 200; ms++) {
            samples.record(45.0 + ms / 100.0); // 45.01 .. 47.00
        }
        assertThat(samples.quantileMs(0.99)).isEqualTo(46.98);
        assertThat(samples.quantileMs(0.5)).isEqualTo(46.0);
        assertThat(samples.maxMs()).isEqualTo(47.0);
        assertThat(new LatencySamples().quantileMs(0.5)).isNaN();
    }
}
