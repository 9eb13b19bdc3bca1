package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What a worker sends to a parameter-server shard, keyed by {@code key}: either the summed gradient
 * of one row over a micro-batch, or (when {@code marker} is set) a copy of the batch's {@link
 * EvalMarker} addressed to one shard.
 *
 * <p>{@code contributions} counts the events whose loss touched the row; {@code positives} and
 * {@code trendIncrement} (decayed to {@code eventTime}) update an item row's statistics. {@code
 * eventTime} is the newest of those positives' event times, {@code oldestPositiveTime} the oldest
 * (schema version 2; a version 1 message reads with the newest in its place): the event that waited
 * longest in the micro-batch, which serving's freshness measures.
 */
@TypeInfo(ShardMessage.Info.class)
public record ShardMessage(
        String key,
        float[] gradient,
        int contributions,
        int positives,
        float trendIncrement,
        long eventTime,
        long oldestPositiveTime,
        EvalMarker marker,
        ServingRequest request) {

    /** A gradient whose positives (if any) all carry {@code eventTime}. */
    public static ShardMessage gradient(
            String key,
            float[] gradient,
            int contributions,
            int positives,
            float trendIncrement,
            long eventTime) {
        return gradient(
                key, gradient, contributions, positives, trendIncrement, eventTime, eventTime);
    }

    /** A gradient whose positives' event times span {@code oldestPositiveTime..eventTime}. */
    public static ShardMessage gradient(
            String key,
            float[] gradient,
            int contributions,
            int positives,
            float trendIncrement,
            long eventTime,
            long oldestPositiveTime) {
        return new ShardMessage(
                key,
                gradient,
                contributions,
                positives,
                trendIncrement,
                eventTime,
                oldestPositiveTime,
                null,
                null);
    }

    public static ShardMessage marker(String shardKey, EvalMarker marker) {
        return new ShardMessage(shardKey, null, 0, 0, 0f, 0L, 0L, marker, null);
    }

    public static ShardMessage request(String shardKey, ServingRequest request) {
        return new ShardMessage(shardKey, null, 0, 0, 0f, 0L, 0L, null, request);
    }

    public boolean isRequest() {
        return request != null;
    }

    public boolean isGradient() {
        return marker == null && request == null;
    }

    public boolean isMarker() {
        return marker != null;
    }

    /** Flink type information backed by {@link ShardMessageSerializer}. */
    public static final class Info extends TypeInfoFactory<ShardMessage> {
        @Override
        public TypeInformation<ShardMessage> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<ShardMessage> typeInfo() {
        return new RecordTypeInfo<>(ShardMessage.class, ShardMessageSerializer.INSTANCE);
    }
}
