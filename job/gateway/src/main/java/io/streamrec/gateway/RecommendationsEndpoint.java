package io.streamrec.gateway;

import static io.streamrec.gateway.Exchange.error;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /recommendations/{userId}?k=10}: produces a request and waits for its result up to
 * {@code gateway.request-timeout}; 200 with the result, 504 on timeout, 400 for a bad user id or k,
 * 503 if the results reader stopped. A waiting request is a future and a timer, not a thread.
 */
final class RecommendationsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationsEndpoint.class);

    private final Executor workers;
    private final KafkaSender sender;
    private final ResultsListener results;
    private final String topic;

    /** Null when {@code gateway.user-rate} is 0. */
    private final RateLimiter userLimiter;

    private final int maxPending;
    private final long requestTimeoutMillis;
    private final AtomicInteger waiting = new AtomicInteger();

    RecommendationsEndpoint(
            GatewaySettings settings,
            Executor workers,
            KafkaSender sender,
            ResultsListener results) {
        this.workers = workers;
        this.sender = sender;
        this.results = results;
        this.topic = settings.topics().requests();
        this.userLimiter = settings.userRate().newLimiter();
        this.maxPending = settings.maxPendingRequests();
        this.requestTimeoutMillis = settings.requestTimeout().toMillis();
    }

    /** The requests waiting for their results now. */
    int waiting() {
        return waiting.get();
    }

    /** Answers on the event loop, or once the result comes; {@code userId} is decoded. */
    void handle(
            HttpMethod method,
            String userId,
            QueryStringDecoder uri,
            AccessTokens.Grant grant,
            Exchange ex) {
        if (ex.refusedUserRequest(method, HttpMethod.GET, userId)) {
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
        if (!results.isAlive()) {
            // no result can come: a request sent now would wait for its timeout, then 504
            ex.send(503, error(ResultsListener.STOPPED));
            return;
        }
        long wait =
                userLimiter == null ? 0 : userLimiter.acquire(userId, System.currentTimeMillis());
        if (wait > 0) {
            ex.sendTooManyRequests("too many requests for " + userId, wait);
            return;
        }
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
        CompletableFuture<String> result = results.expect(requestId, userId);
        ScheduledFuture<?> timeout =
                ex.channel()
                        .eventLoop()
                        .schedule(
                                () -> result.completeExceptionally(new TimeoutException()),
                                requestTimeoutMillis,
                                TimeUnit.MILLISECONDS);
        result.whenComplete(
                (body, err) -> {
                    results.stopWaiting(requestId);
                    waiting.decrementAndGet();
                    timeout.cancel(false);
                    answer(requestId, body, err, ex);
                });
        ex.whenAbandoned(() -> result.cancel(false));
        produce(
                new RecommendationRequest(requestId, userId, k, System.currentTimeMillis()),
                result);
    }

    /** Sends the request on a worker, failing {@code result} if it cannot be written. */
    private void produce(RecommendationRequest request, CompletableFuture<String> result) {
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

    private static void answer(String requestId, String body, Throwable err, Exchange ex) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        if (cause == null) {
            ex.send(200, body);
        } else if (cause instanceof TimeoutException) {
            ex.send(504, error("no result for " + requestId + " within the timeout"));
        } else if (cause instanceof RejectedExecutionException) {
            ex.sendBusy("work queue full");
        } else if (!(cause instanceof CancellationException)) {
            // the exception names topics and ACLs: logged, not shown to the client
            LOG.warn("Could not write recommendation request {}: {}", requestId, cause.toString());
            ex.send(503, error("the request could not be written, retry later"));
        }
    }
}
