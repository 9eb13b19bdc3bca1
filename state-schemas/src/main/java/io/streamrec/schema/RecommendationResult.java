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
    public record ScoredItem(String itemId, float score) {
        /**
         * {@code score} as a finite float, as the result schema's JSON number needs: NaN (a score
         * that broke, ranked last) the lowest finite float, an infinity the extreme of its sign.
         */
        public static float finite(float score) {
            if (Float.isNaN(score)) {
                return -Float.MAX_VALUE;
            }
            return Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, score));
        }
    }

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
