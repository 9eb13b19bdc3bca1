package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.EventTimeGuard;
import io.streamrec.schema.RawRecord;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

class ValidationFunctionTest {
    private static final long DAY = 86_400_000L;
    private static final int MAX_PARALLELISM = 128;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private long offset;

    private static OneInputStreamOperatorTestHarness<RawRecord, UserEvent> harness()
            throws Exception {
        return harness(1, 0);
    }

    /** Subtask {@code subtask} of {@code parallelism} validating events. */
    private static OneInputStreamOperatorTestHarness<RawRecord, UserEvent> harness(
            int parallelism, int subtask) throws Exception {
        var guard =
                new EventTimeGuard<UserEvent>(UserEvent::timestamp, Long.MIN_VALUE, 60_000L, DAY);
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(
                        new ValidationFunction<>(new EventJsonCodec(), "events", guard)),
                MAX_PARALLELISM,
                parallelism,
                subtask);
    }

    /**
     * Subtask {@code subtask} of {@code parallelism}, opened on {@code state} as Flink repartitions
     * it.
     */
    private static OneInputStreamOperatorTestHarness<RawRecord, UserEvent> restored(
            OperatorSubtaskState state, int oldParallelism, int parallelism, int subtask)
            throws Exception {
        var h = harness(parallelism, subtask);
        h.initializeState(
                OneInputStreamOperatorTestHarness.repartitionOperatorState(
                        state, MAX_PARALLELISM, oldParallelism, parallelism, subtask));
        h.open();
        return h;
    }

    private StreamRecord<RawRecord> raw(byte[] value) {
        return raw(0, value);
    }

    private StreamRecord<RawRecord> raw(int partition, byte[] value) {
        return new StreamRecord<>(new RawRecord("events", partition, offset++, value));
    }

    private StreamRecord<RawRecord> event(String id, long timestamp) {
        return event(0, id, timestamp);
    }

    private StreamRecord<RawRecord> event(int partition, String id, long timestamp) {
        String json =
                "{\"eventId\":\""
                        + id
                        + "\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\","
                        + "\"timestamp\":"
                        + timestamp
                        + "}";
        return raw(partition, json.getBytes(StandardCharsets.UTF_8));
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

    /**
     * Two subtasks, one partition each, partition 1 three days behind partition 0: after a restore
     * at the same parallelism and after a rescale to one subtask, each partition is judged by its
     * own newest event, so partition 1's next events, which the failed attempt had accepted, are
     * accepted again; an event late for its own partition is still rejected.
     */
    @Test
    void judgesEachPartitionByItsOwnNewestEventAfterRestoreAndRescale() throws Exception {
        OperatorSubtaskState ahead;
        OperatorSubtaskState behind;
        try (var h0 = harness(2, 0);
                var h1 = harness(2, 1)) {
            h0.open();
            h1.open();
            h0.processElement(event(0, "p0-a", 10 * DAY));
            h1.processElement(event(1, "p1-a", 7 * DAY));
            ahead = h0.snapshot(1L, 1L);
            behind = h1.snapshot(1L, 1L);
        }
        OperatorSubtaskState both = OneInputStreamOperatorTestHarness.repackageState(ahead, behind);
        try (var h1 = restored(both, 2, 2, 1)) {
            h1.processElement(event(1, "p1-b", 7 * DAY + 1));
            h1.processElement(event(1, "p1-late", 5 * DAY));
            assertThat(h1.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("p1-b");
            assertThat(deadLetters(h1))
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("too_late");
        }
        try (var single = restored(both, 2, 1, 0)) {
            single.processElement(event(1, "p1-b", 7 * DAY + 1));
            single.processElement(event(0, "p0-late", 8 * DAY));
            single.processElement(event(0, "p0-b", 10 * DAY - 1));
            assertThat(single.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("p1-b", "p0-b");
            assertThat(deadLetters(single))
                    .extracting(n -> n.get("reason").asText())
                    .containsExactly("too_late");
        }
    }

    /**
     * A checkpoint of the single clock of earlier versions restores: that clock starts every
     * partition without its own, once; the next checkpoint no longer carries it.
     */
    @Test
    void restoresTheSingleClockOfEarlierCheckpointsOnce() throws Exception {
        OperatorSubtaskState legacy;
        try (var h = new OneInputStreamOperatorTestHarness<>(new LegacyClockOperator(10 * DAY))) {
            h.open();
            legacy = h.snapshot(1L, 1L);
        }
        OperatorSubtaskState migrated;
        try (var h = harness()) {
            h.initializeState(legacy);
            h.open();
            h.processElement(event(0, "late", 8 * DAY));
            h.processElement(event(1, "p1", 10 * DAY));
            assertThat(h.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("p1");
            migrated = h.snapshot(2L, 2L);
        }
        try (var h = harness()) {
            h.initializeState(migrated);
            h.open();
            h.processElement(event(0, "p0", 8 * DAY));
            h.processElement(event(1, "p1-late", 8 * DAY));
            assertThat(h.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("p0");
        }
    }

    /**
     * A partition's first event after a restore of the single clock may be older than that clock
     * (within the lateness): it is accepted, and the partition's clock stays at the restored one,
     * so a later event is judged as the restored clock judges it, not against the older first
     * event.
     */
    @Test
    void aPartitionsFirstEventOlderThanTheRestoredSingleClockLeavesItsClockThere()
            throws Exception {
        OperatorSubtaskState legacy;
        try (var h = new OneInputStreamOperatorTestHarness<>(new LegacyClockOperator(10 * DAY))) {
            h.open();
            legacy = h.snapshot(1L, 1L);
        }
        try (var h = harness()) {
            h.initializeState(legacy);
            h.open();
            h.processElement(event(0, "within", 10 * DAY - DAY / 2));
            h.processElement(event(0, "late", 10 * DAY - DAY - DAY / 4));
            assertThat(h.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("within");
        }
    }

    /**
     * The clocks are split list state: a source chain with union state cannot take the savepoint of
     * a stop in which some source subtasks have finished their operators and others have not (Flink
     * 2.2, FLINK-23884).
     */
    @Test
    void aCheckpointOfAJobStartedFreshHoldsNoUnionState() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(event(0, "p0", 10 * DAY));
            assertThat(distributionModes(h.snapshot(1L, 1L)))
                    .containsOnlyKeys(StateNames.PARTITION_CLOCKS)
                    .containsValue(OperatorStateHandle.Mode.SPLIT_DISTRIBUTE);
        }
    }

    /**
     * The committed checkpoint of two subtasks whose clocks were union state (written by 4a5e0b6),
     * restored on every subtask at the same parallelism, on one and on three: every subtask gets
     * every partition's clock and judges each partition by its own newest event. The next
     * checkpoints carry the clocks as split state (the union state stays, empty), and restored on
     * one subtask they judge as before.
     */
    @Test
    void restoresTheUnionClocksOfACommittedCheckpoint() throws Exception {
        OperatorSubtaskState union =
                OneInputStreamOperatorTestHarness.repackageState(
                        OperatorSnapshotUtil.readStateHandle(FIXTURES + "subtask-0.snapshot"),
                        OperatorSnapshotUtil.readStateHandle(FIXTURES + "subtask-1.snapshot"));
        int[][] parallelismAndSubtask = {{2, 0}, {2, 1}, {1, 0}, {3, 2}};
        for (int[] at : parallelismAndSubtask) {
            try (var h = restored(union, 2, at[0], at[1])) {
                h.processElement(event(1, "p1-b", 7 * DAY + 1));
                h.processElement(event(1, "p1-late", 5 * DAY));
                h.processElement(event(0, "p0-late", 8 * DAY));
                assertThat(h.extractOutputValues())
                        .as("subtask %d of %d", at[1], at[0])
                        .extracting(UserEvent::eventId)
                        .containsExactly("p1-b");
            }
        }
        OperatorSubtaskState[] migrated = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = restored(union, 2, 2, subtask)) {
                h.processElement(event(subtask, "p" + subtask + "-next", 10 * DAY - subtask));
                migrated[subtask] = h.snapshot(2L, 2L);
            }
            assertThat(distributionModes(migrated[subtask]))
                    .containsEntry(
                            StateNames.PARTITION_CLOCKS, OperatorStateHandle.Mode.SPLIT_DISTRIBUTE)
                    .containsEntry(
                            StateNames.NEWEST_ACCEPTED_PER_PARTITION,
                            OperatorStateHandle.Mode.UNION);
        }
        OperatorSubtaskState split =
                OneInputStreamOperatorTestHarness.repackageState(migrated[0], migrated[1]);
        try (var single = restored(split, 2, 1, 0)) {
            single.processElement(event(0, "p0-late", 8 * DAY));
            single.processElement(event(1, "p1-late", 8 * DAY));
            single.processElement(event(1, "p1-c", 9 * DAY));
            assertThat(single.extractOutputValues())
                    .extracting(UserEvent::eventId)
                    .containsExactly("p1-c");
        }
    }

    /**
     * What split state gives up: scaled from one subtask to two, each subtask restores one of the
     * two clocks, so each judges the other partition from that partition's next event. No clock is
     * lost: the subtask that does not read a partition carries its clock.
     */
    @Test
    void afterScalingUpAPartitionWhoseClockRestoredElsewhereStartsFromItsNextEvent()
            throws Exception {
        OperatorSubtaskState single;
        try (var h = harness(1, 0)) {
            h.open();
            h.processElement(event(0, "p0", 10 * DAY));
            h.processElement(event(1, "p1", 10 * DAY));
            single = h.snapshot(1L, 1L);
        }
        List<String> acceptedLate = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = restored(single, 1, 2, subtask)) {
                h.processElement(event(0, "p0-late", 8 * DAY));
                h.processElement(event(1, "p1-late", 8 * DAY));
                List<UserEvent> accepted = h.extractOutputValues();
                assertThat(accepted).as("late events subtask %d accepted", subtask).hasSize(1);
                acceptedLate.add(accepted.get(0).eventId());
            }
        }
        assertThat(acceptedLate).containsExactlyInAnyOrder("p0-late", "p1-late");
    }

    private static final String FIXTURES =
            "src/test/resources/operator-fixtures/validation-union-clocks-";

    private static Map<String, OperatorStateHandle.Mode> distributionModes(
            OperatorSubtaskState state) {
        Map<String, OperatorStateHandle.Mode> modes = new TreeMap<>();
        for (OperatorStateHandle handle : state.getManagedOperatorState()) {
            handle.getStateNameToPartitionOffsets()
                    .forEach((name, meta) -> modes.put(name, meta.getDistributionMode()));
        }
        return modes;
    }

    /** Writes the validation clock as versions before per-partition clocks did. */
    private static final class LegacyClockOperator extends AbstractStreamOperator<UserEvent>
            implements OneInputStreamOperator<RawRecord, UserEvent> {
        private final long newest;

        LegacyClockOperator(long newest) {
            this.newest = newest;
        }

        @Override
        public void processElement(StreamRecord<RawRecord> element) {}

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            getOperatorStateBackend()
                    .getUnionListState(
                            new ListStateDescriptor<>(
                                    StateNames.NEWEST_ACCEPTED_TIMESTAMP, Types.LONG))
                    .update(List.of(newest));
        }
    }
}
