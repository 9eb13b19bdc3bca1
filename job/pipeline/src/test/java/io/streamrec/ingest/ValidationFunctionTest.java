package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schema.RawRecord;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ValidationFunctionTest {
    private static final long DAY = 86_400_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private long offset;

    private static OneInputStreamOperatorTestHarness<RawRecord, UserEvent> harness()
            throws Exception {
        var guard = new EventTimeGuard<UserEvent>(UserEvent::timestamp, 60_000L, DAY);
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(
                        new ValidationFunction<>(new EventJsonCodec(), "events", guard)));
    }

    private StreamRecord<RawRecord> raw(byte[] value) {
        return new StreamRecord<>(new RawRecord("events", 0, offset++, value));
    }

    private StreamRecord<RawRecord> event(String id, long timestamp) {
        String json =
                "{\"eventId\":\""
                        + id
                        + "\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\","
                        + "\"timestamp\":"
                        + timestamp
                        + "}";
        return raw(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> deadLetters(
            OneInputStreamOperatorTestHarness<RawRecord, UserEvent> h) throws Exception {
        List<JsonNode> dead = new ArrayList<>();
        for (StreamRecord<String> r : h.getSideOutput(ValidationFunction.DEAD_LETTERS)) {
            dead.add(MAPPER.readTree(r.getValue()));
        }
        return dead;
    }

    @Test
    void invalidRecordsBecomeDeadLettersWithOriginAndValidOnesPassUntouched() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(event("e1", 10 * DAY));
            h.processElement(raw("{oops".getBytes(StandardCharsets.UTF_8)));
            h.processElement(raw(new byte[] {(byte) 0xff, (byte) 0xfe}));
            h.processElement(event("e2", 10 * DAY + 1));

            assertThat(h.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("e1", "e2");
            List<JsonNode> dead = deadLetters(h);
            assertThat(dead)
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("unparseable_json", "unparseable_json");
            assertThat(dead.get(0).get("payload").asText()).isEqualTo("{oops");
            assertThat(dead.get(0).get("offset").asLong()).isEqualTo(1);
            assertThat(dead.get(0).get("topic").asText()).isEqualTo("events");
            // bytes that are not UTF-8 survive in base64
            assertThat(dead.get(1).get("payload").isNull()).isTrue();
            assertThat(Base64.getDecoder().decode(dead.get(1).get("payload_base64").asText()))
                    .containsExactly((byte) 0xff, (byte) 0xfe);
        }
    }

    @Test
    void rejectsFutureAndLateTimestampsAndRemembersTheNewestAcrossRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(event("e1", 10 * DAY));
            h.processElement(event("e2", 9 * DAY + 1)); // within a day: accepted
            h.processElement(event("e3", 8 * DAY)); // two days behind: too late
            h.processElement(event("e4", System.currentTimeMillis() + DAY)); // a day ahead
            assertThat(h.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("e1", "e2");
            assertThat(deadLetters(h))
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("too_late", "future_timestamp");
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(event("e5", 8 * DAY));
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(deadLetters(restored))
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("too_late");
        }
    }
}
