package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientLatencyProbeTest {
    private static final ClientLatencyProbe.Request ANSWERED_AT_ONCE =
            (n, due) -> new ClientLatencyProbe.Sample(due.millis(), due.msSince(), true);

    /**
     * A request due by the window's end still waiting for its result when the window is read is its
     * slow tail: it counts once it returns, not left out while the fast ones of the same seconds
     * count.
     */
    @Test
    void aSlowRequestDueByTheEndIsReadOnceItReturns() throws Exception {
        CompletableFuture<Long> slowDue = new CompletableFuture<>();
        CountDownLatch never = new CountDownLatch(1);
        ClientLatencyProbe.Request gatewaySlowFirst =
                (n, due) -> {
                    if (n == 0) {
                        slowDue.complete(due.millis());
                        // a slow answer: about a second (nothing counts the latch down)
                        never.await(1, TimeUnit.SECONDS);
                    }
                    return ANSWERED_AT_ONCE.send(n, due);
                };
        try (ClientLatencyProbe probe =
                ClientLatencyProbe.start(gatewaySlowFirst, ANSWERED_AT_ONCE, 20)) {
            // the window ends at the slow request's due time, while it is in flight
            long end = slowDue.get(5, TimeUnit.SECONDS);

            probe.awaitRecordedThrough(end);

            LatencySamples gateway = probe.gateway(Long.MIN_VALUE, end);
            assertThat(gateway.count()).isEqualTo(1);
            assertThat(gateway.maxMs()).isGreaterThanOrEqualTo(900.0);
            assertThat(probe.csv(Long.MIN_VALUE, end)).anyMatch(l -> l.startsWith("gateway,"));
        }
    }

    /** A path that has stopped (its clients failed) records nothing more: no one waits for it. */
    @Test
    void aStoppedPathIsNotWaitedFor() throws Exception {
        ClientLatencyProbe.Request failing =
                (n, due) -> {
                    throw new IllegalStateException("no gateway");
                };
        ClientLatencyProbe probe = ClientLatencyProbe.start(failing, ANSWERED_AT_ONCE, 20);
        try {
            long end = System.currentTimeMillis();

            // else it would wait out its bound, 20 s past the end
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> probe.awaitRecordedThrough(end));

            assertThat(probe.gateway(Long.MIN_VALUE, end).count()).isZero();
        } finally {
            assertThatThrownBy(probe::close).hasRootCauseMessage("no gateway");
        }
    }

    /** A slow request due after the window's end does not hold up reading the window. */
    @Test
    void aSlowRequestDueAfterTheEndIsNotWaitedFor() throws Exception {
        CompletableFuture<Long> firstDue = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        ClientLatencyProbe.Request gatewaySlowSecond =
                (n, due) -> {
                    if (n == 0) {
                        firstDue.complete(due.millis());
                    } else if (n == 1) {
                        release.await(); // released below, once the window has been read
                    }
                    return ANSWERED_AT_ONCE.send(n, due);
                };
        try (ClientLatencyProbe probe =
                ClientLatencyProbe.start(gatewaySlowSecond, ANSWERED_AT_ONCE, 20)) {
            long end = firstDue.get(5, TimeUnit.SECONDS);
            try {
                assertTimeoutPreemptively(
                        Duration.ofSeconds(5), () -> probe.awaitRecordedThrough(end));
                assertThat(probe.gateway(Long.MIN_VALUE, end).count()).isEqualTo(1);
            } finally {
                release.countDown();
            }
        }
    }

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
