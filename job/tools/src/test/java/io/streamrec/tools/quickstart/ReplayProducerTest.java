package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A record the producer cannot deliver is reported, so the replay fails instead of waiting; a paced
 * event is stamped with the time the pace schedules it at, not when a late producer sent it, and a
 * request is timed from that time too.
 */
class ReplayProducerTest {

    @Test
    void aPacedEventIsStampedWithItsDueTimeHoweverLateItIsSent() {
        // a producer that began 10 s ago at 100 events/s and has only now reached event 50 (its
        // sends were slow): event 50 was due 0.5 s after the beginning, 9.5 s ago, and carries
        // that time, so the 9.5 s it waited in the producer count in freshness
        long begin = System.currentTimeMillis() - 10_000;

        assertThat(ReplayProducer.dueMillis(begin, 0, 100)).isEqualTo(begin);
        assertThat(ReplayProducer.dueMillis(begin, 50, 100)).isEqualTo(begin + 500);
        assertThat(ReplayProducer.dueMillis(begin, 999, 100)).isEqualTo(begin + 9_990);
        // fractional intervals round down, and the stamps never go back
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 1_000; i++) {
            long due = ReplayProducer.dueMillis(begin, i, 333.0);
            assertThat(due).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(begin + 3_003);
            previous = due;
        }
    }

    @Test
    void anUnpacedEventIsStampedWithTheTimeItIsSent() {
        long before = System.currentTimeMillis();
        long stamp = ReplayProducer.dueMillis(before - 10_000, 50, 0);
        assertThat(stamp).isBetween(before, System.currentTimeMillis());
    }

    @Test
    @Timeout(60)
    void aRequestIsTimedFromItsDueTimeHoweverLateItIsSent() throws InterruptedException {
        // every send waits 200 ms for a broker that never answers, so a producer paced at 100
        // events/s falls behind at once: a request after each event, the second due 10 ms after
        // the first but sent at least 400 ms after it (the first request's send and the second
        // event's lie between); timed from its send, the lag would vanish from its latency
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1");
        kafka.put("max.block.ms", "200");
        ReplayProducer producer =
                new ReplayProducer(
                        kafka,
                        "events",
                        "requests",
                        List.of(
                                new UserEvent("e-1", "u1", "i1", EventType.CLICK, 1f, 1_000L),
                                new UserEvent("e-2", "u1", "i2", EventType.CLICK, 1f, 2_000L)),
                        List.of(),
                        100,
                        1,
                        false);

        producer.start();
        producer.awaitDone();

        Map<String, Long> due = producer.requestDueMillis();
        assertThat(due).containsOnlyKeys("replay-r1", "replay-r2");
        assertThat(due.get("replay-r2") - due.get("replay-r1")).isEqualTo(10);
    }

    @Test
    @Timeout(60)
    void aRecordThatCannotBeSentIsReportedAsTheReplaysFailure() throws InterruptedException {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // nothing listens: no metadata, ever
        kafka.put("max.block.ms", "200");
        ReplayProducer producer =
                new ReplayProducer(
                        kafka,
                        "events",
                        "requests",
                        List.of(
                                new UserEvent("e-1", "u1", "i1", EventType.CLICK, 1f, 1_000L),
                                new UserEvent("e-2", "u1", "i2", EventType.CLICK, 1f, 2_000L)),
                        List.of(),
                        0,
                        0,
                        false);
        assertThat(producer.failure()).isNull();

        producer.start();
        producer.awaitDone();

        assertThat(producer.done()).isTrue();
        assertThat(producer.failure()).isInstanceOf(TimeoutException.class);
    }
}
