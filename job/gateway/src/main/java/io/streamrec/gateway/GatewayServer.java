package io.streamrec.gateway;

import static io.streamrec.gateway.Exchange.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.lifecycle.CloseAll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge of streamrec: it starts and stops the gateway's threads and routes each request.
 *
 * <ul>
 *   <li>{@code POST /events}: {@link EventsEndpoint}.
 *   <li>{@code GET /recommendations/{userId}?k=10}: {@link RecommendationsEndpoint}, answered from
 *       the results topic by the {@link ResultsListener}.
 *   <li>{@code POST /admin/forget/{userId}} (admin scope): {@link ForgetEndpoint}.
 *   <li>{@code GET /health}: 200 {@code {"status":"ok"}}; 503 if the results reader stopped.
 * </ul>
 *
 * <p>Paths match as sent, only a user id is percent-decoded. Methods other than GET and POST get
 * 405 before routing ({@link HttpConnection}).
 *
 * <p>Limits ({@link GatewayOptions}): 408 for a request not fully received within {@code
 * gateway.read-timeout} of its first byte; 413 for a body over {@code gateway.max-body}, refused by
 * its Content-Length and the connection closed unread; a body read only for {@code POST /events}
 * from a client that may write events ({@link #readsBody}), any other request with one answered on
 * its head and its connection closed; 503 with Retry-After when {@code
 * gateway.max-pending-requests} requests wait or the worker queue is full; 429 with Retry-After
 * over {@code gateway.user-rate} (per user id asked for) or {@code gateway.client-rate} (per
 * client, on every route but {@code /health}: see {@link ClientIdentity#rateLimitKey}).
 *
 * <p>On Netty rather than the JDK's {@code com.sun.net.httpserver}: that server reads request heads
 * on its executor threads, so a few clients trickling header bytes hold every thread and {@code
 * /health} goes unanswered, and it has no read or idle timeouts to set. Netty's event loops read
 * heads and bodies as bytes arrive and never block; a waiting request is a future and a timer, not
 * a thread; the body limit applies to the Content-Length before the body is read; idle and read
 * deadlines are handlers. {@code /health} is answered on the event loop, never queued behind
 * request work, which runs on a bounded worker pool.
 *
 * <p>With {@code gateway.tls.keystore} it speaks only HTTPS ({@link GatewayTls}): TLS is the first
 * handler after the connection count, so every limit above applies to the decrypted request, and a
 * client that stalls in the handshake is closed after {@code gateway.tls.handshake-timeout}.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENTS_PATH = "/events";
    private static final String RECOMMENDATIONS_PATH = "/recommendations/";
    private static final String FORGET_PATH = "/admin/forget/";

    /** How often the results topic's partitions are listed again for partitions added since. */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final GatewaySettings settings;
    private final ClientIdentity identity;

    /** Null when no keystore is set: plain HTTP. */
    private final GatewayTls tls;

    private final KafkaSender sender;
    private final ResultsListener results;
    private final ThreadPoolExecutor workers;
    private final EventsEndpoint events;
    private final RecommendationsEndpoint recommendations;
    private final ForgetEndpoint forget;
    private final ConnectionCount connections;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final Channel server;

    /** The gateway's Kafka clients, made once the options are read; tests give their own. */
    interface KafkaClients {
        Producer<byte[], byte[]> producer(Properties props);

        /** A reader of every partition of {@code topic}, from its end, that reads uncommitted. */
        Consumer<byte[], byte[]> resultsReader(Properties props, String topic);
    }

    private static final KafkaClients KAFKA =
            new KafkaClients() {
                @Override
                public Producer<byte[], byte[]> producer(Properties props) {
                    return new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer());
                }

                @Override
                public Consumer<byte[], byte[]> resultsReader(Properties props, String topic) {
                    // read uncommitted so that an answer does not wait for the job's next
                    // checkpoint when results are transactional
                    return CommittedReader.open(
                            props, topic, false, IsolationLevel.READ_UNCOMMITTED);
                }
            };

    /**
     * Reads the options ({@link GatewaySettings}), failing with an {@link IllegalArgumentException}
     * that names an out-of-range one, and starts the gateway.
     */
    public GatewayServer(ReadableConfig conf) throws IOException {
        this(conf, KAFKA, Duration.ofSeconds(KafkaSender.SEND_TIMEOUT_SECONDS), PARTITION_CHECK);
    }

    /**
     * @param sendTimeout how long a write to Kafka (events, a forget) may take before its client
     *     gets 503
     * @param partitionCheck how often the results topic is looked at for partitions added since
     */
    GatewayServer(
            ReadableConfig conf, KafkaClients kafka, Duration sendTimeout, Duration partitionCheck)
            throws IOException {
        this(GatewaySettings.from(conf), kafka, sendTimeout, partitionCheck);
    }

    private GatewayServer(
            GatewaySettings settings,
            KafkaClients kafka,
            Duration sendTimeout,
            Duration partitionCheck)
            throws IOException {
        this.settings = settings;
        this.identity = ClientIdentity.from(settings);
        // what is made so far, the last first: closed if the start fails (a caller retrying it
        // would leak a producer, a TLS pool and threads each time)
        Deque<AutoCloseable> made = new ArrayDeque<>();
        try {
            // before Kafka: a bad keystore leaks no client
            this.tls = settings.tls() == null ? null : GatewayTls.open(settings.tls());
            if (tls != null) {
                made.push(tls);
            }
            JobUserNames users = JobUserNames.from(settings.userIdKeyFile());
            sender =
                    new KafkaSender(
                            kafka.producer(KafkaSender.producerProperties(settings.kafka())));
            made.push(sender);
            String resultsTopic = settings.topics().results();
            Consumer<byte[], byte[]> reader =
                    kafka.resultsReader(settings.kafka().toProperties(), resultsTopic);
            made.push(reader); // until the listener's thread, which closes it, runs
            ResultsListener listener =
                    new ResultsListener(reader, resultsTopic, partitionCheck, users);
            listener.start();
            made.pop();
            made.push(
                    () -> {
                        listener.stop();
                        listener.close();
                    });
            results = listener;
            ThreadPoolExecutor pool = newWorkerPool(settings);
            made.push(pool::shutdownNow);
            workers = pool;
            events = new EventsEndpoint(settings, sendTimeout, workers, identity, sender);
            recommendations = new RecommendationsEndpoint(settings, workers, sender, results);
            forget = new ForgetEndpoint(settings, sendTimeout, workers, sender, users);
            connections =
                    new ConnectionCount(
                            settings.connections().maxConnections(),
                            settings.connections().maxConnectionsPerAddress());
            acceptor = eventLoops(1, "gateway-accept", made);
            io = eventLoops(settings.ioThreads(), "gateway-io", made);
            server = bind();
        } catch (IOException | RuntimeException | Error e) {
            CloseAll.closeAfter(e, made.toArray(AutoCloseable[]::new));
            throw e;
        }
        LOG.info(
                "Gateway listening on {}{}",
                uri(),
                tls == null ? " (plain HTTP: no gateway.tls.keystore)" : "");
    }

    /** Event loops of {@code threads} daemon threads, shut down with what was made if need be. */
    private static EventLoopGroup eventLoops(int threads, String name, Deque<AutoCloseable> made) {
        EventLoopGroup loops = new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true));
        made.push(() -> shutDown(loops));
        return loops;
    }

    private static void shutDown(EventLoopGroup loops) {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ThreadPoolExecutor newWorkerPool(GatewaySettings settings) {
        return new ThreadPoolExecutor(
                settings.workerThreads(),
                settings.workerThreads(),
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.workQueue()),
                new DefaultThreadFactory("gateway-worker", true));
    }

    /** Routes whole requests, and reads only the bodies of {@link #readsBody}. */
    private final HttpConnection.Router router =
            new HttpConnection.Router() {
                @Override
                public void handle(FullHttpRequest request, Exchange exchange) {
                    route(request, exchange);
                }

                @Override
                public boolean readsBody(HttpRequest head) {
                    return GatewayServer.this.readsBody(head);
                }
            };

    /**
     * Whether the body {@code head} announces is read, and so takes its share of {@code
     * gateway.bodies-in-flight} until routed: only for {@code POST /events} by a client that may
     * write events. Another route takes no body, and a head without such a token would be refused
     * anyway (401 or 403): were its body read, heads that never send theirs would hold the budget
     * of every client with a token. Any other head is routed alone, as it would be with its body.
     */
    private boolean readsBody(HttpRequest head) {
        if (!HttpMethod.POST.equals(head.method())
                || !new QueryStringDecoder(head.uri()).rawPath().equals(EVENTS_PATH)) {
            return false;
        }
        AccessTokens.Grant grant = identity.grant(head);
        return grant != null && grant.allows(AccessTokens.Scope.EVENTS_WRITE);
    }

    private Channel bind() throws IOException {
        GatewaySettings.ConnectionLimits limits = settings.connections();
        HttpConnection.Limits connectionLimits =
                new HttpConnection.Limits(
                        limits.readTimeout().toMillis(),
                        limits.idleTimeout().toMillis(),
                        limits.maxBodyBytes(),
                        new BodyBudget(limits.bodiesInFlightBytes()));
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(acceptor, io)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        HttpConnection.initialize(
                                                ch, router, connections, connectionLimits);
                                        if (tls != null) {
                                            tls.addTo(ch.pipeline());
                                        }
                                    }
                                });
        try {
            return bootstrap.bind(settings.host(), settings.port()).sync().channel();
        } catch (Exception e) {
            // the constructor closes what was made
            throw new IOException("gateway could not listen: " + e.getMessage(), e);
        }
    }

    /** Whether the results reader has ended, waiting for it up to {@code within}; for tests. */
    boolean resultsReaderEnded(Duration within) throws InterruptedException {
        return results.ended(within);
    }

    public URI uri() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        String scheme = tls == null ? "http" : "https";
        return URI.create(scheme + "://" + a.getHostString() + ":" + a.getPort());
    }

    /**
     * Answers a whole request; runs on an event loop, so anything that may block goes to a worker.
     */
    private void route(FullHttpRequest request, Exchange ex) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        // routed as sent: decoded, /admin%2Fforget/u1 was a forget; only a user id is decoded
        String path = uri.rawPath();
        if (path.equals("/health")) {
            if (!HttpMethod.GET.equals(request.method())) {
                ex.sendMethodNotAllowed("GET", error("use GET"));
                return;
            }
            // liveness probes carry no token; the details (the brokers' addresses, the load) only
            // to an admin, or to anyone when there are no tokens
            handleHealth(ex, identity.isAdmin(request));
            return;
        }
        AccessTokens.Grant grant = identity.grant(request);
        TrustedProxies.ClientAddress from = identity.address(request, ex);
        String client = identity.rateLimitKey(grant, from.client());
        if (identity.overRate(client, ex)) {
            return; // a batch's other events are charged once it is split (EventsEndpoint)
        }
        if (grant == null) {
            ex.sendUnauthorized(error("a known bearer token is required"));
            return;
        }
        if (path.startsWith(RECOMMENDATIONS_PATH)) {
            String userId = userId(path, RECOMMENDATIONS_PATH);
            recommendations.handle(request.method(), userId, uri, grant, ex);
        } else if (path.equals(EVENTS_PATH)) {
            events.handle(request, grant, client, ex);
        } else if (path.startsWith(FORGET_PATH)) {
            forget.handle(request.method(), userId(path, FORGET_PATH), grant, from, ex);
        } else {
            ex.send(404, error("no such resource: " + path));
        }
    }

    /** The percent-decoded rest of {@code rawPath} after {@code prefix}: the user id asked for. */
    private static String userId(String rawPath, String prefix) {
        return QueryStringDecoder.decodeComponent(rawPath.substring(prefix.length()));
    }

    private void handleHealth(Exchange ex, boolean details) {
        ObjectNode out = MAPPER.createObjectNode();
        if (!results.isAlive()) {
            out.put("status", ResultsListener.STOPPED);
            ex.send(503, out.toString());
            return;
        }
        out.put("status", "ok");
        if (!details) {
            ex.send(200, out.toString());
            return;
        }
        out.put("kafka", settings.kafka().bootstrapServers());
        out.put("waiting_requests", recommendations.waiting());
        out.put("connections", connections.open());
        out.put("queued_work", workers.getQueue().size());
        ex.send(200, out.toString());
    }

    /**
     * Stops, in this order: the results reader's loop (it ends after the poll in progress), the
     * listening socket, the event loops, the workers, the TLS handshakes, the results reader's poll
     * (woken up, it closes its consumer), and the producer.
     */
    @Override
    public void close() {
        results.stop();
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        shutDown(acceptor);
        shutDown(io);
        workers.shutdownNow();
        if (tls != null) {
            tls.close();
        }
        results.close();
        sender.close();
    }
}
