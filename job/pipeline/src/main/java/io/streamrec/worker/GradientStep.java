package io.streamrec.worker;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.BatchGradients;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ItemFeatures;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.model.TrainingBatch;
import io.streamrec.model.TrainingExample;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.function.Function;

/**
 * One micro-batch's forward/backward pass turned into per-row gradient messages for the parameter
 * server (with the positives and decayed trend increments of the batch's items). The worker
 * operator runs it on its buffered events; the in-process benchmark loop runs the same step.
 */
public final class GradientStep {
    private final ModelConfig model;
    private final ItemCatalog catalog;
    private final long flushIntervalMs;
    private final DjlBprTrainer trainer;

    /**
     * @param flushIntervalMs the longest an event waits in a micro-batch: an item's oldest positive
     *     time is kept within it of its newest, so that an event accepted late (up to {@code
     *     validation.allowed-lateness}) or from a partition behind the others does not pass its
     *     lateness off as the batch's wait in serving's freshness
     */
    public GradientStep(
            ModelConfig model, ItemCatalog catalog, DjlBprTrainer trainer, long flushIntervalMs) {
        this.model = model;
        this.catalog = catalog;
        this.trainer = trainer;
        this.flushIntervalMs = flushIntervalMs;
    }

    /** The batch's loss and one gradient message per row it touched. */
    public record Result(double loss, List<ShardMessage> gradients) {}

    /**
     * The training example of an event: its user's recent items (oldest first), sampled negatives,
     * item features read from the model rows ({@code rows}: null for unknown), and its weight as a
     * positive (0 when every negative is the positive, see {@link NegativeSampler#sample}).
     */
    public TrainingExample example(
            UserEvent event,
            String[] userItems,
            String[] negatives,
            Function<String, ParameterRow> rows) {
        float[][] negativeFeatures = new float[negatives.length][];
        for (int j = 0; j < negatives.length; j++) {
            negativeFeatures[j] = features(negatives[j], event.timestamp(), rows);
        }
        int h = Math.min(model.historyLength(), userItems.length);
        return new TrainingExample(
                event.eventId(),
                event.userId(),
                event.itemId(),
                negatives,
                Arrays.copyOfRange(userItems, userItems.length - h, userItems.length),
                features(event.itemId(), event.timestamp(), rows),
                negativeFeatures,
                event.timestamp(),
                onlyPositive(event.itemId(), negatives)
                        ? 0f
                        : model.positiveWeights().of(event.type(), event.value()));
    }

    /**
     * Whether every negative is the positive, which the sampler draws only when no other item is
     * known: zero gradient, so weight 0 keeps ln 2 per such example out of the loss.
     */
    private static boolean onlyPositive(String positive, String[] negatives) {
        for (String n : negatives) {
            if (!n.equals(positive)) {
                return false;
            }
        }
        return true;
    }

    private float[] features(String itemId, long now, Function<String, ParameterRow> rows) {
        return ItemFeatures.of(rows.apply(RowKeys.item(itemId)), now, model.trendDecayPerMs());
    }

    /** Runs forward/backward on {@code examples} with the current {@code weights} of each row. */
    public Result run(List<TrainingExample> examples, Function<String, float[]> weights) {
        TrainingBatch batch =
                TrainingBatch.of(
                        examples, model, catalog::attributes, catalog::contentVector, weights);
        BatchGradients gradients = trainer.gradients(batch);
        Map<String, ItemPositives> positives = positives(examples);
        List<ShardMessage> messages = new ArrayList<>(gradients.rows().size());
        for (Map.Entry<String, float[]> e : gradients.rows().entrySet()) {
            String key = e.getKey();
            ItemPositives p = positives.getOrDefault(key, ItemPositives.NONE);
            messages.add(
                    ShardMessage.gradient(
                            key,
                            e.getValue(),
                            batch.contributions.get(key),
                            p.count,
                            (float) p.trendIncrement,
                            p.time,
                            p.oldestTime));
        }
        return new Result(gradients.loss(), messages);
    }

    /**
     * Positive counts, decayed trend increments and the newest and oldest event times per item row
     * of a batch, the oldest at most a flush interval before the newest.
     */
    private Map<String, ItemPositives> positives(List<TrainingExample> examples) {
        Map<String, List<Long>> times = new HashMap<>();
        for (TrainingExample ex : examples) {
            times.computeIfAbsent(RowKeys.item(ex.positiveItem()), k -> new ArrayList<>())
                    .add(ex.timestamp());
        }
        Map<String, ItemPositives> out = new HashMap<>();
        double decay = model.trendDecayPerMs();
        for (Map.Entry<String, List<Long>> e : times.entrySet()) {
            LongSummaryStatistics span =
                    e.getValue().stream().mapToLong(Long::longValue).summaryStatistics();
            long max = span.getMax();
            long oldest = Math.max(span.getMin(), max - flushIntervalMs);
            double inc = 0;
            for (long t : e.getValue()) {
                inc += Math.exp(-(max - t) * decay);
            }
            out.put(e.getKey(), new ItemPositives(e.getValue().size(), inc, max, oldest));
        }
        return out;
    }

    private record ItemPositives(int count, double trendIncrement, long time, long oldestTime) {
        static final ItemPositives NONE = new ItemPositives(0, 0.0, 0L, 0L);
    }
}
