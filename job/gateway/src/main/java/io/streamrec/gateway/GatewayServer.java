package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrec.feeds.CommittedReader;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.EventTimeGuard;
import io.streamrec.ingest.InvalidRecordException;
import io.streamrec.ingest.RecordParser;
import io.streamrec.ingest.RequestJsonCodec;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge of streamrec, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code POST /events}: one event object or an array of them; valid ones go to the events
 *       topic. 202 {@code {"accepted":n}} when all are valid, else 400 with {@code "rejected":
 *       [{"index","reason","detail"}]} (the valid ones are still accepted).
 *   <li>{@code GET /recommendations/{userId}?k=10}: produces a request and waits for its result up
 *       to {@code gateway.request-timeout}; 200 with the result, 504 on timeout, 400 for a bad user
 *       id or k. Results are read uncommitted, as soon as serving writes them: an answer is a read
 *       of the model and needs no commit, and a requestId answered twice (after a failover) is
 *       answered with the first.
 *   <li>{@code GET /health}: 200 {@code {"status":"ok"}}; 503 if the results reader stopped.
 * </ul>
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final JobSettings settings;
    private final ReadableConfig conf;
    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> results;
    private final Thread resultReader;
    private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final EventJsonCodec events = new EventJsonCodec();
    private final EventTimeGuard<UserEvent> timeGuard;
    private volatile boolean running = true;

    public GatewayServer(ReadableConfig conf) throws IOException {
        this.conf = conf;
        this.settings = new JobSettings(conf);
        this.timeGuard =
                new EventTimeGuard<>(
                        UserEvent::timestamp,
                        conf.get(StreamrecOptions.MAX_FUTURE).toMillis(),
                        Long.MAX_VALUE / 4);
        Properties props = settings.kafka().toProperties();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("linger.ms", "2");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        // only results of requests made from now on matter; read uncommitted so that an answer
        // does not wait for the job's next checkpoint when results are transactional
        results =
                CommittedReader.open(
                        settings.kafka().toProperties(),
                        settings.get(StreamrecOptions.RESULTS_TOPIC),
                        false,
                        IsolationLevel.READ_UNCOMMITTED);
        resultReader = new Thread(this::readResults, "gateway-results");
        resultReader.setDaemon(true);
        resultReader.start();
        server =
                HttpServer.create(
                        new InetSocketAddress(
                                conf.get(GatewayOptions.HOST), conf.get(GatewayOptions.PORT)),
                        64);
        executor = Executors.newFixedThreadPool(conf.get(GatewayOptions.THREADS));
        server.setExecutor(executor);
        server.createContext("/events", this::handleEvents);
        server.createContext("/recommendations/", this::handleRecommendations);
        server.createContext("/health", this::handleHealth);
        server.start();
        LOG.info("Gateway listening on {}", uri());
    }

    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    private void readResults() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    try {
                        String requestId = MAPPER.readTree(r.value()).path("requestId").asText();
                        CompletableFuture<byte[]> f = pending.remove(requestId);
                        if (f != null) {
                            f.complete(r.value());
                        }
                    } catch (IOException e) {
                        LOG.warn("Unreadable result at offset {}: {}", r.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            results.close(Duration.ofSeconds(2));
        }
    }

    private void handleEvents(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            respond(ex, 405, error("use POST"));
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            respond(ex, 413, error("body larger than " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        List<byte[]> records = new ArrayList<>();
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isArray()) {
                for (JsonNode e : node) {
                    records.add(MAPPER.writeValueAsBytes(e));
                }
            } else {
                records.add(body);
            }
        } catch (IOException e) {
            records.add(body); // the codec gives the precise reason
        }
        int maxBatch = conf.get(GatewayOptions.MAX_BATCH);
        if (records.size() > maxBatch) {
            respond(ex, 413, error("more than " + maxBatch + " events in one request"));
            return;
        }
        String topic = settings.get(StreamrecOptions.EVENTS_TOPIC);
        ArrayNode rejected = MAPPER.createArrayNode();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                UserEvent e = events.parse(records.get(i));
                timeGuard.check(e, Long.MIN_VALUE, System.currentTimeMillis());
                CompletableFuture<Void> sent = new CompletableFuture<>();
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                e.userId().getBytes(StandardCharsets.UTF_8),
                                events.toJson(e)),
                        (md, err) -> {
                            if (err != null) {
                                sent.completeExceptionally(err);
                            } else {
                                sent.complete(null);
                            }
                        });
                sends.add(sent);
            } catch (InvalidRecordException e) {
                rejected.addObject()
                        .put("index", i)
                        .put("reason", e.reason())
                        .put("detail", e.getMessage());
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(new CompletableFuture[0]))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            respond(ex, 503, error("events could not be written to Kafka: " + e));
            return;
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("accepted", sends.size());
        out.put("rejected_count", rejected.size());
        if (!rejected.isEmpty()) {
            out.set("rejected", rejected);
        }
        respond(ex, rejected.isEmpty() ? 202 : 400, out.toString());
    }

    private void handleRecommendations(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            respond(ex, 405, error("use GET"));
            return;
        }
        String userId = ex.getRequestURI().getPath().substring("/recommendations/".length());
        if (!RecordParser.ID.matcher(userId).matches()) {
            respond(ex, 400, error("userId must be 1-128 of [A-Za-z0-9._:-]"));
            return;
        }
        int k = 10;
        String query = ex.getRequestURI().getQuery();
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("k=")) {
                    try {
                        k = Integer.parseInt(part.substring(2));
                    } catch (NumberFormatException e) {
                        k = -1;
                    }
                }
            }
        }
        if (k < 1 || k > RequestJsonCodec.MAX_K) {
            respond(ex, 400, error("k must be 1.." + RequestJsonCodec.MAX_K));
            return;
        }
        String requestId = "gw-" + UUID.randomUUID();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        pending.put(requestId, result);
        producer.send(
                RequestJsonCodec.producerRecord(
                        settings.get(StreamrecOptions.REQUESTS_TOPIC),
                        new RecommendationRequest(
                                requestId, userId, k, System.currentTimeMillis())));
        try {
            byte[] body =
                    result.get(
                            conf.get(GatewayOptions.REQUEST_TIMEOUT).toMillis(),
                            TimeUnit.MILLISECONDS);
            respond(ex, 200, new String(body, StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            respond(ex, 504, error("no result for " + requestId + " within the timeout"));
        } catch (Exception e) {
            respond(ex, 500, error(e.toString()));
        } finally {
            pending.remove(requestId);
        }
    }

    private void handleHealth(HttpExchange ex) throws IOException {
        ObjectNode out = MAPPER.createObjectNode();
        if (!resultReader.isAlive()) {
            out.put("status", "results reader stopped; see the gateway log");
            respond(ex, 503, out.toString());
            return;
        }
        out.put("status", "ok");
        out.put("kafka", settings.kafka().bootstrapServers());
        out.put("waiting_requests", pending.size());
        respond(ex, 200, out.toString());
    }

    private static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        running = false;
        server.stop(0);
        executor.shutdownNow();
        results.wakeup();
        producer.close(Duration.ofSeconds(5));
    }
}
