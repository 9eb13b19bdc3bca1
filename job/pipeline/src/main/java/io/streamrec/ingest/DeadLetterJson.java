package io.streamrec.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.schema.RawRecord;
import io.streamrec.schema.UserEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON of a dead letter: {@code reason}, {@code detail}, {@code source}, where the record came
 * from ({@code topic}, {@code partition}, {@code offset}; -1 when unknown), the original bytes
 * ({@code payload} as text when they are UTF-8, always {@code payload_base64}) and {@code time}.
 */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EventJsonCodec EVENT_JSON = new EventJsonCodec();

    private DeadLetterJson() {}

    /**
     * A dead letter of a valid event that a later stage turned away (a duplicate, a flood): its
     * source is {@code events} and its payload the event as JSON; where it came from in Kafka is no
     * longer known (-1).
     */
    public static String ofEvent(String reason, String detail, UserEvent event) {
        return of(reason, detail, "events", "", -1, -1L, EVENT_JSON.toJson(event));
    }

    public static String of(String reason, String detail, String source, RawRecord raw) {
        return of(reason, detail, source, raw.topic(), raw.partition(), raw.offset(), raw.value());
    }

    public static String of(
            String reason,
            String detail,
            String source,
            String topic,
            int partition,
            long offset,
            byte[] value) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("reason", reason);
        node.put("detail", detail);
        node.put("source", source);
        node.put("topic", topic);
        node.put("partition", partition);
        node.put("offset", offset);
        byte[] bytes = value == null ? new byte[0] : value;
        String text = utf8(bytes);
        if (text != null) {
            node.put("payload", text);
        } else {
            node.putNull("payload");
        }
        node.put("payload_base64", Base64.getEncoder().encodeToString(bytes));
        node.put("time", System.currentTimeMillis());
        return node.toString();
    }

    /** The payload as text if it is valid UTF-8, else null. */
    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
