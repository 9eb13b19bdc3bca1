package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a tokens file, the gateway answers 401 without a known bearer token and 403 beyond the
 * token's rights (another user's recommendations or events, a missing scope), and serves {@code
 * /health} to anyone. A real broker, no job: an allowed request is written and then times out
 * (504), which shows it got past the checks.
 */
class GatewayAuthITCase {
    private static final String WRITER = "writer-token-1";
    private static final String ALICE = "alice-token-2";
    @RegisterExtension static final GatewayBroker BROKER = new GatewayBroker();

    @Test
    void tokensDecideWhoWritesAndWhoReadsWhom(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                "# hashes only: the tokens themselves are never stored\n"
                        + sha256(WRITER)
                        + "  events:write\n"
                        + sha256(ALICE)
                        + "  recommendations:read,events:write  alice\n");
        Configuration conf = BROKER.gatewayConf("auth");
        conf.set(GatewayOptions.TOKENS_FILE, tokens.toString());
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofMillis(300));
        try (GatewayServer gateway = new GatewayServer(conf)) {
            URI base = gateway.uri();
            String event = event("bob");

            HttpResponse<String> anonymous = get(base, "/recommendations/alice", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(post(base, event, null).statusCode()).isEqualTo(401);
            assertThat(get(base, "/recommendations/alice", "not-a-token").statusCode())
                    .isEqualTo(401);
            HttpResponse<String> health = get(base, "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}"); // no brokers, no load
            assertThat(get(base, "/health", ALICE).body()).doesNotContain("kafka");
            assertThat(get(base, "/healthz", null).statusCode()).isEqualTo(401);

            // alice's token reads alice, not bob; the writer's token reads nobody
            assertThat(get(base, "/recommendations/alice", ALICE).statusCode()).isEqualTo(504);
            assertThat(get(base, "/recommendations/bob", ALICE).statusCode()).isEqualTo(403);
            assertThat(get(base, "/recommendations/bob", WRITER).statusCode()).isEqualTo(403);

            // the writer writes anyone's events; alice's token only hers, all or nothing
            assertThat(post(base, event, WRITER).statusCode()).isEqualTo(202);
            assertThat(post(base, "[" + event("alice") + "," + event + "]", ALICE).statusCode())
                    .isEqualTo(403);
            // an invalid event of another user refuses the whole batch too, not only a valid one
            String invalidOfBob = "{\"eventId\":\"e-x\",\"userId\":\"bob\",\"type\":\"bogus\"}";
            assertThat(
                            post(base, "[" + event("alice") + "," + invalidOfBob + "]", ALICE)
                                    .statusCode())
                    .isEqualTo(403);
            assertThat(post(base, event("alice"), ALICE).statusCode()).isEqualTo(202);
        }
        // all or nothing on the topic too: the refused batches wrote none of their events, so
        // the topic (one partition, each 202 given after the broker's ack) holds the two accepted
        String events = new JobSettings(conf).topics().events();
        try (KafkaConsumer<byte[], byte[]> reader =
                CommittedReader.open(new JobSettings(conf).kafka().toProperties(), events, true)) {
            TopicPartition partition = new TopicPartition(events, 0);
            assertThat(reader.endOffsets(List.of(partition)).get(partition)).isEqualTo(2L);
        }
    }

    /**
     * A token without the admin scope calling {@code POST /admin/forget} in a loop: past a burst of
     * refusals it gets 429, and only the refusals it got (403) are audit lines, so neither the log
     * nor the shared worker pool grows with the loop.
     */
    @Test
    void refusedAdminAttemptsBeyondABurstGet429AndNoAuditLine(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, sha256(ALICE) + "  recommendations:read  alice\n");
        Path auditLog = dir.resolve("audit.jsonl");
        Configuration conf = BROKER.gatewayConf("refusals");
        conf.set(GatewayOptions.TOKENS_FILE, tokens.toString());
        conf.set(GatewayOptions.AUDIT_LOG, auditLog.toString());
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (GatewayServer gateway = new GatewayServer(conf)) {
            for (int i = 0; i < 60; i++) {
                statuses.merge(forget(gateway.uri(), "bob", ALICE).statusCode(), 1, Integer::sum);
            }
        }
        assertThat(statuses.keySet()).containsExactly(403, 429);
        assertThat(statuses.get(403)).isBetween(10, 59);
        assertThat(Files.readAllLines(auditLog))
                .hasSize(statuses.get(403))
                .allMatch(l -> l.contains("\"result\":\"forbidden\""));
    }

    /**
     * {@code POST /admin/forget/{user}} needs the admin scope; an admin's forget puts a forget
     * request on the requests topic, and both attempts are in the audit log, the admin's requested
     * then accepted and the other refused, each naming the token by its hash's prefix, never the
     * token.
     */
    @Test
    void onlyAnAdminForgetsAUserAndTheAuditLogRecordsIt(@TempDir Path dir) throws Exception {
        String admin = "admin-token-3";
        Path tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                sha256(ALICE) + "  recommendations:read  alice\n" + sha256(admin) + " admin\n");
        Path auditLog = dir.resolve("audit.jsonl");
        Configuration conf = BROKER.gatewayConf("forget");
        conf.set(GatewayOptions.TOKENS_FILE, tokens.toString());
        conf.set(GatewayOptions.AUDIT_LOG, auditLog.toString());
        String requestId;
        try (GatewayServer gateway = new GatewayServer(conf)) {
            URI base = gateway.uri();
            assertThat(forget(base, "alice", null).statusCode()).isEqualTo(401);
            assertThat(get(base, "/health", admin).body()).contains("\"kafka\"", "connections");
            assertThat(forget(base, "alice", ALICE).statusCode()).isEqualTo(403);
            HttpResponse<String> accepted = forget(base, "alice", admin);
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.body()).contains("\"requestId\":\"forget-");
            requestId = new ObjectMapper().readTree(accepted.body()).get("requestId").asText();
        }
        List<String> lines = Files.readAllLines(auditLog);
        assertThat(lines).hasSize(3);
        String forbidden = lines.stream().filter(l -> l.contains("forbidden")).findFirst().get();
        String done = lines.stream().filter(l -> l.contains("accepted")).findFirst().get();
        // the attempt is recorded before the request is sent, the outcome after
        assertThat(lines.stream().filter(l -> l.contains(requestId)))
                .map(l -> l.replaceAll(".*\"result\":\"([a-z]+)\".*", "$1"))
                .containsExactly("requested", "accepted");
        assertThat(forbidden).contains("\"who\":\"token:" + sha256(ALICE).substring(0, 12));
        assertThat(done)
                .contains("\"who\":\"token:" + sha256(admin).substring(0, 12))
                .contains("\"action\":\"forget\"", "\"user\":\"alice\"")
                .doesNotContain(admin);
        String requests = new JobSettings(conf).topics().requests();
        try (KafkaConsumer<byte[], byte[]> reader =
                CommittedReader.open(
                        new JobSettings(conf).kafka().toProperties(), requests, true)) {
            // the gateway is closed and gave its 202 after the broker's ack: the topic (one
            // partition) holds all it will ever hold of this test, so exactly one record, not
            // just a first one of possibly more
            TopicPartition partition = new TopicPartition(requests, 0);
            assertThat(reader.endOffsets(List.of(partition)).get(partition)).isEqualTo(1L);
            List<String> records = new ArrayList<>();
            CommittedReader.catchUp(
                    reader,
                    timeout -> {
                        int n = 0;
                        for (var r : reader.poll(timeout)) {
                            records.add(new String(r.value(), StandardCharsets.UTF_8));
                            n++;
                        }
                        return n;
                    });
            assertThat(records).hasSize(1);
            assertThat(
                            new RequestJsonCodec()
                                    .parse(records.get(0).getBytes(StandardCharsets.UTF_8)))
                    .matches(RecommendationRequest::isForget)
                    .matches(r -> r.userId().equals("alice"));
        }
    }

    private static HttpResponse<String> forget(URI base, String user, String token)
            throws Exception {
        return send(
                HttpRequest.newBuilder(base.resolve("/admin/forget/" + user))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                token);
    }

    private static String event(String user) {
        return "{\"eventId\":\"e-"
                + user
                + "\",\"userId\":\""
                + user
                + "\",\"itemId\":\"i1\",\"type\":\"click\",\"timestamp\":"
                + System.currentTimeMillis()
                + "}";
    }

    private static HttpResponse<String> get(URI base, String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), token);
    }

    private static HttpResponse<String> post(URI base, String body, String token) throws Exception {
        return send(
                HttpRequest.newBuilder(base.resolve("/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                token);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String token)
            throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient()
                .send(
                        request.timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
