package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.EventRanker;
import io.streamrec.serving.ServingModel;
import io.streamrec.worker.GradientStep;
import io.streamrec.worker.MicroBatch;
import io.streamrec.worker.ModelReplica;
import io.streamrec.worker.TrainingWorker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit for the pipeline's throughput: the job's own model updates in a plain single-threaded
 * Java loop, no Flink, no Kafka, no serialization. The job's {@link TrainingWorker} batches the
 * events, draws the negatives, builds the examples and runs the DJL forward/backward ({@link
 * GradientStep}); the loop then plays a parameter server that answers at once, applying each
 * gradient with {@link RowUpdater} and handing the row straight back to the worker's replica (so
 * the worker's optimistic local updates are off). Optionally also the serving side's prequential
 * evaluation per event ({@link EventRanker}: the model, popularity and trending), which the
 * pipeline does too; timing each stage separately says where an event's time goes.
 */
public final class InProcessLoop {
    private static final String[] NO_ITEMS = new String[0];

    /**
     * Events/s and the time per event of each stage, in microseconds: {@code rowUpdateMicros} is
     * the parameter server's updates into the worker's replica, {@code evaluationMicros} the
     * ranking and serving's replica kept up to date with the updated rows, which only evaluation
     * needs.
     */
    public record Result(
            double eventsPerSecond,
            double examplesMicros,
            double gradientMicros,
            double rowUpdateMicros,
            double evaluationMicros) {}

    private final TrainingWorker worker;
    private final ModelReplica replica;
    private final RowUpdater updater;
    private final Map<String, String[]> userItems = new HashMap<>();
    private final ServingModel serving;
    private final EventRanker ranker;
    private long examplesNanos;
    private long evaluationNanos;
    private long gradientNanos;
    private long updateNanos;

    private InProcessLoop(
            JobSettings settings,
            ItemCatalog catalog,
            ModelRowInitializer initializer,
            DjlBprTrainer trainer,
            ServingModel serving) {
        ModelConfig model = settings.model();
        this.updater =
                new RowUpdater(
                        settings.optimizer(), settings.l2(), initializer, model.trendHalfLifeMs());
        this.replica = new ModelReplica(initializer, updater);
        this.worker =
                new TrainingWorker(
                        model,
                        settings.worker().withLocalUpdates(false),
                        catalog,
                        replica,
                        trainer,
                        List.of());
        this.serving = serving;
        this.ranker =
                serving == null ? null : new EventRanker(serving, model.trendDecayPerMs(), 10);
    }

    /** Trains on {@code events} in the worker's micro-batches; {@code evaluate}: ranks them too. */
    public static Result run(
            List<UserEvent> events, ItemCatalog catalog, JobSettings settings, boolean evaluate) {
        ModelConfig model = settings.model();
        ModelRowInitializer initializer = new ModelRowInitializer(model);
        ServingModel serving = evaluate ? new ServingModel(model, initializer, catalog) : null;
        try (DjlBprTrainer trainer = new DjlBprTrainer(DjlBprTrainer.chooseDevice(false, 0))) {
            InProcessLoop loop =
                    new InProcessLoop(settings, catalog, initializer, trainer, serving);
            // timed from here: the trainer's and the worker's construction are not the loop's
            long begin = System.nanoTime();
            loop.replay(events);
            return loop.result(events.size(), System.nanoTime() - begin);
        }
    }

    private void replay(List<UserEvent> events) {
        long batchStart = System.nanoTime();
        for (UserEvent event : events) {
            String[] before = userItems.getOrDefault(event.userId(), NO_ITEMS);
            userItems.put(event.userId(), worker.add(event, before));
            if (worker.isBatchFull()) {
                trainBatch(batchStart);
                batchStart = System.nanoTime();
            }
        }
        if (worker.pending() > 0) {
            trainBatch(batchStart);
        }
    }

    /** One micro-batch, buffered since {@code batchStart}, through every stage. */
    private void trainBatch(long batchStart) {
        MicroBatch batch = worker.takeBatch();
        long examplesDone = System.nanoTime();
        if (ranker != null) {
            evaluate(batch);
        }
        long evaluationDone = System.nanoTime();
        GradientStep.Result result = worker.train(batch);
        long gradientsDone = System.nanoTime();
        List<ParameterRow> updated = applyOnServer(result.gradients());
        long updatesDone = System.nanoTime();
        if (serving != null) {
            updated.forEach(serving::apply);
        }
        long servingUpdated = System.nanoTime();
        examplesNanos += examplesDone - batchStart;
        // serving's replica is kept only for the evaluation: its updates count there
        evaluationNanos += evaluationDone - examplesDone + servingUpdated - updatesDone;
        gradientNanos += gradientsDone - evaluationDone;
        updateNanos += updatesDone - gradientsDone;
    }

    /** Test, then learn: the batch is ranked before its updates, as in the job. */
    private void evaluate(MicroBatch batch) {
        ranker.startBatch();
        for (int i = 0; i < batch.size(); i++) {
            ranker.ranks(batch.events().get(i), batch.userItems().get(i));
        }
    }

    /**
     * The parameter server's updates; each new row goes straight back to the worker. Returns the
     * new rows, in order, for serving's replica.
     */
    private List<ParameterRow> applyOnServer(List<ShardMessage> gradients) {
        List<ParameterRow> rows = new ArrayList<>(gradients.size());
        for (ShardMessage gradient : gradients) {
            ParameterRow updated = updater.apply(replica.row(gradient.key()), gradient);
            replica.offer(updated);
            rows.add(updated);
        }
        return rows;
    }

    private Result result(int events, long elapsedNanos) {
        double n = events;
        return new Result(
                n / (elapsedNanos / 1e9),
                examplesNanos / n / 1e3,
                gradientNanos / n / 1e3,
                updateNanos / n / 1e3,
                evaluationNanos / n / 1e3);
    }
}
