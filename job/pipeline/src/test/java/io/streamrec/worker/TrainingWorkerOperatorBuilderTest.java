package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** What {@link TrainingWorkerOperator.Builder} accepts, and that the operator it builds ships. */
class TrainingWorkerOperatorBuilderTest {
    private static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);
    private static final KafkaSettings KAFKA = new KafkaSettings("127.0.0.1:9092", Map.of());

    /** Every required setting, the shards at parallelism 3 of 128 key groups. */
    private static TrainingWorkerOperator.Builder complete() {
        return TrainingWorkerOperator.builder()
                .model(MODEL)
                .settings(new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, 3_600_000L))
                .rowUpdates(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        new ModelRowInitializer(MODEL))
                .catalog(new ItemCatalog(List.of(new ItemRecord("i1", "item 1", List.of("g1")))))
                .shardParallelism(3)
                .shardMaxParallelism(128);
    }

    /** The parallelism and max parallelism swapped: open() could never find a key per shard. */
    @Test
    void refusesShardsOfMoreSubtasksThanKeyGroups() {
        assertThatThrownBy(() -> complete().shardParallelism(128).shardMaxParallelism(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 128 and 3");
        assertThatThrownBy(() -> complete().shardParallelism(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesAMissingSetting() {
        assertThatThrownBy(() -> complete().catalog(null).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("catalog");
        assertThatThrownBy(() -> complete().rowUpdates(null, null, null).build())
                .hasMessageContaining("optimizer");
    }

    /** With feeds, each topic is named; without, none is needed. */
    @Test
    void feedsNeedBothTopics() {
        assertThatThrownBy(() -> complete().feeds(KAFKA).modelUpdatesTopic("model-updates").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("catalogTopic");
        assertThatThrownBy(() -> complete().feeds(KAFKA).catalogTopic("item-catalog").build())
                .hasMessageContaining("modelUpdatesTopic");
        assertThat(
                        complete()
                                .feeds(KAFKA)
                                .modelUpdatesTopic("model-updates")
                                .catalogTopic("item-catalog")
                                .build())
                .isNotNull();
    }

    /**
     * The job graph carries the operator Java-serialized: a copy sends a batch's marker through the
     * number of shards it was built with, under the keys of that parallelism.
     */
    @Test
    void aSerializedCopyKeepsItsShards() throws Exception {
        TrainingWorkerOperator copy =
                InstantiationUtil.clone(
                        complete().build(), TrainingWorkerOperator.class.getClassLoader());
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        copy, UserEvent::userId, RecommendationRequest::userId, Types.STRING)) {
            h.open();
            h.processElement1(
                    new StreamRecord<>(
                            new UserEvent("e1", "u", "i1", EventType.CLICK, Float.NaN, 1000L)));
            List<String> markerKeys =
                    h.extractOutputValues().stream()
                            .filter(ShardMessage::isMarker)
                            .map(ShardMessage::key)
                            .toList();
            assertThat(markerKeys).containsExactly(ShardKeys.forParallelism(3, 128));
        }
    }
}
