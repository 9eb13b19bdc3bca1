package io.streamrec.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A Kafka key or value serialization from a function, with its record type declared: the Kafka
 * sink's lineage reporting cannot infer the type of a lambda.
 */
final class RecordBytesSchema<T> implements SerializationSchema<T>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, byte[]> toBytes;
    private final TypeInformation<T> type;

    RecordBytesSchema(TypeInformation<T> type, SerializableFunction<T, byte[]> toBytes) {
        this.type = type;
        this.toBytes = toBytes;
    }

    /** Strings (JSON documents) as UTF-8 bytes. */
    static RecordBytesSchema<String> utf8() {
        return new RecordBytesSchema<>(Types.STRING, s -> s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] serialize(T element) {
        return toBytes.apply(element);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }
}
