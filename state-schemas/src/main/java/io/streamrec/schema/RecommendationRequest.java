package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A request for the top {@code k} items for a user. */
@TypeInfo(RecommendationRequest.Info.class)
public record RecommendationRequest(String requestId, String userId, int k, long timestamp) {

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
