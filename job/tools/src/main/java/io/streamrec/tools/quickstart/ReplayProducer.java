package io.streamrec.tools.quickstart;

import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producing side of a replay, on its own thread: the events in order to the events topic
 * (optionally paced, optionally stamped with the wall clock), the hostile records spread evenly
 * between them, and a recommendation request for the event's user after every n-th event.
 *
 * <p>Paced and stamped, an event carries the time the pace schedules it at ({@link #dueMillis}),
 * not the time it was sent: a producer that falls behind (a slow send, a GC pause) sends a burst
 * late, and that lag is part of the freshness the serving side measures instead of being omitted. A
 * request is timed from the same due time, that of the event it follows, whether or not the events
 * are stamped.
 */
final class ReplayProducer {
    private final Properties kafka;
    private final String eventsTopic;
    private final String requestsTopic;
    private final List<UserEvent> events;
    private final List<byte[]> hostile;
    private final double eventsPerSecond;
    private final int requestEvery;
    private final boolean wallClockTimestamps;
    private final EventJsonCodec codec = new EventJsonCodec();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<String, Long> requestDueMillis = new ConcurrentHashMap<>();
    private Thread thread;

    ReplayProducer(
            Properties kafka,
            String eventsTopic,
            String requestsTopic,
            List<UserEvent> events,
            List<byte[]> hostile,
            double eventsPerSecond,
            int requestEvery,
            boolean wallClockTimestamps) {
        this.kafka = kafka;
        this.eventsTopic = eventsTopic;
        this.requestsTopic = requestsTopic;
        this.events = events;
        this.hostile = hostile;
        this.eventsPerSecond = eventsPerSecond;
        this.requestEvery = requestEvery;
        this.wallClockTimestamps = wallClockTimestamps;
    }

    /** A producer of raw records with the given client properties. */
    static KafkaProducer<byte[], byte[]> open(Properties props) {
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void start() {
        thread = new Thread(this::produce, "replay-producer");
        thread.setDaemon(true);
        thread.start();
    }

    boolean started() {
        return thread != null;
    }

    /** Whether it was started and has sent (and flushed) everything. */
    boolean done() {
        return thread != null && !thread.isAlive();
    }

    /** Waits until it has sent (and flushed) everything, or given up. */
    void awaitDone() throws InterruptedException {
        thread.join();
    }

    /**
     * The first record the broker refused for good (too large, a delivery timeout after retries),
     * or null: the run then waits for an event that will never come, so it fails with this instead.
     */
    Exception failure() {
        return failure.get();
    }

    /** Events sent so far. */
    long produced() {
        return produced.get();
    }

    /**
     * When each request was due, by request id: the due time of the event it follows ({@link
     * #dueMillis}), so that, as with the events, a producer that falls behind adds its lag to the
     * request's latency instead of hiding it; complete once {@link #done()}.
     */
    Map<String, Long> requestDueMillis() {
        return requestDueMillis;
    }

    private void produce() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("enable.idempotence", "true");
        long begin = System.nanoTime();
        long beginMillis = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = open(props)) {
            int nextHostile = 0;
            for (int i = 0; i < events.size(); i++) {
                long due = dueMillis(beginMillis, i, eventsPerSecond);
                UserEvent e = stamped(events.get(i), due);
                producer.send(
                        new ProducerRecord<>(
                                eventsTopic,
                                e.userId().getBytes(StandardCharsets.UTF_8),
                                codec.toJson(e)),
                        this::onSent);
                long hostileDue = (long) hostile.size() * (i + 1) / events.size();
                for (; nextHostile < hostileDue; nextHostile++) {
                    producer.send(
                            new ProducerRecord<>(eventsTopic, hostile.get(nextHostile)),
                            this::onSent);
                }
                if (requestEvery > 0 && (i + 1) % requestEvery == 0) {
                    sendRequest(producer, "replay-r" + (i + 1), e, due);
                }
                pace(begin, produced.incrementAndGet());
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onSent(RecordMetadata sent, Exception error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        }
    }

    /**
     * The wall-clock time event {@code i} (from 0) is due at the pace {@code eventsPerSecond}, the
     * replay having begun at {@code beginMillis}: {@code begin + i / rate}, what {@link #pace}
     * waits for; without a pace (0 or less) the current time, as it is sent at once.
     */
    static long dueMillis(long beginMillis, long i, double eventsPerSecond) {
        if (eventsPerSecond <= 0) {
            return System.currentTimeMillis();
        }
        return beginMillis + (long) (i * 1e3 / eventsPerSecond);
    }

    /** {@code e} stamped with {@code dueMillis} where the replay stamps the wall clock. */
    private UserEvent stamped(UserEvent e, long dueMillis) {
        if (!wallClockTimestamps) {
            return e;
        }
        return new UserEvent(e.eventId(), e.userId(), e.itemId(), e.type(), e.value(), dueMillis);
    }

    private void sendRequest(
            KafkaProducer<byte[], byte[]> producer, String id, UserEvent e, long dueMillis) {
        requestDueMillis.put(id, dueMillis);
        producer.send(
                RequestJsonCodec.producerRecord(
                        requestsTopic,
                        new RecommendationRequest(id, e.userId(), 10, e.timestamp())),
                this::onSent);
    }

    /** Sleeps until the {@code n}-th event is due at the replay pace (none: at once). */
    private void pace(long begin, long n) throws InterruptedException {
        if (eventsPerSecond > 0) {
            long due = begin + (long) (n * 1e9 / eventsPerSecond);
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
        }
    }
}
