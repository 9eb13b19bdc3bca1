package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.feeds.ModelUpdatesTopic;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

class TrainingWorkerOperatorTest {
    private static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);

    private static TrainingWorkerOperator worker(int batchSize, long flushMs) {
        return worker(batchSize, flushMs, 3_600_000L);
    }

    private static ItemCatalog plainCatalog() {
        return new ItemCatalog(
                IntStream.range(0, 20)
                        .mapToObj(
                                i ->
                                        new io.streamrec.schema.ItemRecord(
                                                "i" + i, "item " + i, List.of("g" + i % 3)))
                        .toList());
    }

    private static TrainingWorkerOperator worker(int batchSize, long flushMs, long dedupeMs) {
        return worker(new WorkerSettings(batchSize, flushMs, true, false, 100, 0.5, 50, dedupeMs));
    }

    private static TrainingWorkerOperator worker(WorkerSettings settings) {
        return builder(settings).build();
    }

    /** A worker of {@link #MODEL} over two shards, without feeds. */
    private static TrainingWorkerOperator.Builder builder(WorkerSettings settings) {
        return TrainingWorkerOperator.builder()
                .model(MODEL)
                .settings(settings)
                .rowUpdates(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        new ModelRowInitializer(MODEL))
                .catalog(plainCatalog())
                .shardParallelism(2)
                .shardMaxParallelism(128);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, UserEvent, RecommendationRequest, ShardMessage>
            harness(TwoInputStreamOperator<UserEvent, RecommendationRequest, ShardMessage> op)
                    throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                op, UserEvent::userId, RecommendationRequest::userId, Types.STRING);
    }

    private static StreamRecord<UserEvent> event(int n, String user, String item) {
        return new StreamRecord<>(
                new UserEvent("e" + n, user, item, EventType.CLICK, Float.NaN, 1000L * n));
    }

    /** A worker like {@link #worker(int, long)} whose model-updates feed reads {@code topic}. */
    private static TrainingWorkerOperator workerReading(MockConsumer<byte[], byte[]> topic) {
        return new TrainingWorkerOperator(
                builder(new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 3_600_000L))) {
            @Override
            ModelRowFeed openModelRowFeed() {
                return new ModelRowFeed(topic);
            }
        };
    }

    /** A row of a user without events (no local update touches it), {@code w[0]} = {@code mark}. */
    private static ParameterRow userRow(long version, float mark, JobID run, long checkpoint) {
        String key = RowKeys.user("z");
        float[] w = new ModelRowInitializer(MODEL).initialWeights(key);
        w[0] = mark;
        return new ParameterRow(key, w, new float[0], version, version, 0, 0f, 0L)
                .stamped(new RunCheckpoint(run, checkpoint));
    }

    @Test
    void aRowOfAnAbandonedRunDoesNotShadowTheRestoredOne() throws Exception {
        OperatorSubtaskState checkpoint1;
        JobID abandoned;
        try (var h = harness(workerReading(ModelUpdatesTopic.empty()))) {
            h.open();
            abandoned = h.getEnvironment().getJobID();
            h.processElement1(event(1, "a", "i1"));
            h.prepareSnapshotPreBarrier(1L);
            checkpoint1 = h.snapshot(1L, 1L);
        }
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(topic, 0, userRow(1, 0.25f, abandoned, 1)); // checkpoint 1
        ModelUpdatesTopic.commit(
                topic, 1, userRow(2, 0.75f, abandoned, 2)); // the abandoned run's checkpoint 2
        TrainingWorkerOperator op = workerReading(topic);
        try (var restored = harness(op)) {
            restored.initializeState(checkpoint1);
            restored.open();
            JobID run = restored.getEnvironment().getJobID();
            assertThat(run).isNotEqualTo(abandoned); // a restore is a new submission
            assertThat(op.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(0.25f);
            // the recomputed row of this run, version 2 again, read before the next batch
            ModelUpdatesTopic.commit(topic, 2, userRow(2, -0.5f, run, 2));
            restored.processElement1(event(2, "a", "i2"));
            assertThat(op.replicaRow(RowKeys.user("z")).weights()[0])
                    .as("the recomputed row replaces the restored one")
                    .isEqualTo(-0.5f);
        }
    }

    /**
     * A forget request trains the pending batch first (its marker goes before the forget), then
     * sends forget markers through both shards and the row's erasure to the user's row key; the
     * user's items and event ids are gone from the snapshot, another user's stay.
     */
    @Test
    void forgetsAUserAcrossSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(worker(100, 60_000))) {
            h.open();
            h.processElement1(event(1, "x", "i1"));
            h.processElement1(event(2, "y", "i2"));
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "x", 3L)));
            List<ShardMessage> out = h.extractOutputValues();
            List<ShardMessage> forgets =
                    out.stream().filter(m -> m.isMarker() && m.marker().isForget()).toList();
            assertThat(out.get(0).marker().events()).hasSize(2); // the batch, before the forget
            assertThat(forgets)
                    .extracting(ShardMessage::key)
                    .contains(RowKeys.user("x"))
                    .hasSize(3);
            assertThat(forgets)
                    .filteredOn(m -> m.key().equals(RowKeys.user("x")))
                    .allMatch(m -> m.marker().erasesRow());
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(1, 60_000))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(event(1, "x", "i5")); // the same id: a new user's event
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull();
            assertThat(restored.extractOutputValues().get(0).marker().userItems().get(0)).isEmpty();
            restored.processElement2(
                    new StreamRecord<>(new RecommendationRequest("r1", "y", 5, 1L)));
            ModelUpdate request =
                    restored.getSideOutput(TrainingWorkerOperator.REQUESTS).peek().getValue();
            assertThat(request.request().userItems()).containsExactly("i2");
        }
    }

    @Test
    void aTombstoneOnTheTopicDropsTheRowFromTheModelCopy() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        JobID run = new JobID();
        // unstamped: a fresh start takes no stamped rows of other runs
        ModelUpdatesTopic.commit(topic, 0, userRow(5, 0.25f, run, 1).stamped(null));
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            assertThat(op.replicaRow(RowKeys.user("z"))).isNotNull();
            ModelUpdatesTopic.erase(topic, 1, RowKeys.user("z"));
            h.processElement1(event(1, "a", "i1")); // the feed is read before the batch
            assertThat(op.replicaRow(RowKeys.user("z"))).isNull();
            ModelUpdatesTopic.commit(topic, 2, userRow(1, -0.5f, run, 2).stamped(null)); // new, v1
            h.processElement1(event(2, "a", "i2"));
            assertThat(op.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(-0.5f);
        }
    }

    /**
     * A row of the user committed after the forget (a checkpoint holding the user's last updates)
     * must not come back into the model copy; the tombstone ends that, and the new user's version 1
     * is taken.
     */
    @Test
    void aForgottenUsersRowCommittedAfterTheForgetStaysOutUntilItsTombstone() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        JobID run = new JobID();
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "z", 1L)));
            ModelUpdatesTopic.commit(topic, 0, userRow(5, 0.25f, run, 1).stamped(null));
            h.processElement1(event(1, "a", "i1")); // the feed is read before the batch
            assertThat(op.replicaRow(RowKeys.user("z"))).isNull();
            ModelUpdatesTopic.erase(topic, 1, RowKeys.user("z"));
            ModelUpdatesTopic.commit(topic, 2, userRow(1, -0.5f, run, 2).stamped(null)); // new, v1
            h.processElement1(event(2, "a", "i2"));
            assertThat(op.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(-0.5f);
        }
    }

    /**
     * A forget in checkpoint 2 whose tombstone's transaction the sink has not committed when the
     * job restores from checkpoint 2: the topic still ends with the user's row of checkpoint 1, and
     * the rebuilt model copy must not take it back (a returning user of the id would be trained
     * from the old embedding). Once the tombstone is committed, the new user's rows count.
     */
    @Test
    void aForgottenUsersRowIsNotRebuiltFromTheTopicBeforeItsTombstoneIsCommitted()
            throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint2;
        JobID run;
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            run = h.getEnvironment().getJobID();
            ModelUpdatesTopic.commit(topic, 0, userRow(5, 0.25f, run, 1)); // checkpoint 1
            h.processElement1(event(1, "a", "i1")); // the feed is read before the batch
            assertThat(op.replicaRow(RowKeys.user("z"))).isNotNull();
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "z", 2L)));
            h.prepareSnapshotPreBarrier(2L);
            checkpoint2 = h.snapshot(2L, 2L);
            // checkpoint 2 completes; the job fails before the sink commits its tombstone
        }
        // the restored run's reader, from the topic's beginning: the row, no tombstone
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, userRow(5, 0.25f, run, 1));
        TrainingWorkerOperator restoredOp = workerReading(rebuilt);
        try (var restored = harness(restoredOp)) {
            restored.initializeState(checkpoint2);
            restored.open();
            assertThat(restoredOp.replicaRow(RowKeys.user("z")))
                    .as("the pre-forget row rebuilt from the topic")
                    .isNull();

            // the restored sink commits checkpoint 2's tombstone; the new user's rows count
            ModelUpdatesTopic.erase(rebuilt, 1, RowKeys.user("z"));
            JobID now = restored.getEnvironment().getJobID();
            ModelUpdatesTopic.commit(rebuilt, 2, userRow(1, -0.5f, now, 3));
            restored.processElement1(event(2, "a", "i2"));
            assertThat(restoredOp.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(-0.5f);
        }
    }

    /**
     * A user forgotten (F1, its tombstone committed), back and trained, then forgotten again (F2)
     * in checkpoint 3, restored before checkpoint 3's transaction with F2's tombstone is committed:
     * the topic holds the row before F1, F1's tombstone and the returning user's row before F2.
     * F1's tombstone must not release the wait, or the copy trains the user on that pre-F2 row.
     */
    @Test
    void anEarlierForgetsTombstoneDoesNotReleaseTheRowsBeforeTheRestoredForget() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint3;
        JobID run;
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            run = h.getEnvironment().getJobID();
            ModelUpdatesTopic.commit(topic, 0, userRow(5, 0.25f, run, 1));
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "z", 2L)));
            ModelUpdatesTopic.erase(topic, 1, RowKeys.user("z")); // checkpoint 1's, F1's
            ModelUpdatesTopic.commit(topic, 2, userRow(1, 0.75f, run, 2));
            h.processElement1(event(1, "a", "i1")); // the feed is read before the batch
            assertThat(op.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(0.75f);
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f2", "z", 3L)));
            h.prepareSnapshotPreBarrier(3L);
            checkpoint3 = h.snapshot(3L, 3L);
            // checkpoint 3 completes; the job fails before the sink commits F2's tombstone
        }
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, userRow(5, 0.25f, run, 1));
        ModelUpdatesTopic.erase(rebuilt, 1, RowKeys.user("z"));
        ModelUpdatesTopic.commit(rebuilt, 2, userRow(1, 0.75f, run, 2));
        TrainingWorkerOperator restoredOp = workerReading(rebuilt);
        try (var restored = harness(restoredOp)) {
            restored.initializeState(checkpoint3);
            restored.open();
            assertThat(restoredOp.replicaRow(RowKeys.user("z")))
                    .as("the row before the restored forget, after an earlier tombstone")
                    .isNull();

            // the restored sink commits F2's tombstone; the new user's rows count
            ModelUpdatesTopic.erase(rebuilt, 3, RowKeys.user("z"));
            JobID now = restored.getEnvironment().getJobID();
            ModelUpdatesTopic.commit(rebuilt, 4, userRow(1, -0.5f, now, 4));
            restored.processElement1(event(2, "a", "i2"));
            assertThat(restoredOp.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(-0.5f);
        }
    }

    /**
     * A subtask that sees no event after a forget still reads the committed tombstone by its next
     * checkpoint, which then no longer holds the user (else every later checkpoint would).
     */
    @Test
    void aTombstoneCommittedAfterTheLastEventIsReadByTheNextCheckpoint() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "z", 2L)));
            h.prepareSnapshotPreBarrier(1L);
            h.snapshot(1L, 1L);
            assertThat(op.erasedAwaitingTombstone()).containsExactly("z");
            ModelUpdatesTopic.erase(topic, 0, RowKeys.user("z")); // checkpoint 1 commits

            h.prepareSnapshotPreBarrier(2L);
            h.snapshot(2L, 2L);
            assertThat(op.erasedAwaitingTombstone()).isEmpty();
        }
    }

    /**
     * A user forgotten and back within checkpoint 3: the parameter server writes the forget's
     * tombstone at once and the returning user's row at the barrier, so checkpoint 3's transaction
     * holds the tombstone before that row. Restored from checkpoint 3 once it is committed, the
     * rebuild ends with the returning user's row, stamped with checkpoint 3: it comes after every
     * tombstone due at the snapshot, so the copy takes it and awaits no tombstone any more.
     */
    @Test
    void aRowOfTheRestoredCheckpointAfterTheForgetsTombstoneIsTaken() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint3;
        JobID run;
        TrainingWorkerOperator op = workerReading(topic);
        try (var h = harness(op)) {
            h.open();
            run = h.getEnvironment().getJobID();
            ModelUpdatesTopic.commit(topic, 0, userRow(5, 0.25f, run, 2));
            h.processElement1(event(1, "a", "i1")); // the feed is read before the batch
            h.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "z", 2L)));
            h.prepareSnapshotPreBarrier(3L);
            checkpoint3 = h.snapshot(3L, 3L);
            // checkpoint 3 completes and its transaction is committed before the failover
        }
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, userRow(5, 0.25f, run, 2));
        ModelUpdatesTopic.erase(rebuilt, 1, RowKeys.user("z"));
        ModelUpdatesTopic.commit(rebuilt, 2, userRow(1, 0.75f, run, 3));
        TrainingWorkerOperator restoredOp = workerReading(rebuilt);
        try (var restored = harness(restoredOp)) {
            restored.initializeState(checkpoint3);
            restored.open();
            assertThat(restoredOp.replicaRow(RowKeys.user("z")))
                    .as("the returning user's row of the restored checkpoint")
                    .isNotNull();
            assertThat(restoredOp.replicaRow(RowKeys.user("z")).weights()[0]).isEqualTo(0.75f);
        }
    }

    /**
     * A forget clears the user's flood bucket even when this run has the limit off: a later run
     * with it on must not refuse the new user's events with the old user's bucket.
     */
    @Test
    void aForgetClearsTheFloodBucketWithTheLimitOff() throws Exception {
        WorkerSettings limited =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 0)
                        .withUserFlood(new FloodLimit(1, 2));
        OperatorSubtaskState withBucket;
        try (var h = harness(worker(limited))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "a", "i2")); // the bucket is empty
            withBucket = h.snapshot(1L, 1L);
        }
        OperatorSubtaskState forgotten;
        try (var unlimited = harness(worker(1, 60_000))) {
            unlimited.initializeState(withBucket);
            unlimited.open();
            unlimited.processElement2(
                    new StreamRecord<>(RecommendationRequest.forget("f1", "a", 3L)));
            forgotten = unlimited.snapshot(2L, 2L);
        }
        try (var again = harness(worker(limited))) {
            again.initializeState(forgotten);
            again.open();
            again.processElement1(event(3, "a", "i3"));
            assertThat(again.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull();
        }
    }

    /** As the flood bucket: a forget with deduplication off clears the ids an earlier run kept. */
    @Test
    void aForgetClearsTheEventIdsWithDeduplicationOff() throws Exception {
        OperatorSubtaskState withIds;
        try (var h = harness(worker(1, 60_000, 3_600_000L))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            withIds = h.snapshot(1L, 1L);
        }
        OperatorSubtaskState forgotten;
        try (var off = harness(worker(1, 60_000, 0L))) {
            off.initializeState(withIds);
            off.open();
            off.processElement2(new StreamRecord<>(RecommendationRequest.forget("f1", "a", 3L)));
            forgotten = off.snapshot(2L, 2L);
        }
        try (var on = harness(worker(1, 60_000, 3_600_000L))) {
            on.initializeState(forgotten);
            on.open();
            on.processElement1(event(1, "a", "i1")); // the same id: a new user's event
            assertThat(on.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull();
        }
    }

    private static long markers(List<ShardMessage> out) {
        return out.stream().filter(ShardMessage::isMarker).count();
    }

    @Test
    void flushesWhenTheBatchIsFull() throws Exception {
        try (var h = harness(worker(3, 60_000))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "b", "i2"));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement1(event(3, "a", "i3"));
            List<ShardMessage> out = h.extractOutputValues();
            // one marker per shard, before any gradient
            assertThat(markers(out)).isEqualTo(2);
            assertThat(out.get(0).isMarker()).isTrue();
            assertThat(out.get(1).isMarker()).isTrue();
            assertThat(out.get(0).marker().events()).hasSize(3);
            int userContributions =
                    out.stream()
                            .filter(m -> m.isGradient() && RowKeys.isUser(m.key()))
                            .mapToInt(ShardMessage::contributions)
                            .sum();
            assertThat(userContributions).isEqualTo(3);
            // the user's earlier item is attached for exclusion and history
            assertThat(out.get(0).marker().userItems().get(2)).containsExactly("i1");
        }
    }

    @Test
    void flushesWhenTheIntervalPasses() throws Exception {
        try (var h = harness(worker(100, 50))) {
            h.open();
            h.setProcessingTime(0);
            h.processElement1(event(1, "a", "i1"));
            h.setProcessingTime(49);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(50);
            assertThat(markers(h.extractOutputValues())).isEqualTo(2);
        }
    }

    @Test
    void flushesBeforeTheCheckpointBarrierAndRestoresUserHistory() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(worker(100, 60_000))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "a", "i2"));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(markers(h.extractOutputValues())).isEqualTo(2);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(1, 60_000))) {
            restored.initializeState(snapshot);
            restored.open();
            // an event id seen before the checkpoint is still a duplicate after the restore
            restored.processElement1(event(2, "a", "i2"));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
            assertThat(restored.extractOutputValues()).isEmpty();
            restored.processElement1(event(3, "a", "i3"));
            List<ShardMessage> out = restored.extractOutputValues();
            assertThat(out.get(0).marker().userItems().get(0)).containsExactly("i1", "i2");
            restored.processElement2(
                    new StreamRecord<>(new RecommendationRequest("r1", "a", 5, 1L)));
            // the request goes to serving directly, not to the parameter server
            assertThat(restored.extractOutputValues()).hasSameSizeAs(out);
            ModelUpdate request =
                    restored.getSideOutput(TrainingWorkerOperator.REQUESTS).peek().getValue();
            assertThat(request.isRequest()).isTrue();
            assertThat(request.request().userItems()).containsExactly("i1", "i2", "i3");
        }
    }

    /**
     * The negative sampler's ring of recent positives is operator state: a restored worker draws
     * from the ring the checkpoint held, oldest first, and goes on adding to it.
     */
    @Test
    void theRingOfRecentPositivesContinuesAcrossSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(worker(100, 60_000))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "b", "i2"));
            h.processElement1(event(3, "a", "i3"));
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(100, 60_000))) {
            restored.initializeState(snapshot);
            restored.open();
            TrainingWorkerOperator operator = (TrainingWorkerOperator) restored.getOperator();
            assertThat(operator.recentPositives()).containsExactly("i1", "i2", "i3");

            restored.processElement1(event(4, "b", "i4"));
            assertThat(operator.recentPositives()).containsExactly("i1", "i2", "i3", "i4");
        }
    }

    /**
     * A user over the flood limit (2 at once, then 1 an hour of event time) has the excess
     * dead-lettered with a reason and untrained; the bucket survives a restore, so a replay after a
     * failover refuses the same events.
     */
    @Test
    void dropsAUsersEventsBeyondTheFloodLimitAcrossARestore() throws Exception {
        WorkerSettings limited =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 0)
                        .withUserFlood(new FloodLimit(1, 2));
        OperatorSubtaskState snapshot;
        try (var h = harness(worker(limited))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "a", "i2"));
            h.processElement1(event(3, "a", "i3")); // 3 s in: no token left
            h.processElement1(event(4, "b", "i3")); // another user has their own bucket
            // a marker per batch of one event to each of the 2 shards: 3 events trained
            assertThat(markers(h.extractOutputValues())).isEqualTo(6);
            var dead = h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS);
            assertThat(dead).hasSize(1);
            assertThat(dead.peek().getValue()).contains("\"reason\":\"user_flood\"").contains("e3");
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(limited))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(event(5, "a", "i4")); // still within the hour
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
            // an hour of event time later, one token again
            restored.processElement1(
                    new StreamRecord<>(
                            new UserEvent(
                                    "e6", "a", "i5", EventType.CLICK, Float.NaN, 3_605_000L)));
            assertThat(markers(restored.extractOutputValues())).isEqualTo(2);
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
        }
    }

    @Test
    void dropsDuplicateEventIdsWithAReason() throws Exception {
        try (var h = harness(worker(2, 60_000))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(2, "a", "i2"));
            List<ShardMessage> out = h.extractOutputValues();
            assertThat(out.get(0).marker().events())
                    .extracting(UserEvent::eventId)
                    .containsExactly("e1", "e2");
            var dead = h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS);
            assertThat(dead).hasSize(1);
            assertThat(dead.peek().getValue()).contains("\"reason\":\"duplicate_event\"");
        }
    }

    @Test
    void keepsDuplicatesWhenTheDedupeWindowIsZero() throws Exception {
        try (var h = harness(worker(2, 60_000, 0L))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(1, "a", "i1"));
            List<ShardMessage> out = h.extractOutputValues();
            assertThat(out.get(0).marker().events())
                    .extracting(UserEvent::eventId)
                    .containsExactly("e1", "e1");
            assertThat(h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void dropsAnIdSeenInAnEarlierBatch() throws Exception {
        try (var h = harness(worker(1, 60_000))) {
            h.open();
            h.processElement1(event(1, "a", "i1"));
            h.processElement1(event(1, "a", "i1"));
            assertThat(markers(h.extractOutputValues())).isEqualTo(2);
            assertThat(h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
        }
    }

    /**
     * Dedupe expiry follows event time, not the wall clock: resumed from a checkpoint much older
     * than the dedupe window, the replayed events are all recognised (none is trained twice).
     */
    @Test
    void remembersEventIdsAcrossARestoreHowEverLateInProcessingTime() throws Exception {
        long window = 3_600_000L;
        OperatorSubtaskState snapshot;
        try (var h = harness(worker(100, 60_000, window))) {
            h.open();
            for (int n = 1; n <= 4; n++) {
                h.processElement1(event(n, n % 2 == 0 ? "a" : "b", "i" + n));
            }
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(1, 60_000, window))) {
            restored.initializeState(snapshot);
            restored.setProcessingTime(100 * window);
            restored.setStateTtlProcessingTime(100 * window);
            restored.open();
            for (int n = 1; n <= 4; n++) {
                restored.processElement1(event(n, n % 2 == 0 ? "a" : "b", "i" + n));
            }
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(4);
        }
    }

    /**
     * An id is forgotten once its user's events have moved more than the window past it in event
     * time, so the state stays bounded, whatever the processing time.
     */
    @Test
    void forgetsEventIdsOlderThanTheWindowInEventTime() throws Exception {
        long window = 3_600_000L;
        try (var h = harness(worker(1, 60_000, window))) {
            h.open();
            h.processElement1(eventAt("e1", "a", 0L));
            h.processElement1(eventAt("e2", "a", window));
            h.processElement1(eventAt("e1", "a", 0L)); // still within the window of e2
            h.processElement1(eventAt("e3", "a", 3 * window));
            h.processElement1(eventAt("e2", "a", window)); // two windows behind e3: forgotten
            assertThat(h.extractOutputValues())
                    .filteredOn(ShardMessage::isMarker)
                    .extracting(m -> m.marker().events().get(0).eventId())
                    .containsExactly("e1", "e1", "e2", "e2", "e3", "e3", "e2", "e2");
            assertThat(h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
        }
    }

    /**
     * An event turned away over the flood limit is not remembered as seen: replayed from its dead
     * letter once its user has tokens again, it is trained, not refused as a duplicate.
     */
    @Test
    void aFloodedEventReplayedLaterIsNotADuplicate() throws Exception {
        WorkerSettings limited =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 86_400_000L)
                        .withUserFlood(new FloodLimit(1, 2));
        try (var h = harness(worker(limited))) {
            h.open();
            h.processElement1(eventAt("e1", "a", 1_000L));
            h.processElement1(eventAt("e2", "a", 2_000L));
            h.processElement1(eventAt("e3", "a", 3_000L)); // no token left: quarantined
            h.processElement1(eventAt("e4", "a", 3 * 3_600_000L)); // tokens again
            h.processElement1(eventAt("e3", "a", 3_000L)); // the quarantined event, replayed
            h.processElement1(eventAt("e3", "a", 3_000L)); // and a copy of it
            var dead = h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS);
            assertThat(dead).hasSize(2);
            assertThat(dead.poll().getValue()).contains("\"reason\":\"user_flood\"");
            assertThat(dead.poll().getValue()).contains("\"reason\":\"duplicate_event\"");
            assertThat(markers(h.extractOutputValues())).isEqualTo(2 * 4); // e1, e2, e4, e3
        }
    }

    /**
     * A late event already more than the window behind its user's newest cannot be recognised as a
     * duplicate, so its id is not kept either: a thousand of them take no more state than one id.
     */
    @Test
    void keepsNoIdsOfEventsAlreadyPastTheWindow() throws Exception {
        assertThat(stateAfterLateEvents(i -> "late" + i))
                .isEqualTo(stateAfterLateEvents(i -> "late"));
    }

    /** The keyed state's size after 1,000 events two windows late, with ids {@code ids}. */
    private static long stateAfterLateEvents(IntFunction<String> ids) throws Exception {
        long window = 3_600_000L;
        try (var h = harness(worker(1, 60_000, window))) {
            h.open();
            h.processElement1(eventAt("e1", "a", 3 * window));
            for (int i = 0; i < 1_000; i++) {
                h.processElement1(eventAt(ids.apply(i), "a", window));
            }
            assertThat(h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull(); // trained
            return h.snapshot(1L, 1L).getManagedKeyedState().getStateSize();
        }
    }

    /**
     * A client that sends one timestamp never moves its user's window on, so only the cap bounds
     * the user's ids: a thousand distinct ids at one time take no more state than the cap's worth.
     */
    @Test
    void aUserWhoseEventTimesStandStillKeepsNoMoreIdsThanTheCap() throws Exception {
        assertThat(stateAfterEventsAtOneTime(1_000)).isEqualTo(stateAfterEventsAtOneTime(100));
    }

    /** The keyed state's size after {@code events} events of one user at one time, cap 8. */
    private static long stateAfterEventsAtOneTime(int events) throws Exception {
        WorkerSettings capped =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 3_600_000L)
                        .withDedupeMaxIds(8);
        try (var h = harness(worker(capped))) {
            h.open();
            for (int i = 0; i < events; i++) {
                h.processElement1(eventAt(String.format("s%04d", i), "a", 1_000L));
            }
            assertThat(h.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).isNull(); // trained
            return h.snapshot(1L, 1L).getManagedKeyedState().getStateSize();
        }
    }

    /**
     * At the cap the ids of the oldest event times go first: a copy of a recent event is still a
     * duplicate, one of the first is not; and the count restores with the ids, so a restored worker
     * drops the same ones.
     */
    @Test
    void pastTheCapTheOldestIdsAreDroppedAndTheNewestStillRecognised() throws Exception {
        WorkerSettings capped =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 3_600_000L)
                        .withDedupeMaxIds(8);
        OperatorSubtaskState checkpoint;
        try (var h = harness(worker(capped))) {
            h.open();
            for (int i = 0; i < 100; i++) {
                h.processElement1(eventAt("e" + i, "a", 1_000L + i));
            }
            checkpoint = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(capped))) {
            restored.initializeState(checkpoint);
            restored.open();
            restored.processElement1(eventAt("e99", "a", 1_099L));
            restored.processElement1(eventAt("e94", "a", 1_094L));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(2);
            restored.processElement1(eventAt("e0", "a", 1_000L)); // dropped at the cap: trained
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(2);
            // the restored count goes on: 7 more ids reach the cap again, and e94 is dropped
            for (int i = 100; i < 107; i++) {
                restored.processElement1(eventAt("e" + i, "a", 1_000L + i));
            }
            restored.processElement1(eventAt("e94", "a", 1_094L));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(2);
            restored.processElement1(eventAt("e106", "a", 1_106L));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(3);
        }
    }

    /**
     * Checkpoints of versions that kept ids in processing-time TTL state restore, and their ids are
     * still recognised until they expire, a window after the restore.
     */
    @Test
    void recognisesIdsOfEarlierCheckpointsForAWindowAfterTheRestore() throws Exception {
        long window = 3_600_000L;
        OperatorSubtaskState legacy;
        try (var h = harness(new LegacySeenIdsOperator(window))) {
            h.open();
            h.processElement1(eventAt("e1", "a", 0L));
            h.processElement1(eventAt("e2", "a", 0L));
            legacy = h.snapshot(1L, 1L);
        }
        try (var restored = harness(worker(1, 60_000, window))) {
            restored.initializeState(legacy);
            restored.open();
            restored.processElement1(eventAt("e1", "a", 0L));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
            restored.setProcessingTime(window + 1);
            restored.setStateTtlProcessingTime(window + 1);
            restored.processElement1(eventAt("e2", "a", 0L));
            assertThat(markers(restored.extractOutputValues())).isEqualTo(2);
        }
    }

    /**
     * Checkpoints written before ids were counted hold ids and no count: a restored user's ids are
     * counted at its next event, so the cap holds for them as for new ones.
     */
    @Test
    void idsOfCheckpointsBeforeTheCountAreCountedAtTheUsersNextEvent() throws Exception {
        OperatorSubtaskState uncounted;
        try (var h = harness(new UncountedSeenTimesOperator())) {
            h.open();
            for (int i = 0; i < 100; i++) {
                h.processElement1(eventAt("e" + i, "a", 1_000L + i));
            }
            uncounted = h.snapshot(1L, 1L);
        }
        WorkerSettings capped =
                new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 3_600_000L)
                        .withDedupeMaxIds(8);
        try (var restored = harness(worker(capped))) {
            restored.initializeState(uncounted);
            restored.open();
            restored.processElement1(eventAt("e50", "a", 1_050L)); // restored: a duplicate
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(1);
            restored.processElement1(eventAt("x", "a", 1_200L)); // 101 ids: the newest 6 stay
            restored.processElement1(eventAt("e95", "a", 1_095L));
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(2);
            restored.processElement1(eventAt("e94", "a", 1_094L)); // dropped: trained
            assertThat(restored.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)).hasSize(2);
        }
    }

    /** Remembers event ids by event time as versions before the per-user count did. */
    private static final class UncountedSeenTimesOperator
            extends AbstractStreamOperator<ShardMessage>
            implements TwoInputStreamOperator<UserEvent, RecommendationRequest, ShardMessage> {
        private transient MapState<String, Long> seen;
        private transient ValueState<Long> newest;

        @Override
        public void open() throws Exception {
            super.open();
            seen =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            StateNames.SEEN_EVENT_TIMES, Types.STRING, Types.LONG));
            newest =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            StateNames.NEWEST_EVENT_TIME, Types.LONG));
        }

        @Override
        public void processElement1(StreamRecord<UserEvent> element) throws Exception {
            seen.put(element.getValue().eventId(), element.getValue().timestamp());
            newest.update(element.getValue().timestamp());
        }

        @Override
        public void processElement2(StreamRecord<RecommendationRequest> element) {}
    }

    /** Remembers event ids as versions before event-time expiry did. */
    private static final class LegacySeenIdsOperator extends AbstractStreamOperator<ShardMessage>
            implements TwoInputStreamOperator<UserEvent, RecommendationRequest, ShardMessage> {
        private final long window;
        private transient MapState<String, Boolean> seen;

        LegacySeenIdsOperator(long window) {
            this.window = window;
        }

        @Override
        public void open() throws Exception {
            super.open();
            MapStateDescriptor<String, Boolean> descriptor =
                    new MapStateDescriptor<>(
                            StateNames.SEEN_EVENT_IDS, Types.STRING, Types.BOOLEAN);
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(Duration.ofMillis(window))
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .build());
            seen = getRuntimeContext().getMapState(descriptor);
        }

        @Override
        public void processElement1(StreamRecord<UserEvent> element) throws Exception {
            seen.put(element.getValue().eventId(), Boolean.TRUE);
        }

        @Override
        public void processElement2(StreamRecord<RecommendationRequest> element) {}
    }

    private static StreamRecord<UserEvent> eventAt(String id, String user, long timestamp) {
        return new StreamRecord<>(
                new UserEvent(id, user, "i1", EventType.CLICK, Float.NaN, timestamp));
    }

    /** At parallelism 2 a worker keeps the item rows and its own users' rows, not the others'. */
    @Test
    void aWorkerHoldsOnlyItsOwnUsersRows() throws Exception {
        String mine = userKeyedTo(0);
        String theirs = userKeyedTo(1);
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(topic, 0, rowOf(RowKeys.user(mine)));
        ModelUpdatesTopic.commit(topic, 1, rowOf(RowKeys.user(theirs)));
        ModelUpdatesTopic.commit(topic, 2, rowOf(RowKeys.item("i1")));
        TrainingWorkerOperator op = workerReading(topic);
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        op,
                        UserEvent::userId,
                        RecommendationRequest::userId,
                        Types.STRING,
                        128,
                        2,
                        0)) {
            h.open();
            assertThat(op.replicaRow(RowKeys.user(mine))).isNotNull();
            assertThat(op.replicaRow(RowKeys.item("i1"))).isNotNull();
            assertThat(op.replicaRow(RowKeys.user(theirs))).isNull();
        }
    }

    /**
     * After a rescale a user forgotten and awaiting its tombstone goes to the user's new owner, the
     * one subtask that reads the user's rows and tombstone (another would never read the tombstone
     * and keep the entry for good), and its pre-forget row stays out of that subtask's copy.
     */
    @Test
    void forgottenUsersAwaitingTheirTombstoneGoToTheirNewOwner() throws Exception {
        String[] users = {userKeyedTo(0), userKeyedTo(1)};
        MockConsumer<byte[], byte[]> before = ModelUpdatesTopic.empty();
        OperatorSubtaskState atTwo;
        JobID run;
        try (var h = harnessOf(workerReading(before), 1, 0)) {
            h.open();
            run = h.getEnvironment().getJobID();
            for (String user : users) {
                h.processElement2(new StreamRecord<>(RecommendationRequest.forget(user, user, 1L)));
            }
            // the forgets' checkpoint: the topic's rows of the users are checkpoint 1's
            h.prepareSnapshotPreBarrier(2L);
            atTwo = h.snapshot(2L, 2L);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
            for (int i = 0; i < users.length; i++) {
                ParameterRow row = rowOf(RowKeys.user(users[i]));
                ModelUpdatesTopic.commit(topic, i, row.stamped(new RunCheckpoint(run, 1)));
            }
            TrainingWorkerOperator op = workerReading(topic);
            try (var h = harnessOf(op, 2, subtask)) {
                h.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                atTwo, 128, 1, 2, subtask));
                h.open();
                assertThat(op.erasedAwaitingTombstone()).containsExactly(users[subtask]);
                assertThat(op.replicaRow(RowKeys.user(users[subtask]))).isNull();
            }
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, UserEvent, RecommendationRequest, ShardMessage>
            harnessOf(TrainingWorkerOperator op, int parallelism, int subtask) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                op,
                UserEvent::userId,
                RecommendationRequest::userId,
                Types.STRING,
                128,
                parallelism,
                subtask);
    }

    private static String userKeyedTo(int subtask) {
        for (int i = 0; ; i++) {
            String user = "user-" + i;
            int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(user, 128);
            if (KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, keyGroup)
                    == subtask) {
                return user;
            }
        }
    }

    private static ParameterRow rowOf(String key) {
        return new ParameterRow(
                key,
                new ModelRowInitializer(MODEL).initialWeights(key),
                new float[0],
                1,
                1,
                0,
                0f,
                0L);
    }
}
