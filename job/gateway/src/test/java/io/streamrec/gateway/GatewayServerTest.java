package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway over HTTP with its Kafka clients replaced ({@link GatewayServer.KafkaClients}): a
 * producer that cannot reach its brokers or blocks, a results topic that grows a partition, a
 * results reader that fails, and routes matched on the path as sent.
 */
class GatewayServerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RESULTS = TopicOptions.RESULTS.defaultValue();
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Configuration conf() {
        Configuration conf = new Configuration();
        conf.set(GatewayOptions.PORT, 0);
        return conf;
    }

    private static GatewayServer.KafkaClients clients(
            Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> results) {
        return new GatewayServer.KafkaClients() {
            @Override
            public Producer<byte[], byte[]> producer(Properties props) {
                return producer;
            }

            @Override
            public Consumer<byte[], byte[]> resultsReader(Properties props, String t) {
                return results;
            }
        };
    }

    private static MockProducer<byte[], byte[]> acknowledgingProducer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static MockConsumer<byte[], byte[]> resultsTopic(int partitions) {
        return MockResultsTopic.assignedAtItsEnd(RESULTS, partitions);
    }

    private static String event(String userId) {
        return "{\"eventId\":\"e-"
                + userId
                + "\",\"userId\":\""
                + userId
                + "\",\"itemId\":\"i1\",\"type\":\"view\",\"timestamp\":1763800000000}";
    }

    /** A batch of {@code n} events, of users {@code u0..u(n-1)}. */
    private static String batch(int n) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event("u" + i));
        }
        return "[" + String.join(",", events) + "]";
    }

    private static HttpResponse<String> post(GatewayServer gateway, String path, String body)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                        .timeout(CLIENT_WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(GatewayServer gateway, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                        .timeout(CLIENT_WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Brokers that cannot be reached: each send waits {@code max.block.ms} for metadata and fails.
     * The first failure answers the batch; the other 999 events are not handed to the producer (at
     * 100 ms each they held the worker and the client 100 s).
     */
    @Test
    void aBatchForUnreachableBrokersIsAnswered503AtTheFirstFailedSend() throws Exception {
        Configuration conf = conf();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1"); // nothing listens there
        conf.set(KafkaOptions.PROPERTIES, Map.of("max.block.ms", "100"));
        GatewayServer.KafkaClients kafka =
                new GatewayServer.KafkaClients() {
                    @Override
                    public Producer<byte[], byte[]> producer(Properties props) {
                        return new KafkaProducer<>(
                                props, new ByteArraySerializer(), new ByteArraySerializer());
                    }

                    @Override
                    public Consumer<byte[], byte[]> resultsReader(Properties props, String topic) {
                        return resultsTopic(1);
                    }
                };
        try (GatewayServer gateway =
                new GatewayServer(
                        conf, kafka, Duration.ofSeconds(30), GatewayServer.PARTITION_CHECK)) {
            long start = System.nanoTime();
            HttpResponse<String> answer = post(gateway, "/events", batch(1000));

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(millisSince(start)).isLessThan(5_000);
        }
    }

    /**
     * A start that fails once the producer is made closes it (and the TLS handshakes' pool, the
     * results reader, the threads made so far): a results reader that cannot be made left them
     * open, and a caller retrying the start leaked one each time.
     */
    @Test
    void aStartThatFailsClosesWhatItMade() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        GatewayServer.KafkaClients kafka =
                new GatewayServer.KafkaClients() {
                    @Override
                    public Producer<byte[], byte[]> producer(Properties props) {
                        return producer;
                    }

                    @Override
                    public Consumer<byte[], byte[]> resultsReader(Properties props, String topic) {
                        throw new KafkaException("no results reader");
                    }
                };

        assertThatThrownBy(
                        () ->
                                new GatewayServer(
                                        conf(),
                                        kafka,
                                        Duration.ofSeconds(30),
                                        GatewayServer.PARTITION_CHECK))
                .isInstanceOf(KafkaException.class)
                .hasMessage("no results reader");
        assertThat(producer.closed()).isTrue();

        MockProducer<byte[], byte[]> second = acknowledgingProducer();
        MockConsumer<byte[], byte[]> results = resultsTopic(1);
        Configuration taken = conf();
        try (GatewayServer first =
                new GatewayServer(
                        conf(),
                        clients(acknowledgingProducer(), resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            taken.set(GatewayOptions.PORT, first.uri().getPort()); // cannot listen there
            assertThatThrownBy(
                            () ->
                                    new GatewayServer(
                                            taken,
                                            clients(second, results),
                                            Duration.ofSeconds(30),
                                            GatewayServer.PARTITION_CHECK))
                    .isInstanceOf(IOException.class);
        }
        assertThat(second.closed()).isTrue(); // as before: bind() closed what was made
    }

    /**
     * A write Kafka refuses is answered 503 with a fixed text: the exception's own (its class, the
     * topics it names, the ACLs it reveals) went to the client, who may hold no token.
     */
    @Test
    void aWriteKafkaRefusesIs503WithoutTheExceptionsText() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> record, Callback callback) {
                        callback.onCompletion(
                                null, new TopicAuthorizationException(Set.of(record.topic())));
                        return CompletableFuture.failedFuture(
                                new TopicAuthorizationException(Set.of(record.topic())));
                    }
                };
        Configuration conf = conf();
        conf.set(TopicOptions.EVENTS, "secret-events-topic");
        conf.set(TopicOptions.REQUESTS, "secret-requests-topic");
        try (GatewayServer gateway =
                new GatewayServer(
                        conf,
                        clients(producer, resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            List<HttpResponse<String>> answers =
                    List.of(
                            post(gateway, "/events", event("u1")),
                            get(gateway, "/recommendations/u1"),
                            post(gateway, "/admin/forget/u1", ""));

            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(answer.body())
                        .contains("retry later")
                        .doesNotContain("org.apache.kafka")
                        .doesNotContain("Exception")
                        .doesNotContain("secret-");
            }
        }
    }

    /**
     * A send that blocks (metadata, a full buffer) past the deadline: the client gets its 503 at
     * the deadline, not when the send returns; the events after it are not sent; and the batch's
     * body keeps its share of {@code gateway.bodies-in-flight} while the worker holds it, so a
     * second body the rest cannot hold is refused rather than queued behind it.
     */
    @Test
    void aSendBlockedPastTheDeadlineIsAnswered503AndTheRestOfItsBatchIsNotSent() throws Exception {
        CountDownLatch sendsMayGoOn = new CountDownLatch(1);
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> record, Callback callback) {
                        try {
                            sendsMayGoOn.await(); // as KafkaProducer waits for room or metadata
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new KafkaException("interrupted", e);
                        }
                        return super.send(record, callback);
                    }
                };
        Configuration conf = conf();
        conf.set(GatewayOptions.THREADS, 1);
        conf.set(GatewayOptions.MAX_BODY, MemorySize.parse("4 kb"));
        conf.set(GatewayOptions.BODIES_IN_FLIGHT, MemorySize.parse("4 kb"));
        String batchBody = batch(25);
        assertThat(2 * batchBody.length()).isGreaterThan(4096);
        try (GatewayServer gateway =
                new GatewayServer(
                        conf,
                        clients(producer, resultsTopic(1)),
                        Duration.ofMillis(500),
                        GatewayServer.PARTITION_CHECK)) {
            try {
                long start = System.nanoTime();
                HttpResponse<String> answer = post(gateway, "/events", batchBody);
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(millisSince(start)).isLessThan(5_000);

                HttpResponse<String> beside = post(gateway, "/events", batchBody);
                assertThat(beside.statusCode()).isEqualTo(503);
                assertThat(beside.body()).contains("too many request bodies");
            } finally {
                sendsMayGoOn.countDown();
            }
            HttpResponse<String> later = post(gateway, "/events", event("later"));

            assertThat(later.statusCode()).isEqualTo(202);
            // one worker: the batch's loop had ended before the later request ran
            assertThat(producer.history())
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("u0", "later");
        }
    }

    /**
     * A partition added to the results topic while the gateway runs is read too, from its
     * beginning: a user whose requests' results land there is answered, not 504 until a restart.
     */
    @Test
    void aResultOnAPartitionAddedWhileTheGatewayRunsAnswersItsRequest() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        MockConsumer<byte[], byte[]> results = resultsTopic(1);
        Configuration conf = conf();
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofSeconds(5));
        try (GatewayServer gateway =
                new GatewayServer(
                        conf,
                        clients(producer, results),
                        Duration.ofSeconds(30),
                        Duration.ZERO)) { // looks before every poll
            TopicPartition added = new TopicPartition(RESULTS, 1);
            results.updateBeginningOffsets(Map.of(added, 0L));
            results.updatePartitions(RESULTS, MockResultsTopic.partitionInfos(RESULTS, 2));
            answerOnceAssigned(results, added, producer);

            HttpResponse<String> answer = get(gateway, "/recommendations/u1?k=2");

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(MAPPER.readTree(answer.body()).path("items").size()).isEqualTo(1);
        }
    }

    /**
     * Within a poll of the reader: once it has assigned {@code partition} and the gateway has
     * produced a request, puts that request's result at the partition's first offset; else looks
     * again at the next poll (the mock takes records of assigned partitions only).
     */
    private static void answerOnceAssigned(
            MockConsumer<byte[], byte[]> results,
            TopicPartition partition,
            MockProducer<byte[], byte[]> requests) {
        results.schedulePollTask(
                () -> {
                    List<ProducerRecord<byte[], byte[]>> sent = requests.history();
                    if (!results.assignment().contains(partition) || sent.isEmpty()) {
                        answerOnceAssigned(results, partition, requests);
                        return;
                    }
                    results.addRecord(
                            new ConsumerRecord<>(
                                    RESULTS,
                                    partition.partition(),
                                    0,
                                    null,
                                    resultFor(sent.get(0).value())));
                });
    }

    private static byte[] resultFor(byte[] request) {
        try {
            String requestId = MAPPER.readTree(request).path("requestId").asText();
            return ("{\"requestId\":\""
                            + requestId
                            + "\",\"userId\":\"u1\",\"items\":[{\"itemId\":\"i1\",\"score\":1.0}]}")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A results reader that has stopped can answer nothing: a recommendation request is refused at
     * once (as {@code /health} reports), not sent to Kafka to wait for its timeout.
     */
    @Test
    void aRecommendationRequestIs503AtOnceWhenTheResultsReaderHasStopped() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        MockConsumer<byte[], byte[]> results = resultsTopic(1);
        results.setPollException(new KafkaException("the results topic was deleted"));
        Configuration conf = conf();
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofSeconds(5));
        try (GatewayServer gateway =
                new GatewayServer(
                        conf,
                        clients(producer, results),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            assertThat(gateway.resultsReaderEnded(CLIENT_WAIT)).isTrue();
            long start = System.nanoTime();

            HttpResponse<String> answer = get(gateway, "/recommendations/u1");

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(millisSince(start)).isLessThan(2_000);
            assertThat(producer.history()).isEmpty();
        }
    }

    /** Each route's 405 names the method it takes. */
    @Test
    void a405NamesTheMethodsTheResourceAllows() throws Exception {
        try (GatewayServer gateway =
                new GatewayServer(
                        conf(),
                        clients(acknowledgingProducer(), resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            HttpResponse<String> events = get(gateway, "/events");
            HttpResponse<String> forget = get(gateway, "/admin/forget/u1");
            HttpResponse<String> recommendations = post(gateway, "/recommendations/u1", "");
            HttpResponse<String> health = post(gateway, "/health", "");

            assertThat(events.statusCode()).isEqualTo(405);
            assertThat(events.headers().firstValue("allow")).hasValue("POST");
            assertThat(forget.statusCode()).isEqualTo(405);
            assertThat(forget.headers().firstValue("allow")).hasValue("POST");
            assertThat(recommendations.statusCode()).isEqualTo(405);
            assertThat(recommendations.headers().firstValue("allow")).hasValue("GET");
            assertThat(health.statusCode()).isEqualTo(405);
            assertThat(health.headers().firstValue("allow")).hasValue("GET");
        }
    }

    /**
     * A malformed user id in a user's path is a 400, once the method is the one the route takes.
     */
    @Test
    void aMalformedUserIdIsA400AfterTheMethodCheck() throws Exception {
        try (GatewayServer gateway =
                new GatewayServer(
                        conf(),
                        clients(acknowledgingProducer(), resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            HttpResponse<String> recommendations = get(gateway, "/recommendations/bad%20id");
            HttpResponse<String> forget = post(gateway, "/admin/forget/bad%20id", "");
            HttpResponse<String> wrongMethod = post(gateway, "/recommendations/bad%20id", "");

            assertThat(recommendations.statusCode()).isEqualTo(400);
            assertThat(recommendations.body()).contains("userId must be 1-128 of");
            assertThat(forget.statusCode()).isEqualTo(400);
            assertThat(forget.body()).contains("userId must be 1-128 of");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
        }
    }

    /**
     * Routes match the path as sent, not as decoded, and {@code /events} exactly: an encoded slash
     * is no path separator ({@code /admin%2Fforget/u1} is no forget), and {@code /eventsXYZ} is no
     * events resource. Only a user id segment is decoded.
     */
    @Test
    void routesMatchThePathAsSent() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        try (GatewayServer gateway =
                new GatewayServer(
                        conf(),
                        clients(producer, resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            HttpResponse<String> encodedForget = post(gateway, "/admin%2Fforget/u1", "");
            HttpResponse<String> eventsSuffix = post(gateway, "/eventsXYZ", event("u1"));
            HttpResponse<String> encodedUser = post(gateway, "/admin/forget/u%31", "");

            assertThat(encodedForget.statusCode()).isEqualTo(404);
            assertThat(eventsSuffix.statusCode()).isEqualTo(404);
            assertThat(encodedUser.statusCode()).isEqualTo(202);
            assertThat(producer.history())
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("u1");
        }
    }

    /** A client limit that refills one token in 1,000 s: no token comes back during a test. */
    private static Configuration clientLimited(int burst) {
        Configuration conf = conf();
        conf.set(GatewayOptions.CLIENT_RATE, 0.001);
        conf.set(GatewayOptions.CLIENT_BURST, burst);
        return conf;
    }

    /** A tokens file in which each token reads recommendations and writes events, of any user. */
    private static Configuration withTokens(Configuration conf, Path dir, String... tokens)
            throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String token : tokens) {
            lines.append(AccessTokens.hash(token)).append(" recommendations:read,events:write\n");
        }
        Path file = Files.writeString(dir.resolve("tokens"), lines);
        conf.set(GatewayOptions.TOKENS_FILE, file.toString());
        return conf;
    }

    private static GatewayServer gateway(Configuration conf) throws IOException {
        return new GatewayServer(
                conf,
                clients(acknowledgingProducer(), resultsTopic(1)),
                Duration.ofSeconds(30),
                GatewayServer.PARTITION_CHECK);
    }

    /** A request with {@code Authorization: Bearer token}; a GET when {@code body} is null. */
    private static HttpResponse<String> as(
            String token, GatewayServer gateway, String path, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                        .timeout(CLIENT_WAIT)
                        .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertTooManyRequests(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(seconds -> assertThat(seconds).isPositive());
    }

    /**
     * {@code gateway.client-rate} limits a token whatever user ids it names, on every route but
     * {@code /health}, and another token not at all: naming a new user per request gets past the
     * per-user limit only.
     */
    @Test
    void aClientOverItsRateGets429WhateverUserIdsItNamesAndAnotherClientDoesNot(@TempDir Path dir)
            throws Exception {
        Configuration conf = withTokens(clientLimited(2), dir, "alice", "bob");
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofMillis(50)); // no job: 504
        try (GatewayServer gateway = gateway(conf)) {
            for (int i = 0; i < 3; i++) {
                assertThat(as("alice", gateway, "/health", null).statusCode()).isEqualTo(200);
            }
            assertThat(as("alice", gateway, "/events", event("a1")).statusCode()).isEqualTo(202);
            assertThat(as("alice", gateway, "/recommendations/a2", null).statusCode())
                    .isEqualTo(504);

            assertTooManyRequests(as("alice", gateway, "/events", event("a3")));
            assertTooManyRequests(as("alice", gateway, "/recommendations/a4", null));
            assertTooManyRequests(as("alice", gateway, "/no-such-route", null));
            assertThat(as("alice", gateway, "/health", null).statusCode()).isEqualTo(200);
            assertThat(as("bob", gateway, "/events", event("b1")).statusCode()).isEqualTo(202);
        }
    }

    /**
     * Requests without a known token are limited by their remote address: varying the token gets a
     * client no fresh bucket, and takes none of a token's.
     */
    @Test
    void requestsWithoutAKnownTokenAreLimitedByTheirAddress(@TempDir Path dir) throws Exception {
        try (GatewayServer gateway = gateway(withTokens(clientLimited(2), dir, "alice"))) {
            assertThat(as("guess-1", gateway, "/events", event("u")).statusCode()).isEqualTo(401);
            assertThat(as("guess-2", gateway, "/events", event("u")).statusCode()).isEqualTo(401);

            assertTooManyRequests(as("guess-3", gateway, "/events", event("u")));
            assertThat(as("alice", gateway, "/events", event("u")).statusCode()).isEqualTo(202);
        }
    }

    /**
     * A batch costs its client one token per event: a batch larger than the bucket is let in while
     * the client has a token, and its debt refuses what follows. Without tokens the client is its
     * address.
     */
    @Test
    void aBatchCostsItsClientOneTokenPerEvent() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        try (GatewayServer gateway =
                new GatewayServer(
                        clientLimited(5),
                        clients(producer, resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            assertThat(post(gateway, "/events", batch(8)).statusCode()).isEqualTo(202);

            assertTooManyRequests(post(gateway, "/events", event("next")));
            assertThat(producer.history()).hasSize(8);
        }
    }

    /**
     * A batch must end its body: a value after its closing bracket was dropped unread, and the
     * batch before it answered 202. Now the body is one malformed record, as a lone event with
     * trailing tokens is; whitespace after the bracket is fine.
     */
    @Test
    void aBatchFollowedByAnotherValueIs400AndNothingIsProduced() throws Exception {
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        try (GatewayServer gateway =
                new GatewayServer(
                        conf(),
                        clients(producer, resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            HttpResponse<String> trailed =
                    post(gateway, "/events", "[" + event("u1") + "]" + event("u2"));
            assertThat(trailed.statusCode()).isEqualTo(400);
            assertThat(MAPPER.readTree(trailed.body()).get("accepted").asInt()).isZero();
            assertThat(producer.history()).isEmpty();

            assertThat(post(gateway, "/events", "[" + event("u3") + "] \n").statusCode())
                    .isEqualTo(202);
            assertThat(producer.history()).hasSize(1);
        }
    }

    /**
     * The codec reads a whole number as an id ({@code "userId":43} is user "43"), so an invalid
     * event naming user 43 by number is another user's to a token bound to u42: 403 and nothing of
     * the batch accepted, as with {@code "userId":"43"}. It was read as naming nobody: 400, and the
     * valid u42 event produced.
     */
    @Test
    void anInvalidEventNamingAnotherUserByNumberIsRefused403WithNothingAccepted(@TempDir Path dir)
            throws Exception {
        Configuration conf = conf();
        Path file =
                Files.writeString(
                        dir.resolve("tokens"), AccessTokens.hash("u42app") + " events:write u42\n");
        conf.set(GatewayOptions.TOKENS_FILE, file.toString());
        MockProducer<byte[], byte[]> producer = acknowledgingProducer();
        try (GatewayServer gateway =
                new GatewayServer(
                        conf,
                        clients(producer, resultsTopic(1)),
                        Duration.ofSeconds(30),
                        GatewayServer.PARTITION_CHECK)) {
            String batch = "[" + event("u42") + ",{\"eventId\":\"x\",\"userId\":43}]";
            assertThat(as("u42app", gateway, "/events", batch).statusCode()).isEqualTo(403);
            assertThat(producer.history()).isEmpty();
        }
    }

    /** An empty batch costs one token, as any request: it cost none, so it was never limited. */
    @Test
    void anEmptyBatchCostsItsClientAToken() throws Exception {
        try (GatewayServer gateway = gateway(clientLimited(1))) {
            assertThat(post(gateway, "/events", "[]").statusCode()).isEqualTo(202);
            for (int i = 0; i < 4; i++) {
                assertTooManyRequests(post(gateway, "/events", "[]"));
            }
        }
    }

    /**
     * Every {@code /events} request costs its client a token before it is refused 405 or 403: these
     * refusals came before any rate check, so a known token could send them without limit.
     */
    @Test
    void refusedEventsRequestsCostTheirClientAToken(@TempDir Path dir) throws Exception {
        Configuration conf = withTokens(clientLimited(1), dir, "alice");
        Path file = Path.of(conf.get(GatewayOptions.TOKENS_FILE));
        Files.writeString(
                file,
                AccessTokens.hash("reader") + " recommendations:read\n",
                StandardOpenOption.APPEND);
        try (GatewayServer gateway = gateway(conf)) {
            assertThat(as("alice", gateway, "/events", null).statusCode()).isEqualTo(405);
            assertThat(as("reader", gateway, "/events", event("u1")).statusCode()).isEqualTo(403);
            for (int i = 0; i < 4; i++) {
                assertTooManyRequests(as("alice", gateway, "/events", null));
                assertTooManyRequests(as("reader", gateway, "/events", event("u1")));
            }
        }
    }

    /**
     * At most {@code gateway.rate-limited-clients} buckets are kept: the least recently seen client
     * is dropped and starts again with a full bucket.
     */
    @Test
    void theLeastRecentlySeenClientIsDroppedPastTheBound(@TempDir Path dir) throws Exception {
        Configuration conf = withTokens(clientLimited(1), dir, "alice", "bob");
        conf.set(GatewayOptions.RATE_LIMITED_CLIENTS, 1);
        try (GatewayServer gateway = gateway(conf)) {
            assertThat(as("alice", gateway, "/events", event("a1")).statusCode()).isEqualTo(202);
            assertTooManyRequests(as("alice", gateway, "/events", event("a2")));

            assertThat(as("bob", gateway, "/events", event("b1")).statusCode()).isEqualTo(202);

            assertThat(as("alice", gateway, "/events", event("a3")).statusCode()).isEqualTo(202);
        }
    }

    /** A request without a token, with these {@code X-Forwarded-For} values. */
    private static HttpResponse<String> forwardedFor(
            GatewayServer gateway, String path, String body, String forwardedFor) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                        .timeout(CLIENT_WAIT)
                        .header("X-Forwarded-For", forwardedFor)
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Behind a trusted proxy (here the test's own loopback address) each client the proxy forwards
     * for has its own bucket; from a peer that is not trusted the header is ignored, so a forged
     * address gets no fresh bucket.
     */
    @Test
    void clientsBehindATrustedProxyAreLimitedApartAndAForgedHeaderIsIgnored() throws Exception {
        Configuration behindProxy = clientLimited(1);
        behindProxy.set(GatewayOptions.TRUSTED_PROXIES, List.of("127.0.0.0/8", "10.0.0.0/8"));
        try (GatewayServer gateway = gateway(behindProxy)) {
            assertThat(forwardedFor(gateway, "/events", event("a"), "203.0.113.1").statusCode())
                    .isEqualTo(202);
            assertTooManyRequests(forwardedFor(gateway, "/events", event("a"), "203.0.113.1"));
            // another client, through a second trusted hop: its own bucket
            assertThat(
                            forwardedFor(gateway, "/events", event("b"), "203.0.113.2, 10.0.0.7")
                                    .statusCode())
                    .isEqualTo(202);
        }
        Configuration otherProxy = clientLimited(1);
        otherProxy.set(GatewayOptions.TRUSTED_PROXIES, List.of("10.0.0.1"));
        try (GatewayServer gateway = gateway(otherProxy)) {
            assertThat(forwardedFor(gateway, "/events", event("a"), "203.0.113.1").statusCode())
                    .isEqualTo(202);
            assertTooManyRequests(forwardedFor(gateway, "/events", event("b"), "203.0.113.2"));
        }
    }

    /** One KiB for a body, and for all bodies at once: one body's head holds the whole budget. */
    private static Configuration oneBodyAtATime(Path dir) throws IOException {
        Configuration conf = withTokens(conf(), dir, "alice");
        conf.set(GatewayOptions.MAX_BODY, MemorySize.parse("1kb"));
        conf.set(GatewayOptions.BODIES_IN_FLIGHT, MemorySize.parse("1kb"));
        return conf;
    }

    /** An event padded with spaces to 200 bytes. */
    private static String event200Bytes() {
        return String.format("%-200s", event("u1"));
    }

    /** Opens a connection to the gateway and writes {@code head} on it, and nothing more. */
    private static Socket sendHead(GatewayServer gateway, String head) throws IOException {
        Socket socket = new Socket(gateway.uri().getHost(), gateway.uri().getPort());
        socket.setSoTimeout((int) CLIENT_WAIT.toMillis());
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The first status line that comes back on {@code socket}. */
    private static String statusLine(Socket socket) throws IOException {
        return new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
    }

    /**
     * A head without a known token holds none of {@code gateway.bodies-in-flight}: it is answered
     * 401 without its body being read, so heads that never send their bodies cannot take the budget
     * from a client with a token. The first head expects a 100 Continue, which the gateway sent
     * once it had reserved the body's share: its answer shows the head was read before the
     * authenticated POST. Until 2026-12-07 that POST got 503 while the head held the budget.
     */
    @Test
    void headsWithoutAKnownTokenCannotStarveAnAuthenticatedPost(@TempDir Path dir)
            throws Exception {
        try (GatewayServer gateway = gateway(oneBodyAtATime(dir))) {
            try (Socket tokenless =
                    sendHead(
                            gateway,
                            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n"
                                    + "Expect: 100-continue\r\n\r\n")) {
                String answer = statusLine(tokenless);
                assertThat(as("alice", gateway, "/events", event200Bytes()).statusCode())
                        .isEqualTo(202);
                assertThat(answer).isEqualTo("HTTP/1.1 401 Unauthorized");
            }
            try (Socket tokenless =
                    sendHead(
                            gateway,
                            "POST /events HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n\r\n")) {
                assertThat(statusLine(tokenless)).isEqualTo("HTTP/1.1 401 Unauthorized");
                assertThat(as("alice", gateway, "/events", event200Bytes()).statusCode())
                        .isEqualTo(202);
            }
        }
    }

    /**
     * Only {@code POST /events} takes a body: a body sent to another route is not read and holds
     * none of the budget; the request is answered on its head and its connection closed.
     */
    @Test
    void aBodySentToARouteThatTakesNoneHoldsNoneOfTheBudget(@TempDir Path dir) throws Exception {
        try (GatewayServer gateway = gateway(oneBodyAtATime(dir))) {
            try (Socket health =
                    sendHead(
                            gateway,
                            "GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n"
                                    + "Expect: 100-continue\r\n\r\n")) {
                String answer = statusLine(health);
                assertThat(as("alice", gateway, "/events", event200Bytes()).statusCode())
                        .isEqualTo(202);
                assertThat(answer).isEqualTo("HTTP/1.1 200 OK");
            }
            try (Socket health =
                    sendHead(
                            gateway,
                            "GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n\r\n")) {
                // read to its end: the gateway closes the connection after the answer
                assertThat(health.getInputStream().readAllBytes())
                        .asString(StandardCharsets.US_ASCII)
                        .startsWith("HTTP/1.1 200 OK\r\n")
                        .containsIgnoringCase("connection: close")
                        .endsWith("{\"status\":\"ok\"}");
            }
        }
    }

    /** An audit line names the connection's peer and the client a trusted proxy forwarded for. */
    @Test
    void theAuditLogRecordsThePeerAndTheForwardedClient(@TempDir Path dir) throws Exception {
        Path auditLog = dir.resolve("audit.jsonl");
        Configuration conf = conf();
        conf.set(GatewayOptions.AUDIT_LOG, auditLog.toString());
        conf.set(GatewayOptions.TRUSTED_PROXIES, List.of("127.0.0.1"));
        try (GatewayServer gateway = gateway(conf)) {
            assertThat(forwardedFor(gateway, "/admin/forget/u1", "", "2001:db8::7").statusCode())
                    .isEqualTo(202);
        }
        assertThat(Files.readAllLines(auditLog))
                .hasSize(2)
                .allMatch(l -> l.contains("\"peer\":\"127.0.0.1\",\"client\":\"2001:db8::7\""));
    }

    /**
     * With {@code gateway.max-connections-per-address} the gateway closes a client's connection
     * over its address's bound at once (here the test's loopback address, its TCP peer), while the
     * one it holds is still answered.
     */
    @Test
    void aConnectionOverItsAddresssBoundIsClosedAtOnce() throws Exception {
        Configuration conf = conf();
        conf.set(GatewayOptions.MAX_CONNECTIONS_PER_ADDRESS, 1);
        try (GatewayServer gateway = gateway(conf)) {
            try (Socket held = sendHead(gateway, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n")) {
                // answered, so admitted before the next one connects
                assertThat(statusLine(held)).isEqualTo("HTTP/1.1 200 OK");
                try (Socket over = sendHead(gateway, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n")) {
                    assertThat(over.getInputStream().readAllBytes())
                            .as("closed unanswered")
                            .isEmpty();
                }
            }
        }
    }
}
