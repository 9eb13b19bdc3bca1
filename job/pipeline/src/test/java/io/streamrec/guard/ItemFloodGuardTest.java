package io.streamrec.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.FloodLimit;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ItemFloodGuardTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L;

    /** Two events an hour, three at once. */
    private static final FloodLimit LIMIT = new FloodLimit(2, 3);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private int ids;

    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> harness()
            throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ItemFloodGuard(LIMIT)),
                        UserEvent::itemId,
                        Types.STRING);
        harness.open();
        return harness;
    }

    private StreamRecord<UserEvent> event(String user, String item, long timestamp) {
        return new StreamRecord<>(
                new UserEvent("e" + ids++, user, item, EventType.VIEW, Float.NaN, timestamp));
    }

    private static List<String> admittedIds(
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> h) {
        return h.extractOutputValues().stream()
                .map(UserEvent::eventId)
                .collect(Collectors.toList());
    }

    @Test
    void anItemOverItsBucketIsQuarantinedWhoeverSendsIt() throws Exception {
        try (var h = harness()) {
            // five accounts, one event each, all at once: the burst admits three
            for (int u = 0; u < 5; u++) {
                h.processElement(event("u" + u, "pushed", T0));
            }
            h.processElement(event("u9", "other", T0));

            assertThat(admittedIds(h)).containsExactly("e0", "e1", "e2", "e5");
            List<String> dead =
                    List.copyOf(h.getSideOutput(ItemFloodGuard.DEAD_LETTERS)).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(dead).hasSize(2);
            JsonNode first = MAPPER.readTree(dead.get(0));
            assertThat(first.get("reason").asText()).isEqualTo("item_flood");
            assertThat(first.get("detail").asText())
                    .isEqualTo("item pushed over guard.item-events-per-hour 2.0 (burst 3)");
            assertThat(first.get("payload").asText()).contains("\"eventId\":\"e3\"");
        }
    }

    @Test
    void theBucketRefillsInEventTime() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 4; i++) {
                h.processElement(event("u" + i, "i", T0));
            }
            // half an hour refills one token: one admitted, the next quarantined
            h.processElement(event("a", "i", T0 + HOUR / 2));
            h.processElement(event("b", "i", T0 + HOUR / 2));
            // a late event refills nothing
            h.processElement(event("c", "i", T0));

            assertThat(admittedIds(h)).containsExactly("e0", "e1", "e2", "e4");
            assertThat(h.getSideOutput(ItemFloodGuard.DEAD_LETTERS)).hasSize(3);
        }
    }

    @Test
    void aRestoredGuardKeepsEachItemsBucket() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(event("u0", "i", T0));
            h.processElement(event("u1", "i", T0));
            h.processElement(event("u2", "i", T0));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ItemFloodGuard(LIMIT)),
                        UserEvent::itemId,
                        Types.STRING)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(event("u3", "i", T0));
            restored.processElement(event("u4", "j", T0));

            assertThat(admittedIds(restored)).containsExactly("e4");
            assertThat(restored.getSideOutput(ItemFloodGuard.DEAD_LETTERS)).hasSize(1);
        }
    }

    @Test
    void aGuardNeedsALimitThatIsOn() {
        assertThatThrownBy(() -> new ItemFloodGuard(FloodLimit.OFF))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
