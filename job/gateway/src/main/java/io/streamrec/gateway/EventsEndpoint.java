package io.streamrec.gateway;

import static io.streamrec.gateway.Exchange.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.EventTimeGuard;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /events}: one event object or an array of them; valid ones go to the events topic.
 * 202 {@code {"accepted":n}} when all are valid, else 400 with {@code "rejected":
 * [{"index","reason","detail"}]} (the valid ones are still accepted); 503 when Kafka has not
 * confirmed them within the send timeout of the first send, or a send failed. Parsed and sent on a
 * worker thread.
 */
final class EventsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);

    private static final String EVENT_LOG_UNAVAILABLE = "the event log is unavailable, retry later";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Executor workers;
    private final ClientIdentity identity;
    private final KafkaSender sender;
    private final String topic;
    private final int maxBatch;

    /**
     * How long Kafka may take to confirm a batch, from its first send, before its client gets 503.
     */
    private final Duration sendTimeout;

    private final EventJsonCodec events = new EventJsonCodec();
    private final EventTimeGuard<UserEvent> timeGuard;

    EventsEndpoint(
            GatewaySettings settings,
            Duration sendTimeout,
            Executor workers,
            ClientIdentity identity,
            KafkaSender sender) {
        this.workers = workers;
        this.identity = identity;
        this.sender = sender;
        this.topic = settings.topics().events();
        this.maxBatch = settings.maxBatch();
        this.sendTimeout = sendTimeout;
        this.timeGuard =
                new EventTimeGuard<>(
                        UserEvent::timestamp,
                        settings.earliestTimestamp(),
                        settings.maxFuture().toMillis(),
                        Long.MAX_VALUE / 4);
    }

    /** Hands the body to a worker; {@code client} is who {@code gateway.client-rate} limits. */
    void handle(FullHttpRequest request, AccessTokens.Grant grant, String client, Exchange ex) {
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
                            accept(body, grant, client, ex);
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

    private void accept(byte[] body, AccessTokens.Grant grant, String client, Exchange ex) {
        List<byte[]> records = EventBatchSplitter.split(body, maxBatch);
        // one token per event, since the broker's load is per record: counting requests would let
        // a client write gateway.max-batch times its rate. The first (an empty batch's too) was
        // taken when the request was routed; the rest is admitted here, after the split, while
        // the client has no debt, so that batches in flight together cannot all pass on the same
        // tokens
        int rest = records == null ? 0 : records.size() - 1;
        if (rest > 0 && identity.overRateForRest(client, ex, rest)) {
            return;
        }
        if (records == null) {
            ex.send(413, error("more than " + maxBatch + " events in one request"));
            return;
        }
        ParsedBatch batch = parse(records);
        if (!mayWriteAll(grant, batch.users(), ex)) {
            return;
        }
        // the deadline runs, and the answer waits, from before the first send: a send may block
        CompletableFuture<Void> written =
                new CompletableFuture<Void>()
                        .orTimeout(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        written.whenComplete(respondWhenWritten(batch, ex));
        write(batch.valid(), written);
    }

    /**
     * A batch's records parsed: the valid events, the rejected ones' reasons, and the user each
     * record names (null for one that names none), in the batch's order.
     */
    private record ParsedBatch(List<UserEvent> valid, ArrayNode rejected, List<String> users) {}

    private ParsedBatch parse(List<byte[]> records) {
        ParsedBatch batch =
                new ParsedBatch(new ArrayList<>(), MAPPER.createArrayNode(), new ArrayList<>());
        for (int i = 0; i < records.size(); i++) {
            try {
                UserEvent e = events.parse(records.get(i));
                batch.users().add(e.userId());
                timeGuard.check(e, Long.MIN_VALUE, System.currentTimeMillis());
                batch.valid().add(e);
            } catch (InvalidRecordException e) {
                batch.users().add(EventBatchSplitter.namedUser(records.get(i)));
                batch.rejected()
                        .addObject()
                        .put("index", i)
                        .put("reason", e.reason())
                        .put("detail", e.getMessage());
            }
        }
        return batch;
    }

    /**
     * Whether the token may write the events of every user the batch names, after answering 403 if
     * not: a token bound to a user writes that user's events only, all or nothing, an invalid event
     * of another user included.
     */
    private static boolean mayWriteAll(AccessTokens.Grant grant, List<String> users, Exchange ex) {
        for (String user : users) {
            if (user != null && !grant.actsFor(user)) {
                ex.send(403, error("this token may not write events of user " + user));
                return false;
            }
        }
        return true;
    }

    /** The answer once the batch's valid events are written, failed, or past the deadline. */
    private BiConsumer<Void, Throwable> respondWhenWritten(ParsedBatch batch, Exchange ex) {
        return (done, err) -> {
            if (err instanceof TimeoutException) {
                ex.send(503, error(notConfirmedWithin()));
                return;
            }
            if (err != null) {
                // the exception names topics and ACLs: logged, not shown to the client
                LOG.warn("Could not write a batch's events to Kafka: {}", err.toString());
                ex.send(503, error(EVENT_LOG_UNAVAILABLE));
                return;
            }
            ArrayNode rejected = batch.rejected();
            ObjectNode out = MAPPER.createObjectNode();
            out.put("accepted", batch.valid().size());
            out.put("rejected_count", rejected.size());
            if (!rejected.isEmpty()) {
                out.set("rejected", rejected);
            }
            ex.send(rejected.isEmpty() ? 202 : 400, out.toString());
        };
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
}
