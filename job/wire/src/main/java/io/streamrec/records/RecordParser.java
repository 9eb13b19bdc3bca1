package io.streamrec.records;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Serializable;
import java.util.regex.Pattern;

/** Turns one raw payload into a record or an {@link InvalidRecordException} with the reason. */
@FunctionalInterface
public interface RecordParser<T> extends Serializable {
    /** Ids: 1..128 characters of letters, digits and {@code . _ : -}. */
    Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    int MAX_PAYLOAD_BYTES = 64 * 1024;

    /**
     * The most characters of the JSON parser's message a detail quotes: the message quotes the
     * record, a repeated key whole.
     */
    int MAX_JSON_ERROR_CHARS = 256;

    /**
     * Reads exactly one JSON value with each key once: {@code {..}{..}} would otherwise train the
     * first object and drop the second unseen, and a repeated key would silently keep its last.
     */
    ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    T parse(byte[] payload) throws InvalidRecordException;

    /** Reads a payload that must be one JSON object of bounded size. */
    static JsonNode readObject(byte[] payload) throws InvalidRecordException {
        if (payload == null || payload.length == 0) {
            throw new InvalidRecordException("empty_payload", "record has no value");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidRecordException(
                    "oversized_payload", payload.length + " bytes > " + MAX_PAYLOAD_BYTES);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(payload);
        } catch (IOException e) {
            String firstLine = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new InvalidRecordException(
                    "unparseable_json",
                    InvalidRecordException.excerpt(firstLine, MAX_JSON_ERROR_CHARS));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRecordException("not_an_object", "top-level JSON must be an object");
        }
        return node;
    }

    static String text(JsonNode node, String field) throws InvalidRecordException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRecordException("missing_field", field);
        }
        if (!v.isTextual() && !v.isIntegralNumber()) {
            throw new InvalidRecordException("wrong_type", field + " must be a string");
        }
        return checkText(v.asText(), field);
    }

    /**
     * {@code value} if it is Unicode text, else {@code wrong_type}. A JSON escape of one UTF-16
     * unit can give a lone surrogate, which has no UTF-8 form: encoding the value again (a catalog
     * record, a dead letter) would silently turn it into {@code ?}.
     */
    static String checkText(String value, String field) throws InvalidRecordException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRecordException(
                        "wrong_type",
                        field
                                + " must be Unicode text: an unpaired surrogate at char "
                                + i
                                + " has no UTF-8 form");
            }
        }
        return value;
    }

    static String id(JsonNode node, String field) throws InvalidRecordException {
        String id = text(node, field);
        if (!ID.matcher(id).matches()) {
            throw new InvalidRecordException(
                    "invalid_id", field + " must be 1-128 of [A-Za-z0-9._:-]");
        }
        return id;
    }

    /** A required positive epoch-millisecond {@code timestamp} field. */
    static long timestamp(JsonNode node) throws InvalidRecordException {
        JsonNode ts = node.get("timestamp");
        if (ts == null || ts.isNull()) {
            throw new InvalidRecordException("missing_field", "timestamp");
        }
        if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
            throw new InvalidRecordException("wrong_type", "timestamp must be epoch milliseconds");
        }
        long timestamp = ts.longValue();
        if (timestamp <= 0) {
            throw new InvalidRecordException("invalid_timestamp", "timestamp " + timestamp);
        }
        return timestamp;
    }
}
