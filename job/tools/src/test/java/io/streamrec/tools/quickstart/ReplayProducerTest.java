package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A record the producer cannot deliver is reported, so the replay fails instead of waiting. */
class ReplayProducerTest {

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
