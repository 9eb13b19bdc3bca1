package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.TrainingExample;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.EventRanker;
import io.streamrec.serving.ServingModel;
import io.streamrec.worker.GradientStep;
import io.streamrec.worker.NegativeSampler;
import io.streamrec.worker.UserHistory;
import io.streamrec.worker.WorkerSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit for the pipeline's throughput: the job's own model updates in a plain single-threaded
 * Java loop, no Flink, no Kafka, no serialization. Per micro-batch of the worker's size: the same
 * negative sampling and examples, the same DJL forward/backward ({@link GradientStep}), the same
 * row updates ({@link RowUpdater}) on a hash map. Optionally also the serving side's prequential
 * evaluation per event ({@link EventRanker}: the model, popularity and trending), which the
 * pipeline does too; timing each stage separately says where an event's time goes.
 */
public final class InProcessLoop {
    /** Events/s and the time per event of each stage, in microseconds. */
    public record Result(
            double eventsPerSecond,
            double examplesMicros,
            double gradientMicros,
            double rowUpdateMicros,
            double evaluationMicros) {}

    private InProcessLoop() {}

    public static Result run(
            List<UserEvent> events, ItemCatalog catalog, JobSettings settings, boolean evaluate) {
        ModelConfig model = settings.model();
        WorkerSettings worker = settings.worker();
        ModelRowInitializer initializer = new ModelRowInitializer(model);
        RowUpdater updater =
                new RowUpdater(
                        settings.optimizer(), settings.l2(), initializer, model.trendHalfLifeMs());
        NegativeSampler sampler =
                new NegativeSampler(
                        model.seed(), worker.recentNegativeFraction(), worker.recentPositives());
        catalog.ids().forEach(sampler::add);
        Map<String, ParameterRow> rows = new HashMap<>();
        Map<String, String[]> userItems = new HashMap<>();
        ServingModel serving = evaluate ? new ServingModel(model, initializer, catalog) : null;
        EventRanker ranker =
                evaluate ? new EventRanker(serving, model.trendDecayPerMs(), 10) : null;
        long examplesNanos = 0;
        long gradientNanos = 0;
        long updateNanos = 0;
        long evalNanos = 0;
        long begin = System.nanoTime();
        try (DjlBprTrainer trainer = new DjlBprTrainer(DjlBprTrainer.chooseDevice(false, 0))) {
            GradientStep step = new GradientStep(model, catalog, trainer);
            for (int from = 0; from < events.size(); from += worker.batchSize()) {
                List<UserEvent> batch =
                        events.subList(from, Math.min(events.size(), from + worker.batchSize()));
                long t0 = System.nanoTime();
                List<TrainingExample> examples = new ArrayList<>(batch.size());
                List<String[]> histories = new ArrayList<>(batch.size());
                for (UserEvent e : batch) {
                    String[] items = userItems.getOrDefault(e.userId(), new String[0]);
                    histories.add(items);
                    sampler.add(e.itemId());
                    String[] negatives = sampler.sample(e.eventId(), e.itemId(), model.negatives());
                    sampler.recordPositive(e.itemId());
                    examples.add(step.example(e, items, negatives, rows::get));
                    userItems.put(
                            e.userId(),
                            UserHistory.append(items, e.itemId(), worker.maxUserItems()));
                }
                long t1 = System.nanoTime();
                if (ranker != null) {
                    // test, then learn: the batch is ranked before its updates, as in the job
                    ranker.startBatch();
                    for (int i = 0; i < batch.size(); i++) {
                        ranker.ranks(batch.get(i), histories.get(i));
                    }
                }
                long t2 = System.nanoTime();
                GradientStep.Result result =
                        step.run(
                                examples,
                                key -> {
                                    ParameterRow r = rows.get(key);
                                    return r != null
                                            ? r.weights()
                                            : initializer.initialWeights(key);
                                });
                long t3 = System.nanoTime();
                for (ShardMessage msg : result.gradients()) {
                    ParameterRow updated = updater.apply(rows.get(msg.key()), msg);
                    rows.put(msg.key(), updated);
                    if (serving != null) {
                        serving.apply(updated);
                    }
                }
                long t4 = System.nanoTime();
                examplesNanos += t1 - t0;
                evalNanos += t2 - t1;
                gradientNanos += t3 - t2;
                updateNanos += t4 - t3;
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        double n = events.size();
        return new Result(
                n / seconds,
                examplesNanos / n / 1e3,
                gradientNanos / n / 1e3,
                updateNanos / n / 1e3,
                evalNanos / n / 1e3);
    }
}
