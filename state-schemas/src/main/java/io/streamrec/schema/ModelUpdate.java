package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What a parameter-server shard emits: a refreshed row (full values with its version), , a
 * forwarded {@link EvalMarker}, or a forwarded {@link ServingRequest}. Exactly one is set.
 */
@TypeInfo(ModelUpdate.Info.class)
public record ModelUpdate(ParameterRow row, EvalMarker marker, ServingRequest request) {

    public static ModelUpdate of(ParameterRow row) {
        return new ModelUpdate(row, null, null);
    }

    public static ModelUpdate of(EvalMarker marker) {
        return new ModelUpdate(null, marker, null);
    }

    public static ModelUpdate of(ServingRequest request) {
        return new ModelUpdate(null, null, request);
    }

    public boolean isRequest() {
        return request != null;
    }

    public boolean isMarker() {
        return marker != null;
    }

    /** Flink type information backed by {@link ModelUpdateSerializer}. */
    public static final class Info extends TypeInfoFactory<ModelUpdate> {
        @Override
        public TypeInformation<ModelUpdate> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<ModelUpdate> typeInfo() {
        return new RecordTypeInfo<>(ModelUpdate.class, ModelUpdateSerializer.INSTANCE);
    }
}
