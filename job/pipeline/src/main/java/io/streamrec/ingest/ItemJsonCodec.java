package io.streamrec.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RecordParser;
import io.streamrec.schema.ItemRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Items at the Kafka edge (topic {@code items}):
 *
 * <pre>{"itemId":"0114508","title":"Heat (1995)","attributes":["Action","Crime"],
 *  "contentVector":[0.12,-0.5,...]}</pre>
 *
 * Only {@code itemId} is required. {@code contentVector} is a pretrained embedding of the item
 * (text, image, ...) from any external model; its length must equal {@code model.content-dim}.
 */
public final class ItemJsonCodec implements RecordParser<ItemRecord> {
    private static final long serialVersionUID = 1L;

    /** The most attributes an item takes. */
    public static final int MAX_ATTRIBUTES = 64;

    /** The longest attribute taken, in UTF-16 characters. */
    public static final int MAX_ATTRIBUTE_CHARS = 128;

    /**
     * The longest title taken, in UTF-16 characters: at most 3 KiB of modified UTF-8, well inside
     * the 64 KiB a checkpoint writes per word or title.
     */
    public static final int MAX_TITLE_CHARS = 1024;

    private final int contentDim;

    public ItemJsonCodec(int contentDim) {
        this.contentDim = contentDim;
    }

    @Override
    public ItemRecord parse(byte[] payload) throws InvalidRecordException {
        JsonNode node = RecordParser.readObject(payload);
        String itemId = RecordParser.id(node, "itemId");
        ItemRecord item =
                new ItemRecord(itemId, title(node, itemId), attributes(node), contentVector(node));
        // the catalog record is this item re-encoded, not the payload: 1e6 comes back as
        // 1000000.0, and a record over the bound would be skipped by every catalog reader unseen
        int encoded = toJson(item).length;
        if (encoded > MAX_PAYLOAD_BYTES) {
            throw new InvalidRecordException(
                    "oversized_payload",
                    "the catalog record re-encoded from it is "
                            + encoded
                            + " bytes > "
                            + MAX_PAYLOAD_BYTES);
        }
        return item;
    }

    /** The item's title, its id when it has none. */
    private static String title(JsonNode node, String itemId) throws InvalidRecordException {
        String title = node.hasNonNull("title") ? RecordParser.text(node, "title") : itemId;
        if (title.length() > MAX_TITLE_CHARS) {
            throw new InvalidRecordException(
                    "wrong_type",
                    "title must be a string of at most " + MAX_TITLE_CHARS + " chars");
        }
        return title;
    }

    /** The item's distinct attributes, in the order first given. */
    private static List<String> attributes(JsonNode node) throws InvalidRecordException {
        JsonNode attrs = node.get("attributes");
        if (attrs == null || attrs.isNull()) {
            return List.of();
        }
        if (!attrs.isArray() || attrs.size() > MAX_ATTRIBUTES) {
            throw new InvalidRecordException(
                    "wrong_type",
                    "attributes must be an array of at most " + MAX_ATTRIBUTES + " strings");
        }
        List<String> attributes = new ArrayList<>();
        for (int i = 0; i < attrs.size(); i++) {
            JsonNode a = attrs.get(i);
            if (!a.isTextual()
                    || a.asText().isBlank()
                    || a.asText().length() > MAX_ATTRIBUTE_CHARS) {
                throw new InvalidRecordException(
                        "wrong_type",
                        "attributes must be non-empty strings of <= "
                                + MAX_ATTRIBUTE_CHARS
                                + " chars");
            }
            RecordParser.checkText(a.asText(), "attributes[" + i + "]");
            if (!attributes.contains(a.asText())) {
                attributes.add(a.asText());
            }
        }
        return List.copyOf(attributes);
    }

    /** The item's content vector, empty when it has none. */
    private float[] contentVector(JsonNode node) throws InvalidRecordException {
        JsonNode v = node.get("contentVector");
        if (v == null || v.isNull()) {
            return new float[0];
        }
        if (!v.isArray()) {
            throw new InvalidRecordException("wrong_type", "contentVector must be an array");
        }
        if (v.size() != contentDim) {
            throw new InvalidRecordException(
                    "wrong_dimension",
                    "contentVector has "
                            + v.size()
                            + " values, model.content-dim is "
                            + contentDim);
        }
        float[] vector = new float[v.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber()) {
                throw new InvalidRecordException(
                        "wrong_type", "contentVector[" + i + "] must be a number");
            }
            if (!Float.isFinite(x.floatValue())) {
                throw new InvalidRecordException(
                        "non_finite_number", "contentVector[" + i + "] is not a finite number");
            }
            vector[i] = x.floatValue();
        }
        return vector;
    }

    public static byte[] toJson(ItemRecord item) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("itemId", item.itemId());
        node.put("title", item.title());
        ArrayNode attrs = node.putArray("attributes");
        item.attributes().forEach(attrs::add);
        if (item.contentVector().length > 0) {
            ArrayNode v = node.putArray("contentVector");
            for (float x : item.contentVector()) {
                v.add(x);
            }
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
