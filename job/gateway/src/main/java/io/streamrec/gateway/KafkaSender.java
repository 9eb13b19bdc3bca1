package io.streamrec.gateway;

import io.streamrec.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The gateway's one producer, whose sends are futures: of events, requests and forgets. */
final class KafkaSender implements AutoCloseable {
    /** How long the gateway waits for Kafka to confirm a write before its client gets 503. */
    static final long SEND_TIMEOUT_SECONDS = 30;

    private final Producer<byte[], byte[]> producer;

    KafkaSender(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** The producer's properties: every write acknowledged by all replicas, sent at once. */
    static Properties producerProperties(KafkaSettings kafka) {
        Properties props = kafka.toProperties();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put(
                "linger.ms",
                "0"); // a client waits for each request; sends in flight batch the rest
        producerTimeouts(props);
        return props;
    }

    /**
     * The producer gives up on a record before the gateway stops waiting for it ({@value
     * #SEND_TIMEOUT_SECONDS} s): with Kafka's defaults it kept trying for 2 min, so a forget
     * answered 503 and audited as failed could still be written and applied. A metadata wait counts
     * apart (before the send returns), bounded too. Settings in {@code kafka.properties} win.
     */
    static void producerTimeouts(Properties props) {
        props.putIfAbsent("max.block.ms", "5000");
        props.putIfAbsent("request.timeout.ms", "20000");
        // Kafka refuses a delivery timeout below request timeout + linger: a longer request
        // timeout from kafka.properties lengthens it rather than failing the gateway's start
        long atLeast =
                Long.parseLong(props.getProperty("request.timeout.ms").trim())
                        + Long.parseLong(props.getProperty("linger.ms", "0").trim());
        props.putIfAbsent(
                "delivery.timeout.ms",
                String.valueOf(Math.max((SEND_TIMEOUT_SECONDS - 5) * 1000, atLeast)));
    }

    /** Completes once Kafka has acknowledged the record, or fails with why it could not. */
    CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(
                    record,
                    (md, err) -> {
                        if (err != null) {
                            sent.completeExceptionally(err);
                        } else {
                            sent.complete(null);
                        }
                    });
        } catch (RuntimeException e) {
            // send throws at once for some failures (metadata not in time, a closed or fatally
            // failed producer): answered like a failed write, not left waiting
            sent.completeExceptionally(e);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
