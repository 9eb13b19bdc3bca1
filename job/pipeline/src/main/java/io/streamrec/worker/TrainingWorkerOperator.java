package io.streamrec.worker;

import io.streamrec.feeds.ItemCatalogFeed;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.DeadLetterJson;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.lifecycle.CloseAll;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowOptimizer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.ps.RunLineage;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training worker, keyed by user: the Flink side of {@link TrainingWorker}. Collects events into
 * a micro-batch (flushed by size, by time, and always before a checkpoint barrier so no buffered
 * event can fall between a checkpoint's source offsets and its state), has the worker run the
 * forward/backward pass with DJL and sends each touched row's summed gradient to its
 * parameter-server shard. Before the gradients it sends the batch's events as an {@link EvalMarker}
 * through every shard, for leak-free prequential evaluation.
 *
 * <p>This operator owns what is Flink's: the keyed state (each user's items, the event ids seen
 * within the dedupe window of event time: {@link SeenEventIds}), the sampler's ring of recent
 * positives as operator state, the flush timer, the outputs and the feeds. The worker's {@link
 * ModelReplica} starts from the model-updates topic (rows of completed checkpoints, at least one
 * checkpoint interval old) and is rebuilt from it after a restart, never checkpointed; rows of runs
 * the restored state abandoned are dropped ({@link RunLineage}), and so are the rows of users a
 * forget erased whose tombstone the worker had not read by the restored checkpoint, until it comes
 * (the checkpoint keeps those users: the tombstone may be in the restored checkpoint's own
 * transaction, which the sink commits after the rebuild).
 *
 * <p>Input 1: events, input 2: recommendation and forget requests, both keyed by user id. A forget
 * request erases the user here and sends forget markers on (see {@link #forget}). Requests get the
 * user's items attached and go straight on to serving through {@link #REQUESTS}, not behind the
 * parameter server's rows: a request is a read and waits for no training.
 */
public class TrainingWorkerOperator extends AbstractStreamOperator<ShardMessage>
        implements TwoInputStreamOperator<UserEvent, RecommendationRequest, ShardMessage>,
                BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingWorkerOperator.class);

    /** Requests with the user's items, for the serving subtask that owns the user. */
    public static final OutputTag<ModelUpdate> REQUESTS =
            new OutputTag<>("serving-requests", ModelUpdate.typeInfo());

    /**
     * Dead letters of the events a worker refuses: ids already seen within the dedupe window
     * (duplicate_event), and events over their user's flood limit (user_flood).
     */
    public static final OutputTag<String> DEAD_LETTERS =
            new OutputTag<>("worker-dead-letters", Types.STRING);

    private final ModelConfig model;
    private final WorkerSettings settings;
    private final RowInitializer initializer;
    private final RowUpdater updater;
    private final ItemCatalog catalog;
    private final int shardParallelism;
    private final int shardMaxParallelism;
    private final KafkaSettings kafka;
    private final String modelUpdatesTopic;
    private final String catalogTopic;

    private transient ValueState<String[]> userItems;
    private transient ValueState<FloodBucket> floodBucket;
    private transient SeenEventIds seenEventIds;
    private transient ListState<String> recentPositivesState;
    private transient List<String> restoredRecentPositives;
    private transient ListState<String> erasedAwaitingTombstoneState;
    private transient List<String> restoredErasures;
    private transient TrainingWorker worker;
    private transient DjlBprTrainer trainer;
    private transient ModelRowFeed feed;
    private transient ItemCatalogFeed itemFeed;
    private transient RunLineage lineage;
    private transient Consumer<ParameterRow> topicRows;
    private transient ShardMarkers markers;
    private transient SplittableRandom random;
    private transient boolean timerPending;
    private transient Counter duplicates;
    private transient Counter flooded;
    private transient Counter dedupeIdsDropped;
    private transient Counter forgotten;
    private transient Counter trainedEvents;
    private transient Counter batches;
    private transient Counter feedbackRows;
    private transient volatile double lastLoss;

    /** The operator {@code b} describes; {@link Builder#build} has checked it. */
    TrainingWorkerOperator(Builder b) {
        this.model = b.model;
        this.settings = b.settings;
        this.initializer = b.initializer;
        this.updater = new RowUpdater(b.optimizer, b.l2, b.initializer, b.model.trendHalfLifeMs());
        this.catalog = b.catalog;
        this.shardParallelism = b.shardParallelism;
        this.shardMaxParallelism = b.shardMaxParallelism;
        this.kafka = b.kafka;
        this.modelUpdatesTopic = b.modelUpdatesTopic;
        this.catalogTopic = b.catalogTopic;
    }

    /** A builder of the operator, each setting set by its name. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The operator's settings, each set by its name so that two of one type (the shards'
     * parallelism and max parallelism, the two topics) cannot trade places unseen. Everything but
     * the feeds is required; without {@link #feeds} the worker reads no topic (tests).
     */
    public static final class Builder {
        private ModelConfig model;
        private WorkerSettings settings;
        private RowOptimizer optimizer;
        private FrequencyAdaptiveL2 l2;
        private RowInitializer initializer;
        private ItemCatalog catalog;
        private int shardParallelism;
        private int shardMaxParallelism;
        private KafkaSettings kafka;
        private String modelUpdatesTopic;
        private String catalogTopic;

        private Builder() {}

        public Builder model(ModelConfig model) {
            this.model = model;
            return this;
        }

        public Builder settings(WorkerSettings settings) {
            this.settings = settings;
            return this;
        }

        /** How the worker's model copy applies gradients and starts rows it has not seen. */
        public Builder rowUpdates(
                RowOptimizer optimizer, FrequencyAdaptiveL2 l2, RowInitializer initializer) {
            this.optimizer = optimizer;
            this.l2 = l2;
            this.initializer = initializer;
            return this;
        }

        /** The items known at the start; the catalog topic's updates are added to it. */
        public Builder catalog(ItemCatalog catalog) {
            this.catalog = catalog;
            return this;
        }

        /** The parameter server's parallelism: one marker copy goes to each of its subtasks. */
        public Builder shardParallelism(int parallelism) {
            this.shardParallelism = parallelism;
            return this;
        }

        /** The parameter server's max parallelism, which places the marker keys. */
        public Builder shardMaxParallelism(int maxParallelism) {
            this.shardMaxParallelism = maxParallelism;
            return this;
        }

        /** Reads the committed rows of the model-updates topic and the catalog topic on kafka. */
        public Builder feeds(KafkaSettings kafka) {
            this.kafka = kafka;
            return this;
        }

        /** The topic of the parameter server's committed rows, which the model copy reads. */
        public Builder modelUpdatesTopic(String topic) {
            this.modelUpdatesTopic = topic;
            return this;
        }

        /** The compacted item-catalog topic, which the worker reads new items from. */
        public Builder catalogTopic(String topic) {
            this.catalogTopic = topic;
            return this;
        }

        /**
         * The operator; refuses a missing setting, and shards of more subtasks than key groups
         * (marker keys could then never reach every subtask).
         */
        public TrainingWorkerOperator build() {
            require(model, "model");
            require(settings, "settings");
            require(optimizer, "rowUpdates' optimizer");
            require(l2, "rowUpdates' l2");
            require(initializer, "rowUpdates' initializer");
            require(catalog, "catalog");
            if (shardParallelism < 1 || shardMaxParallelism < shardParallelism) {
                throw new IllegalArgumentException(
                        "shards need a parallelism >= 1 and a max parallelism at least as large"
                                + " (got "
                                + shardParallelism
                                + " and "
                                + shardMaxParallelism
                                + ")");
            }
            if (kafka != null) {
                require(modelUpdatesTopic, "modelUpdatesTopic (with feeds)");
                require(catalogTopic, "catalogTopic (with feeds)");
            }
            return new TrainingWorkerOperator(this);
        }

        private static void require(Object setting, String name) {
            if (setting == null) {
                throw new IllegalStateException("a training worker needs its " + name);
            }
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        userItems = context.getKeyedStateStore().getState(WorkerStates.userItems());
        // registered even with the flood limit off: a forget must clear buckets an earlier run
        // with it on left in the checkpoint
        floodBucket = context.getKeyedStateStore().getState(WorkerStates.userFloodBucket());
        // registered even with deduplication off, as the flood bucket (the window then only
        // sizes the legacy state's TTL, which may change across restores)
        long now = getProcessingTimeService().getCurrentProcessingTime();
        seenEventIds =
                new SeenEventIds(
                        context.getKeyedStateStore(),
                        Math.max(1L, settings.dedupeWindowMs()),
                        settings.dedupeMaxIds(),
                        context.isRestored() ? now : Long.MIN_VALUE);
        recentPositivesState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        StateNames.RECENT_POSITIVES, Types.STRING));
        // the sampler's ring; the worker that holds it is built in open()
        restoredRecentPositives = new ArrayList<>();
        recentPositivesState.get().forEach(restoredRecentPositives::add);
        // union: every subtask reads every user and takes those it owns (open()), so after a
        // rescale each user's entry is with the subtask that reads its rows and tombstone; a
        // split list would hand it to any subtask, where the tombstone is dropped unread
        erasedAwaitingTombstoneState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        StateNames.ERASED_USERS_AWAITING_TOMBSTONE, Types.STRING));
        restoredErasures = new ArrayList<>();
        erasedAwaitingTombstoneState.get().forEach(restoredErasures::add);
        lineage = RunLineage.restore(context, getRuntimeContext().getJobInfo().getJobId());
    }

    @Override
    public void open() throws Exception {
        super.open();
        markers = new ShardMarkers(ShardKeys.forParallelism(shardParallelism, shardMaxParallelism));
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        random =
                new SplittableRandom(
                        System.nanoTime()
                                ^ ((long) subtask << 32)
                                ^ getRuntimeContext().getTaskInfo().getAttemptNumber());
        // the GPU Flink assigned to this slot; without an assignment the first GPU the engine
        // sees, and the CPU when there is none
        int gpu =
                GpuAssignment.index(
                                getRuntimeContext()
                                        .getExternalResourceInfos(GpuAssignment.RESOURCE_NAME))
                        .orElse(0);
        trainer = new DjlBprTrainer(DjlBprTrainer.chooseDevice(settings.preferGpu(), gpu));
        worker =
                new TrainingWorker(
                        model,
                        settings,
                        catalog,
                        new ModelReplica(initializer, updater),
                        trainer,
                        restoredRecentPositives);
        restoredRecentPositives = null;
        trainedEvents = getMetricGroup().counter("trainedEvents");
        batches = getMetricGroup().counter("batches");
        feedbackRows = getMetricGroup().counter("feedbackRows");
        duplicates = getMetricGroup().counter("rejected_duplicate_event");
        flooded = getMetricGroup().counter("rejected_user_flood");
        dedupeIdsDropped = getMetricGroup().counter("dedupeIdsDropped");
        forgotten = getMetricGroup().counter("forgottenUsers");
        getMetricGroup().gauge("batchLoss", () -> lastLoss);
        getMetricGroup().gauge("rowsOfAbandonedRuns", lineage::abandonedRows);
        topicRows = lineage.filter(this::onFeedbackRow);
        openFeeds(subtask);
    }

    /** Reads the catalog and the model-updates topic up to their ends, then keeps them open. */
    private void openFeeds(int subtask) {
        if (kafka != null) {
            itemFeed = new ItemCatalogFeed(kafka.toProperties(), catalogTopic, model.contentDim());
            LOG.info(
                    "Worker {} read {} items already on the catalog topic (validated items come"
                            + " later as the job admits them)",
                    subtask,
                    itemFeed.catchUp(worker::addItem));
        }
        feed = openModelRowFeed();
        List<String> erasures = restoredErasures;
        restoredErasures = null;
        if (feed == null) {
            return; // no tombstone would ever come: nothing is awaited (forget() alike)
        }
        // the restored checkpoint's forgets whose tombstones may not be committed yet: the topic
        // may still end with those users' rows committed before the forget
        worker.awaitTombstonesOf(erasures.stream().filter(this::ownsUser).toList());
        getMetricGroup()
                .gauge(
                        "unreadableFeedRecords",
                        () ->
                                feed.unreadableRecords()
                                        + (itemFeed == null ? 0 : itemFeed.unreadableRecords()));
        long rows = feed.catchUp(topicRows);
        worker.caughtUp(lineage::carriedByRestoredCheckpoint);
        LOG.info(
                "Worker {} trains on {}; rebuilt its model copy from {} committed rows, {} of"
                        + " them dropped as rows of abandoned runs ({}); {} forgotten users"
                        + " still await their tombstone",
                subtask,
                trainer.device(),
                rows,
                lineage.abandonedRows(),
                lineage,
                worker.erasedAwaitingTombstone().size());
    }

    /** The negative sampler's ring of recent positives, oldest first (for tests). */
    @VisibleForTesting
    List<String> recentPositives() {
        return worker.recentPositives();
    }

    /** The model-updates topic's reader, at its beginning; null when the job runs without Kafka. */
    ModelRowFeed openModelRowFeed() {
        return kafka == null
                ? null
                : new ModelRowFeed(kafka.toProperties(), modelUpdatesTopic)
                        .checkingWidthsOf(initializer);
    }

    /** The users forgotten whose tombstone the model copy awaits; for tests. */
    @VisibleForTesting
    List<String> erasedAwaitingTombstone() {
        return worker.erasedAwaitingTombstone();
    }

    /** The worker's copy of a row, null when it has none; for tests. */
    ParameterRow replicaRow(String key) {
        return worker.replicaRow(key);
    }

    /**
     * A committed row of the model-updates topic: taken into the model copy unless it is the row of
     * a user keyed to another worker subtask, which this one never trains (so a worker holds the
     * item rows and its own users' rows, not every user's).
     */
    private void onFeedbackRow(ParameterRow row) {
        feedbackRows.inc();
        if (RowKeys.isUser(row.key()) && !ownsUser(RowKeys.id(row.key()))) {
            return;
        }
        worker.addServerRow(row);
    }

    private boolean ownsUser(String userId) {
        var task = getRuntimeContext().getTaskInfo();
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        userId,
                        task.getMaxNumberOfParallelSubtasks(),
                        task.getNumberOfParallelSubtasks())
                == task.getIndexOfThisSubtask();
    }

    @Override
    public void processElement1(StreamRecord<UserEvent> element) throws Exception {
        UserEvent event = element.getValue();
        if (isDuplicate(event)) {
            duplicates.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(duplicateDeadLetter(event)));
            return;
        }
        if (isFlood(event)) {
            flooded.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(floodDeadLetter(event)));
            return;
        }
        if (settings.dedupeWindowMs() > 0) {
            dedupeIdsDropped.inc(seenEventIds.remember(event.eventId(), event.timestamp()));
        }
        String[] items = userItems.value();
        userItems.update(worker.add(event, items == null ? new String[0] : items));
        if (worker.isBatchFull()) {
            flush();
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(now + settings.flushIntervalMs(), t -> onFlushTimer());
        }
    }

    /**
     * Whether the event's id was seen within the dedupe window (accepted events are remembered).
     */
    private boolean isDuplicate(UserEvent event) throws Exception {
        return settings.dedupeWindowMs() > 0
                && seenEventIds.isDuplicate(
                        event.eventId(), getProcessingTimeService().getCurrentProcessingTime());
    }

    /** Whether the event is over its user's flood limit; takes its token if not. */
    private boolean isFlood(UserEvent event) throws Exception {
        if (!settings.userFlood().isOn()) {
            return false;
        }
        FloodBucket bucket = settings.userFlood().refilled(floodBucket.value(), event.timestamp());
        floodBucket.update(bucket.afterEvent());
        return !bucket.admits();
    }

    private String floodDeadLetter(UserEvent event) {
        return DeadLetterJson.ofEvent(
                "user_flood",
                "user " + settings.userFlood().overDetail("guard.user-events-per-hour"),
                event);
    }

    private static String duplicateDeadLetter(UserEvent event) {
        return DeadLetterJson.ofEvent(
                "duplicate_event",
                "event id " + event.eventId() + " seen within the dedupe window",
                event);
    }

    @Override
    public void processElement2(StreamRecord<RecommendationRequest> element) throws Exception {
        if (element.getValue().isForget()) {
            forget(element.getValue().userId());
            return;
        }
        String[] items = userItems.value();
        ServingRequest request =
                new ServingRequest(element.getValue(), items == null ? new String[0] : items);
        output.collect(REQUESTS, new StreamRecord<>(ModelUpdate.of(request)));
    }

    /**
     * Forgets the current user: trains the pending batch first (it may hold the user's events, and
     * its marker must reach serving before the forget), clears the user's keyed state and model
     * copy row, then sends the forget markers ({@link ShardMarkers#forget}).
     */
    private void forget(String userId) throws Exception {
        flush();
        userItems.clear();
        floodBucket.clear();
        seenEventIds.clear();
        worker.forget(userId, feed != null);
        emit(markers.forget(random.nextLong(), userId));
        forgotten.inc();
    }

    private void onFlushTimer() throws Exception {
        timerPending = false;
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
        // flush reads the feed only before a batch: a subtask without further events would
        // otherwise never read a forgotten user's tombstone and checkpoint the user for good
        if (feed != null && !worker.erasedAwaitingTombstone().isEmpty()) {
            feed.pollAvailable(topicRows);
        }
    }

    @Override
    public void endInput(int inputId) throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Trains on the pending events and sends markers and gradients to the shards. */
    void flush() {
        if (worker.pending() == 0) {
            return;
        }
        if (feed != null) {
            feed.pollAvailable(topicRows);
        }
        if (itemFeed != null) {
            itemFeed.pollAvailable(worker::addItem);
        }
        MicroBatch batch = worker.takeBatch();
        GradientStep.Result result = worker.train(batch);
        lastLoss = result.loss() / batch.size();
        emit(markers.ofBatch(random.nextLong(), batch));
        emit(result.gradients());
        trainedEvents.inc(batch.size());
        batches.inc();
    }

    private void emit(List<ShardMessage> messages) {
        for (ShardMessage message : messages) {
            output.collect(new StreamRecord<>(message));
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        recentPositivesState.update(worker.recentPositives());
        // this subtask's own users only (forgets come keyed), so the union holds each once per
        // tombstone due
        erasedAwaitingTombstoneState.update(worker.erasedAwaitingTombstone());
        lineage.snapshot(context.getCheckpointId());
    }

    @Override
    public void close() throws Exception {
        // each, even when one before it fails (a consumer's close throws once Flink has
        // interrupted the task): the trainer's native memory and the keyed state backend (super)
        // outlive the task otherwise. An Error goes on as it is (Flink tells a fatal one by its
        // type).
        CloseAll.close(feed, itemFeed, trainer, super::close);
    }
}
