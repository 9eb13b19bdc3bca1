package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientLatencyProbeTest {
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

        LatencyHistogram h = ClientLatencyProbe.histogram(samples, 1_000, 2_000);

        assertThat(h.count()).isEqualTo(50);
        // one in fifty: the p99 is the failed request's, at the timeout
        assertThat(h.quantileMs(0.99))
                .isGreaterThanOrEqualTo(ClientLatencyProbe.RESULT_TIMEOUT.toMillis() * 0.9);
        assertThat(h.quantileMs(0.5)).isLessThan(10.0);
    }
}
