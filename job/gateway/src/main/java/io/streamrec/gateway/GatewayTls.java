package io.streamrec.gateway;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The gateway's HTTPS: the key and certificate from a PKCS12 keystore whose password is read from a
 * file, optionally client certificates checked against a PEM truststore. A connection that has not
 * completed its handshake within {@code gateway.tls.handshake-timeout} is closed, so a client that
 * connects and stalls holds a connection slot, never an event loop, and not for long. The
 * handshake's key exchange and signature run on their own threads, not on the event loops, so that
 * a burst of new connections does not hold up {@code /health} or the answers of open ones.
 */
final class GatewayTls implements AutoCloseable {
    /** The handler's name in a connection's pipeline, right after the connection count. */
    static final String HANDLER = "tls";

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext context;
    private final long handshakeTimeoutMillis;

    /**
     * Runs the handshakes' delegated tasks. Unbounded queue, but bounded in fact: a connection has
     * at most one task at a time, and there are at most gateway.max-connections.
     */
    private final ExecutorService handshakes;

    private GatewayTls(SslContext context, long handshakeTimeoutMillis, int threads) {
        this.context = context;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.handshakes =
                Executors.newFixedThreadPool(
                        threads, new DefaultThreadFactory("gateway-tls", true));
    }

    /**
     * What {@link #open} needs, read from the {@code gateway.tls.*} options.
     *
     * @param truststore the client certificates' CAs; null when {@code clientAuth} is NONE
     * @param threads the handshakes' threads: as many as the event loops
     */
    record Settings(
            Path keystore,
            Path passwordFile,
            GatewayOptions.ClientAuth clientAuth,
            Path truststore,
            Duration handshakeTimeout,
            int threads) {

        /** The TLS settings; null when {@code gateway.tls.keystore} is unset (plain HTTP). */
        static Settings from(ReadableConfig conf) {
            String keystore = conf.getOptional(GatewayOptions.TLS_KEYSTORE).orElse("");
            if (keystore.isBlank()) {
                return null;
            }
            GatewayOptions.ClientAuth auth = conf.get(GatewayOptions.TLS_CLIENT_AUTH);
            return new Settings(
                    Path.of(keystore),
                    Path.of(
                            conf.getOptional(GatewayOptions.TLS_KEYSTORE_PASSWORD_FILE)
                                    .orElseThrow()),
                    auth,
                    auth == GatewayOptions.ClientAuth.NONE
                            ? null
                            : Path.of(conf.get(GatewayOptions.TLS_TRUSTSTORE)),
                    conf.get(GatewayOptions.TLS_HANDSHAKE_TIMEOUT),
                    conf.get(GatewayOptions.IO_THREADS));
        }
    }

    /** Reads the keystore (and truststore) and starts the handshakes' threads. */
    static GatewayTls open(Settings settings) throws IOException {
        char[] password = readPassword(settings.passwordFile());
        SslContextBuilder builder =
                SslContextBuilder.forServer(keyManagers(settings.keystore(), password))
                        .sslProvider(SslProvider.JDK)
                        .protocols(PROTOCOLS);
        GatewayOptions.ClientAuth auth = settings.clientAuth();
        if (auth != GatewayOptions.ClientAuth.NONE) {
            builder.clientAuth(
                            auth == GatewayOptions.ClientAuth.NEED
                                    ? ClientAuth.REQUIRE
                                    : ClientAuth.OPTIONAL)
                    .trustManager(settings.truststore().toFile());
        }
        return new GatewayTls(
                builder.build(), settings.handshakeTimeout().toMillis(), settings.threads());
    }

    /** Puts TLS first in a new connection's pipeline, after the connection count. */
    void addTo(ChannelPipeline pipeline) {
        SslHandler handler = context.newHandler(pipeline.channel().alloc(), handshakes);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        pipeline.addAfter(HttpConnection.COUNT, HANDLER, handler);
    }

    @Override
    public void close() {
        handshakes.shutdownNow();
    }

    /** The file's first line: a password file written with echo ends in a newline. */
    private static char[] readPassword(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.strip().toCharArray();
    }

    private static KeyManagerFactory keyManagers(Path keystore, char[] password)
            throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory factory =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("gateway.tls.keystore " + keystore + ": " + e.getMessage(), e);
        }
    }
}
