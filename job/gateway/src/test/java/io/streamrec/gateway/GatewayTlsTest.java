package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's connection pipeline ({@link HttpConnection}) behind {@link GatewayTls}, on an
 * ephemeral port, answering 200 to every whole request: HTTPS works for a client that trusts the
 * certificate and for no other, plain HTTP gets no answer, a stalled handshake is closed after the
 * handshake timeout, and the read timeout still applies to the decrypted request.
 */
class GatewayTlsTest {
    @TempDir static Path dir;
    private static TestCertificate server;
    private static TestCertificate client;

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private Channel listening;
    private GatewayTls tls;

    @BeforeAll
    static void makeCertificates() throws Exception {
        server = TestCertificate.make(dir, "gateway");
        client = TestCertificate.make(dir, "client");
    }

    @AfterEach
    void stop() {
        if (listening != null) {
            listening.close().syncUninterruptibly();
            tls.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aClientThatTrustsTheCertificateGetsAnAnswer() throws Exception {
        URI uri = start(tlsOptions());

        HttpResponse<String> health = get(uri, server.trustedBy(null));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        URI uri = start(tlsOptions());

        assertThatThrownBy(() -> get(uri, SSLContext.getDefault()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoHttpAnswer() throws Exception {
        URI uri = start(tlsOptions());

        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write(
                            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                                    .getBytes(StandardCharsets.UTF_8));

            String answer =
                    new String(readToEnd(socket.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotContain("HTTP/1.1");
        }
    }

    @Test
    void aClientThatStallsInTheHandshakeIsClosedAfterTheHandshakeTimeout() throws Exception {
        Configuration conf = tlsOptions();
        conf.set(GatewayOptions.TLS_HANDSHAKE_TIMEOUT, Duration.ofMillis(300));
        URI uri = start(conf); // read (10 s) and idle (30 s) timeouts far beyond the socket's

        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(0x16); // the first byte of a ClientHello, and no more

            assertThat(socket.getInputStream().read()).as("closed, nothing sent").isEqualTo(-1);
        }
    }

    @Test
    void aRequestTrickledOverTlsGets408AfterTheReadTimeout() throws Exception {
        Configuration conf = tlsOptions();
        conf.set(GatewayOptions.READ_TIMEOUT, Duration.ofMillis(300));
        URI uri = start(conf);

        SSLContext context = server.trustedBy(null);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            socket.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();

            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void clientAuthNeedAnswersOnlyAClientWithATrustedCertificate() throws Exception {
        Configuration conf = tlsOptions();
        conf.set(GatewayOptions.TLS_CLIENT_AUTH, GatewayOptions.ClientAuth.NEED);
        conf.set(GatewayOptions.TLS_TRUSTSTORE, client.pem().toString());
        URI uri = start(conf);

        assertThat(get(uri, server.trustedBy(client)).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(uri, server.trustedBy(null))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(uri, server.trustedBy(server)))
                .as("a certificate the truststore does not hold")
                .isInstanceOf(IOException.class);
    }

    @Test
    void aWrongKeystorePasswordFailsNamingTheKeystore() throws Exception {
        Configuration conf = tlsOptions();
        conf.set(GatewayOptions.TLS_KEYSTORE_PASSWORD_FILE, client.passwordFile().toString());

        assertThatThrownBy(() -> GatewayTls.open(GatewayTls.Settings.from(conf)).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gateway.tls.keystore " + server.keystore());
    }

    @Test
    void withoutAKeystoreThereIsNoTls() throws Exception {
        assertThat(GatewayTls.Settings.from(new Configuration())).isNull();
    }

    private static Configuration tlsOptions() {
        Configuration conf = new Configuration();
        conf.set(GatewayOptions.TLS_KEYSTORE, server.keystore().toString());
        conf.set(GatewayOptions.TLS_KEYSTORE_PASSWORD_FILE, server.passwordFile().toString());
        return conf;
    }

    /** The gateway's pipeline with TLS, answering every whole request with 200. */
    private URI start(Configuration conf) throws Exception {
        GatewayOptions.validate(conf);
        tls = GatewayTls.open(GatewayTls.Settings.from(conf));
        HttpConnection.Limits limits =
                new HttpConnection.Limits(
                        conf.get(GatewayOptions.READ_TIMEOUT).toMillis(),
                        conf.get(GatewayOptions.IDLE_TIMEOUT).toMillis(),
                        1 << 20,
                        new BodyBudget(1L << 30));
        ConnectionCount count = new ConnectionCount(100);
        listening =
                new ServerBootstrap()
                        .group(loop)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        HttpConnection.initialize(
                                                ch,
                                                (request, ex) ->
                                                        ex.send(200, "{\"status\":\"ok\"}"),
                                                count,
                                                limits);
                                        tls.addTo(ch.pipeline());
                                    }
                                })
                        .bind("127.0.0.1", 0)
                        .sync()
                        .channel();
        InetSocketAddress address = (InetSocketAddress) listening.localAddress();
        return URI.create("https://127.0.0.1:" + address.getPort());
    }

    private static HttpResponse<String> get(URI base, SSLContext context) throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(context)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        return http.send(
                HttpRequest.newBuilder(base.resolve("/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (java.net.SocketException reset) {
            return new byte[0]; // a reset instead of a close: no answer either
        }
    }
}
