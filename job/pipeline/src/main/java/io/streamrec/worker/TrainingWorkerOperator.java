package io.streamrec.worker;

import io.streamrec.feeds.ItemCatalogFeed;
import io.streamrec.feeds.KafkaSettings;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.DeadLetterJson;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.model.TrainingExample;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowOptimizer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
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
 * A training worker, keyed by user. Collects events into a micro-batch (flushed by size, by time,
 * and always before a checkpoint barrier so no buffered event can fall between a checkpoint's
 * source offsets and its state), runs the forward/backward pass with DJL and sends each touched
 * row's summed gradient to its parameter-server shard. Before the gradients it sends the batch's
 * events as an {@link EvalMarker} through every shard, for leak-free prequential evaluation.
 *
 * <p>The worker's copy of the model comes from the model-updates topic (rows of completed
 * checkpoints, at least one checkpoint interval old). Until a newer version arrives it applies its
 * own updates to that copy with the same optimizer ({@link WorkerSettings#localUpdates()}), so a
 * fast replay does not train on rows that are many batches old. That copy is a cache: it is rebuilt
 * from the topic after a restart and never checkpointed.
 *
 * <p>Input 1: events, input 2: recommendation requests, both keyed by user id. Requests get the
 * user's items attached and go straight on to serving.
 */
public class TrainingWorkerOperator extends AbstractStreamOperator<ShardMessage>
        implements TwoInputStreamOperator<UserEvent, RecommendationRequest, ShardMessage>,
                BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingWorkerOperator.class);
    private static final EventJsonCodec EVENT_JSON = new EventJsonCodec();

    /** Dead letters for events whose id was already seen within the dedupe window. */
    public static final OutputTag<String> DUPLICATES =
            new OutputTag<>("duplicate-events", Types.STRING);

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
    private transient MapState<String, Boolean> seenEventIds;
    private transient Counter duplicates;
    private transient List<UserEvent> pendingEvents;
    private transient List<String[]> pendingUserItems;
    private transient List<String[]> pendingNegatives;
    private transient ListState<String> recentPositivesState;
    private transient Map<String, ParameterRow> replica;
    private transient NegativeSampler sampler;
    private transient DjlBprTrainer trainer;
    private transient GradientStep step;
    private transient ModelRowFeed feed;
    private transient ItemCatalogFeed itemFeed;
    private transient String[] shardKeys;
    private transient SplittableRandom random;
    private transient boolean timerPending;
    private transient Counter trainedEvents;
    private transient Counter batches;
    private transient Counter feedbackRows;
    private transient volatile double lastLoss;

    public TrainingWorkerOperator(
            ModelConfig model,
            WorkerSettings settings,
            RowOptimizer optimizer,
            FrequencyAdaptiveL2 l2,
            RowInitializer initializer,
            ItemCatalog catalog,
            int shardParallelism,
            int shardMaxParallelism,
            KafkaSettings kafka,
            String modelUpdatesTopic,
            String catalogTopic) {
        this.catalogTopic = catalogTopic;
        this.model = model;
        this.settings = settings;
        this.initializer = initializer;
        this.updater = new RowUpdater(optimizer, l2, initializer, model.trendHalfLifeMs());
        this.catalog = catalog;
        this.shardParallelism = shardParallelism;
        this.shardMaxParallelism = shardMaxParallelism;
        this.kafka = kafka;
        this.modelUpdatesTopic = modelUpdatesTopic;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        userItems =
                context.getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        StateNames.USER_ITEMS,
                                        BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO));
        if (settings.dedupeWindowMs() > 0) {
            MapStateDescriptor<String, Boolean> seen =
                    new MapStateDescriptor<>(
                            StateNames.SEEN_EVENT_IDS, Types.STRING, Types.BOOLEAN);
            // ids are forgotten after the window: dedupe state stays bounded
            seen.enableTimeToLive(
                    StateTtlConfig.newBuilder(Duration.ofMillis(settings.dedupeWindowMs()))
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .build());
            seenEventIds = context.getKeyedStateStore().getMapState(seen);
        }
        recentPositivesState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        StateNames.RECENT_POSITIVES, Types.STRING));
        sampler =
                new NegativeSampler(
                        model.seed(),
                        settings.recentNegativeFraction(),
                        settings.recentPositives());
        for (String item : recentPositivesState.get()) {
            sampler.recordPositive(item);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        pendingEvents = new ArrayList<>();
        pendingUserItems = new ArrayList<>();
        pendingNegatives = new ArrayList<>();
        replica = new HashMap<>();
        catalog.ids().forEach(sampler::add);
        shardKeys = ShardKeys.forParallelism(shardParallelism, shardMaxParallelism);
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
        step = new GradientStep(model, catalog, trainer);
        trainedEvents = getMetricGroup().counter("trainedEvents");
        batches = getMetricGroup().counter("batches");
        feedbackRows = getMetricGroup().counter("feedbackRows");
        duplicates = getMetricGroup().counter("rejected_duplicate_event");
        getMetricGroup().gauge("batchLoss", () -> lastLoss);
        if (kafka != null) {
            itemFeed = new ItemCatalogFeed(kafka.toProperties(), catalogTopic, model.contentDim());
            long items = itemFeed.catchUp(this::onItem);
            feed = new ModelRowFeed(kafka.toProperties(), modelUpdatesTopic);
            long rows = feed.catchUp(this::onFeedbackRow);
            LOG.info("Worker {} read {} catalog items", subtask, items);
            LOG.info(
                    "Worker {} trains on {}; rebuilt its model copy from {} committed rows",
                    subtask,
                    trainer.device(),
                    rows);
        }
    }

    private void onItem(ItemRecord item) {
        catalog.put(item);
        sampler.add(item.itemId());
    }

    private void onFeedbackRow(ParameterRow row) {
        feedbackRows.inc();
        ParameterRow current = replica.get(row.key());
        // local rows keep the version they were based on: a newer server version replaces them
        if (current == null || row.version() > current.version()) {
            replica.put(row.key(), row);
        }
        if (RowKeys.isItem(row.key())) {
            sampler.add(RowKeys.id(row.key()));
        }
    }

    @Override
    public void processElement1(StreamRecord<UserEvent> element) throws Exception {
        UserEvent event = element.getValue();
        if (seenEventIds != null) {
            if (seenEventIds.contains(event.eventId())) {
                duplicates.inc();
                output.collect(
                        DUPLICATES,
                        new StreamRecord<>(
                                DeadLetterJson.of(
                                        "duplicate_event",
                                        "event id "
                                                + event.eventId()
                                                + " seen within the dedupe window",
                                        "events",
                                        "",
                                        -1,
                                        -1L,
                                        EVENT_JSON.toJson(event))));
                return;
            }
            seenEventIds.put(event.eventId(), Boolean.TRUE);
        }
        String[] items = userItems.value();
        if (items == null) {
            items = new String[0];
        }
        pendingEvents.add(event);
        pendingUserItems.add(items);
        sampler.add(event.itemId());
        // drawn on arrival: depends only on the (checkpointed) stream prefix, not on batching
        pendingNegatives.add(sampler.sample(event.eventId(), event.itemId(), model.negatives()));
        sampler.recordPositive(event.itemId());
        userItems.update(UserHistory.append(items, event.itemId(), settings.maxUserItems()));
        if (pendingEvents.size() >= settings.batchSize()) {
            flush();
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(now + settings.flushIntervalMs(), t -> onFlushTimer());
        }
    }

    @Override
    public void processElement2(StreamRecord<RecommendationRequest> element) throws Exception {
        String[] items = userItems.value();
        ServingRequest request =
                new ServingRequest(element.getValue(), items == null ? new String[0] : items);
        String key = shardKeys[random.nextInt(shardKeys.length)];
        output.collect(new StreamRecord<>(ShardMessage.request(key, request)));
    }

    private void onFlushTimer() throws Exception {
        timerPending = false;
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
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
        if (pendingEvents.isEmpty()) {
            return;
        }
        if (feed != null) {
            feed.poll(Duration.ZERO, this::onFeedbackRow);
            itemFeed.poll(Duration.ZERO, this::onItem);
        }
        List<TrainingExample> examples = new ArrayList<>(pendingEvents.size());
        for (int i = 0; i < pendingEvents.size(); i++) {
            examples.add(
                    step.example(
                            pendingEvents.get(i),
                            pendingUserItems.get(i),
                            pendingNegatives.get(i),
                            replica::get));
        }
        GradientStep.Result result = step.run(examples, this::weights);
        lastLoss = result.loss() / examples.size();

        EvalMarker marker =
                new EvalMarker(
                        random.nextLong(),
                        shardKeys.length,
                        new ArrayList<>(pendingEvents),
                        new ArrayList<>(pendingUserItems));
        for (String shardKey : shardKeys) {
            output.collect(new StreamRecord<>(ShardMessage.marker(shardKey, marker)));
        }
        for (ShardMessage msg : result.gradients()) {
            output.collect(new StreamRecord<>(msg));
            if (settings.localUpdates()) {
                applyLocally(msg);
            }
        }
        trainedEvents.inc(examples.size());
        batches.inc();
        pendingEvents.clear();
        pendingUserItems.clear();
        pendingNegatives.clear();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        recentPositivesState.update(sampler.recentPositives());
    }

    private float[] weights(String key) {
        ParameterRow row = replica.get(key);
        return row != null ? row.weights() : initializer.initialWeights(key);
    }

    /**
     * The worker's own update, applied optimistically to its copy; it keeps the copy's version, so
     * the server's row (a higher version) replaces it when it arrives.
     */
    private void applyLocally(ShardMessage msg) {
        ParameterRow row = replica.get(msg.key());
        ParameterRow updated = updater.apply(row, msg);
        replica.put(
                msg.key(),
                new ParameterRow(
                        updated.key(),
                        updated.weights(),
                        updated.slots(),
                        row == null ? 0L : row.version(),
                        updated.updates(),
                        updated.positives(),
                        updated.trend(),
                        updated.trendTime()));
    }

    @Override
    public void close() throws Exception {
        if (feed != null) {
            feed.close();
        }
        if (itemFeed != null) {
            itemFeed.close();
        }
        if (trainer != null) {
            trainer.close();
        }
        super.close();
    }
}
