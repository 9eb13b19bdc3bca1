package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParameterShardOperatorTest {
    private static final long DAY = 86_400_000L;

    private static ParameterShardOperator newOperator() {
        return newOperator(key -> new float[] {1.0f, -1.0f}, 1000);
    }

    /**
     * The test's optimizer, with rows from {@code initializer} and a cache of {@code cacheRows}.
     */
    private static ParameterShardOperator newOperator(RowInitializer initializer, int cacheRows) {
        return newOperator(initializer, cacheRows, 1);
    }

    /** The same, built for {@code shards} parameter-server subtasks. */
    private static ParameterShardOperator newOperator(
            RowInitializer initializer, int cacheRows, int shards) {
        return new ParameterShardOperator(
                new AdagradUpdater(0.1, 0.0, 1e-12),
                new FrequencyAdaptiveL2(0.0),
                initializer,
                DAY,
                cacheRows,
                shards);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate>
            harness(ParameterShardOperator op) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, ShardMessage::key, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static ShardMessage grad(
            String key, float g, int contributions, int positives, long t) {
        return ShardMessage.gradient(
                key, new float[] {g, g}, contributions, positives, positives, t);
    }

    @Test
    void appliesUpdatesAndKeepsVersionsAndCountersAcrossSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(newOperator())) {
            h.open();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 3, 1, 0L)));
            h.processElement(new StreamRecord<>(grad("i:2", 1.0f, 1, 0, 0L)));
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 2, 2, DAY)));
            h.prepareSnapshotPreBarrier(1L); // the task calls this before the barrier
            snapshot = h.snapshot(1L, 1L);

            Map<String, ParameterRow> latest = latestRows(h.extractOutputValues());
            assertThat(latest.get("i:1").version()).isEqualTo(2);
            assertThat(latest.get("i:1").updates()).isEqualTo(5);
            assertThat(latest.get("i:1").positives()).isEqualTo(3);
            // trend: 1 at t=0 decays to 0.5 after one half-life, plus 2 new positives
            assertThat(latest.get("i:1").trend()).isCloseTo(2.5f, within(1e-5f));
            // AdaGrad from w=1: 1 - 0.1*0.5/0.5 = 0.9, then 0.9 - 0.1*0.5/sqrt(0.5)
            assertThat(latest.get("i:1").weights()[0]).isCloseTo(0.8292893f, within(1e-6f));

            // this update happens after the checkpoint and must vanish on restore
            h.processElement(new StreamRecord<>(grad("i:1", 9f, 100, 0, DAY)));
        }

        try (var restored = harness(newOperator())) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 0, DAY)));
            restored.processElement(new StreamRecord<>(grad("i:2", 1.0f, 4, 0, DAY)));
            Map<String, ParameterRow> latest = latestRows(restored.extractOutputValues());
            assertThat(latest.get("i:1").version()).isEqualTo(3);
            assertThat(latest.get("i:1").updates()).isEqualTo(6);
            assertThat(latest.get("i:1").positives()).isEqualTo(3);
            assertThat(latest.get("i:1").slots()).isEmpty(); // serving gets rows without slots
            restored.prepareSnapshotPreBarrier(2L);
            List<ParameterRow> checkpointed = new ArrayList<>();
            restored.getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS)
                    .forEach(r -> checkpointed.add(r.getValue()));
            // one record per changed row, with the optimizer slots, for the feedback topic
            assertThat(checkpointed)
                    .extracting(ParameterRow::key)
                    .containsExactlyInAnyOrder("i:1", "i:2");
            ParameterRow i1 =
                    checkpointed.stream().filter(r -> r.key().equals("i:1")).findFirst().get();
            assertThat(i1.version()).isEqualTo(3);
            assertThat(i1.slots()[0]).isCloseTo(0.75f, within(1e-6f));
            assertThat(latest.get("i:2").version()).isEqualTo(2);
            assertThat(latest.get("i:2").updates()).isEqualTo(5);
        }
    }

    /** A gradient of {@code n} positives of row {@code key} at event times oldest..newest. */
    private static ShardMessage positives(String key, int n, long oldest, long newest) {
        return ShardMessage.gradient(key, new float[] {0.5f, 0.5f}, n, n, n, newest, oldest);
    }

    /**
     * Each row the shard emits, to serving and to the feedback topic, carries the event time of the
     * oldest positive its own gradient brought (serving's freshness measures from it) beside the
     * newest (trendTime); a gradient without positives keeps the row's, and a batch older than the
     * row's newest positive carries its own.
     */
    @Test
    void rowsCarryTheOldestEventTimeOfThePositivesTheirUpdateBrought() throws Exception {
        try (var h = harness(newOperator())) {
            h.open();
            h.processElement(new StreamRecord<>(positives("i:1", 2, 1_000L, 5_000L)));
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 0, 0L)));
            h.processElement(new StreamRecord<>(positives("i:1", 2, 3_000L, 4_000L)));
            h.prepareSnapshotPreBarrier(1L);

            assertThat(h.extractOutputValues())
                    .extracting(ModelUpdate::row)
                    .extracting(ParameterRow::trendTime, ParameterRow::oldestNewPositiveTime)
                    .containsExactly(
                            tuple(5_000L, 1_000L), tuple(5_000L, 1_000L), tuple(5_000L, 3_000L));
            List<ParameterRow> checkpointed = new ArrayList<>();
            h.getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS)
                    .forEach(r -> checkpointed.add(r.getValue()));
            assertThat(checkpointed)
                    .extracting(ParameterRow::oldestNewPositiveTime)
                    .containsExactly(3_000L);
        }
    }

    @Test
    void forwardsMarkersInOrderWithRows() throws Exception {
        try (var h = harness(newOperator())) {
            h.open();
            EvalMarker marker =
                    new EvalMarker(
                            7L,
                            1,
                            List.of(new UserEvent("e1", "u", "1", EventType.CLICK, Float.NaN, 0L)),
                            List.<String[]>of(new String[0]));
            h.processElement(new StreamRecord<>(ShardMessage.marker("m0", marker)));
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            List<ModelUpdate> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(0).marker()).isEqualTo(marker);
            assertThat(out.get(1).row().key()).isEqualTo("i:1");
        }
    }

    /**
     * A stage that runs another number of subtasks than the job was built for (two, where a
     * scheduler gave it one) fails the job at open without restarts: a shard without its copy of a
     * marker would let serving evaluate an event after rows that learned from it. A marker naming
     * another number (replayed from an unaligned checkpoint's in-flight data after a rescale) is
     * forwarded as any.
     */
    @Test
    void aStageRunningAnotherNumberOfShardsThanBuiltFailsTheJobWithoutRestarts() throws Exception {
        try (var h = harness(newOperator(key -> new float[] {0.5f}, 8, 2))) {
            assertThatThrownBy(h::open)
                    .isInstanceOf(SuppressRestartsException.class)
                    .hasRootCauseMessage(
                            "The parameter-server stage runs 1 subtasks, but the job was built for"
                                    + " 2, the number the workers send each evaluation marker to:"
                                    + " the scheduler gave it another parallelism than the job"
                                    + " set. Set it when building the job (parallelism.shards or"
                                    + " parallelism.default) and resubmit from a savepoint;"
                                    + " schedulers that rescale a running job's stages (the"
                                    + " adaptive scheduler, parallelism overrides) are not"
                                    + " supported.");
        }
        try (var h = harness(newOperator())) {
            h.open();
            EvalMarker forTwo = new EvalMarker(7L, 2, List.of(), List.of());
            h.processElement(new StreamRecord<>(ShardMessage.marker("m0", forTwo)));
            assertThat(h.extractOutputValues())
                    .extracting(ModelUpdate::marker)
                    .containsExactly(forTwo);
        }
    }

    /**
     * State written under another {@code model.dim} fails the job at start without restarts, also
     * when the first restored rows are ones whose width does not depend on it ({@code dense:phi}).
     */
    @Test
    void restoredRowsOfAnotherWidthFailTheJobAtStartWithoutRestarts() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(newOperator())) {
            h.open();
            for (int k = 0; k < 40; k++) {
                h.processElement(new StreamRecord<>(grad("fixed-" + k, 0.5f, 1, 0, 0L)));
            }
            h.processElement(new StreamRecord<>(grad("u:alice", 0.5f, 1, 0, 0L)));
            h.prepareSnapshotPreBarrier(1L); // the write-back cache to state
            snapshot = h.snapshot(1L, 1L);
        }
        RowInitializer widerItems =
                key -> key.startsWith("fixed") ? new float[2] : new float[] {1f, -1f, 0f};
        try (var restored = harness(newOperator(widerItems, 1000))) {
            restored.initializeState(snapshot);
            assertThatThrownBy(restored::open)
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageContaining("u:alice");
        }
    }

    @Test
    void rejectsGradientsOfTheWrongWidth() throws Exception {
        ParameterShardOperator op = newOperator();
        try (var h = harness(op)) {
            h.open();
            ShardMessage bad = ShardMessage.gradient("i:1", new float[] {1f, 2f, 3f}, 1, 0, 0f, 0L);
            // a restart would meet the same message: the job fails instead of looping
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(bad)))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageContaining("has 3 values, the row has 2");
        }
    }

    @Test
    void aFullCacheWritesEvictedChangedRowsToStateAndLosesNoUpdate() throws Exception {
        ParameterShardOperator small = newOperator(key -> new float[] {1.0f, -1.0f}, 2);
        OperatorSubtaskState snapshot;
        try (var h = harness(small)) {
            h.open();
            for (String key : List.of("i:1", "i:2", "i:3", "i:1", "i:4", "i:2")) {
                h.processElement(new StreamRecord<>(grad(key, 0.5f, 1, 1, 0L)));
            }
            // i:1 and i:2 left the cache with changes twice each, i:3 once, before any flush:
            // into state, and i:1 and i:2 out to the topic only with the first flush, whose id
            // they take; i:3 went out at once, beyond the two keys held (the cache's size)
            JobID run = h.getEnvironment().getJobID();
            assertThat(checkpointedRows(h))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(
                            tuple(
                                    "i:3",
                                    new RunCheckpoint(
                                            run, RowWriteBackCache.AFTER_EVERY_SNAPSHOT)));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(checkpointedRows(h))
                    .extracting(ParameterRow::key, ParameterRow::version)
                    .containsExactlyInAnyOrder(
                            tuple("i:3", 1L), tuple("i:1", 2L), tuple("i:2", 2L), tuple("i:4", 1L));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(newOperator())) {
            restored.initializeState(snapshot);
            restored.open();
            for (String key : List.of("i:1", "i:2", "i:3", "i:4")) {
                restored.processElement(new StreamRecord<>(grad(key, 0.5f, 1, 0, DAY)));
            }
            Map<String, ParameterRow> latest = latestRows(restored.extractOutputValues());
            // every update before the checkpoint is in state: i:1 and i:2 twice, i:3 and i:4 once
            assertThat(latest.get("i:1").version()).isEqualTo(3);
            assertThat(latest.get("i:2").version()).isEqualTo(3);
            assertThat(latest.get("i:3").version()).isEqualTo(2);
            assertThat(latest.get("i:4").version()).isEqualTo(2);
            assertThat(latest.get("i:1").positives()).isEqualTo(2);
        }
    }

    @Test
    void stateOfAnotherModelDimFailsAtOpenWithoutRestarts() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(newOperator())) {
            h.open();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        ParameterShardOperator wider = newOperator(key -> new float[3], 1000);
        try (var restored = harness(wider)) {
            restored.initializeState(snapshot);
            assertThatThrownBy(restored::open)
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageContaining("row i:1 (restored state) has 2 weights")
                    .hasMessageContaining("model.content-dim make 3");
        }
        try (var restored = harness(newOperator())) {
            restored.initializeState(snapshot);
            restored.open(); // the same model.dim restores
        }
    }

    @Test
    void stampsTopicRowsWithTheRunAndTheirCheckpoint() throws Exception {
        ParameterShardOperator small = newOperator(key -> new float[] {1.0f, -1.0f}, 1);
        try (var h = harness(small)) {
            h.open();
            JobID run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(4L);
            h.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            h.processElement(new StreamRecord<>(grad("i:3", 0.5f, 1, 1, 0L))); // evicts i:2
            assertThat(checkpointedRows(h))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(
                            tuple("i:1", new RunCheckpoint(run, 4L)),
                            // evicted mid-interval: labelled with the next checkpoint
                            tuple("i:2", new RunCheckpoint(run, 5L)));
            // the broadcast edge carries no stamp
            assertThat(h.extractOutputValues()).allMatch(u -> u.row().stamp() == null);
        }
    }

    @Test
    void rowsEvictedBeforeTheFirstBarrierAfterAFailoverWaitForItsId() throws Exception {
        JobID run = new JobID();
        try (MockEnvironment env = environment(run);
                var restored = failedOverToCheckpoint7(run, env, 1)) {
            restored.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            restored.processElement(new StreamRecord<>(grad("i:3", 0.5f, 1, 1, 0L))); // evicts i:2
            assertThat(checkpointedRows(restored)).as("held until the first barrier").isEmpty();
            // Flink's ids go on from the highest issued: savepoint 8 was taken before the failure
            // (and is not recovered from), so the next checkpoint is 9
            restored.prepareSnapshotPreBarrier(9L);
            List<ParameterRow> rows = checkpointedRows(restored);
            assertThat(rows)
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(
                            tuple("i:2", new RunCheckpoint(run, 9L)),
                            tuple("i:3", new RunCheckpoint(run, 9L)));
            assertThat(rows.get(0).updates()).isEqualTo(1);
            RunLineage fromSavepoint8 =
                    RunLineage.of(new JobID(), List.of(new RunCheckpoint(run, 8L)), true);
            assertThat(fromSavepoint8.accepts(rows.get(0))).isFalse();
            RunLineage fromCheckpoint9 =
                    RunLineage.of(new JobID(), List.of(new RunCheckpoint(run, 9L)), true);
            assertThat(fromCheckpoint9.accepts(rows.get(0))).isTrue();

            // after the first barrier an evicted row goes out at once, labelled the next
            restored.processElement(new StreamRecord<>(grad("i:4", 0.5f, 1, 1, 0L)));
            restored.processElement(new StreamRecord<>(grad("i:5", 0.5f, 1, 1, 0L))); // evicts i:4
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .endsWith(tuple("i:4", new RunCheckpoint(run, 10L)));
        }
    }

    @Test
    void aFlushAtTheEndOfInputBeforeAnyBarrierIsLabelledPastEverySnapshot() throws Exception {
        JobID run = new JobID();
        try (MockEnvironment env = environment(run);
                var restored = failedOverToCheckpoint7(run, env, 2)) {
            for (String key : List.of("i:2", "u:3", "i:4", "i:5")) { // i:2 and u:3 held
                restored.processElement(new StreamRecord<>(grad(key, 0.5f, 1, 1, 0L)));
            }
            // a held row erased before the barrier never goes out: its tombstone does
            restored.processElement(
                    new StreamRecord<>(ShardMessage.marker("u:3", EvalMarker.eraseRow(1L, "3"))));
            restored.getOperator().finish();
            List<ParameterRow> rows = checkpointedRows(restored);
            assertThat(rows.get(0).key()).isEqualTo("u:3");
            assertThat(rows.get(0).isTombstone()).isTrue();
            long label = RowWriteBackCache.AFTER_EVERY_SNAPSHOT;
            assertThat(rows.subList(1, rows.size()))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactlyInAnyOrder(
                            tuple("i:2", new RunCheckpoint(run, label)),
                            tuple("i:4", new RunCheckpoint(run, label)),
                            tuple("i:5", new RunCheckpoint(run, label)));
        }
    }

    @Test
    void keysHeldForTheFirstBarrierAreBoundedByTheCache() throws Exception {
        JobID run = new JobID();
        try (MockEnvironment env = environment(run);
                var restored = failedOverToCheckpoint7(run, env, 1)) {
            restored.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            restored.processElement(new StreamRecord<>(grad("i:3", 0.5f, 1, 1, 0L))); // holds i:2
            restored.processElement(new StreamRecord<>(grad("i:4", 0.5f, 1, 1, 0L))); // i:3 out
            long label = RowWriteBackCache.AFTER_EVERY_SNAPSHOT;
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(tuple("i:3", new RunCheckpoint(run, label)));
            restored.prepareSnapshotPreBarrier(9L);
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(
                            tuple("i:3", new RunCheckpoint(run, label)),
                            tuple("i:2", new RunCheckpoint(run, 9L)),
                            tuple("i:4", new RunCheckpoint(run, 9L)));
        }
    }

    /** A cache of {@code rows} rows after a failover to checkpoint 7 of {@code run}. */
    private KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate>
            failedOverToCheckpoint7(JobID run, MockEnvironment env, int rows) throws Exception {
        OperatorSubtaskState checkpoint7 = checkpoint7Of(run);
        var restored = harness(newOperator(key -> new float[] {1.0f, -1.0f}, rows), env);
        restored.setRestoredCheckpointId(7L);
        restored.initializeState(checkpoint7);
        restored.open();
        return restored;
    }

    private OperatorSubtaskState checkpoint7Of(JobID run) throws Exception {
        try (MockEnvironment env = environment(run);
                var h = harness(newOperator(key -> new float[] {1.0f, -1.0f}, 1), env)) {
            h.open();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(7L);
            return h.snapshot(7L, 7L);
        }
    }

    @Test
    void aJobRestoredFromAnotherRunLabelsOnePastTheRestoredCheckpoint() throws Exception {
        OperatorSubtaskState checkpoint7;
        try (MockEnvironment env = environment(new JobID());
                var h = harness(newOperator(key -> new float[] {1.0f, -1.0f}, 1), env)) {
            h.open();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(7L);
            checkpoint7 = h.snapshot(7L, 7L);
        }
        JobID next = new JobID();
        try (MockEnvironment env = environment(next);
                var restored = harness(newOperator(key -> new float[] {1.0f, -1.0f}, 1), env)) {
            restored.setRestoredCheckpointId(7L); // a new submission: Flink's ids start at 8
            restored.initializeState(checkpoint7);
            restored.open();
            restored.prepareSnapshotPreBarrier(8L); // the republish
            int before = checkpointedRows(restored).size();
            restored.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            restored.processElement(new StreamRecord<>(grad("i:3", 0.5f, 1, 1, 0L))); // evicts i:2
            List<ParameterRow> rows = checkpointedRows(restored);
            assertThat(rows.subList(before, rows.size()))
                    .extracting(ParameterRow::key, ParameterRow::stamp)
                    .containsExactly(tuple("i:2", new RunCheckpoint(next, 9L)));
        }
    }

    @Test
    void aRestoreFromAnotherRunRepublishesEveryRowOnce() throws Exception {
        OperatorSubtaskState snapshot;
        JobID first;
        try (var h = harness(newOperator())) {
            h.open();
            first = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(newOperator())) {
            JobID run = restored.getEnvironment().getJobID();
            assertThat(run).isNotEqualTo(first); // a new submission (-s), a new JobID
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 0, DAY)));
            restored.prepareSnapshotPreBarrier(2L);
            // i:2 did not change, but compaction may have left only an abandoned version of it
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key, ParameterRow::version, ParameterRow::stamp)
                    .containsExactlyInAnyOrder(
                            tuple("i:1", 2L, new RunCheckpoint(run, 2L)),
                            tuple("i:2", 1L, new RunCheckpoint(run, 2L)));
            restored.prepareSnapshotPreBarrier(3L);
            assertThat(checkpointedRows(restored)).hasSize(2); // once only
        }
    }

    @Test
    void aFailoverWithinTheRunRepublishesNothing() throws Exception {
        JobID run = new JobID();
        OperatorSubtaskState snapshot;
        try (MockEnvironment env = environment(run);
                var h = harness(newOperator(), env)) {
            h.open();
            h.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 1, 0L)));
            h.processElement(new StreamRecord<>(grad("i:2", 0.5f, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (MockEnvironment env = environment(run);
                var restored = harness(newOperator(), env)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(grad("i:1", 0.5f, 1, 0, DAY)));
            restored.prepareSnapshotPreBarrier(2L);
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key)
                    .containsExactly("i:1");
        }
    }

    @Test
    void aForgottenUsersRowLeavesStateAndTheTopicGetsItsTombstone() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(newOperator())) {
            h.open();
            h.processElement(new StreamRecord<>(grad("u:x", 0.5f, 1, 0, 0L)));
            h.processElement(new StreamRecord<>(grad("u:y", 0.5f, 1, 0, 0L)));
            h.prepareSnapshotPreBarrier(1L);
            h.processElement(new StreamRecord<>(grad("u:x", 0.5f, 1, 0, 0L))); // dirty again
            h.getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS).clear();
            h.processElement(
                    new StreamRecord<>(ShardMessage.marker("u:x", EvalMarker.eraseRow(7L, "x"))));
            h.prepareSnapshotPreBarrier(2L);
            // the tombstone, and no later value of the row in the checkpoint's transaction
            assertThat(checkpointedRows(h))
                    .extracting(ParameterRow::key, ParameterRow::isTombstone)
                    .containsExactly(tuple("u:x", true));
            assertThat(h.extractOutputValues()).noneMatch(ModelUpdate::isMarker);
            // serving gets the tombstone too, after the row's last value on this channel
            List<ModelUpdate> broadcast = h.extractOutputValues();
            assertThat(broadcast.get(broadcast.size() - 1).row())
                    .extracting(ParameterRow::key, ParameterRow::isTombstone)
                    .containsExactly("u:x", true);
            snapshot = h.snapshot(2L, 2L);
        }
        try (var restored = harness(newOperator())) {
            restored.initializeState(snapshot); // another run: republishes every row in state
            restored.open();
            restored.prepareSnapshotPreBarrier(3L);
            assertThat(checkpointedRows(restored))
                    .extracting(ParameterRow::key)
                    .containsExactly("u:y");
            // the user comes back as a new user: a fresh row from version 1
            restored.processElement(new StreamRecord<>(grad("u:x", 0.5f, 1, 0, 0L)));
            assertThat(latestRows(restored.extractOutputValues()).get("u:x").version())
                    .isEqualTo(1L);
        }
    }

    private static MockEnvironment environment(JobID job) {
        return new MockEnvironmentBuilder()
                .setTaskName("MockTask")
                .setManagedMemorySize(3 * 1024 * 1024)
                .setJobID(job)
                .build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate>
            harness(ParameterShardOperator op, MockEnvironment env) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        op, ShardMessage::key, Types.STRING, env);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static List<ParameterRow> checkpointedRows(
            KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate> h) {
        List<ParameterRow> rows = new ArrayList<>();
        var out = h.getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS);
        if (out != null) { // null until something was written
            out.forEach(r -> rows.add(r.getValue()));
        }
        return rows;
    }

    private static Map<String, ParameterRow> latestRows(List<ModelUpdate> updates) {
        Map<String, ParameterRow> latest = new TreeMap<>();
        List<ModelUpdate> rows = new ArrayList<>(updates);
        for (ModelUpdate u : rows) {
            if (!u.isMarker()) {
                latest.merge(u.row().key(), u.row(), (a, b) -> a.version() >= b.version() ? a : b);
            }
        }
        return latest;
    }
}
