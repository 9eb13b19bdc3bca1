package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.feeds.CommittedReader;
import io.streamrec.gateway.GatewayOptions;
import io.streamrec.gateway.GatewayServer;
import io.streamrec.ingest.RequestJsonCodec;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.RecommendationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A client beside a running job, measuring what a user of the job waits for: it sends a
 * recommendation request and times it until it holds the result, one request at a time, alternating
 * two ways in: a GET through an in-process gateway ({@link GatewayServer}, as {@code
 * deploy/gateway.sh} runs it) and a request written to the requests topic with the result read from
 * the results topic uncommitted, as a Kafka client would. Each sample keeps its send time so that
 * the caller keeps only those sent while the load it measures was on.
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

    /**
     * One request's latency at the client, by when it was sent; for a request through Kafka also
     * the part before serving answered it (the result's {@code servedAt} less the send time, the
     * same clock), NaN otherwise: where in the path a slow request waited.
     */
    record Sample(long sentMillis, double latencyMs, boolean answered, double servedMs) {
        Sample(long sentMillis, double latencyMs, boolean answered) {
            this(sentMillis, latencyMs, answered, Double.NaN);
        }
    }

    private final Configuration conf;
    private final List<String> users;
    private final long intervalNanos;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Sample> gateway = Collections.synchronizedList(new ArrayList<>());
    private final List<Sample> kafka = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile Exception failure;

    /**
     * Starts probing the job configured by {@code conf} (topics, brokers), {@code perSecond}
     * requests a second in all, for users drawn in turn from {@code users}.
     */
    static ClientLatencyProbe start(Configuration conf, List<String> users, double perSecond) {
        return new ClientLatencyProbe(conf, users, perSecond);
    }

    private ClientLatencyProbe(Configuration conf, List<String> users, double perSecond) {
        this.conf = new Configuration(conf);
        this.conf.set(GatewayOptions.PORT, 0);
        this.users = users;
        this.intervalNanos = Math.round(1e9 / perSecond);
        this.thread = new Thread(this::probe, "client-latency-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void probe() {
        // both clients wait (up to a minute) for the job to create its topics
        JobSettings settings = new JobSettings(conf);
        Properties props = settings.kafka().toProperties();
        try (GatewayServer server = new GatewayServer(conf);
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                props, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> results =
                        CommittedReader.open(
                                props,
                                settings.get(StreamrecOptions.RESULTS_TOPIC),
                                false,
                                IsolationLevel.READ_UNCOMMITTED)) {
            HttpClient http = HttpClient.newHttpClient();
            String requests = settings.get(StreamrecOptions.REQUESTS_TOPIC);
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            for (long n = 0; running.get(); n++) {
                long due = startNanos + n * intervalNanos;
                long early = due - System.nanoTime();
                if (early > 0) {
                    // pacing the client to its schedule, not synchronising with the job
                    Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                }
                Due when = new Due(due, startMillis + (due - startNanos) / 1_000_000);
                String user = users.get((int) (n % users.size()));
                if (n % 2 == 0) {
                    gateway.add(throughGateway(http, server.uri(), user, when));
                } else {
                    kafka.add(throughKafka(producer, results, requests, user, n, when));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    /** When a request was due: on the monotonic clock, and on the wall clock samples keep. */
    private record Due(long nanos, long millis) {
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
        producer.send(
                RequestJsonCodec.producerRecord(
                        topic, new RecommendationRequest(id, user, 10, due.millis())));
        producer.flush();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(50))) {
                JsonNode result = MAPPER.readTree(r.value());
                if (id.equals(result.path("requestId").asText())) {
                    return new Sample(
                            due.millis(),
                            due.msSince(),
                            true,
                            result.path("servedAt").asLong() - due.millis());
                }
            }
        }
        return new Sample(due.millis(), due.msSince(), false);
    }

    /** The gateway's samples sent within {@code [fromMillis, toMillis]}. */
    LatencyHistogram gateway(long fromMillis, long toMillis) {
        return histogram(gateway, fromMillis, toMillis);
    }

    /** The Kafka client's samples sent within {@code [fromMillis, toMillis]}. */
    LatencyHistogram kafka(long fromMillis, long toMillis) {
        return histogram(kafka, fromMillis, toMillis);
    }

    /** The Kafka client's samples sent within the span: request sent -> serving answered it. */
    LatencyHistogram kafkaServed(long fromMillis, long toMillis) {
        LatencyHistogram h = new LatencyHistogram();
        synchronized (kafka) {
            for (Sample s : kafka) {
                if (s.answered() && s.sentMillis() >= fromMillis && s.sentMillis() <= toMillis) {
                    h.record(Math.max(0.0, s.servedMs()));
                }
            }
        }
        return h;
    }

    /**
     * The samples sent within the span as CSV lines {@code path,sent_ms_since_from,latency_ms,
     * served_ms} (served_ms empty for the gateway), in send order: when the slow ones happened.
     */
    List<String> csv(long fromMillis, long toMillis) {
        List<String> lines = new ArrayList<>();
        lines.add("path,sent_ms,latency_ms,served_ms");
        List<String[]> rows = new ArrayList<>();
        synchronized (gateway) {
            synchronized (kafka) {
                addRows(rows, "gateway", gateway, fromMillis, toMillis);
                addRows(rows, "kafka", kafka, fromMillis, toMillis);
            }
        }
        rows.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r[1])));
        rows.forEach(r -> lines.add(String.join(",", r)));
        return lines;
    }

    private static void addRows(
            List<String[]> rows, String path, List<Sample> samples, long from, long to) {
        for (Sample s : samples) {
            if (s.answered() && s.sentMillis() >= from && s.sentMillis() <= to) {
                rows.add(
                        new String[] {
                            path,
                            Long.toString(s.sentMillis() - from),
                            String.format(java.util.Locale.ROOT, "%.1f", s.latencyMs()),
                            Double.isNaN(s.servedMs()) ? "" : Long.toString((long) s.servedMs())
                        });
            }
        }
    }

    /** Requests sent within the span that got no answer (non-200, or no result in 10 s). */
    long unanswered(long fromMillis, long toMillis) {
        synchronized (gateway) {
            synchronized (kafka) {
                return Stream.concat(gateway.stream(), kafka.stream())
                        .filter(s -> s.sentMillis() >= fromMillis && s.sentMillis() <= toMillis)
                        .filter(s -> !s.answered())
                        .count();
            }
        }
    }

    /**
     * The samples due within the span; one without a result at {@link #RESULT_TIMEOUT} or its own
     * time, whichever is longer: a user who got none waited at least that long.
     */
    static LatencyHistogram histogram(List<Sample> samples, long fromMillis, long toMillis) {
        LatencyHistogram h = new LatencyHistogram();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.sentMillis() >= fromMillis && s.sentMillis() <= toMillis) {
                    h.record(
                            s.answered()
                                    ? s.latencyMs()
                                    : Math.max(s.latencyMs(), RESULT_TIMEOUT.toMillis()));
                }
            }
        }
        return h;
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        thread.interrupt();
        thread.join(30_000);
        if (failure != null) {
            throw new IllegalStateException("the client latency probe failed", failure);
        }
    }
}
