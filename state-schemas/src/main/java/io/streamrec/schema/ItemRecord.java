package io.streamrec.schema;

import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A catalog item: id, display title, attributes (e.g. MovieTweetings genres) and an optional
 * pretrained content vector (e.g. a text or image embedding computed by any external model; empty
 * when absent).
 */
@TypeInfo(ItemRecord.Info.class)
public record ItemRecord(
        String itemId, String title, List<String> attributes, float[] contentVector)
        implements Serializable {

    private static final float[] NONE = new float[0];

    public ItemRecord(String itemId, String title, List<String> attributes) {
        this(itemId, title, attributes, NONE);
    }

    /** Flink type information backed by {@link ItemRecordSerializer}. */
    public static final class Info extends TypeInfoFactory<ItemRecord> {
        @Override
        public TypeInformation<ItemRecord> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<ItemRecord> typeInfo() {
        return new RecordTypeInfo<>(ItemRecord.class, ItemRecordSerializer.INSTANCE);
    }
}
