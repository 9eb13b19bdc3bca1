package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A dead letter keeps what was rejected, and stays a record Kafka takes with its defaults. */
class DeadLetterJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Kafka's default producer max.request.size and broker message.max.bytes, about 1 MB. */
    private static final int KAFKA_DEFAULT_RECORD_BYTES = 1_000_000;

    @Test
    void aSmallRecordIsKeptWholeAsTextAndAsBase64() throws Exception {
        byte[] value = "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8);
        JsonNode letter = letter(value);
        assertThat(letter.get("payload").asText()).isEqualTo("{\"eventId\":\"e1\"}");
        assertThat(Base64.getDecoder().decode(letter.get("payload_base64").asText()))
                .isEqualTo(value);
        assertThat(letter.has("payload_truncated")).isFalse();
        assertThat(letter.get("offset").asLong()).isEqualTo(42L);
    }

    @ParameterizedTest(name = "{0} bytes of control characters")
    @ValueSource(ints = {64 * 1024, 64 * 1024 + 1, 256 * 1024, 500_000, 4 * 1024 * 1024})
    void aDeadLetterOfAnyRecordStaysUnderKafkasDefaultRecordSize(int length) throws Exception {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) 1); // JSON writes each as \u0001, six characters
        String json =
                DeadLetterJson.of("oversized_payload", "d", "events", "events", 0, 42L, value);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(KAFKA_DEFAULT_RECORD_BYTES);

        JsonNode letter = MAPPER.readTree(json);
        byte[] kept = Base64.getDecoder().decode(letter.get("payload_base64").asText());
        assertThat(kept).isEqualTo(Arrays.copyOf(value, Math.min(length, 256 * 1024)));
        assertThat(letter.get("payload").isNull()).isEqualTo(length > 64 * 1024);
        assertThat(letter.path("payload_truncated").asBoolean()).isEqualTo(length > 256 * 1024);
        if (length > 256 * 1024) {
            assertThat(letter.get("payload_bytes").asInt()).isEqualTo(length);
        }
    }

    private static JsonNode letter(byte[] value) throws Exception {
        return MAPPER.readTree(
                DeadLetterJson.of("missing_field", "d", "events", "events", 0, 42L, value));
    }
}
