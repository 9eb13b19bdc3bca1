package io.streamrec.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.RecordParser;
import io.streamrec.schema.RawRecord;
import io.streamrec.schema.UserEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The JSON of a dead letter: {@code reason}, {@code detail}, {@code source}, where the record came
 * from ({@code topic}, {@code partition}, {@code offset}; -1 when unknown), the original bytes
 * ({@code payload} as text when they are UTF-8, always {@code payload_base64}) and {@code time}.
 *
 * <p>A dead letter stays under Kafka's default 1 MiB per record, whatever was rejected: a record
 * the producer refuses would fail the job, and the record that caused it again after every restart.
 * So {@code payload} is null above {@link #MAX_TEXT_BYTES} (JSON escapes a control character in
 * six), and {@code payload_base64} holds the first {@link #MAX_KEPT_BYTES} bytes; a cut payload
 * says so ({@code payload_truncated}, {@code payload_bytes}), and its topic, partition and offset
 * still name the whole record.
 */
public final class DeadLetterJson {
    /** The most bytes given as text: an oversized record's are not (the bound of its reason). */
    static final int MAX_TEXT_BYTES = RecordParser.MAX_PAYLOAD_BYTES;

    /** The most bytes kept: 256 KiB, 342 KiB in Base64. */
    static final int MAX_KEPT_BYTES = 256 * 1024;

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
        String text = bytes.length <= MAX_TEXT_BYTES ? utf8(bytes) : null;
        if (text != null) {
            node.put("payload", text);
        } else {
            node.putNull("payload");
        }
        boolean cut = bytes.length > MAX_KEPT_BYTES;
        byte[] kept = cut ? Arrays.copyOf(bytes, MAX_KEPT_BYTES) : bytes;
        node.put("payload_base64", Base64.getEncoder().encodeToString(kept));
        if (cut) {
            node.put("payload_truncated", true);
            node.put("payload_bytes", bytes.length);
        }
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
