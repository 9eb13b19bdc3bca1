package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A request for the top {@code k} items for a user, or, with {@code k} = {@link #FORGET}, a request
 * to forget the user (erase the user's state everywhere in the job).
 */
@TypeInfo(RecommendationRequest.Info.class)
public record RecommendationRequest(String requestId, String userId, int k, long timestamp) {
    /** The {@code k} of a forget request; a recommendation request's is at least 1. */
    public static final int FORGET = 0;

    public static RecommendationRequest forget(String requestId, String userId, long timestamp) {
        return new RecommendationRequest(requestId, userId, FORGET, timestamp);
    }

    public boolean isForget() {
        return k == FORGET;
    }

    /** Flink type information backed by {@link RecommendationRequestSerializer}. */
    public static final class Info extends TypeInfoFactory<RecommendationRequest> {
        @Override
        public TypeInformation<RecommendationRequest> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<RecommendationRequest> typeInfo() {
        return new RecordTypeInfo<>(
                RecommendationRequest.class, RecommendationRequestSerializer.INSTANCE);
    }
}
