package io.streamrec.tools.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What {@link AccessProbe} may claim without a broker's answer. */
class AccessProbeTest {

    /**
     * Nothing listens on port 1: no broker said anything, so the read is neither allowed nor denied
     * (until 2026-12-07 a poll that returned nothing in 5 s printed "allowed").
     */
    @Test
    void aReadWithoutAnyBrokerIsNotAllowed() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1");
        kafka.put("reconnect.backoff.max.ms", "100");

        assertThat(AccessProbe.read(kafka, "model-updates", Duration.ofSeconds(1)))
                .isEqualTo("unknown");
    }

    /** The read waits for the client's count of fetch responses: it must exist, at 0 at first. */
    @Test
    void theFetchCountTheReadWaitsForStartsAtZero() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1");
        try (var consumer = AccessProbe.consumer(kafka)) {
            assertThat(AccessProbe.fetchResponses(consumer)).isZero();
        }
    }
}
