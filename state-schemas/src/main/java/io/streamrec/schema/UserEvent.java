package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * One user interaction. {@code value} is the optional explicit value (a rating), NaN when absent.
 * {@code timestamp} is the event time in epoch milliseconds.
 */
@TypeInfo(UserEvent.Info.class)
public record UserEvent(
        String eventId, String userId, String itemId, EventType type, float value, long timestamp) {

    /** Flink type information backed by {@link UserEventSerializer}. */
    public static final class Info extends TypeInfoFactory<UserEvent> {
        @Override
        public TypeInformation<UserEvent> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<UserEvent> typeInfo() {
        return new RecordTypeInfo<>(UserEvent.class, UserEventSerializer.INSTANCE);
    }
}
