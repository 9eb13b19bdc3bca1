package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * How a serving replica rebuilds the model after a restore from the model-updates topic, whose
 * transactions the sink may commit at any time after the replica opened.
 */
class ServingOperatorRestoreTest {
    private static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);
    private static final ModelRowInitializer INIT = new ModelRowInitializer(MODEL);
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    IntStream.range(0, 30)
                            .mapToObj(i -> new ItemRecord("i" + i, "item " + i, List.of()))
                            .toList());
    private static final TopicPartition TOPIC = new TopicPartition("model-updates", 0);

    /** A serving operator whose model-updates feed reads {@code topic}. */
    private static OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> harness(
            MockConsumer<byte[], byte[]> topic) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ServingOperator(
                        MODEL,
                        INIT,
                        CATALOG,
                        new ServingSettings(86_400_000L, 1.0, Integer.MAX_VALUE),
                        null,
                        null,
                        null) {
                    @Override
                    ModelRowFeed openModelRowFeed() {
                        return new ModelRowFeed(topic);
                    }
                });
    }

    private static MockConsumer<byte[], byte[]> emptyTopic() {
        MockConsumer<byte[], byte[]> topic =
                new MockConsumer<>("earliest") {
                    @Override
                    public synchronized void close(Duration timeout) {
                        // a broker's topic takes commits after a reader closed: keep it writable
                    }
                };
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        topic.updateEndOffsets(Map.of(TOPIC, 0L));
        return topic;
    }

    /** Appends a committed row: it becomes visible to read_committed readers. */
    private static void commit(MockConsumer<byte[], byte[]> topic, long offset, ParameterRow row) {
        topic.addRecord(
                new ConsumerRecord<>(
                        TOPIC.topic(),
                        TOPIC.partition(),
                        offset,
                        row.key().getBytes(),
                        ParameterRowSerializer.INSTANCE.toBytes(row)));
        topic.updateEndOffsets(Map.of(TOPIC, offset + 1));
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

    @Test
    void rowsOfTheRestoredCheckpointCommittedAfterOpenReachServing() throws Exception {
        OperatorSubtaskState checkpoint2;
        try (var h = harness(emptyTopic())) {
            h.open();
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 1, -5f))));
            h.prepareSnapshotPreBarrier(1L);
            h.snapshot(1L, 1L);
            h.processElement(new StreamRecord<>(ModelUpdate.of(item("i3", 2, 5f))));
            h.prepareSnapshotPreBarrier(2L);
            checkpoint2 = h.snapshot(2L, 2L);
            // checkpoint 2 completes, then the job fails before the sink commits its transaction
        }
        MockConsumer<byte[], byte[]> topic = emptyTopic();
        commit(topic, 0, item("i3", 1, -5f)); // checkpoint 1's transaction
        try (var restored = harness(topic)) {
            restored.initializeState(checkpoint2);
            restored.open();
            // the restored sink commits checkpoint 2's pending transaction after serving opened
            commit(topic, 1, item("i3", 2, 5f));
            restored.processElement(request("r1"));

            RecommendationResult answer = restored.extractOutputValues().get(0);
            assertThat(answer.modelVersion()).isEqualTo(2);
            assertThat(answer.items().get(0).itemId()).isEqualTo("i3");
        }
    }
}
