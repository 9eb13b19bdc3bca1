package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.gateway.GatewayOptions;
import io.streamrec.gateway.GatewayServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with {@code gateway.tls.*} and the certificate deploy/gateway-tls.sh makes, against a
 * real broker (no job: a recommendation request times out, 504, which shows it was routed): it
 * serves HTTPS to a client that trusts the certificate and nothing to plain HTTP or to a client
 * that does not.
 */
class GatewayTlsITCase {
    @RegisterExtension static final GatewayBroker BROKER = new GatewayBroker();

    @Test
    void theGatewaySpeaksHttpsWithTheScriptsCertificate(@TempDir Path dir) throws Exception {
        Path tls = dir.resolve("gateway-tls");
        makeCertificate(tls);
        Configuration conf = BROKER.gatewayConf("tls");
        conf.set(GatewayOptions.REQUEST_TIMEOUT, Duration.ofMillis(300));
        conf.set(GatewayOptions.TLS_KEYSTORE, tls.resolve("gateway.p12").toString());
        conf.set(
                GatewayOptions.TLS_KEYSTORE_PASSWORD_FILE,
                tls.resolve("gateway.password").toString());
        GatewayOptions.validate(conf);
        try (GatewayServer gateway = new GatewayServer(conf)) {
            URI base = gateway.uri();
            assertThat(base.getScheme()).isEqualTo("https");
            HttpClient trusting = client(trusting(tls.resolve("ca.pem")));

            assertThat(get(trusting, base.resolve("/health")).statusCode()).isEqualTo(200);
            assertThat(get(trusting, base.resolve("/recommendations/u1")).statusCode())
                    .isEqualTo(504);
            assertThatThrownBy(() -> get(client(SSLContext.getDefault()), base.resolve("/health")))
                    .isInstanceOf(SSLHandshakeException.class);
            URI plain = URI.create("http://" + base.getAuthority() + "/health");
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), plain))
                    .as("plain HTTP gets no answer")
                    .isInstanceOf(IOException.class);
        }
    }

    /** Runs deploy/gateway-tls.sh, as deploy/security-smoke.sh does. */
    private static void makeCertificate(Path dir) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("deploy/gateway-tls.sh"))) {
            root = root.getParent();
        }
        Process p =
                new ProcessBuilder("bash", "deploy/gateway-tls.sh", dir.toString())
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("deploy/gateway-tls.sh: " + output)
                .isTrue();
        assertThat(output).contains("-Dgateway.tls.keystore=" + dir.resolve("gateway.p12"));
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trusted.setCertificateEntry(
                    "gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
