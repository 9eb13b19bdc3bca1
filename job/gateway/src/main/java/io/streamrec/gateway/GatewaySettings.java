package io.streamrec.gateway;

import io.streamrec.config.KnownOptions;
import io.streamrec.kafka.JobTopics;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.ValidationOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ReadableConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's configuration, read and checked once at start: the {@link GatewayOptions} and the
 * job options the gateway shares with the job (Kafka, topics, {@code validation.earliest-timestamp}
 * and {@code validation.max-future}, {@code privacy.user-id-key-file}). Nothing reads an option
 * after this.
 *
 * @param kafka bootstrap servers and client properties, as the job's clients have them
 * @param topics the topics the gateway writes and reads
 * @param earliestTimestamp the earliest time an event may be stamped, epoch milliseconds
 * @param maxFuture how far ahead of the wall clock an event may be stamped
 * @param userIdKeyFile the job's user id key; null when the job names users by their ids
 * @param host the address to listen on
 * @param port the port to listen on (0: any free port)
 * @param workerThreads threads that parse batches and hand records to the producer
 * @param workQueue most requests queued for the workers
 * @param ioThreads event-loop threads, also the TLS handshakes' threads
 * @param connections the limits on each connection and on all of them together
 * @param maxBatch most events one {@code POST /events} may carry
 * @param maxPendingRequests most recommendation requests waiting for their results at once
 * @param requestTimeout how long a recommendation request waits for its result
 * @param userRate the per-user limit on recommendation requests
 * @param clientRate the per-client limit on every route but {@code /health}
 * @param tokensFile the bearer tokens; null when the gateway is open
 * @param trustedProxies whose {@code X-Forwarded-For} names the client
 * @param auditLog the file of admin actions; null when they are only logged
 * @param tls the HTTPS settings; null for plain HTTP
 */
record GatewaySettings(
        KafkaSettings kafka,
        Topics topics,
        long earliestTimestamp,
        Duration maxFuture,
        Path userIdKeyFile,
        String host,
        int port,
        int workerThreads,
        int workQueue,
        int ioThreads,
        ConnectionLimits connections,
        int maxBatch,
        int maxPendingRequests,
        Duration requestTimeout,
        RateLimit userRate,
        RateLimit clientRate,
        Path tokensFile,
        TrustedProxies trustedProxies,
        Path auditLog,
        GatewayTls.Settings tls) {

    /** The job's topics the gateway uses. */
    record Topics(String events, String requests, String results) {}

    /** What {@link HttpConnection} holds each connection, and all of them together, to. */
    record ConnectionLimits(
            Duration readTimeout,
            Duration idleTimeout,
            int maxBodyBytes,
            long bodiesInFlightBytes,
            int maxConnections,
            int maxConnectionsPerAddress) {}

    /** A token bucket per key: {@code perSecond} tokens a second (0: no limit). */
    record RateLimit(double perSecond, int burst, int keys) {
        /** The limiter of this limit; null when there is none. */
        RateLimiter newLimiter() {
            return perSecond > 0 ? new RateLimiter(perSecond, burst, keys) : null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySettings.class);

    /**
     * The gateway's own options: only gateway.* is checked for misspellings, as a configuration
     * shared with the job holds job options under the other prefixes that the gateway does not
     * read.
     */
    private static final KnownOptions OPTIONS =
            new KnownOptions("gateway", GatewayOptions.all(), List.of());

    /** The gateway.* keys that name no gateway option, each logged as a warning at start. */
    static List<String> unknownOptions(ReadableConfig conf) {
        return OPTIONS.unknownKeys(conf);
    }

    /**
     * Reads the options, failing with an {@link IllegalArgumentException} that names the first
     * out-of-range one (gateway options first, then the Kafka, topic, validation and privacy
     * options it shares with the job: the job's other options are not the gateway's to check).
     */
    static GatewaySettings from(ReadableConfig conf) {
        OPTIONS.warnings(conf).forEach(LOG::warn);
        GatewayOptions.validate(conf);
        KafkaSettings kafka = KafkaSettings.from(conf);
        JobTopics topics = JobTopics.from(conf);
        return new GatewaySettings(
                kafka,
                new Topics(topics.events(), topics.requests(), topics.results()),
                conf.get(ValidationOptions.EARLIEST_TIMESTAMP),
                ValidationOptions.maxFuture(conf),
                PrivacyOptions.userIdKeyFile(conf).map(Path::of).orElse(null),
                conf.get(GatewayOptions.HOST),
                conf.get(GatewayOptions.PORT),
                conf.get(GatewayOptions.THREADS),
                conf.get(GatewayOptions.WORK_QUEUE),
                conf.get(GatewayOptions.IO_THREADS),
                connectionLimits(conf),
                conf.get(GatewayOptions.MAX_BATCH),
                conf.get(GatewayOptions.MAX_PENDING_REQUESTS),
                conf.get(GatewayOptions.REQUEST_TIMEOUT),
                new RateLimit(
                        conf.get(GatewayOptions.USER_RATE),
                        conf.get(GatewayOptions.USER_BURST),
                        conf.get(GatewayOptions.RATE_LIMITED_USERS)),
                new RateLimit(
                        conf.get(GatewayOptions.CLIENT_RATE),
                        conf.get(GatewayOptions.CLIENT_BURST),
                        conf.get(GatewayOptions.RATE_LIMITED_CLIENTS)),
                conf.getOptional(GatewayOptions.TOKENS_FILE).map(Path::of).orElse(null),
                GatewayOptions.trustedProxies(conf),
                conf.getOptional(GatewayOptions.AUDIT_LOG).map(Path::of).orElse(null),
                GatewayTls.Settings.from(conf));
    }

    private static ConnectionLimits connectionLimits(ReadableConfig conf) {
        return new ConnectionLimits(
                conf.get(GatewayOptions.READ_TIMEOUT),
                conf.get(GatewayOptions.IDLE_TIMEOUT),
                (int) conf.get(GatewayOptions.MAX_BODY).getBytes(),
                conf.get(GatewayOptions.BODIES_IN_FLIGHT).getBytes(),
                conf.get(GatewayOptions.MAX_CONNECTIONS),
                conf.get(GatewayOptions.MAX_CONNECTIONS_PER_ADDRESS));
    }
}
