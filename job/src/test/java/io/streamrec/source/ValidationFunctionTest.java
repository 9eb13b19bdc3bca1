package io.streamrec.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ValidationFunctionTest {
    @Test
    void invalidRecordsBecomeDeadLettersAndValidOnesPassUntouched() throws Exception {
        var function = new ValidationFunction<>(new EventJsonCodec(), "events");
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(function))) {
            h.open();
            String good =
                    "{\"eventId\":\"e1\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":5}";
            h.processElement(new StreamRecord<>(good.getBytes(StandardCharsets.UTF_8)));
            h.processElement(new StreamRecord<>("{oops".getBytes(StandardCharsets.UTF_8)));
            h.processElement(new StreamRecord<>(new byte[0]));
            h.processElement(
                    new StreamRecord<>(good.replace("e1", "e2").getBytes(StandardCharsets.UTF_8)));

            List<UserEvent> valid = h.extractOutputValues();
            assertThat(valid).extracting(UserEvent::eventId).containsExactly("e1", "e2");
            List<JsonNode> dead = new ArrayList<>();
            ObjectMapper mapper = new ObjectMapper();
            for (StreamRecord<String> r : h.getSideOutput(ValidationFunction.DEAD_LETTERS)) {
                dead.add(mapper.readTree(r.getValue()));
            }
            assertThat(dead)
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("unparseable_json", "empty_payload");
            assertThat(dead.get(0).get("payload").asText()).isEqualTo("{oops");
            assertThat(dead.get(0).get("source").asText()).isEqualTo("events");
        }
    }
}
