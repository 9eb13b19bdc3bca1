package io.streamrec.gateway;

import static io.streamrec.gateway.Exchange.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.streamrec.feeds.CommittedReader;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.EventTimeGuard;
import io.streamrec.ingest.InvalidRecordException;
import io.streamrec.ingest.RecordParser;
import io.streamrec.ingest.RequestJsonCodec;
import io.streamrec.ingest.UserPseudonyms;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge of streamrec:
 *
 * <ul>
 *   <li>{@code POST /events}: one event object or an array of them; valid ones go to the events
 *       topic. 202 {@code {"accepted":n}} when all are valid, else 400 with {@code "rejected":
 *       [{"index","reason","detail"}]} (the valid ones are still accepted); 503 when Kafka has not
 *       confirmed them within {@code sendTimeout} of the first send, or a send failed.
 *   <li>{@code GET /recommendations/{userId}?k=10}: produces a request and waits for its result up
 *       to {@code gateway.request-timeout}; 200 with the result, 504 on timeout, 400 for a bad user
 *       id or k, 503 if the results reader stopped. Results are read uncommitted, as soon as
 *       serving writes them: an answer is a read of the model and needs no commit, and a requestId
 *       answered twice (after a failover) is answered with the first.
 *   <li>{@code POST /admin/forget/{userId}} (admin scope): a forget request for the user on the
 *       requests topic, recorded in {@code gateway.audit-log}; 202 {@code {"requestId"}}.
 *   <li>{@code GET /health}: 200 {@code {"status":"ok"}}; 503 if the results reader stopped.
 * </ul>
 *
 * <p>Paths match as sent, only a user id is percent-decoded. Methods other than GET and POST get
 * 405 before routing ({@link HttpConnection}).
 *
 * <p>Limits ({@link GatewayOptions}): 408 for a request not fully received within {@code
 * gateway.read-timeout} of its first byte; 413 for a body over {@code gateway.max-body}, refused by
 * its Content-Length and the connection closed unread; 503 with Retry-After when {@code
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
    private static final String READER_STOPPED = "results reader stopped; see the gateway log";

    private final GatewaySettings settings;
    private final KafkaSender sender;
    private final Consumer<byte[], byte[]> results;

    /** How long a write to Kafka (events, a forget) may take before its client gets 503. */
    private final Duration sendTimeout;

    /** How often the results topic's partitions are listed again for partitions added since. */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final Duration partitionCheck;
    private final Thread resultReader;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final RateLimiter userLimiter;

    /**
     * Refused admin attempts a token may make: each is an audit line (fsynced when the log is on)
     * on the shared worker pool, so a token without the scope calling in a loop would grow the log
     * without end and fill the pool everyone's requests share. Beyond {@value #REFUSALS_PER_SECOND}
     * a second (bursts of {@value #REFUSAL_BURST}) an attempt gets 429, unaudited, unprocessed.
     */
    private final RateLimiter refusals =
            new RateLimiter(REFUSALS_PER_SECOND, REFUSAL_BURST, REFUSING_TOKENS);

    static final int REFUSALS_PER_SECOND = 1;
    static final int REFUSAL_BURST = 10;
    private static final int REFUSING_TOKENS = 10_000;

    private final AuditLog auditLog;
    private final UnaryOperator<String> asTheJobNamesUsers;

    /** What {@code UserPseudonyms} makes: {@code p-} and 22 base64url characters. */
    private static final Pattern PSEUDONYM = Pattern.compile("p-[A-Za-z0-9_-]{22}");

    private final ClientIdentity identity;
    private final EventJsonCodec events = new EventJsonCodec();
    private final EventTimeGuard<UserEvent> timeGuard;
    private final ThreadPoolExecutor workers;
    private final HttpConnection.ConnectionCount connections;

    /** Null when no keystore is set: plain HTTP. */
    private final GatewayTls tls;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final Channel server;
    private volatile boolean running = true;

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
        this.sendTimeout = sendTimeout;
        this.partitionCheck = partitionCheck;
        this.timeGuard =
                new EventTimeGuard<>(
                        UserEvent::timestamp, settings.maxFuture().toMillis(), Long.MAX_VALUE / 4);
        this.identity = ClientIdentity.from(settings);
        // before Kafka: a bad keystore leaks no client
        this.tls = settings.tls() == null ? null : GatewayTls.open(settings.tls());
        this.auditLog = new AuditLog(settings.auditLog());
        this.asTheJobNamesUsers = asTheJobNamesUsers(settings.userIdKeyFile());
        this.userLimiter = settings.userRate().newLimiter();
        sender = new KafkaSender(kafka.producer(KafkaSender.producerProperties(settings.kafka())));
        // only results of requests made from now on matter
        results = kafka.resultsReader(settings.kafka().toProperties(), settings.topics().results());
        resultReader = new Thread(this::readResults, "gateway-results");
        resultReader.setDaemon(true);
        resultReader.start();
        workers = newWorkerPool(settings);
        connections = new HttpConnection.ConnectionCount(settings.connections().maxConnections());
        acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("gateway-accept", true));
        io =
                new NioEventLoopGroup(
                        settings.ioThreads(), new DefaultThreadFactory("gateway-io", true));
        server = bind();
        LOG.info(
                "Gateway listening on {}{}",
                uri(),
                tls == null ? " (plain HTTP: no gateway.tls.keystore)" : "");
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

    private Channel bind() throws IOException {
        GatewaySettings.ConnectionLimits limits = settings.connections();
        HttpConnection.Limits connectionLimits =
                new HttpConnection.Limits(
                        limits.readTimeout().toMillis(),
                        limits.idleTimeout().toMillis(),
                        limits.maxBodyBytes(),
                        new HttpConnection.BodyBudget(limits.bodiesInFlightBytes()));
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
                                                ch,
                                                GatewayServer.this::route,
                                                connections,
                                                connectionLimits);
                                        if (tls != null) {
                                            tls.addTo(ch.pipeline());
                                        }
                                    }
                                });
        try {
            return bootstrap.bind(settings.host(), settings.port()).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException("gateway could not listen: " + e.getMessage(), e);
        }
    }

    /** Whether the results reader has ended, waiting for it up to {@code within}; for tests. */
    boolean resultsReaderEnded(Duration within) throws InterruptedException {
        resultReader.join(within.toMillis());
        return !resultReader.isAlive();
    }

    public URI uri() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        String scheme = tls == null ? "http" : "https";
        return URI.create(scheme + "://" + a.getHostString() + ":" + a.getPort());
    }

    private void readResults() {
        try {
            long lastPartitionCheck = System.nanoTime();
            while (running) {
                if (System.nanoTime() - lastPartitionCheck >= partitionCheck.toNanos()) {
                    assignAddedPartitions();
                    lastPartitionCheck = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        // the job writes none, but anyone who may write the topic can
                        LOG.warn("Result without a value at offset {}: skipped", r.offset());
                        continue;
                    }
                    try {
                        JsonNode result = MAPPER.readTree(r.value());
                        String requestId = result.path("requestId").asText();
                        Pending p = pending.get(requestId);
                        if (p != null && isFor(result, p.userId(), r.offset())) {
                            String answer = asAskedFor(result, r.value(), p.userId());
                            pending.remove(requestId, p);
                            p.result().complete(answer);
                        }
                    } catch (IOException | RuntimeException e) {
                        // one record, whatever is wrong with it, must not end the reader
                        LOG.warn("Unreadable result at offset {}: {}", r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The results reader stopped: recommendation requests now get 503", e);
        } finally {
            results.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Assigns the partitions added to the results topic since the last look, from their beginning
     * (results written there since are for requests waiting now), as serving's request fetcher does
     * ({@link CommittedReader#assignAddedPartitions}). A listing that fails (no broker answers, an
     * authorization error) is tried again at the next look, rather than ending the reader.
     */
    private void assignAddedPartitions() {
        String topic = settings.topics().results();
        try {
            List<TopicPartition> added =
                    CommittedReader.assignAddedPartitions(results, topic, Duration.ofSeconds(10));
            if (!added.isEmpty()) {
                LOG.info("Reading partitions {} added to {}, from their beginning", added, topic);
            }
        } catch (WakeupException e) {
            throw e; // closing
        } catch (KafkaException e) {
            LOG.warn("Could not list the partitions of {}: {}", topic, e.toString());
        }
    }

    /** A request waiting for its result: the user it asked for and the answer to come. */
    private record Pending(String userId, CompletableFuture<String> result) {}

    /**
     * Whether a result carrying a waiting request's id answers that request's user, or the user's
     * pseudonym (checked exactly with the job's key; without it, any pseudonym passes, since a job
     * with {@code privacy.user-id-key-file} names every user by one). Anyone who may write the
     * results topic could send another user's items under a waiting id; such a result is skipped,
     * and the request waits on for its own.
     */
    private boolean isFor(JsonNode result, String userId, long offset) {
        String answered = result.path("userId").asText();
        boolean pseudonym =
                settings.userIdKeyFile() != null
                        ? answered.equals(asTheJobNamesUsers.apply(userId))
                        : PSEUDONYM.matcher(answered).matches();
        if (answered.equals(userId) || pseudonym) {
            return true;
        }
        LOG.warn(
                "Result {} at offset {} is not for the user its request asked for: skipped",
                result.path("requestId").asText(),
                offset);
        return false;
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
        boolean batch = grant != null && path.equals("/events");
        if (!batch && identity.overRate(client, ex, 1)) {
            return; // a batch is admitted by its cost once split (acceptEvents)
        }
        if (grant == null) {
            ex.sendUnauthorized(error("a known bearer token is required"));
            return;
        }
        if (path.startsWith(RECOMMENDATIONS_PATH)) {
            String userId = userId(path, RECOMMENDATIONS_PATH);
            handleRecommendations(request.method(), userId, uri, grant, ex);
        } else if (path.equals("/events")) {
            handleEvents(request, grant, client, ex);
        } else if (path.startsWith(FORGET_PATH)) {
            handleForget(request.method(), userId(path, FORGET_PATH), grant, from, ex);
        } else {
            ex.send(404, error("no such resource: " + path));
        }
    }

    private static final String RECOMMENDATIONS_PATH = "/recommendations/";
    private static final String FORGET_PATH = "/admin/forget/";

    /** The percent-decoded rest of {@code rawPath} after {@code prefix}: the user id asked for. */
    private static String userId(String rawPath, String prefix) {
        return QueryStringDecoder.decodeComponent(rawPath.substring(prefix.length()));
    }

    /**
     * {@code POST /admin/forget/{userId}} (the {@code admin} scope): puts a forget request for the
     * user on the requests topic and records the action in the audit log; 202 once both are
     * written, with the request id. The job erases the user within the checkpoint that follows.
     */
    private void handleForget(
            HttpMethod method,
            String userId,
            AccessTokens.Grant grant,
            TrustedProxies.ClientAddress from,
            Exchange ex) {
        if (!HttpMethod.POST.equals(method)) {
            ex.sendMethodNotAllowed("POST", error("use POST"));
            return;
        }
        if (!RecordParser.ID.matcher(userId).matches()) {
            ex.send(400, error("userId must be 1-128 of [A-Za-z0-9._:-]"));
            return;
        }
        String requestId = "forget-" + UUID.randomUUID();
        if (!grant.scopes().contains(AccessTokens.Scope.ADMIN)) {
            long wait =
                    refusals.acquire(String.valueOf(grant.tokenId()), System.currentTimeMillis());
            if (wait > 0) {
                ex.sendTooManyRequests("too many refused admin requests", wait);
                return;
            }
            auditing().execute(() -> audit(grant, from, userId, requestId, "forbidden"));
            ex.send(403, error("forgetting a user needs the admin scope"));
            return;
        }
        try {
            workers.execute(() -> forget(userId, requestId, grant, from, ex));
        } catch (RejectedExecutionException e) {
            ex.sendBusy("work queue full");
        }
    }

    /**
     * Audits the attempt ("requested") before the forget is sent, so that a crash between Kafka's
     * ack and the outcome's line loses no attempt, then the outcome ("accepted" or "failed") on a
     * worker thread: never on the producer's I/O thread, which the log's fsync would stall.
     */
    private void forget(
            String userId,
            String requestId,
            AccessTokens.Grant grant,
            TrustedProxies.ClientAddress from,
            Exchange ex) {
        if (!audit(grant, from, userId, requestId, "requested")) {
            ex.send(500, error("the audit log failed; the forget was not requested"));
            return;
        }
        RecommendationRequest forget =
                RecommendationRequest.forget(requestId, userId, System.currentTimeMillis());
        String topic = settings.topics().requests();
        sender.send(RequestJsonCodec.producerRecord(topic, forget))
                .orTimeout(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (v, err) -> {
                            boolean recorded =
                                    audit(
                                            grant,
                                            from,
                                            userId,
                                            requestId,
                                            err == null ? "accepted" : "failed");
                            if (err != null) {
                                ex.send(
                                        503,
                                        error("the forget request could not be written: " + err));
                            } else if (!recorded) {
                                ex.send(500, error("forget requested, but the audit log failed"));
                            } else {
                                ObjectNode out = MAPPER.createObjectNode();
                                out.put("requestId", requestId);
                                out.put("status", "accepted");
                                ex.send(202, out.toString());
                            }
                        },
                        auditing());
    }

    /**
     * The worker threads, or the calling thread when their queue is full: an audit line is never
     * dropped, at the cost of an fsync on that thread (an I/O thread) only under overload.
     */
    private Executor auditing() {
        return task -> {
            try {
                workers.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }

    /** Records an admin action; false (and logged) when the audit log cannot be written. */
    private boolean audit(
            AccessTokens.Grant grant,
            TrustedProxies.ClientAddress from,
            String userId,
            String requestId,
            String result) {
        try {
            auditLog.record(
                    grant.tokenId(),
                    from,
                    "forget",
                    asTheJobNamesUsers.apply(userId),
                    requestId,
                    result);
            return true;
        } catch (IOException e) {
            LOG.error("Could not write the audit log", e);
            return false;
        }
    }

    /**
     * A user as the job names it, in its results and as audit records name it: its pseudonym when
     * the gateway has the job's key.
     */
    private static UnaryOperator<String> asTheJobNamesUsers(Path keyFile) throws IOException {
        if (keyFile == null) {
            return UnaryOperator.identity();
        }
        UserPseudonyms pseudonyms = UserPseudonyms.fromKeyFile(keyFile);
        // one Mac, asked by the results reader, the workers and (under overload) the event loops
        return user -> {
            synchronized (pseudonyms) {
                return pseudonyms.of(user);
            }
        };
    }

    private void handleEvents(
            FullHttpRequest request, AccessTokens.Grant grant, String client, Exchange ex) {
        if (!HttpMethod.POST.equals(request.method())) {
            ex.sendMethodNotAllowed("POST", error("use POST"));
            return;
        }
        if (!grant.allows(AccessTokens.Scope.EVENTS_WRITE)) {
            ex.send(403, error("this token may not write events"));
            return;
        }
        // the copy, queued or parsed, counts in gateway.bodies-in-flight until the worker is done
        Runnable releaseBody = ex.keepBody();
        try {
            byte[] body = ByteBufUtil.getBytes(request.content());
            workers.execute(
                    () -> {
                        try {
                            acceptEvents(body, grant, client, ex);
                        } catch (RuntimeException e) {
                            // answered, not left open: the connection would wait for it forever
                            LOG.error("Could not handle a POST /events", e);
                            ex.send(500, error("the gateway failed on this request"));
                        } finally {
                            releaseBody.run();
                        }
                    });
        } catch (RejectedExecutionException e) {
            releaseBody.run();
            ex.sendBusy("work queue full");
        } catch (RuntimeException | Error e) {
            releaseBody.run(); // not handed over (no thread to run it): its share comes back
            throw e;
        }
    }

    private void acceptEvents(byte[] body, AccessTokens.Grant grant, String client, Exchange ex) {
        int maxBatch = settings.maxBatch();
        List<byte[]> records = EventBatchSplitter.split(body, maxBatch);
        // one token per event, since the broker's load is per record: counting requests would let
        // a client write gateway.max-batch times its rate; admitted here, after the split, so that
        // batches in flight together cannot all pass on the same tokens
        if (identity.overRate(client, ex, records == null ? 1 : records.size())) {
            return;
        }
        if (records == null) {
            ex.send(413, error("more than " + maxBatch + " events in one request"));
            return;
        }
        ArrayNode rejected = MAPPER.createArrayNode();
        List<UserEvent> valid = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                UserEvent e = events.parse(records.get(i));
                users.add(e.userId());
                timeGuard.check(e, Long.MIN_VALUE, System.currentTimeMillis());
                valid.add(e);
            } catch (InvalidRecordException e) {
                users.add(EventBatchSplitter.namedUser(records.get(i)));
                rejected.addObject()
                        .put("index", i)
                        .put("reason", e.reason())
                        .put("detail", e.getMessage());
            }
        }
        // a token bound to a user writes that user's events only: all or nothing, an invalid
        // event of another user included
        for (String user : users) {
            if (user != null && !grant.actsFor(user)) {
                ex.send(403, error("this token may not write events of user " + user));
                return;
            }
        }
        // the deadline runs, and the answer waits, from before the first send: a send may block
        CompletableFuture<Void> written =
                new CompletableFuture<Void>()
                        .orTimeout(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        written.whenComplete(
                (done, err) -> {
                    if (err instanceof TimeoutException) {
                        ex.send(503, error(notConfirmedWithin()));
                        return;
                    }
                    if (err != null) {
                        ex.send(503, error("events could not be written to Kafka: " + err));
                        return;
                    }
                    ObjectNode out = MAPPER.createObjectNode();
                    out.put("accepted", valid.size());
                    out.put("rejected_count", rejected.size());
                    if (!rejected.isEmpty()) {
                        out.set("rejected", rejected);
                    }
                    ex.send(rejected.isEmpty() ? 202 : 400, out.toString());
                });
        write(valid, written);
    }

    /**
     * Hands the events to the producer and completes {@code outcome} once Kafka has acknowledged
     * them all, or fails it at the first failure; {@code outcome}'s own timeout is the deadline. A
     * send may block for {@code max.block.ms} while no broker answers: with the deadline set after
     * the last send, a 1,000-event batch held its worker and its client 5,000 s. Once the outcome
     * is known, no further event is handed over: its send would block as long, and the client has
     * its 503.
     */
    private void write(List<UserEvent> valid, CompletableFuture<Void> outcome) {
        String topic = settings.topics().events();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (UserEvent e : valid) {
            if (outcome.isDone()) {
                break; // failed, or past the deadline
            }
            byte[] key = e.userId().getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Void> sent =
                    sender.send(new ProducerRecord<>(topic, key, events.toJson(e)));
            sent.whenComplete(
                    (v, err) -> {
                        if (err != null) {
                            outcome.completeExceptionally(err); // a failure found in send too
                        }
                    });
            sends.add(sent);
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture[0]))
                .thenRun(() -> outcome.complete(null));
    }

    private String notConfirmedWithin() {
        return "events not confirmed by Kafka within "
                + sendTimeout.toMillis()
                + " ms; some may have been written";
    }

    private void handleRecommendations(
            HttpMethod method,
            String userId,
            QueryStringDecoder uri,
            AccessTokens.Grant grant,
            Exchange ex) {
        if (!HttpMethod.GET.equals(method)) {
            ex.sendMethodNotAllowed("GET", error("use GET"));
            return;
        }
        if (!RecordParser.ID.matcher(userId).matches()) {
            ex.send(400, error("userId must be 1-128 of [A-Za-z0-9._:-]"));
            return;
        }
        if (!grant.allows(AccessTokens.Scope.RECOMMENDATIONS_READ) || !grant.actsFor(userId)) {
            ex.send(403, error("this token may not read the recommendations of " + userId));
            return;
        }
        int k = k(uri);
        if (k < 1 || k > RequestJsonCodec.MAX_K) {
            ex.send(400, error("k must be 1.." + RequestJsonCodec.MAX_K));
            return;
        }
        if (!resultReader.isAlive()) {
            // no result can come: a request sent now would wait for its timeout, then 504
            ex.send(503, error(READER_STOPPED));
            return;
        }
        long wait =
                userLimiter == null ? 0 : userLimiter.acquire(userId, System.currentTimeMillis());
        if (wait > 0) {
            ex.sendTooManyRequests("too many requests for " + userId, wait);
            return;
        }
        int maxPending = settings.maxPendingRequests();
        if (waiting.incrementAndGet() > maxPending) {
            waiting.decrementAndGet();
            ex.sendBusy(maxPending + " requests waiting");
            return;
        }
        request(userId, k, ex);
    }

    /** The last {@code k=} of the query; -1 if it is not a number. */
    private static int k(QueryStringDecoder uri) {
        List<String> values = uri.parameters().get("k");
        if (values == null) {
            return 10;
        }
        try {
            return Integer.parseInt(values.get(values.size() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Produces the request and answers when its result comes, times out or fails; holds no thread.
     */
    private void request(String userId, int k, Exchange ex) {
        String requestId = "gw-" + UUID.randomUUID();
        CompletableFuture<String> result = new CompletableFuture<>();
        pending.put(requestId, new Pending(userId, result));
        ScheduledFuture<?> timeout =
                ex.channel()
                        .eventLoop()
                        .schedule(
                                () -> result.completeExceptionally(new TimeoutException()),
                                settings.requestTimeout().toMillis(),
                                TimeUnit.MILLISECONDS);
        result.whenComplete(
                (body, err) -> {
                    pending.remove(requestId);
                    waiting.decrementAndGet();
                    timeout.cancel(false);
                    answer(requestId, body, err, ex);
                });
        ex.whenAbandoned(() -> result.cancel(false));
        RecommendationRequest request =
                new RecommendationRequest(requestId, userId, k, System.currentTimeMillis());
        String topic = settings.topics().requests();
        try {
            // send may block (metadata, a full buffer): never on the event loop
            workers.execute(
                    () ->
                            sender.send(RequestJsonCodec.producerRecord(topic, request))
                                    .whenComplete(
                                            (v, err) -> {
                                                if (err != null) {
                                                    result.completeExceptionally(err);
                                                }
                                            }));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * The result with the user id the client asked for: a job with {@code privacy.user-id-key-file}
     * answers under the user's pseudonym, which the gateway maps back (it knows which user each of
     * its request ids was for). The reader has parsed it already.
     */
    private static String asAskedFor(JsonNode result, byte[] body, String userId)
            throws IOException {
        if (result instanceof ObjectNode o && !userId.equals(o.path("userId").asText())) {
            o.put("userId", userId);
            return MAPPER.writeValueAsString(o);
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static void answer(String requestId, String body, Throwable err, Exchange ex) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        if (cause == null) {
            ex.send(200, body);
        } else if (cause instanceof TimeoutException) {
            ex.send(504, error("no result for " + requestId + " within the timeout"));
        } else if (cause instanceof RejectedExecutionException) {
            ex.sendBusy("work queue full");
        } else if (!(cause instanceof CancellationException)) {
            ex.send(503, error("request could not be written to Kafka: " + cause));
        }
    }

    private void handleHealth(Exchange ex, boolean details) {
        ObjectNode out = MAPPER.createObjectNode();
        if (!resultReader.isAlive()) {
            out.put("status", READER_STOPPED);
            ex.send(503, out.toString());
            return;
        }
        out.put("status", "ok");
        if (!details) {
            ex.send(200, out.toString());
            return;
        }
        out.put("kafka", settings.kafka().bootstrapServers());
        out.put("waiting_requests", waiting.get());
        out.put("connections", connections.open());
        out.put("queued_work", workers.getQueue().size());
        ex.send(200, out.toString());
    }

    @Override
    public void close() {
        running = false;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
        if (tls != null) {
            tls.close();
        }
        results.wakeup();
        sender.close();
    }
}
