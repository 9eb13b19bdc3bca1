package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForgetEndpointTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TrustedProxies.ClientAddress LOCAL =
            new TrustedProxies.ClientAddress(
                    InetAddress.getLoopbackAddress(), InetAddress.getLoopbackAddress());

    /**
     * An admin's forget turned away because the workers' queue is full is an attempt like any
     * other: it gets its audit line ("busy", written on the calling thread since the queue takes
     * nothing) and its 503, and nothing goes to Kafka. Until 2026-12-07 it got the 503 alone, and
     * the log had no trace of it.
     */
    @Test
    void anAdminForgetTurnedAwayBusyIsAudited(@TempDir Path dir) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Configuration conf = new Configuration();
        conf.set(GatewayOptions.AUDIT_LOG, audit.toString());
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Executor full =
                task -> {
                    throw new RejectedExecutionException("full");
                };
        ForgetEndpoint endpoint =
                new ForgetEndpoint(
                        GatewaySettings.from(conf),
                        Duration.ofSeconds(5),
                        full,
                        new KafkaSender(producer),
                        JobUserNames.from(null));
        EmbeddedChannel channel = new EmbeddedChannel();
        AccessTokens.Grant admin =
                new AccessTokens.Grant(Set.of(AccessTokens.Scope.ADMIN), null, "token:admin");

        endpoint.handle(HttpMethod.POST, "u1", admin, LOCAL, new Exchange(channel, true, () -> {}));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(503);
            assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        } finally {
            ReferenceCountUtil.release(response);
        }
        assertThat(producer.history()).isEmpty();
        assertThat(audit).exists();
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).hasSize(1);
        JsonNode line = MAPPER.readTree(lines.get(0));
        assertThat(line.get("result").asText()).isEqualTo("busy");
        assertThat(line.get("action").asText()).isEqualTo("forget");
        assertThat(line.get("user").asText()).isEqualTo("u1");
        assertThat(line.get("who").asText()).isEqualTo("token:admin");
        assertThat(line.get("requestId").asText()).startsWith("forget-");
    }
}
