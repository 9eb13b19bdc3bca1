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
 */
final class ClientLatencyProbe implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(10);

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
    private final long pauseMillis;
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
        this.pauseMillis = Math.round(1000.0 / perSecond);
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
            for (long n = 0; running.get(); n++) {
                String user = users.get((int) (n % users.size()));
                if (n % 2 == 0) {
                    gateway.add(throughGateway(http, server.uri(), user));
                } else {
                    kafka.add(throughKafka(producer, results, requests, user, n));
                }
                Thread.sleep(pauseMillis); // pacing the client, not synchronising with it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    private static Sample throughGateway(HttpClient http, URI base, String user) throws Exception {
        HttpRequest get =
                HttpRequest.newBuilder(base.resolve("/recommendations/" + user + "?k=10"))
                        .timeout(RESULT_TIMEOUT)
                        .build();
        long sent = System.currentTimeMillis();
        long start = System.nanoTime();
        try {
            int status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Sample(sent, (System.nanoTime() - start) / 1e6, status == 200);
        } catch (HttpTimeoutException e) {
            return new Sample(sent, RESULT_TIMEOUT.toMillis(), false);
        }
    }

    private static Sample throughKafka(
            KafkaProducer<byte[], byte[]> producer,
            KafkaConsumer<byte[], byte[]> results,
            String topic,
            String user,
            long n)
            throws Exception {
        String id = "probe-" + n + "-" + System.nanoTime();
        long sent = System.currentTimeMillis();
        long start = System.nanoTime();
        producer.send(
                RequestJsonCodec.producerRecord(
                        topic, new RecommendationRequest(id, user, 10, sent)));
        producer.flush();
        long deadline = start + RESULT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(50))) {
                JsonNode result = MAPPER.readTree(r.value());
                if (id.equals(result.path("requestId").asText())) {
                    double latency = (System.nanoTime() - start) / 1e6;
                    return new Sample(sent, latency, true, result.path("servedAt").asLong() - sent);
                }
            }
        }
        return new Sample(sent, RESULT_TIMEOUT.toMillis(), false);
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

    private static LatencyHistogram histogram(
            List<Sample> samples, long fromMillis, long toMillis) {
        LatencyHistogram h = new LatencyHistogram();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.answered() && s.sentMillis() >= fromMillis && s.sentMillis() <= toMillis) {
                    h.record(s.latencyMs());
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
