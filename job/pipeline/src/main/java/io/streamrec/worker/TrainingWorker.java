package io.streamrec.worker;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.model.TrainingExample;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a training worker does, without Flink: buffer arriving events with their user's items and
 * negatives drawn on arrival, turn a full buffer into a {@link MicroBatch}, and train on it ({@link
 * GradientStep}) with the weights of its {@link ModelReplica}, to which it applies its own
 * gradients when {@link WorkerSettings#localUpdates()} is on.
 *
 * <p>The caller keeps the per-user items (the job in keyed state, the in-process loop in a map),
 * decides when to flush, and sends the batch and its gradients on. {@link TrainingWorkerOperator}
 * is the job's adapter; the in-process benchmark loop drives the same class.
 */
public final class TrainingWorker {
    private final ModelConfig model;
    private final WorkerSettings settings;
    private final ItemCatalog catalog;
    private final NegativeSampler sampler;
    private final ModelReplica replica;
    private final GradientStep step;

    private List<UserEvent> events = new ArrayList<>();
    private List<String[]> userItems = new ArrayList<>();
    private List<String[]> negatives = new ArrayList<>();

    /**
     * @param recentPositives the sampler's ring of recent positives, oldest first, as {@link
     *     #recentPositives()} returned it at the last checkpoint (empty on a fresh start)
     */
    public TrainingWorker(
            ModelConfig model,
            WorkerSettings settings,
            ItemCatalog catalog,
            ModelReplica replica,
            DjlBprTrainer trainer,
            Iterable<String> recentPositives) {
        this.model = model;
        this.settings = settings;
        this.catalog = catalog;
        this.replica = replica;
        this.step = new GradientStep(model, catalog, trainer, settings.flushIntervalMs());
        this.sampler =
                new NegativeSampler(
                        model.seed(),
                        settings.recentNegativeFraction(),
                        settings.recentPositives());
        recentPositives.forEach(sampler::recordPositive);
        catalog.ids().forEach(sampler::add);
    }

    /**
     * Buffers {@code event} with {@code itemsBefore}, its user's items before it, and draws its
     * negatives; returns the user's items after it (at most {@link WorkerSettings#maxUserItems()}).
     */
    public String[] add(UserEvent event, String[] itemsBefore) {
        sampler.add(event.itemId());
        // drawn on arrival: depends on the user, the event id, the user's items before it and the
        // set of known items, not on batching; the user's items are turned away as negatives
        String[] drawn =
                sampler.sample(
                        event.userId(),
                        event.eventId(),
                        event.itemId(),
                        itemsBefore,
                        model.negatives());
        sampler.recordPositive(event.itemId());
        events.add(event);
        userItems.add(itemsBefore);
        negatives.add(drawn);
        return UserHistory.append(itemsBefore, event.itemId(), settings.maxUserItems());
    }

    /** The number of buffered events. */
    public int pending() {
        return events.size();
    }

    /** Whether the buffer holds a full batch ({@link WorkerSettings#batchSize()} events). */
    public boolean isBatchFull() {
        return events.size() >= settings.batchSize();
    }

    /**
     * The buffered events as a micro-batch, their examples' item features read from the replica
     * now; the buffer starts empty again.
     */
    public MicroBatch takeBatch() {
        List<TrainingExample> examples = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            examples.add(
                    step.example(events.get(i), userItems.get(i), negatives.get(i), replica::row));
        }
        MicroBatch batch = new MicroBatch(events, userItems, examples);
        events = new ArrayList<>();
        userItems = new ArrayList<>();
        negatives = new ArrayList<>();
        return batch;
    }

    /**
     * Forward/backward on {@code batch} with the replica's weights; applies the gradients to the
     * replica when local updates are on.
     */
    public GradientStep.Result train(MicroBatch batch) {
        GradientStep.Result result = step.run(batch.examples(), replica::weights);
        if (settings.localUpdates()) {
            for (ShardMessage gradient : result.gradients()) {
                replica.applyLocally(gradient);
            }
        }
        return result;
    }

    /** A catalog item, new or changed: its attributes for training, and a negative candidate. */
    public void addItem(ItemRecord item) {
        catalog.put(item);
        sampler.add(item.itemId());
    }

    /** The replica's row, null when it has none. */
    ParameterRow replicaRow(String key) {
        return replica.row(key);
    }

    /**
     * Drops a forgotten user's row from the model copy; flush the user's events first. With a feed
     * ({@code awaitTombstone}) the user's rows it brings are ignored until the tombstone; without
     * one no tombstone ever comes, so nothing is held for it.
     */
    public void forget(String userId, boolean awaitTombstone) {
        replica.remove(RowKeys.user(userId), awaitTombstone);
    }

    /**
     * Ignores the replica's rows of {@code users}, erased before a restored checkpoint, until their
     * tombstone: the feed may still end with their rows committed before the forget. Call before
     * the catch-up read, {@link #caughtUp} after it.
     */
    public void awaitTombstonesOf(Iterable<String> users) {
        List<String> keys = new ArrayList<>();
        users.forEach(user -> keys.add(RowKeys.user(user)));
        replica.awaitTombstones(keys);
    }

    /** Ends the restore's catch-up read of the feed ({@link ModelReplica#caughtUp(Predicate)}). */
    public void caughtUp(Predicate<ParameterRow> carriedByRestoredCheckpoint) {
        replica.caughtUp(carriedByRestoredCheckpoint);
    }

    /**
     * The users forgotten whose tombstone the replica's feed has not brought yet, a user once per
     * tombstone due.
     */
    public List<String> erasedAwaitingTombstone() {
        List<String> users = new ArrayList<>();
        for (String key : replica.awaitingTombstone()) {
            if (RowKeys.isUser(key)) {
                users.add(RowKeys.id(key));
            }
        }
        return users;
    }

    /** A row from the parameter server: into the replica if newer; its item a candidate. */
    public void addServerRow(ParameterRow row) {
        replica.offer(row);
        if (RowKeys.isItem(row.key())) {
            sampler.add(RowKeys.id(row.key()));
        }
    }

    /** The sampler's ring of recent positives, oldest first, for checkpointing. */
    public List<String> recentPositives() {
        return sampler.recentPositives();
    }
}
