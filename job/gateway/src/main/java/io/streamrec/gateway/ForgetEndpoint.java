package io.streamrec.gateway;

import static io.streamrec.gateway.Exchange.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/forget/{userId}} (the {@code admin} scope): puts a forget request for the user
 * on the requests topic and records the action in the audit log ({@code gateway.audit-log}); 202
 * once both are written, with the request id. The job erases the user within the checkpoint that
 * follows. Every attempt gets an audit line ("requested" then "accepted" or "failed"; "forbidden"
 * without the scope; "busy" for an admin's turned away with 503 because the workers' queue is full)
 * but a refused one beyond the token's refusal limit, answered 429 unaudited.
 */
final class ForgetEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ForgetEndpoint.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final int REFUSALS_PER_SECOND = 1;
    static final int REFUSAL_BURST = 10;
    private static final int REFUSING_TOKENS = 10_000;

    /**
     * Refused admin attempts a token may make: each is an audit line (fsynced when the log is on)
     * on the shared worker pool, so a token without the scope calling in a loop would grow the log
     * without end and fill the pool everyone's requests share. Beyond {@value #REFUSALS_PER_SECOND}
     * a second (bursts of {@value #REFUSAL_BURST}) an attempt gets 429, unaudited, unprocessed.
     */
    private final RateLimiter refusals =
            new RateLimiter(REFUSALS_PER_SECOND, REFUSAL_BURST, REFUSING_TOKENS);

    private final Executor workers;
    private final KafkaSender sender;
    private final String topic;

    /** How long Kafka may take to confirm a forget before its client gets 503. */
    private final Duration sendTimeout;

    private final AuditLog auditLog;
    private final JobUserNames users;

    ForgetEndpoint(
            GatewaySettings settings,
            Duration sendTimeout,
            Executor workers,
            KafkaSender sender,
            JobUserNames users) {
        this.workers = workers;
        this.sender = sender;
        this.topic = settings.topics().requests();
        this.sendTimeout = sendTimeout;
        this.auditLog = new AuditLog(settings.auditLog());
        this.users = users;
    }

    /** Answers on the event loop, or hands the forget to a worker; {@code userId} is decoded. */
    void handle(
            HttpMethod method,
            String userId,
            AccessTokens.Grant grant,
            TrustedProxies.ClientAddress from,
            Exchange ex) {
        if (ex.refusedUserRequest(method, HttpMethod.POST, userId)) {
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
            // an attempt like any other: audited ("busy") even though no worker takes it
            auditing().execute(() -> audit(grant, from, userId, requestId, "busy"));
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
                            answer(requestId, err, recorded, ex);
                        },
                        auditing());
    }

    private static void answer(String requestId, Throwable err, boolean recorded, Exchange ex) {
        if (err != null) {
            // the exception names topics and ACLs: logged, not shown to the client
            LOG.warn("Could not write forget request {} to Kafka: {}", requestId, err.toString());
            ex.send(503, error("the forget request could not be written, retry later"));
        } else if (!recorded) {
            ex.send(500, error("forget requested, but the audit log failed"));
        } else {
            ObjectNode out = MAPPER.createObjectNode();
            out.put("requestId", requestId);
            out.put("status", "accepted");
            ex.send(202, out.toString());
        }
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
            auditLog.record(grant.tokenId(), from, "forget", users.of(userId), requestId, result);
            return true;
        } catch (IOException e) {
            LOG.error("Could not write the audit log", e);
            return false;
        }
    }
}
