package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The answer to a {@link RecommendationRequest}: items best first, the model version (sum of all
 * row versions the serving replica holds) and the serving time in epoch ms. {@code reason} says how
 * the list was made ("model" or "cold-start").
 */
@TypeInfo(RecommendationResult.Info.class)
public record RecommendationResult(
        String requestId,
        String userId,
        List<ScoredItem> items,
        String reason,
        long modelVersion,
        long servedAt) {

    /** One recommended item and its score. */
    public record ScoredItem(String itemId, float score) {}

    /** Flink type information backed by {@link RecommendationResultSerializer}. */
    public static final class Info extends TypeInfoFactory<RecommendationResult> {
        @Override
        public TypeInformation<RecommendationResult> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<RecommendationResult> typeInfo() {
        return new RecordTypeInfo<>(
                RecommendationResult.class, RecommendationResultSerializer.INSTANCE);
    }
}
