package io.streamrec.gateway;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/** Settings of the HTTP gateway; Kafka settings and topic names come from the job's options. */
public final class GatewayOptions {
    private GatewayOptions() {}

    public static final ConfigOption<String> HOST =
            ConfigOptions.key("gateway.host")
                    .stringType()
                    .defaultValue("127.0.0.1")
                    .withDescription("Address the gateway listens on.");
    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("gateway.port")
                    .intType()
                    .defaultValue(8080)
                    .withDescription("Port the gateway listens on (0: any free port).");
    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("gateway.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long GET /recommendations waits for the result before a 504.");
    public static final ConfigOption<Integer> MAX_BATCH =
            ConfigOptions.key("gateway.max-batch")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Most events one POST /events may carry.");
    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("gateway.threads")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Worker threads that parse event batches and hand records and requests"
                                    + " to the Kafka producer. A request waiting for its result"
                                    + " holds none.");
    public static final ConfigOption<Integer> IO_THREADS =
            ConfigOptions.key("gateway.io-threads")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Event-loop threads that accept connections, read and write HTTP and"
                                    + " answer GET /health; they never block.");
    public static final ConfigOption<Integer> WORK_QUEUE =
            ConfigOptions.key("gateway.work-queue")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "Most requests queued for the worker threads; when full, a request is"
                                    + " answered 503 with Retry-After.");
    public static final ConfigOption<Integer> MAX_PENDING_REQUESTS =
            ConfigOptions.key("gateway.max-pending-requests")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Most GET /recommendations waiting for their results at once; the"
                                    + " next is answered 503 with Retry-After.");
    public static final ConfigOption<MemorySize> MAX_BODY =
            ConfigOptions.key("gateway.max-body")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1 mb"))
                    .withDescription(
                            "Largest request body; a larger one is answered 413 as soon as its"
                                    + " Content-Length (or the bytes read) exceed it, and the"
                                    + " connection is closed without reading the rest.");
    public static final ConfigOption<Duration> READ_TIMEOUT =
            ConfigOptions.key("gateway.read-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Longest a client may take to send one whole request (head and body),"
                                    + " from its first byte; then 408 and the connection closes.");
    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            ConfigOptions.key("gateway.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A connection with no traffic and no request waiting this long is"
                                    + " closed.");
    public static final ConfigOption<Integer> MAX_CONNECTIONS =
            ConfigOptions.key("gateway.max-connections")
                    .intType()
                    .defaultValue(10000)
                    .withDescription("Most open client connections; one more is closed at once.");
    public static final ConfigOption<Double> USER_RATE =
            ConfigOptions.key("gateway.user-rate")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "GET /recommendations per second one user id may make on average"
                                    + " (token bucket); over it, 429 with Retry-After. 0: no"
                                    + " limit.");
    public static final ConfigOption<Integer> USER_BURST =
            ConfigOptions.key("gateway.user-burst")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Requests one user id may make at once before gateway.user-rate"
                                    + " applies (the bucket's size).");
    public static final ConfigOption<String> TOKENS_FILE =
            ConfigOptions.key("gateway.tokens-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "File of bearer tokens, stored as SHA-256 hashes, with their scopes"
                                    + " (events:write, recommendations:read, admin) and optionally"
                                    + " the one user each acts for (deploy/gateway-token.sh makes"
                                    + " them). Set, every request but GET /health needs"
                                    + " 'Authorization: Bearer <token>': 401 without a known"
                                    + " token, 403 beyond its rights. Unset, the gateway is open"
                                    + " to anyone who reaches it and says so at start.");
    public static final ConfigOption<Integer> RATE_LIMITED_USERS =
            ConfigOptions.key("gateway.rate-limited-users")
                    .intType()
                    .defaultValue(100_000)
                    .withDescription(
                            "Most user ids whose buckets are kept; the least recently seen is"
                                    + " dropped (it starts again with a full bucket).");

    public static final ConfigOption<String> AUDIT_LOG =
            ConfigOptions.key("gateway.audit-log")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Append-only file of admin actions, one JSON line each (time, who:"
                                    + " the token's id, action, user, requestId, result); with"
                                    + " privacy.user-id-key-file set on the gateway the user is"
                                    + " its pseudonym. Unset, admin actions are only logged.");

    /** Fails with a message naming the first out-of-range gateway option. */
    public static void validate(ReadableConfig conf) {
        require(PORT, conf.get(PORT) >= 0 && conf.get(PORT) <= 65535, conf.get(PORT), "a port");
        requirePositive(conf, REQUEST_TIMEOUT);
        require(MAX_BATCH, conf.get(MAX_BATCH) >= 1, conf.get(MAX_BATCH), ">= 1");
        require(THREADS, conf.get(THREADS) >= 1, conf.get(THREADS), ">= 1");
        require(IO_THREADS, conf.get(IO_THREADS) >= 1, conf.get(IO_THREADS), ">= 1");
        require(WORK_QUEUE, conf.get(WORK_QUEUE) >= 1, conf.get(WORK_QUEUE), ">= 1");
        int pending = conf.get(MAX_PENDING_REQUESTS);
        require(MAX_PENDING_REQUESTS, pending >= 1, pending, ">= 1");
        long body = conf.get(MAX_BODY).getBytes();
        require(
                MAX_BODY,
                body >= 1 && body <= Integer.MAX_VALUE,
                conf.get(MAX_BODY),
                "1 b .. 2 gb");
        requirePositive(conf, READ_TIMEOUT);
        requirePositive(conf, IDLE_TIMEOUT);
        require(MAX_CONNECTIONS, conf.get(MAX_CONNECTIONS) >= 1, conf.get(MAX_CONNECTIONS), ">= 1");
        double rate = conf.get(USER_RATE);
        require(USER_RATE, rate >= 0 && Double.isFinite(rate), rate, ">= 0 (0: no limit)");
        require(USER_BURST, conf.get(USER_BURST) >= 1, conf.get(USER_BURST), ">= 1");
        int users = conf.get(RATE_LIMITED_USERS);
        require(RATE_LIMITED_USERS, users >= 1, users, ">= 1");
    }

    private static void requirePositive(ReadableConfig conf, ConfigOption<Duration> option) {
        Duration d = conf.get(option);
        require(option, !d.isNegative() && !d.isZero(), d, "> 0");
    }

    private static void require(ConfigOption<?> option, boolean valid, Object value, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(
                    "option " + option.key() + " = " + value + " is out of range: must be " + rule);
        }
    }
}
