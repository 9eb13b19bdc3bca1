package io.streamrec.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A {@code POST /events} body as its records, each the bytes sent, before any is parsed. */
final class EventBatchSplitter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventBatchSplitter() {}

    /**
     * The records of a body: an array's elements, else (or when more follows the array) the body
     * itself (the codec gives a malformed one its precise reason); null past {@code maxBatch}
     * elements, counted while reading, so an oversized batch is never parsed whole. Each element is
     * its bytes as sent, not re-encoded: a tree would keep the last of a key given twice, which the
     * codec refuses in a lone event.
     */
    static List<byte[]> split(byte[] body, int maxBatch) {
        try (JsonParser parser = MAPPER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return List.of(body);
            }
            List<byte[]> records = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (records.size() == maxBatch) {
                    return null;
                }
                long from = parser.currentTokenLocation().getByteOffset();
                if (from < 0) {
                    // UTF-16 or UTF-32: Jackson reads it as characters, without byte offsets; a
                    // key given twice then refuses the whole body, as the tree would hide it
                    parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                    records.add(MAPPER.writeValueAsBytes(MAPPER.readTree(parser)));
                    continue;
                }
                parser.skipChildren();
                parser.finishToken(); // a scalar element is read lazily: to its end first
                long to = parser.currentLocation().getByteOffset();
                records.add(Arrays.copyOfRange(body, (int) from, (int) to));
            }
            // anything after the array was dropped unread; whole, the body fails the codec's
            // trailing-token check, as a lone event followed by more does
            return parser.nextToken() == null ? records : List.of(body);
        } catch (IOException e) {
            return List.of(body);
        }
    }

    /**
     * The user a record names, if it is a JSON object that names one: its {@code userId} text or
     * whole number, as the codec reads an id ({@code 43} is user "43").
     */
    static String namedUser(byte[] record) {
        try {
            JsonNode user = MAPPER.readTree(record).path("userId");
            return user.isTextual() || user.isIntegralNumber() ? user.asText() : null;
        } catch (IOException e) {
            return null; // not JSON: it names nobody
        }
    }
}
