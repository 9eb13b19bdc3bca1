package io.streamrec.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * JSON of requests and results at the Kafka edge. Request: {@code {"requestId":"r1",
 * "userId":"42","k":10,"timestamp":1700000000000}} ({@code k} defaults to 10, at most 1000; {@code
 * timestamp} defaults to the arrival time and a recommendation request's may be no earlier than
 * {@code validation.earliest-timestamp} and at most {@code validation.max-future} ahead of the
 * clock, as an event's: serving takes it for "now" while it has seen no event; a forget's is not
 * bounded). A forget request: {@code {"requestId":"f1", "userId":"42","forget":true}} (erases the
 * user's state in the job). Result: {@code {"requestId","userId",
 * "items":[{"itemId","score"}],"reason","modelVersion","servedAt"}}.
 */
public final class RequestJsonCodec implements RecordParser<RecommendationRequest> {
    private static final long serialVersionUID = 1L;
    public static final int MAX_K = 1000;

    private final long earliestMs;
    private final long maxFutureMs;

    /**
     * Requests stamped from {@code validation.earliest-timestamp}'s default to {@code
     * validation.max-future}'s default ahead of the clock.
     */
    public RequestJsonCodec() {
        this(ValidationOptions.MAX_FUTURE.defaultValue().toMillis());
    }

    /** Requests from {@code validation.earliest-timestamp}'s default on: see the two-arg one. */
    public RequestJsonCodec(long maxFutureMs) {
        this(ValidationOptions.DEFAULT_EARLIEST_TIMESTAMP, maxFutureMs);
    }

    /**
     * @param earliestMs the earliest time a recommendation request may be stamped ({@code
     *     validation.earliest-timestamp}, as events); earlier is {@code invalid_timestamp}
     * @param maxFutureMs how far ahead of the wall clock a recommendation request may be stamped
     *     ({@code validation.max-future}); further is {@code future_timestamp}. {@link
     *     Long#MAX_VALUE}: any time (the reader bounds it otherwise, see {@link #unbounded}).
     */
    public RequestJsonCodec(long earliestMs, long maxFutureMs) {
        if (maxFutureMs < 0) {
            throw new IllegalArgumentException("maxFutureMs " + maxFutureMs + " < 0");
        }
        this.earliestMs = earliestMs;
        this.maxFutureMs = maxFutureMs;
    }

    /**
     * Requests however far ahead of the clock, from {@code validation.earliest-timestamp}'s default
     * on: see {@link #unbounded(long)}.
     */
    public static RequestJsonCodec unbounded() {
        return unbounded(ValidationOptions.DEFAULT_EARLIEST_TIMESTAMP);
    }

    /**
     * Requests however far ahead of the clock: for a reader that does not turn them away by the
     * clock, as serving's own reader of the requests topic, which caps the time it takes from them
     * instead. The earliest bound is a setting, not a clock, so every reader applies it alike.
     */
    public static RequestJsonCodec unbounded(long earliestMs) {
        return new RequestJsonCodec(earliestMs, Long.MAX_VALUE);
    }

    @Override
    public RecommendationRequest parse(byte[] payload) throws InvalidRecordException {
        JsonNode node = RecordParser.readObject(payload);
        String requestId = RecordParser.id(node, "requestId");
        String userId = RecordParser.id(node, "userId");
        long now = System.currentTimeMillis();
        long timestamp = node.hasNonNull("timestamp") ? RecordParser.timestamp(node) : now;
        if (isForget(node)) {
            // a forget is honoured whatever its sender's clock says: erasure must not hang on it
            return RecommendationRequest.forget(requestId, userId, timestamp);
        }
        // a time in seconds is January 1970: as serving's "now" it would age every decay
        EventTimeGuard.checkNotBefore(timestamp, earliestMs);
        EventTimeGuard.checkNotAhead(timestamp, now, maxFutureMs);
        int k = 10;
        JsonNode kNode = node.get("k");
        if (kNode != null && !kNode.isNull()) {
            if (!kNode.isIntegralNumber()) {
                throw new InvalidRecordException("wrong_type", "k must be an integer");
            }
            // a long or a big integer would wrap around in intValue(): check before converting
            if (!kNode.canConvertToInt() || kNode.intValue() < 1 || kNode.intValue() > MAX_K) {
                throw new InvalidRecordException("out_of_range", "k must be 1.." + MAX_K);
            }
            k = kNode.intValue();
        }
        return new RecommendationRequest(requestId, userId, k, timestamp);
    }

    private static boolean isForget(JsonNode node) throws InvalidRecordException {
        JsonNode forget = node.get("forget");
        if (forget == null || forget.isNull()) {
            return false;
        }
        if (!forget.isBoolean()) {
            throw new InvalidRecordException("wrong_type", "forget must be true or false");
        }
        return forget.booleanValue();
    }

    public static byte[] toJson(RecommendationRequest r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("requestId", r.requestId());
        node.put("userId", r.userId());
        if (r.isForget()) {
            node.put("forget", true);
        } else {
            node.put("k", r.k());
        }
        node.put("timestamp", r.timestamp());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A request as a Kafka record on {@code topic}, keyed by user id. */
    public static ProducerRecord<byte[], byte[]> producerRecord(
            String topic, RecommendationRequest r) {
        return new ProducerRecord<>(topic, r.userId().getBytes(StandardCharsets.UTF_8), toJson(r));
    }

    public static byte[] resultToJson(RecommendationResult r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("requestId", r.requestId());
        node.put("userId", r.userId());
        ArrayNode items = node.putArray("items");
        for (RecommendationResult.ScoredItem item : r.items()) {
            // Jackson writes a non-finite float as a string ("NaN"): the schema says a number
            items.addObject()
                    .put("itemId", item.itemId())
                    .put("score", RecommendationResult.ScoredItem.finite(item.score()));
        }
        node.put("reason", r.reason());
        node.put("modelVersion", r.modelVersion());
        node.put("servedAt", r.servedAt());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
