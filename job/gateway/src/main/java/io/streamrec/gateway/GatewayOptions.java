package io.streamrec.gateway;

import io.streamrec.config.DurationOptions;
import io.streamrec.config.InvalidOption;
import io.streamrec.config.KnownOptions;
import java.time.Duration;
import java.util.List;
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
    public static final ConfigOption<MemorySize> BODIES_IN_FLIGHT =
            ConfigOptions.key("gateway.bodies-in-flight")
                    .memoryType()
                    .defaultValue(MemorySize.parse("128 mb"))
                    .withDescription(
                            "Request bodies all connections together may hold, counted by"
                                    + " Content-Length (gateway.max-body for a chunked one) from"
                                    + " the head until the request is routed (pipelined ones"
                                    + " queued behind a request in progress included); a body"
                                    + " beyond it is answered 503 and its connection closed"
                                    + " without reading it. Only a POST /events body from a"
                                    + " client that may write events is read and counted; any"
                                    + " other request is answered on its head, its body unread,"
                                    + " and its connection closed. Without it, max-connections slow"
                                    + " bodies of max-body each could take far more memory than"
                                    + " the gateway has. At least gateway.max-body.");
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
    public static final ConfigOption<Integer> MAX_CONNECTIONS_PER_ADDRESS =
            ConfigOptions.key("gateway.max-connections-per-address")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Most open connections from one client address (the TCP peer's, an"
                                    + " IPv6 one by its /64; never X-Forwarded-For); one more is"
                                    + " closed at once, so one address cannot hold all of"
                                    + " gateway.max-connections. 0: no limit, the default: behind"
                                    + " a load balancer or proxy every connection comes from its"
                                    + " address, so set it where clients connect directly.");
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
                                    + " token, 403 beyond its rights. Unset, the gateway is open:"
                                    + " anyone who reaches it is admin (writes events, reads every"
                                    + " user's recommendations, forgets any user), and it says so"
                                    + " at start. Set blank, the gateway does not start.");
    public static final ConfigOption<Integer> RATE_LIMITED_USERS =
            ConfigOptions.key("gateway.rate-limited-users")
                    .intType()
                    .defaultValue(100_000)
                    .withDescription(
                            "Most user ids whose buckets are kept; the least recently seen is"
                                    + " dropped (it starts again with a full bucket).");
    public static final ConfigOption<Double> CLIENT_RATE =
            ConfigOptions.key("gateway.client-rate")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Requests per second one client may make on average to every route"
                                    + " but GET /health (token bucket), whatever user ids it names;"
                                    + " a POST /events counts its events. A client is its token"
                                    + " (by its hash) when gateway.tokens-file is set, else its"
                                    + " remote address (a trusted proxy's: the client it forwards"
                                    + " for, see gateway.trusted-proxies; an IPv6 one by its /64)."
                                    + " Over it, 429"
                                    + " with Retry-After. 0: no limit.");
    public static final ConfigOption<Integer> CLIENT_BURST =
            ConfigOptions.key("gateway.client-burst")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Requests (events) one client may make at once before"
                                    + " gateway.client-rate applies (the bucket's size). A batch"
                                    + " is let in while the bucket holds a token; a larger one"
                                    + " leaves it in debt, which the client waits out.");
    public static final ConfigOption<Integer> RATE_LIMITED_CLIENTS =
            ConfigOptions.key("gateway.rate-limited-clients")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Most clients whose buckets are kept; the least recently seen is"
                                    + " dropped (it starts again with a full bucket).");
    public static final ConfigOption<List<String>> TRUSTED_PROXIES =
            ConfigOptions.key("gateway.trusted-proxies")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Addresses and CIDR ranges (IPv4 or IPv6, separated by ';') of the"
                                    + " reverse proxies or load balancers in front of the gateway."
                                    + " A request whose peer is one is taken to come from the"
                                    + " rightmost X-Forwarded-For address that is not one (a"
                                    + " malformed entry stops the walk at the last trusted"
                                    + " address). That address then stands for the remote one:"
                                    + " gateway.client-rate limits it, the audit log names it"
                                    + " beside the peer. Empty: X-Forwarded-For is never read"
                                    + " (any client can write it).");

    public static final ConfigOption<String> AUDIT_LOG =
            ConfigOptions.key("gateway.audit-log")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Append-only file of admin actions, one JSON line each (time, who:"
                                    + " the token's id, action, user, requestId, result); with"
                                    + " privacy.user-id-key-file set on the gateway the user is"
                                    + " its pseudonym. Created owner-only (rw-------); an existing"
                                    + " file keeps its permissions, with a warning if others may"
                                    + " read it. Unset, admin actions are only logged.");

    /** Whether the gateway asks HTTPS clients for a certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A client may present a certificate; one that does must chain to the truststore. */
        WANT,
        /** Every client must present a certificate that chains to the truststore. */
        NEED
    }

    public static final ConfigOption<String> TLS_KEYSTORE =
            ConfigOptions.key("gateway.tls.keystore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PKCS12 keystore with the gateway's private key and certificate chain"
                                    + " (deploy/gateway-tls.sh makes a self-signed one for tests)."
                                    + " Set, the gateway speaks only HTTPS (TLS 1.2 and 1.3);"
                                    + " unset, plain HTTP; set blank, the gateway does not start.");
    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD_FILE =
            ConfigOptions.key("gateway.tls.keystore-password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "File whose first line is the password of gateway.tls.keystore (and of"
                                    + " its key); required with it. A file, never an argument,"
                                    + " so that the password shows in no process list or log.");
    public static final ConfigOption<Duration> TLS_HANDSHAKE_TIMEOUT =
            ConfigOptions.key("gateway.tls.handshake-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Longest a client may take to complete the TLS handshake, from"
                                    + " connecting; then the connection is closed.");
    public static final ConfigOption<ClientAuth> TLS_CLIENT_AUTH =
            ConfigOptions.key("gateway.tls.client-auth")
                    .enumType(ClientAuth.class)
                    .defaultValue(ClientAuth.NONE)
                    .withDescription(
                            "none, want or need: whether HTTPS clients are asked for a certificate"
                                    + " that chains to gateway.tls.truststore (need: a client"
                                    + " without one fails the handshake).");
    public static final ConfigOption<String> TLS_TRUSTSTORE =
            ConfigOptions.key("gateway.tls.truststore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the CA certificates that client certificates must chain"
                                    + " to; required when gateway.tls.client-auth is want or"
                                    + " need.");

    /** Every gateway option, as declared above. */
    static List<ConfigOption<?>> all() {
        return KnownOptions.declaredIn(List.of(GatewayOptions.class));
    }

    /** Fails with a message naming the first out-of-range gateway option. */
    public static void validate(ReadableConfig conf) {
        // the gateway reads every duration in milliseconds, which 200000000000 d has not
        all().forEach(option -> DurationOptions.checkFitsMillis(conf, option));
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
        long inFlight = conf.get(BODIES_IN_FLIGHT).getBytes();
        require(
                BODIES_IN_FLIGHT,
                inFlight >= body,
                conf.get(BODIES_IN_FLIGHT),
                ">= gateway.max-body");
        requirePositive(conf, READ_TIMEOUT);
        requirePositive(conf, IDLE_TIMEOUT);
        require(MAX_CONNECTIONS, conf.get(MAX_CONNECTIONS) >= 1, conf.get(MAX_CONNECTIONS), ">= 1");
        int perAddress = conf.get(MAX_CONNECTIONS_PER_ADDRESS);
        require(MAX_CONNECTIONS_PER_ADDRESS, perAddress >= 0, perAddress, ">= 0 (0: no limit)");
        double rate = conf.get(USER_RATE);
        require(USER_RATE, rate >= 0 && Double.isFinite(rate), rate, ">= 0 (0: no limit)");
        require(USER_BURST, conf.get(USER_BURST) >= 1, conf.get(USER_BURST), ">= 1");
        int users = conf.get(RATE_LIMITED_USERS);
        require(RATE_LIMITED_USERS, users >= 1, users, ">= 1");
        // set blank (an unset variable in a manifest), each read as unset turned a safeguard off
        requireNotBlank(
                conf, TOKENS_FILE, "a tokens file's", "an open gateway, where anyone is admin");
        requireNotBlank(conf, AUDIT_LOG, "an audit log's", "admin actions only logged");
        requireNotBlank(conf, TLS_KEYSTORE, "a PKCS12 keystore's", "plain HTTP");
        requireNotBlank(conf, TLS_KEYSTORE_PASSWORD_FILE, "a password file's", "no keystore");
        requireNotBlank(conf, TLS_TRUSTSTORE, "a truststore's", "no client certificates");
        validateClientLimit(conf);
        validateTls(conf);
    }

    /** A path option, when set, must name a file: blank is refused, not read as unset. */
    private static void requireNotBlank(
            ReadableConfig conf, ConfigOption<String> option, String what, String unset) {
        conf.getOptional(option)
                .ifPresent(
                        path ->
                                require(
                                        option,
                                        !path.isBlank(),
                                        path,
                                        what + " path, not blank (unset: " + unset + ")"));
    }

    private static void validateClientLimit(ReadableConfig conf) {
        double rate = conf.get(CLIENT_RATE);
        require(CLIENT_RATE, rate >= 0 && Double.isFinite(rate), rate, ">= 0 (0: no limit)");
        require(CLIENT_BURST, conf.get(CLIENT_BURST) >= 1, conf.get(CLIENT_BURST), ">= 1");
        int clients = conf.get(RATE_LIMITED_CLIENTS);
        require(RATE_LIMITED_CLIENTS, clients >= 1, clients, ">= 1");
        trustedProxies(conf);
    }

    /** The proxies of {@link #TRUSTED_PROXIES}; fails with a message naming a bad entry. */
    static TrustedProxies trustedProxies(ReadableConfig conf) {
        List<String> entries = conf.get(TRUSTED_PROXIES);
        try {
            return TrustedProxies.parse(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "option "
                            + TRUSTED_PROXIES.key()
                            + " = "
                            + String.join(";", entries)
                            + ": "
                            + e.getMessage()
                            + " (entries are separated by ';')",
                    e);
        }
    }

    private static void validateTls(ReadableConfig conf) {
        requirePositive(conf, TLS_HANDSHAKE_TIMEOUT);
        boolean keystore = !conf.getOptional(TLS_KEYSTORE).orElse("").isBlank();
        boolean password = !conf.getOptional(TLS_KEYSTORE_PASSWORD_FILE).orElse("").isBlank();
        require(
                TLS_KEYSTORE_PASSWORD_FILE,
                password || !keystore,
                "(unset)",
                "set with gateway.tls.keystore");
        ClientAuth auth = conf.get(TLS_CLIENT_AUTH);
        require(
                TLS_CLIENT_AUTH,
                auth == ClientAuth.NONE || keystore,
                auth,
                "none without gateway.tls.keystore");
        require(
                TLS_TRUSTSTORE,
                auth == ClientAuth.NONE || !conf.getOptional(TLS_TRUSTSTORE).orElse("").isBlank(),
                "(unset)",
                "set when gateway.tls.client-auth is " + auth);
    }

    private static void requirePositive(ReadableConfig conf, ConfigOption<Duration> option) {
        Duration d = conf.get(option);
        require(option, !d.isNegative() && !d.isZero(), d, "> 0");
    }

    private static void require(ConfigOption<?> option, boolean valid, Object value, String rule) {
        if (!valid) {
            throw new InvalidOption(option, value, rule);
        }
    }
}
