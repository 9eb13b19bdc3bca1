package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A micro-batch's events, sent by a worker through every parameter-server shard ahead of the
 * batch's gradients. Serving evaluates the events when the first copy arrives: on every shard's
 * channel the marker precedes the rows the batch updates, so the evaluation never sees the batch's
 * own training (test-then-learn). {@code copies} is how many shards received a copy; {@code
 * userItems} holds, per event, the items the user had interacted with before it (oldest first), for
 * exclusion and the user representation.
 */
@TypeInfo(EvalMarker.Info.class)
public record EvalMarker(
        long batchId, int copies, List<UserEvent> events, List<String[]> userItems) {

    /** Flink type information backed by {@link EvalMarkerSerializer}. */
    public static final class Info extends TypeInfoFactory<EvalMarker> {
        @Override
        public TypeInformation<EvalMarker> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<EvalMarker> typeInfo() {
        return new RecordTypeInfo<>(EvalMarker.class, EvalMarkerSerializer.INSTANCE);
    }
}
