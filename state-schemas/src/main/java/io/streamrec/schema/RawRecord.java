package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A Kafka record as it arrived, before parsing: where it came from and its value bytes, so a
 * rejected record can be dead-lettered with its origin and original payload.
 */
@TypeInfo(RawRecord.Info.class)
public record RawRecord(String topic, int partition, long offset, byte[] value) {

    /** Flink type information backed by {@link RawRecordSerializer}. */
    public static final class Info extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<RawRecord> typeInfo() {
        return new RecordTypeInfo<>(RawRecord.class, RawRecordSerializer.INSTANCE);
    }
}
