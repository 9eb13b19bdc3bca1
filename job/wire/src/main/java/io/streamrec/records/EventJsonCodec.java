package io.streamrec.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads and writes user events as JSON at the Kafka edge:
 *
 * <pre>{"eventId":"mt-1","userId":"42","itemId":"0114508","type":"rating","value":8,
 *  "timestamp":1365029107000}</pre>
 *
 * {@code value} is optional; {@code timestamp} is epoch milliseconds. Every problem is reported as
 * an {@link InvalidRecordException} with a machine-readable reason.
 */
public final class EventJsonCodec implements RecordParser<UserEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public UserEvent parse(byte[] payload) throws InvalidRecordException {
        JsonNode node = RecordParser.readObject(payload);
        String eventId = RecordParser.id(node, "eventId");
        String userId = RecordParser.id(node, "userId");
        String itemId = RecordParser.id(node, "itemId");
        String typeName = RecordParser.text(node, "type");
        EventType type = EventType.parse(typeName);
        if (type == null) {
            throw new InvalidRecordException(
                    "unknown_event_type",
                    "type '" + InvalidRecordException.excerpt(typeName) + "'");
        }
        float value = Float.NaN;
        JsonNode v = node.get("value");
        if (v != null && !v.isNull()) {
            if (!v.isNumber()) {
                throw new InvalidRecordException("wrong_type", "value must be a number");
            }
            value = v.floatValue();
            if (!Float.isFinite(value)) {
                throw new InvalidRecordException(
                        "non_finite_number", "value " + InvalidRecordException.excerpt(v.asText()));
            }
        }
        return new UserEvent(eventId, userId, itemId, type, value, RecordParser.timestamp(node));
    }

    public byte[] toJson(UserEvent e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("eventId", e.eventId());
        node.put("userId", e.userId());
        node.put("itemId", e.itemId());
        node.put("type", e.type().name().toLowerCase(Locale.ROOT));
        if (!Float.isNaN(e.value())) {
            node.put("value", e.value());
        }
        node.put("timestamp", e.timestamp());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
