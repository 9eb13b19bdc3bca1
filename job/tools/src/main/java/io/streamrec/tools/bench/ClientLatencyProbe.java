package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.gateway.GatewayOptions;
import io.streamrec.gateway.GatewayServer;
import io.streamrec.job.JobSettings;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A client beside a running job, measuring what a user of the job waits for: it sends a
 * recommendation request and times it until it holds the result, two ways in, each on its own
 * thread, one request at a time: a GET through an in-process gateway ({@link GatewayServer}, as
 * {@code deploy/gateway.sh} runs it) and a request written to the requests topic with the result
 * read from the results topic uncommitted, as a Kafka client would. Each sample keeps the time it
 * was due so that the caller keeps only those due while the load it measures was on; a request is
 * recorded only once it returns, so the caller first lets the requests due by the span's end return
 * ({@link #awaitRecordedThrough}): else exactly the slow ones at its end would be missing.
 *
 * <p>Requests are due on a fixed schedule and each is timed from when it was due, not from when the
 * previous one let it go: a stall of the job then shows in every request due during it, as users
 * arriving at that rate would see it, not in the one request that waited (coordinated omission). A
 * request without a result (not 200, or none within {@link #RESULT_TIMEOUT}) counts at that timeout
 * or its own time, whichever is longer.
 */
final class ClientLatencyProbe implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration RESULT_TIMEOUT = Duration.ofSeconds(10);

    /** How long {@link #close} lets the probes stop on their own before interrupting them. */
    private static final long STOP_GRACE_MS = 1_000;

    /**
     * How long {@link #awaitRecordedThrough} waits past its bound: a request may overrun its
     * timeout a little (the HTTP client's timer, the Kafka path's last poll) before it is recorded.
     */
    private static final long RECORD_GRACE_MS = 1_000;

    /**
     * One request's latency at the client, by when it was due; for a request through Kafka also the
     * part before serving answered it (the result's {@code servedAt} less the time the request was
     * due, the same clock as {@code latencyMs}, so the rest is the result's way out to the client),
     * NaN otherwise: where in the path a slow request waited.
     */
    record Sample(long dueMillis, double latencyMs, boolean answered, double servedMs) {
        Sample(long dueMillis, double latencyMs, boolean answered) {
            this(dueMillis, latencyMs, answered, Double.NaN);
        }

        /** Whether the request was due within {@code [fromMillis, toMillis]}. */
        boolean dueWithin(long fromMillis, long toMillis) {
            return dueMillis >= fromMillis && dueMillis <= toMillis;
        }
    }

    /** One request of a path: the {@code n}-th on its schedule, due at {@code due}. */
    interface Request {
        Sample send(long n, Due due) throws Exception;
    }

    /** What a path's thread runs: opens the path's clients, then sends on its schedule. */
    private interface Path {
        void probe(ClientLatencyProbe probe) throws Exception;
    }

    private final Configuration conf;
    private final List<String> users;
    private final long intervalNanos;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Recorded gateway = new Recorded();
    private final Recorded kafka = new Recorded();
    private final List<Thread> threads;
    private volatile Exception failure;

    /**
     * Starts probing the job configured by {@code conf} (topics, brokers), {@code perSecond}
     * requests a second in all, half through each path, for users drawn in turn from {@code users}.
     */
    static ClientLatencyProbe start(Configuration conf, List<String> users, double perSecond) {
        Configuration withPort = new Configuration(conf);
        withPort.set(GatewayOptions.PORT, 0);
        return new ClientLatencyProbe(
                withPort,
                users,
                perSecond,
                ClientLatencyProbe::probeGateway,
                ClientLatencyProbe::probeKafka);
    }

    /**
     * Starts probing with {@code gateway} and {@code kafka} as the two paths' requests, on the same
     * schedules and threads as {@link #start(Configuration, List, double)}: the scheduling and
     * recording without a gateway or brokers, for tests.
     */
    static ClientLatencyProbe start(Request gateway, Request kafka, double perSecond) {
        return new ClientLatencyProbe(
                new Configuration(),
                List.of(),
                perSecond,
                p -> p.onSchedule(p.gateway, gateway),
                p -> p.onSchedule(p.kafka, kafka));
    }

    private ClientLatencyProbe(
            Configuration conf,
            List<String> users,
            double perSecond,
            Path gatewayPath,
            Path kafkaPath) {
        this.conf = conf;
        this.users = users;
        // each path on its own thread and schedule: a slow answer on one never delays the other
        this.intervalNanos = Math.round(2e9 / perSecond);
        this.threads =
                List.of(
                        new Thread(
                                () -> runPath(gatewayPath, gateway),
                                "client-latency-probe-gateway"),
                        new Thread(() -> runPath(kafkaPath, kafka), "client-latency-probe-kafka"));
        threads.forEach(
                t -> {
                    t.setDaemon(true);
                    t.start();
                });
    }

    private void runPath(Path path, Recorded recorded) {
        try {
            path.probe(this);
        } catch (Exception e) {
            stoppedBy(e);
        } finally {
            // nothing more comes from this path: no one waits for it any longer
            recorded.stopped();
        }
    }

    private void probeGateway() throws Exception {
        // the gateway waits (up to a minute) for the job to create its topics
        try (GatewayServer server = new GatewayServer(conf)) {
            HttpClient http = HttpClient.newHttpClient();
            try {
                onSchedule(
                        gateway, (n, due) -> throughGateway(http, server.uri(), user(2 * n), due));
            } finally {
                closingUninterrupted();
            }
        }
    }

    private void probeKafka() throws Exception {
        JobSettings settings = new JobSettings(conf);
        Properties props = settings.kafka().toProperties();
        Properties producerProps = new Properties();
        producerProps.putAll(props);
        // a send blocked on metadata gives up within a request's timeout, as the wait below does
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, RESULT_TIMEOUT.toMillis());
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                producerProps,
                                new ByteArraySerializer(),
                                new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> results =
                        CommittedReader.open(
                                props,
                                settings.topics().results(),
                                false,
                                IsolationLevel.READ_UNCOMMITTED)) {
            String requests = settings.topics().requests();
            try {
                onSchedule(
                        kafka,
                        (n, due) ->
                                throughKafka(producer, results, requests, user(2 * n + 1), n, due));
            } finally {
                closingUninterrupted();
            }
        }
    }

    private String user(long n) {
        return users.get((int) (n % users.size()));
    }

    /**
     * Clears the interrupt {@link #close} stops a waiting probe with, before the probe's clients
     * close: Kafka's clients log an ERROR when they are closed from an interrupted thread, and
     * {@link #close} bounds the wait for them anyway.
     */
    private static void closingUninterrupted() {
        Thread.interrupted();
    }

    /** A failure while probing; one that stopping the probe caused (an interrupt) is none. */
    private void stoppedBy(Exception e) {
        if (running.get()) {
            failure = e;
        }
    }

    /**
     * Sends {@code request} on a fixed schedule until closed. A request more than {@link
     * #RESULT_TIMEOUT} overdue (the job or this client stalled longer) is not sent: it is recorded
     * unanswered at how long it has waited, as a user due then got no result in time, and the
     * schedule goes on without a burst of late requests.
     */
    private void onSchedule(Recorded samples, Request request) throws Exception {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        samples.starts(startMillis);
        for (long n = 0; running.get(); n++) {
            long dueNanos = startNanos + n * intervalNanos;
            long early;
            while ((early = dueNanos - System.nanoTime()) > 0 && running.get()) {
                LockSupport.parkNanos(early); // pacing to the schedule, not synchronising
            }
            Due due = new Due(dueNanos, startMillis + (dueNanos - startNanos) / 1_000_000);
            long nextDueMillis = startMillis + (n + 1) * intervalNanos / 1_000_000;
            if (due.msSince() > RESULT_TIMEOUT.toMillis()) {
                samples.add(new Sample(due.millis(), due.msSince(), false), nextDueMillis);
            } else if (running.get()) {
                samples.add(request.send(n, due), nextDueMillis);
            }
        }
    }

    /**
     * One path's samples, in the order they were due, and the due time of the next one it has not
     * recorded: every request due before it is in the samples.
     */
    private static final class Recorded {
        private final List<Sample> samples = new ArrayList<>();
        private long nextDueMillis = Long.MIN_VALUE; // before the schedule starts: not known
        private boolean stopped;

        /** The schedule starts: its first request is due at {@code firstDueMillis}. */
        synchronized void starts(long firstDueMillis) {
            nextDueMillis = firstDueMillis;
            notifyAll();
        }

        /** Adds {@code s}, after which the next request is due at {@code nextDueMillis}. */
        synchronized void add(Sample s, long nextDueMillis) {
            samples.add(s);
            this.nextDueMillis = nextDueMillis;
            notifyAll();
        }

        synchronized void stopped() {
            stopped = true;
            notifyAll();
        }

        /**
         * Waits until every request due by {@code toMillis} is recorded, or the path has stopped,
         * or {@code deadlineNanos} has passed.
         */
        synchronized void await(long toMillis, long deadlineNanos) throws InterruptedException {
            long left;
            while (!stopped
                    && nextDueMillis <= toMillis
                    && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized List<Sample> samples() {
            return new ArrayList<>(samples);
        }
    }

    /** When a request was due: on the monotonic clock, and on the wall clock samples keep. */
    record Due(long nanos, long millis) {
        double msSince() {
            return (System.nanoTime() - nanos) / 1e6;
        }
    }

    private static Sample throughGateway(HttpClient http, URI base, String user, Due due)
            throws Exception {
        HttpRequest get =
                HttpRequest.newBuilder(base.resolve("/recommendations/" + user + "?k=10"))
                        .timeout(RESULT_TIMEOUT)
                        .build();
        try {
            int status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Sample(due.millis(), due.msSince(), status == 200);
        } catch (HttpTimeoutException e) {
            return new Sample(due.millis(), due.msSince(), false);
        }
    }

    private static Sample throughKafka(
            KafkaProducer<byte[], byte[]> producer,
            KafkaConsumer<byte[], byte[]> results,
            String topic,
            String user,
            long n,
            Due due)
            throws Exception {
        String id = "probe-" + n + "-" + System.nanoTime();
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        long sent = System.currentTimeMillis();
        // the write is waited for within the request's deadline, not by an unbounded flush: a
        // stalled broker makes this request unanswered at its timeout, never a sample left out
        try {
            producer.send(
                            RequestJsonCodec.producerRecord(
                                    topic, new RecommendationRequest(id, user, 10, sent)))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return new Sample(due.millis(), due.msSince(), false);
        }
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(50))) {
                JsonNode result = MAPPER.readTree(r.value());
                if (id.equals(result.path("requestId").asText())) {
                    return new Sample(
                            due.millis(),
                            due.msSince(),
                            true,
                            servedMs(result.path("servedAt").asLong(), due.millis()));
                }
            }
        }
        return new Sample(due.millis(), due.msSince(), false);
    }

    /**
     * The part of a request's latency until serving answered it: from when it was {@code
     * dueMillis}, as the whole latency is, so that whole less this part is the result's way out.
     */
    static double servedMs(long servedAtMillis, long dueMillis) {
        return servedAtMillis - dueMillis;
    }

    /**
     * Waits until each path has recorded every request due by {@code toMillis} (one still waiting
     * for its result, and those due behind it), or has stopped. A request due by then is sent at
     * most {@link #RESULT_TIMEOUT} late (later, it is recorded unanswered at once) and waits at
     * most that long for its result, so the wait ends by twice that after {@code toMillis}, plus a
     * grace.
     */
    void awaitRecordedThrough(long toMillis) throws InterruptedException {
        long waitMs =
                Math.max(0, toMillis + 2 * RESULT_TIMEOUT.toMillis() - System.currentTimeMillis())
                        + RECORD_GRACE_MS;
        long deadlineNanos = System.nanoTime() + waitMs * 1_000_000;
        gateway.await(toMillis, deadlineNanos);
        kafka.await(toMillis, deadlineNanos);
    }

    /** The gateway's samples due within {@code [fromMillis, toMillis]}. */
    LatencySamples gateway(long fromMillis, long toMillis) {
        return latencies(gateway.samples(), fromMillis, toMillis);
    }

    /** The Kafka client's samples due within {@code [fromMillis, toMillis]}. */
    LatencySamples kafka(long fromMillis, long toMillis) {
        return latencies(kafka.samples(), fromMillis, toMillis);
    }

    /**
     * The Kafka client's answered samples due within the span: request due -> serving answered it.
     */
    LatencySamples kafkaServed(long fromMillis, long toMillis) {
        LatencySamples h = new LatencySamples();
        for (Sample s : kafka.samples()) {
            if (s.answered() && s.dueWithin(fromMillis, toMillis)) {
                h.record(Math.max(0.0, s.servedMs()));
            }
        }
        return h;
    }

    /**
     * The samples due within the span as CSV lines {@code
     * path,due_ms,latency_ms,served_ms,answered} ({@code due_ms} since {@code fromMillis};
     * served_ms empty for the gateway and for requests without a result), in due order: when the
     * slow ones happened.
     */
    List<String> csv(long fromMillis, long toMillis) {
        List<String> lines = new ArrayList<>();
        lines.add("path,due_ms,latency_ms,served_ms,answered");
        List<String[]> rows = new ArrayList<>();
        addRows(rows, "gateway", gateway.samples(), fromMillis, toMillis);
        addRows(rows, "kafka", kafka.samples(), fromMillis, toMillis);
        rows.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r[1])));
        rows.forEach(r -> lines.add(String.join(",", r)));
        return lines;
    }

    private static void addRows(
            List<String[]> rows, String path, List<Sample> samples, long from, long to) {
        for (Sample s : samples) {
            if (s.dueWithin(from, to)) {
                rows.add(
                        new String[] {
                            path,
                            Long.toString(s.dueMillis() - from),
                            String.format(java.util.Locale.ROOT, "%.1f", s.latencyMs()),
                            Double.isNaN(s.servedMs()) ? "" : Long.toString((long) s.servedMs()),
                            Boolean.toString(s.answered())
                        });
            }
        }
    }

    /**
     * Requests due within the span that got no answer (non-200, no result in 10 s, or not sent 10 s
     * overdue).
     */
    long unanswered(long fromMillis, long toMillis) {
        return Stream.concat(gateway.samples().stream(), kafka.samples().stream())
                .filter(s -> s.dueWithin(fromMillis, toMillis))
                .filter(s -> !s.answered())
                .count();
    }

    /**
     * The samples due within the span; one without a result at {@link #RESULT_TIMEOUT} or its own
     * time, whichever is longer: a user who got none waited at least that long.
     */
    static LatencySamples latencies(List<Sample> samples, long fromMillis, long toMillis) {
        LatencySamples h = new LatencySamples();
        for (Sample s : samples) {
            if (s.dueWithin(fromMillis, toMillis)) {
                h.record(
                        s.answered()
                                ? s.latencyMs()
                                : Math.max(s.latencyMs(), RESULT_TIMEOUT.toMillis()));
            }
        }
        return h;
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        // most threads stop at their next scheduled request; only one still waiting for a
        // result (up to RESULT_TIMEOUT) is interrupted
        for (Thread t : threads) {
            t.join(STOP_GRACE_MS);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (failure != null) {
            throw new IllegalStateException("the client latency probe failed", failure);
        }
    }
}
