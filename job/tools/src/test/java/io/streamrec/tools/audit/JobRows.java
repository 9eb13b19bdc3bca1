package io.streamrec.tools.audit;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.ParameterShardOperator;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.audit.ExpectedContributions.Counters;
import io.streamrec.worker.TrainingWorkerOperator;
import io.streamrec.worker.WorkerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The row counters the job's own operators end with: a training worker ({@link
 * TrainingWorkerOperator}) takes the events and requests in order, and one parameter-server shard
 * ({@link ParameterShardOperator}) applies everything the worker sent; each row's last value, a
 * tombstone removing it, as a reader of model-updates keeps it.
 */
final class JobRows {
    private JobRows() {}

    /** {@code input}: {@link UserEvent}s and {@link RecommendationRequest}s, in order. */
    static Map<String, Counters> after(
            List<Object> input, ItemCatalog catalog, ModelConfig model, int maxUserItems)
            throws Exception {
        Map<String, Counters> rows = new HashMap<>();
        for (ModelUpdate update : shard(model, worker(input, catalog, model, maxUserItems))) {
            ParameterRow row = update.row();
            if (row == null) {
                continue;
            }
            if (row.isTombstone()) {
                rows.remove(row.key());
            } else {
                rows.put(row.key(), new Counters(row.updates(), row.positives()));
            }
        }
        return rows;
    }

    private static List<ShardMessage> worker(
            List<Object> input, ItemCatalog catalog, ModelConfig model, int maxUserItems)
            throws Exception {
        // batches of 2, flushed at the forget and at the end; no dedupe window to speak of
        WorkerSettings settings =
                new WorkerSettings(2, 3_600_000L, true, false, maxUserItems, 0.0, 1, 3_600_000L);
        TrainingWorkerOperator op =
                TrainingWorkerOperator.builder()
                        .model(model)
                        .settings(settings)
                        .rowUpdates(
                                new AdagradUpdater(0.1, 0.1, 1e-8),
                                new FrequencyAdaptiveL2(0.01),
                                new ModelRowInitializer(model))
                        .catalog(catalog)
                        .shardParallelism(1)
                        .shardMaxParallelism(128)
                        .build();
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<
                        String, UserEvent, RecommendationRequest, ShardMessage>(
                        op, UserEvent::userId, RecommendationRequest::userId, Types.STRING)) {
            h.open();
            for (Object in : input) {
                if (in instanceof UserEvent e) {
                    h.processElement1(new StreamRecord<>(e));
                } else {
                    h.processElement2(new StreamRecord<>((RecommendationRequest) in));
                }
            }
            h.prepareSnapshotPreBarrier(1L);
            return h.extractOutputValues();
        }
    }

    private static List<ModelUpdate> shard(ModelConfig model, List<ShardMessage> messages)
            throws Exception {
        ParameterShardOperator op =
                new ParameterShardOperator(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        new ModelRowInitializer(model),
                        model.trendHalfLifeMs(),
                        1_000,
                        1);
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, ModelUpdate>(
                        op, ShardMessage::key, Types.STRING)) {
            h.open();
            for (ShardMessage m : messages) {
                h.processElement(new StreamRecord<>(m));
            }
            return h.extractOutputValues();
        }
    }
}
