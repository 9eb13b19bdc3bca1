package io.streamrec.e2e;

import static java.net.http.HttpResponse.BodyHandlers.ofString;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.gateway.GatewayOptions;
import io.streamrec.gateway.GatewayServer;
import io.streamrec.kafka.TopicOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway cannot be stalled: slow clients do not delay {@code /health}, an oversized body is
 * refused without being read, and a full pending-request bound answers 503. A real broker, no job:
 * recommendation requests are never answered here, so they stay pending.
 */
class GatewayLimitsITCase {
    private static final int SLOW_CONNECTIONS = 64;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @RegisterExtension static final GatewayBroker BROKER = new GatewayBroker();

    /**
     * Health is answered while 64 clients trickle headers. Their requests take longer than the read
     * timeout (60 s here), so none completes or is cut off during the test; a gateway whose health
     * waited for them would answer 60 s at the soonest, three times the 20 s bound.
     */
    @Test
    void slowClientsTricklingHeadersDoNotDelayHealth() throws Exception {
        Configuration conf = BROKER.gatewayConf("slow");
        conf.set(GatewayOptions.READ_TIMEOUT, Duration.ofSeconds(60));
        Duration bound = Duration.ofSeconds(20);
        ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
        List<Socket> slow = new ArrayList<>();
        try (GatewayServer gateway = new GatewayServer(conf)) {
            URI base = gateway.uri();
            assertThat(healthStatusLine(base, bound)).startsWith("HTTP/1.1 200"); // warm-up
            // each header takes ~75 s at one byte per 100 ms: longer than the read timeout
            byte[] header =
                    ("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(700) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                Socket s = new Socket(base.getHost(), base.getPort());
                s.getOutputStream().write(header[0]);
                slow.add(s);
            }
            trickler.scheduleAtFixedRate(trickle(slow, header), 100, 100, TimeUnit.MILLISECONDS);

            long start = System.nanoTime();
            String health = healthStatusLine(base, bound);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(health).startsWith("HTTP/1.1 200");
            assertThat(millis)
                    .as("health answered after %d ms", millis)
                    .isLessThan(bound.toMillis());
        } finally {
            trickler.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** Sends each of {@code slow} the next byte of {@code header}, one byte per run. */
    private static Runnable trickle(List<Socket> slow, byte[] header) {
        int[] sent = {1};
        return () -> {
            for (Socket s : slow) {
                try {
                    s.getOutputStream().write(header[sent[0] % header.length]);
                } catch (IOException e) {
                    // closed by the server: fine, the test checks health only
                }
            }
            sent[0]++;
        };
    }

    /**
     * The status line of a {@code GET /health} on a new connection; fails if none comes within
     * {@code within}.
     */
    private static String healthStatusLine(URI base, Duration within) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) within.toMillis());
            socket.getOutputStream()
                    .write(
                            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            return readLine(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer to /health within " + within.toSeconds() + " s", e);
        }
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
        Configuration conf = BROKER.gatewayConf("oversized");
        conf.set(GatewayOptions.MAX_BODY, MemorySize.parse("1 mb"));
        try (GatewayServer gateway = new GatewayServer(conf);
                Socket socket = new Socket(gateway.uri().getHost(), gateway.uri().getPort())) {
            socket.setSoTimeout(5000);
            long declared = 9L * 1024 * 1024;
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: "
                                    + declared
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]); // a start of the body; the rest is never sent
            out.flush();

            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).startsWith("HTTP/1.1 413");
            // the server ends the connection: after the head and the error body, end of stream
            assertThat(in.readAllBytes()).asString().contains("body larger than");
        }
    }

    @Test
    void anOversizedHeadIsRefused() throws Exception {
        try (GatewayServer gateway = new GatewayServer(BROKER.gatewayConf("head"));
                Socket socket = new Socket(gateway.uri().getHost(), gateway.uri().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(
                            ("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                                            + "b".repeat(20_000)
                                            + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));

            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).startsWith("HTTP/1.1 400");
            assertThat(in.readAllBytes()).asString().contains("malformed request");
        }
    }

    @Test
    void aFullPendingRequestBoundAnswers503WithRetryAfter() throws Exception {
        Configuration conf = BROKER.gatewayConf("pending");
        conf.set(GatewayOptions.MAX_PENDING_REQUESTS, 2);
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofSeconds(60));
        try (GatewayServer gateway = new GatewayServer(conf)) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = gateway.uri();
            // no job runs: these two are never answered and stay pending
            var first = http.sendAsync(get(base, "/recommendations/a"), ofString());
            var second = http.sendAsync(get(base, "/recommendations/b"), ofString());
            Await.waitUntil(
                    "two requests wait",
                    Duration.ofSeconds(30),
                    () ->
                            http.send(get(base, "/health"), ofString())
                                    .body()
                                    .contains("\"waiting_requests\":2"));

            HttpResponse<String> third = http.send(get(base, "/recommendations/c"), ofString());

            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(http.send(get(base, "/health"), ofString()).statusCode()).isEqualTo(200);
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
        }
    }

    @Test
    void aUserOverItsRateGets429WithRetryAfter() throws Exception {
        Configuration conf = BROKER.gatewayConf("rate");
        conf.set(GatewayOptions.USER_RATE, 0.1);
        conf.set(GatewayOptions.USER_BURST, 1);
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofMillis(200));
        try (GatewayServer gateway = new GatewayServer(conf)) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = gateway.uri();

            HttpResponse<String> first = http.send(get(base, "/recommendations/u"), ofString());
            HttpResponse<String> second = http.send(get(base, "/recommendations/u"), ofString());
            HttpResponse<String> other = http.send(get(base, "/recommendations/v"), ofString());

            assertThat(first.statusCode()).isEqualTo(504); // no job: times out
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 10L);
            assertThat(other.statusCode()).isEqualTo(504);
        }
    }

    @Test
    void aResultWithoutAValueLeavesTheResultsReaderAnswering() throws Exception {
        Answered answered =
                askForAThenAnswer(
                        "null-result",
                        requestId ->
                                Arrays.asList(
                                        null,
                                        "{\"requestId\":\""
                                                + requestId
                                                + "\",\"userId\":\"a\",\"items\":[]}"));

        assertThat(answered.response().statusCode()).isEqualTo(200);
        assertThat(answered.response().body()).contains(answered.requestId());
        assertThat(answered.healthAfter()).isEqualTo(200);
    }

    /**
     * A result under a waiting request's id but for another user (anyone who may write the results
     * topic can send one) is skipped: the request is answered by its own user's result, never by
     * the other one relabelled.
     */
    @Test
    void aResultForAnotherUserUnderAWaitingIdIsSkipped() throws Exception {
        Answered answered =
                askForAThenAnswer(
                        "other-user-result",
                        requestId ->
                                List.of(
                                        resultOf(requestId, "b", "for-b"),
                                        resultOf(requestId, "a", "for-a")));

        assertThat(answered.response().statusCode()).isEqualTo(200);
        assertThat(answered.response().body()).contains("for-a").doesNotContain("for-b");
    }

    /**
     * A job with {@code privacy.user-id-key-file} answers under the user's pseudonym; a gateway
     * started without the key cannot recompute it, and takes any pseudonym under a waiting id.
     */
    @Test
    void aGatewayWithoutTheJobsKeyTakesAPseudonymousResult() throws Exception {
        Answered answered =
                askForAThenAnswer(
                        "pseudonymous-result",
                        requestId -> List.of(resultOf(requestId, "p-AbCdEfGhIjKlMnOpQrStUv", "x")));

        assertThat(answered.response().statusCode()).isEqualTo(200);
        assertThat(answered.response().body()).contains("\"userId\":\"a\"");
    }

    /** A gateway's answer to user a's request, and its /health status after it. */
    private record Answered(String requestId, HttpResponse<String> response, int healthAfter) {}

    /**
     * Asks a gateway on {@code run}'s topics for user a's recommendations; no job runs: this reads
     * the request and writes {@code results} of its id (null: a record without a value) to the
     * results topic, as the job would.
     */
    private static Answered askForAThenAnswer(String run, Function<String, List<String>> results)
            throws Exception {
        Configuration conf = BROKER.gatewayConf(run);
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofSeconds(30));
        try (GatewayServer gateway = new GatewayServer(conf);
                KafkaConsumer<byte[], byte[]> requests = consumer();
                KafkaProducer<byte[], byte[]> producer = producer()) {
            HttpClient http = HttpClient.newHttpClient();
            var answer = http.sendAsync(get(gateway.uri(), "/recommendations/a"), ofString());
            String requestId = awaitRequestId(requests, conf);
            String topic = conf.get(TopicOptions.RESULTS);
            for (String result : results.apply(requestId)) {
                byte[] value = result == null ? null : result.getBytes(UTF_8);
                producer.send(new ProducerRecord<>(topic, "a".getBytes(UTF_8), value)).get();
            }
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            int health = http.send(get(gateway.uri(), "/health"), ofString()).statusCode();
            return new Answered(requestId, response, health);
        }
    }

    private static String resultOf(String requestId, String userId, String item) {
        return "{\"requestId\":\""
                + requestId
                + "\",\"userId\":\""
                + userId
                + "\",\"items\":[{\"itemId\":\""
                + item
                + "\",\"score\":1.0}]}";
    }

    /** The id of the first request the gateway writes to the requests topic. */
    private static String awaitRequestId(KafkaConsumer<byte[], byte[]> requests, Configuration conf)
            throws IOException {
        requests.subscribe(List.of(conf.get(TopicOptions.REQUESTS)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : requests.poll(Duration.ofMillis(200))) {
                return MAPPER.readTree(r.value()).path("requestId").asText();
            }
        }
        throw new AssertionError("the gateway wrote no request within 30 s");
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "null-result-test");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static HttpRequest get(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).build();
    }

    /** Reads one line of an HTTP response head (up to CRLF). */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
