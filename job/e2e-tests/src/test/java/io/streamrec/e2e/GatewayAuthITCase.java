package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.gateway.GatewayOptions;
import io.streamrec.gateway.GatewayServer;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.job.TopicSetup;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

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
        Configuration conf = new Configuration();
        conf.set(StreamrecOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        for (var topic : StreamrecOptions.TOPICS) {
            conf.set(topic, "auth-" + topic.defaultValue());
        }
        conf.set(GatewayOptions.PORT, 0);
        conf.set(GatewayOptions.TOKENS_FILE, tokens.toString());
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofMillis(300));
        TopicSetup.createTopics(conf, 1, 1);
        try (GatewayServer gateway = new GatewayServer(conf)) {
            URI base = gateway.uri();
            String event = event("bob");

            HttpResponse<String> anonymous = get(base, "/recommendations/alice", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(post(base, event, null).statusCode()).isEqualTo(401);
            assertThat(get(base, "/recommendations/alice", "not-a-token").statusCode())
                    .isEqualTo(401);
            assertThat(get(base, "/health", null).statusCode()).isEqualTo(200);

            // alice's token reads alice, not bob; the writer's token reads nobody
            assertThat(get(base, "/recommendations/alice", ALICE).statusCode()).isEqualTo(504);
            assertThat(get(base, "/recommendations/bob", ALICE).statusCode()).isEqualTo(403);
            assertThat(get(base, "/recommendations/bob", WRITER).statusCode()).isEqualTo(403);

            // the writer writes anyone's events; alice's token only hers, all or nothing
            assertThat(post(base, event, WRITER).statusCode()).isEqualTo(202);
            assertThat(post(base, "[" + event("alice") + "," + event + "]", ALICE).statusCode())
                    .isEqualTo(403);
            assertThat(post(base, event("alice"), ALICE).statusCode()).isEqualTo(202);
        }
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
