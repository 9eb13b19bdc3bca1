package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.BPR;
import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static io.streamrec.serving.ServingOperatorFixture.reasonFor;
import static io.streamrec.serving.ServingOperatorFixture.userRow;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.feeds.ModelUpdatesTopic;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

/**
 * How a serving replica rebuilds the model after a restore from the model-updates topic, whose
 * transactions the sink may commit at any time after the replica opened.
 */
class ServingOperatorRestoreTest {

    /** A serving operator whose model-updates feed reads {@code topic}. */
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            MockConsumer<byte[], byte[]> topic) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ServingOperator(
                        MODEL, INIT, CATALOG, BPR, null, null, null, DirectRequestSettings.OFF) {
                    @Override
                    ModelRowFeed openModelRowFeed() {
                        return new ModelRowFeed(topic);
                    }
                });
    }

    /** An item row with the given bias: a high bias makes it the best-scored item. */
    private static ParameterRow item(String item, long version, float bias) {
        float[] w = INIT.initialWeights(RowKeys.item(item));
        w[MODEL.dim()] = bias;
        return new ParameterRow(
                RowKeys.item(item), w, new float[0], version, version, version, 1f, 1000L);
    }

    private static StreamRecord<ModelUpdate> request(String id) {
        return new StreamRecord<>(
                ModelUpdate.of(
                        new ServingRequest(
                                new RecommendationRequest(id, "u", 1, 5L), new String[0])));
    }

    /**
     * A row as the parameter server of {@code run} writes it to the topic at {@code checkpoint}.
     */
    private static ParameterRow stamped(ParameterRow row, JobID run, long checkpoint) {
        return row.stamped(new RunCheckpoint(run, checkpoint));
    }

    @Test
    void rowsOfTheRestoredCheckpointCommittedAfterOpenReachServing() throws Exception {
        OperatorSubtaskState checkpoint2;
        JobID run;
        try (var h = harness(ModelUpdatesTopic.empty())) {
            h.open();
            run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 1, -5f))));
            h.prepareSnapshotPreBarrier(1L);
            h.snapshot(1L, 1L);
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 2, 5f))));
            h.prepareSnapshotPreBarrier(2L);
            checkpoint2 = h.snapshot(2L, 2L);
            // checkpoint 2 completes, then the job fails before the sink commits its transaction
        }
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(
                topic, 0, stamped(item("i3", 1, -5f), run, 1)); // checkpoint 1's transaction
        try (var restored = harness(topic)) {
            restored.initializeState(checkpoint2);
            restored.open();
            // the restored sink commits checkpoint 2's pending transaction after serving opened
            ModelUpdatesTopic.commit(topic, 1, stamped(item("i3", 2, 5f), run, 2));
            restored.processElement(request("r1"));

            RecommendationResult answer = restored.extractOutputValues().get(0);
            assertThat(answer.modelVersion()).isEqualTo(2);
            assertThat(answer.items().get(0).itemId()).isEqualTo("i3");
        }
    }

    @Test
    void aForgottenUsersRowCommittedAfterTheForgetDoesNotComeBackFromTheTopic() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        try (var h = harness(topic)) {
            h.open();
            JobID run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 5))));
            assertThat(reasonFor(h, "x")).isEqualTo("model");
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 1, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            // the checkpoint before the forget's barrier commits the user's last row now
            ModelUpdatesTopic.commit(topic, 0, stamped(userRow("x", 5), run, 3));
            assertThat(reasonFor(h, "x")).isEqualTo("cold-start");

            // the user comes back before the tombstone is committed: the broadcast edge serves it
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 1))));
            assertThat(reasonFor(h, "x")).isEqualTo("model");

            // once the tombstone is committed the topic's rows of the user count again
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("y", 5))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(10L, 1, "y"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:y"))));
            ModelUpdatesTopic.commit(topic, 1, stamped(userRow("y", 5), run, 4));
            assertThat(reasonFor(h, "y")).isEqualTo("cold-start");
            ModelUpdatesTopic.erase(topic, 2, "u:y");
            ModelUpdatesTopic.commit(topic, 3, stamped(userRow("y", 1), run, 5));
            assertThat(reasonFor(h, "y")).isEqualTo("model");
        }
    }

    /**
     * A forget in checkpoint C whose tombstone's transaction the sink has not committed when the
     * job restores from C: the topic still ends with the user's row of checkpoint C-1, and the
     * restored replica must not take it back (the restored ledger holds the forget as applied).
     * Once the tombstone is committed, the user's later rows count again.
     */
    @Test
    void aForgottenUsersRowIsNotRebuiltFromTheTopicBeforeItsTombstoneIsCommitted()
            throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint2;
        JobID run;
        try (var h = harness(topic)) {
            h.open();
            run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 5))));
            ModelUpdatesTopic.commit(topic, 0, stamped(userRow("x", 5), run, 1)); // checkpoint 1
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 1, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            h.prepareSnapshotPreBarrier(2L);
            checkpoint2 = h.snapshot(2L, 2L);
            // checkpoint 2 completes; the job fails before the sink commits its tombstone
        }
        // the restored run's reader, from the topic's beginning: the row, no tombstone
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, stamped(userRow("x", 5), run, 1));
        try (var restored = harness(rebuilt)) {
            restored.initializeState(checkpoint2);
            restored.open();
            assertThat(reasonFor(restored, "x"))
                    .as("the pre-forget row rebuilt from the topic")
                    .isEqualTo("cold-start");

            // the restored sink commits checkpoint 2's tombstone; the user's later rows count
            ModelUpdatesTopic.erase(rebuilt, 1, "u:x");
            ModelUpdatesTopic.commit(rebuilt, 2, stamped(userRow("x", 1), run, 2));
            assertThat(reasonFor(restored, "x")).isEqualTo("model");
        }
    }

    /**
     * A user forgotten (F1, its tombstone committed), back and trained, then forgotten again (F2)
     * in checkpoint 3, restored before checkpoint 3's transaction with F2's tombstone is committed:
     * the topic holds the row before F1, F1's tombstone and the returning user's row before F2.
     * F1's tombstone must not release the wait, or that pre-F2 row is served until F2's is
     * committed.
     */
    @Test
    void anEarlierForgetsTombstoneDoesNotReleaseTheRowsBeforeTheRestoredForget() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint3;
        JobID run;
        try (var h = harness(topic)) {
            h.open();
            run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 5))));
            ModelUpdatesTopic.commit(topic, 0, stamped(userRow("x", 5), run, 1));
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 1, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            ModelUpdatesTopic.erase(topic, 1, "u:x"); // checkpoint 2 commits F1's tombstone
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 1))));
            ModelUpdatesTopic.commit(topic, 2, stamped(userRow("x", 1), run, 2));
            assertThat(reasonFor(h, "x")).isEqualTo("model");
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(10L, 1, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            h.prepareSnapshotPreBarrier(3L);
            checkpoint3 = h.snapshot(3L, 3L);
            // checkpoint 3 completes; the job fails before the sink commits F2's tombstone
        }
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, stamped(userRow("x", 5), run, 1));
        ModelUpdatesTopic.erase(rebuilt, 1, "u:x");
        ModelUpdatesTopic.commit(rebuilt, 2, stamped(userRow("x", 1), run, 2));
        try (var restored = harness(rebuilt)) {
            restored.initializeState(checkpoint3);
            restored.open();
            assertThat(reasonFor(restored, "x"))
                    .as("the row before the restored forget, after an earlier tombstone")
                    .isEqualTo("cold-start");

            // the restored sink commits F2's tombstone; the returning user's rows count again
            ModelUpdatesTopic.erase(rebuilt, 3, "u:x");
            ModelUpdatesTopic.commit(rebuilt, 4, stamped(userRow("x", 1), run, 3));
            assertThat(reasonFor(restored, "x")).isEqualTo("model");
        }
    }

    /**
     * A user forgotten and back within checkpoint 3: the parameter server writes the forget's
     * tombstone at once and the returning user's row at the barrier, so checkpoint 3's transaction
     * holds the tombstone before that row. Restored from checkpoint 3 once it is committed, the
     * rebuild ends with the returning user's row, stamped with checkpoint 3: it comes after every
     * tombstone due at the snapshot, so it is served and no tombstone is awaited any more.
     */
    @Test
    void aRowOfTheRestoredCheckpointAfterTheForgetsTombstoneIsServed() throws Exception {
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        OperatorSubtaskState checkpoint3;
        JobID run;
        try (var h = harness(topic)) {
            h.open();
            run = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 5))));
            ModelUpdatesTopic.commit(topic, 0, stamped(userRow("x", 5), run, 2));
            h.processElement(new StreamRecord<>(ModelUpdate.of(EvalMarker.forget(9L, 1, "x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(ParameterRow.tombstone("u:x"))));
            h.processElement(new StreamRecord<>(ModelUpdate.of(userRow("x", 1))));
            h.prepareSnapshotPreBarrier(3L);
            checkpoint3 = h.snapshot(3L, 3L);
            // checkpoint 3 completes and its transaction is committed before the failover
        }
        MockConsumer<byte[], byte[]> rebuilt = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(rebuilt, 0, stamped(userRow("x", 5), run, 2));
        ModelUpdatesTopic.erase(rebuilt, 1, "u:x");
        ModelUpdatesTopic.commit(rebuilt, 2, stamped(userRow("x", 1), run, 3));
        try (var restored = harness(rebuilt)) {
            restored.initializeState(checkpoint3);
            restored.open();
            assertThat(reasonFor(restored, "x"))
                    .as("the returning user's row of the restored checkpoint")
                    .isEqualTo("model");
            ServingOperator op = (ServingOperator) restored.getOneInputOperator();
            assertThat(op.model().erasedAwaitingTombstone()).isEmpty();
        }
    }

    private static StreamRecord<ModelUpdate> marker(long batch, String user, String item) {
        return new StreamRecord<>(
                ModelUpdate.of(
                        new EvalMarker(
                                batch,
                                1,
                                List.of(
                                        new UserEvent(
                                                "e" + batch,
                                                user,
                                                item,
                                                EventType.CLICK,
                                                Float.NaN,
                                                2000L)),
                                List.<String[]>of(new String[0]))));
    }

    /**
     * Issue 12f: resuming from a checkpoint older than the newest one. The topic holds the
     * abandoned run's rows, with versions as high as the recomputed ones or higher; each row is
     * stamped with the run (JobID) that wrote it and its checkpoint, and the restored replica drops
     * the rows of that run after the restored checkpoint. Otherwise serving would score replayed
     * events with rows trained on them, and ignore the recomputed rows of the same or lower
     * versions. The restore runs under a new JobID, as a new submission does.
     */
    @Test
    void restoringAnOlderCheckpointNeitherLeaksNorShadows() throws Exception {
        OperatorSubtaskState checkpoint1;
        JobID abandoned;
        try (var h = harness(ModelUpdatesTopic.empty())) {
            h.open();
            abandoned = h.getEnvironment().getJobID();
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 1, -5f))));
            h.prepareSnapshotPreBarrier(1L);
            checkpoint1 = h.snapshot(1L, 1L);
            h.processElement(marker(2, "u", "i3"));
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 2, 5f))));
        }
        MockConsumer<byte[], byte[]> topic = ModelUpdatesTopic.empty();
        ModelUpdatesTopic.commit(
                topic, 0, stamped(item("i3", 1, -5f), abandoned, 1)); // checkpoint 1
        // checkpoint 2, of the abandoned run
        ModelUpdatesTopic.commit(topic, 1, stamped(item("i3", 2, 5f), abandoned, 2));
        try (var restored = harness(topic)) {
            assertThat(restored.getEnvironment().getJobID()).isNotEqualTo(abandoned);
            restored.initializeState(checkpoint1);
            restored.open();
            // the replayed batch: i3's bias of checkpoint 1 ranks it last, a miss
            restored.processElement(marker(2, "u", "i3"));
            restored.prepareSnapshotPreBarrier(2L);
            String report = restored.getSideOutput(ServingOperator.EVAL_REPORTS).peek().getValue();
            // a hit rate of 0 also reads an event never evaluated: the replayed one was
            assertThat(EvalReportCodec.decode(report).counts().events()).isEqualTo(1);
            assertThat(EvalReportCodec.decode(report).counts().hitRate(0))
                    .as("the replayed event scored by a model that trained on it")
                    .isEqualTo(0.0);
            // the recomputed row of the new timeline, version 2 again
            restored.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 2, -3f))));
            restored.processElement(request("r1"));
            assertThat(restored.extractOutputValues().get(0).items().get(0).itemId())
                    .as("the recomputed row replaces the abandoned one")
                    .isNotEqualTo("i3");
        }
    }
}
