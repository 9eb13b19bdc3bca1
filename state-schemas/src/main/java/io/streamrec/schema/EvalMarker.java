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
 *
 * <p>A forget marker ({@code forgetUser} set, no events) erases a user: sent through every shard
 * behind the user's last batch, so each serving subtask, applying it at the first copy as it does a
 * batch, forgets the user after every earlier event of the user and before every later one. The
 * shard owning the user's row also gets one under the row's key with no copies ({@link #eraseRow}),
 * erases the row there and forwards nothing.
 */
@TypeInfo(EvalMarker.Info.class)
public record EvalMarker(
        long batchId,
        int copies,
        List<UserEvent> events,
        List<String[]> userItems,
        String forgetUser) {

    /** A batch's marker. */
    public EvalMarker(long batchId, int copies, List<UserEvent> events, List<String[]> userItems) {
        this(batchId, copies, events, userItems, null);
    }

    /** A marker that erases {@code userId}, sent as {@code copies} copies. */
    public static EvalMarker forget(long batchId, int copies, String userId) {
        return new EvalMarker(batchId, copies, List.of(), List.of(), userId);
    }

    /** The copy for the shard that owns the user's row, sent under the row's key. */
    public static EvalMarker eraseRow(long batchId, String userId) {
        return new EvalMarker(batchId, 0, List.of(), List.of(), userId);
    }

    public boolean isForget() {
        return forgetUser != null;
    }

    /** Whether this is {@link #eraseRow}: erase the row it is keyed by, forward nothing. */
    public boolean erasesRow() {
        return isForget() && copies == 0;
    }

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
