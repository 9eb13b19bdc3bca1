package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The state of one parameter row held by the parameter server: its weights, the optimizer's per-row
 * slots (AdaGrad accumulators or FTRL z/n), a version bumped by every applied update, and an update
 * counter that counts gradient contributions (one per event that touched the row). Item rows also
 * carry interaction statistics: all-time positives and an exponentially decayed "trending" count
 * anchored at {@code trendTime} (epoch ms).
 *
 * <p>Instances are treated as immutable: the parameter server builds a new row per update.
 */
@TypeInfo(ParameterRow.Info.class)
public record ParameterRow(
        String key,
        float[] weights,
        float[] slots,
        long version,
        long updates,
        long positives,
        float trend,
        long trendTime) {

    /** The trending count decayed to {@code now}, for a decay rate per millisecond. */
    public double trendAt(long now, double decayPerMs) {
        if (trend == 0f) {
            return 0.0;
        }
        return trend * Math.exp(-Math.max(0L, now - trendTime) * decayPerMs);
    }

    /** Flink type information backed by {@link ParameterRowSerializer}. */
    public static final class Info extends TypeInfoFactory<ParameterRow> {
        @Override
        public TypeInformation<ParameterRow> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<ParameterRow> typeInfo() {
        return new RecordTypeInfo<>(ParameterRow.class, ParameterRowSerializer.INSTANCE);
    }
}
