package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
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
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.AbstractKeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link WorkerStates} lists every keyed state the workers hold (they register each from it): the
 * forget audit reads a savepoint's users through the list, and a state missing from it would hold a
 * forgotten user unseen.
 */
class WorkerStatesTest {
    private static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);
    private static final long DEDUPE_WINDOW_MS = 3_600_000L;

    @Test
    void everyKeyedStateOfTheWorkersIsListed() throws Exception {
        TrainingWorkerOperator worker = worker();
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<
                        String, UserEvent, RecommendationRequest, ShardMessage>(
                        worker, UserEvent::userId, RecommendationRequest::userId, Types.STRING)) {
            h.open();
            h.processElement1(
                    new StreamRecord<>(
                            new UserEvent("e1", "a", "i1", EventType.CLICK, Float.NaN, 1000L)));
            var backend = (AbstractKeyedStateBackend<String>) worker.<String>getKeyedStateBackend();
            int registered = backend.numKeyValueStatesByName();

            backend.setCurrentKey("a");
            List<StateDescriptor<?, ?>> listed = WorkerStates.keyed(DEDUPE_WINDOW_MS);
            for (StateDescriptor<?, ?> state : listed) {
                // the state of that name, if the workers registered one; else a new one
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, state);
            }

            assertThat(backend.numKeyValueStatesByName())
                    .as("states the workers register, then with the listed ones")
                    .isEqualTo(registered)
                    .isEqualTo(listed.size());
            assertThat(
                            backend.getPartitionedState(
                                            VoidNamespace.INSTANCE,
                                            VoidNamespaceSerializer.INSTANCE,
                                            WorkerStates.userItems())
                                    .value())
                    .containsExactly("i1");
        }
    }

    private static TrainingWorkerOperator worker() {
        ItemCatalog catalog =
                new ItemCatalog(List.of(new ItemRecord("i1", "item 1", List.of("g1"))));
        return TrainingWorkerOperator.builder()
                .model(MODEL)
                .settings(
                        new WorkerSettings(1, 60_000, true, false, 100, 0.5, 50, DEDUPE_WINDOW_MS))
                .rowUpdates(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        new ModelRowInitializer(MODEL))
                .catalog(catalog)
                .shardParallelism(2)
                .shardMaxParallelism(128)
                .build();
    }
}
