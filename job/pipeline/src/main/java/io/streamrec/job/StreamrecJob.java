package io.streamrec.job;

import io.streamrec.guard.ItemFloodGuard;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.ingest.PseudonymizeUsers;
import io.streamrec.ingest.ValidationFunction;
import io.streamrec.kafka.JobTopics;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ps.ParameterShardOperator;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingOperator;
import io.streamrec.serving.UserOwner;
import io.streamrec.worker.FloodLimit;
import io.streamrec.worker.TrainingWorkerOperator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the streamrec dataflow:
 *
 * <pre>
 * events ─► validate ─┐                                ┌─► model-updates topic (exactly-once) ─► workers' copies
 *                     ├─ keyBy(user) ─► workers ─ keyBy(row) ─► parameter server
 * requests ► validate ┘   (micro-batch, DJL)                    └─► broadcast ─► serving ─► results topic
 *                         └─ requests with the user's items ─► to the user's owner ─┘  └─► eval-reports topic
 * items ─► validate ─► item-catalog topic (compacted) ─► workers' and serving's catalogs
 * rejected input, duplicate events, flooded events ─► dead-letters topic
 * </pre>
 *
 * <p>With {@code guard.item-events-per-hour} set, events pass {@code keyBy(item) ─► item flood
 * guard} between validation and the workers.
 *
 * <p>{@link #addTo} composes one method per stage: {@code ingest} (sources, validation, catalog
 * sink), {@code itemFloodGuarded}, {@code workers}, {@link #parameterServer}, {@code serving}, and
 * one method per sink. Every operator takes its uid from {@link
 * io.streamrec.schema.SavepointContract}.
 */
public final class StreamrecJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamrecJob.class);

    private final JobSettings settings;
    private final ItemCatalog catalog;
    private final UnaryOperator<DataStream<UserEvent>> eventInterceptor;
    private final KafkaConnectors kafka;

    private StreamrecJob(Builder b) {
        this.settings = new JobSettings(b.configuration);
        this.catalog = b.catalog != null ? b.catalog : settings.catalog();
        this.eventInterceptor = b.eventInterceptor;
        this.kafka = new KafkaConnectors(settings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of the job graph. */
    public static final class Builder {
        private Configuration configuration = new Configuration();
        private ItemCatalog catalog;
        private UnaryOperator<DataStream<UserEvent>> eventInterceptor = UnaryOperator.identity();

        public Builder configuration(Configuration configuration) {
            this.configuration = configuration;
            return this;
        }

        /** The item catalog; by default read from {@code items.path}. */
        public Builder catalog(ItemCatalog catalog) {
            this.catalog = catalog;
            return this;
        }

        /** A transformation of the validated events, e.g. a failure injector in tests. */
        public Builder interceptEvents(UnaryOperator<DataStream<UserEvent>> interceptor) {
            this.eventInterceptor = interceptor;
            return this;
        }

        public StreamrecJob build() {
            return new StreamrecJob(this);
        }
    }

    public ItemCatalog catalog() {
        return catalog;
    }

    /**
     * Adds the dataflow to {@code env}, stage by stage. The stages are added in this order so that
     * operators without a uid of their own (e.g. an event interceptor's) keep their generated ids.
     */
    public void addTo(StreamExecutionEnvironment env) {
        CheckpointGuarantees.check(
                env.getCheckpointConfig(), env.getConfiguration(), kafka.transactionTimeout());
        Inputs inputs = itemFloodGuarded(ingest(env));
        SingleOutputStreamOperator<ShardMessage> toShards =
                workers(inputs.events(), inputs.requests());
        deadLettersSink(
                inputs.rejected()
                        .union(toShards.getSideOutput(TrainingWorkerOperator.DEAD_LETTERS)));
        SingleOutputStreamOperator<ModelUpdate> updates = parameterServer(toShards, settings);
        modelUpdatesSink(updates);
        SingleOutputStreamOperator<RecommendationResult> results =
                serving(updates, toShards.getSideOutput(TrainingWorkerOperator.REQUESTS));
        resultsSink(results);
        evalReportsSink(results);
    }

    // ---- ingest ----

    /** The validated inputs the model works on, and every record validation rejected. */
    private record Inputs(
            DataStream<UserEvent> events,
            DataStream<RecommendationRequest> requests,
            DataStream<String> rejected) {}

    /** A Kafka input: its topic, its name (the source's and in dead letters), its two uids. */
    private record KafkaInput(
            Function<JobTopics, String> topic,
            String name,
            String sourceUid,
            String validationUid) {}

    private static final KafkaInput EVENTS =
            new KafkaInput(JobTopics::events, "events", Uids.EVENTS_SOURCE, Uids.VALIDATE_EVENTS);
    private static final KafkaInput REQUESTS =
            new KafkaInput(
                    JobTopics::requests, "requests", Uids.REQUESTS_SOURCE, Uids.VALIDATE_REQUESTS);
    private static final KafkaInput ITEMS =
            new KafkaInput(JobTopics::items, "items", Uids.ITEMS_SOURCE, Uids.VALIDATE_ITEMS);

    /**
     * Events, requests and items, each validated; the items are also written to the compacted
     * catalog topic that workers and serving read.
     */
    private Inputs ingest(StreamExecutionEnvironment env) {
        int parallelism = settings.workerParallelism(env.getParallelism());
        SingleOutputStreamOperator<UserEvent> events =
                validated(
                        env,
                        EVENTS,
                        new ValidationFunction<>(
                                new EventJsonCodec(), EVENTS.name(), settings.eventTimeGuard()),
                        UserEvent.typeInfo(),
                        parallelism);
        SingleOutputStreamOperator<RecommendationRequest> requests =
                validated(
                        env,
                        REQUESTS,
                        new ValidationFunction<>(settings.requestCodec(), REQUESTS.name()),
                        RecommendationRequest.typeInfo(),
                        parallelism);
        ItemJsonCodec itemCodec = new ItemJsonCodec(settings.model().contentDim());
        SingleOutputStreamOperator<ItemRecord> items =
                validated(
                        env,
                        ITEMS,
                        new ValidationFunction<>(itemCodec, ITEMS.name()),
                        ItemRecord.typeInfo(),
                        1);
        itemCatalogSink(items);
        DataStream<String> rejected =
                events.getSideOutput(ValidationFunction.DEAD_LETTERS)
                        .union(
                                requests.getSideOutput(ValidationFunction.DEAD_LETTERS),
                                items.getSideOutput(ValidationFunction.DEAD_LETTERS));
        return new Inputs(
                eventInterceptor.apply(
                        pseudonymized(events, PseudonymizeUsers.EVENTS, Uids.PSEUDONYMIZE_EVENTS)),
                throughWorkers(
                        pseudonymized(
                                requests, PseudonymizeUsers.REQUESTS, Uids.PSEUDONYMIZE_REQUESTS)),
                rejected);
    }

    /**
     * The requests the workers see: all of them, or only forgets when serving reads recommendation
     * requests from the topic itself ({@code serving.direct-requests}).
     */
    private DataStream<RecommendationRequest> throughWorkers(
            DataStream<RecommendationRequest> requests) {
        if (!settings.directRequests().enabled()) {
            return requests;
        }
        return requests.filter(RecommendationRequest::isForget)
                .uid(Uids.FORGET_REQUESTS_ONLY)
                .name("forget requests only");
    }

    /**
     * The inputs with events keyed by item through the {@link ItemFloodGuard}, its quarantined
     * events added to the rejected ones; the inputs themselves when {@code
     * guard.item-events-per-hour} is 0.
     */
    private Inputs itemFloodGuarded(Inputs inputs) {
        FloodLimit limit = settings.itemFlood();
        if (!limit.isOn()) {
            return inputs;
        }
        SingleOutputStreamOperator<UserEvent> admitted =
                inputs.events()
                        .keyBy(UserEvent::itemId)
                        .process(new ItemFloodGuard(limit))
                        .returns(UserEvent.typeInfo())
                        .uid(Uids.ITEM_FLOOD_GUARD)
                        .name("item flood guard")
                        .setParallelism(
                                settings.workerParallelism(
                                        inputs.events()
                                                .getExecutionEnvironment()
                                                .getParallelism()));
        return new Inputs(
                admitted,
                inputs.requests(),
                inputs.rejected().union(admitted.getSideOutput(ItemFloodGuard.DEAD_LETTERS)));
    }

    /**
     * {@code records} with user ids replaced by their keyed pseudonyms, chained to validation;
     * {@code records} themselves when {@code privacy.user-id-key-file} is not set.
     */
    private <T> DataStream<T> pseudonymized(
            SingleOutputStreamOperator<T> records,
            PseudonymizeUsers.UserIdField<T> field,
            String uid) {
        Optional<String> keyFile = settings.userIdKeyFile();
        if (keyFile.isEmpty()) {
            return records;
        }
        return records.map(new PseudonymizeUsers<>(keyFile.get(), field))
                .returns(records.getType())
                .uid(uid)
                .name("pseudonymize users")
                .setParallelism(records.getParallelism());
    }

    /** An input's Kafka source and its validation, chained. */
    private <T> SingleOutputStreamOperator<T> validated(
            StreamExecutionEnvironment env,
            KafkaInput input,
            ValidationFunction<T> validation,
            TypeInformation<T> type,
            int parallelism) {
        return env.fromSource(
                        kafka.source(input.topic().apply(settings.topics())),
                        WatermarkStrategy.noWatermarks(),
                        input.name())
                .uid(input.sourceUid())
                .setParallelism(parallelism)
                .process(validation)
                .returns(type)
                .uid(input.validationUid())
                .name("validate " + input.name())
                .setParallelism(parallelism);
    }

    private void itemCatalogSink(DataStream<ItemRecord> items) {
        items.sinkTo(
                        kafka.sink(
                                settings.topics().catalog(),
                                "item-catalog",
                                new RecordBytesSchema<>(
                                        ItemRecord.typeInfo(),
                                        i -> i.itemId().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        ItemRecord.typeInfo(), ItemJsonCodec::toJson)))
                .uid(Uids.ITEM_CATALOG_SINK)
                .name("item catalog")
                .setParallelism(1);
    }

    // ---- model: workers, parameter server, serving ----

    /**
     * Per user: micro-batches of events through the DJL model, one message per touched row (and per
     * request) to the parameter-server shards; duplicate events to a side output.
     */
    private SingleOutputStreamOperator<ShardMessage> workers(
            DataStream<UserEvent> events, DataStream<RecommendationRequest> requests) {
        StreamExecutionEnvironment env = events.getExecutionEnvironment();
        ModelConfig model = settings.model();
        TrainingWorkerOperator worker =
                TrainingWorkerOperator.builder()
                        .model(model)
                        .settings(settings.worker())
                        .rowUpdates(
                                settings.optimizer(), settings.l2(), new ModelRowInitializer(model))
                        .catalog(catalog)
                        .shardParallelism(settings.shardParallelism(env.getParallelism()))
                        .shardMaxParallelism(settings.shardMaxParallelism())
                        .feeds(settings.kafka())
                        .modelUpdatesTopic(settings.topics().modelUpdates())
                        .catalogTopic(settings.topics().catalog())
                        .build();
        return events.connect(requests)
                .keyBy(UserEvent::userId, RecommendationRequest::userId)
                .transform("workers", ShardMessage.typeInfo(), worker)
                .uid(Uids.WORKERS)
                .setParallelism(settings.workerParallelism(env.getParallelism()));
    }

    /**
     * The parameter server: {@code toShards} keyed by row, one row per key in RocksDB behind a
     * write-back cache. Emits refreshed rows and forwarded markers; rows as of each checkpoint go
     * to {@link ParameterShardOperator#CHECKPOINTED_ROWS}. Public for benchmarks that drive the
     * parameter server alone; its parallelism defaults to that of {@code toShards}' environment, as
     * in the job.
     */
    public static SingleOutputStreamOperator<ModelUpdate> parameterServer(
            DataStream<ShardMessage> toShards, JobSettings settings) {
        ModelConfig model = settings.model();
        int shards = settings.shardParallelism(toShards.getExecutionEnvironment().getParallelism());
        ParameterShardOperator shard =
                new ParameterShardOperator(
                        settings.optimizer(),
                        settings.l2(),
                        new ModelRowInitializer(model),
                        model.trendHalfLifeMs(),
                        settings.psCacheRows(),
                        shards);
        return toShards.keyBy(ShardMessage::key)
                .transform("parameter-server", ModelUpdate.typeInfo(), shard)
                .uid(Uids.PARAMETER_SERVER)
                .setParallelism(shards)
                .setMaxParallelism(settings.shardMaxParallelism());
    }

    /**
     * Every serving instance sees every update (broadcast) and evaluates prequentially; evaluation
     * reports go to {@link ServingOperator#EVAL_REPORTS}. Requests come from the workers straight
     * to the subtask that owns the user ({@link UserOwner}), not through the parameter server.
     */
    private SingleOutputStreamOperator<RecommendationResult> serving(
            DataStream<ModelUpdate> updates, DataStream<ModelUpdate> requests) {
        ModelConfig model = settings.model();
        ServingOperator serving =
                new ServingOperator(
                        model,
                        new ModelRowInitializer(model),
                        catalog,
                        settings.serving(),
                        settings.kafka(),
                        settings.topics().modelUpdates(),
                        settings.topics().catalog(),
                        settings.directRequests());
        DataStream<ModelUpdate> input = updates.broadcast();
        if (!settings.directRequests().enabled()) {
            input = input.union(requests.partitionCustom(new UserOwner(), UserOwner.REQUEST_USER));
            alignedCheckpointsUnlessForced(updates.getExecutionEnvironment());
        }
        // with serving reading requests itself the workers send none: without that edge's custom
        // partitioner the job admits unaligned checkpoints
        return input.transform("serving", RecommendationResult.typeInfo(), serving)
                .uid(Uids.SERVING)
                .setParallelism(
                        settings.servingParallelism(
                                updates.getExecutionEnvironment().getParallelism()));
    }

    /**
     * Requests routed to their user's subtask by a custom partitioner could not be redistributed
     * from a checkpoint's in-flight data on a rescale, so Flink refuses unaligned checkpoints for
     * such a job unless they are forced. A cluster configured for unaligned checkpoints then runs
     * this job with aligned ones instead of failing its submission.
     */
    private static void alignedCheckpointsUnlessForced(StreamExecutionEnvironment env) {
        CheckpointConfig checkpoints = env.getCheckpointConfig();
        if (checkpoints.isCheckpointingEnabled()
                && checkpoints.isUnalignedCheckpointsEnabled()
                && !checkpoints.isForceUnalignedCheckpoints()) {
            LOG.warn(
                    "Aligned checkpoints, {} ignored: requests reach serving through a custom"
                            + " partitioner (serving.direct-requests off, or model.type BPR),"
                            + " which Flink refuses unaligned ones with unless {} is set",
                    CheckpointingOptions.ENABLE_UNALIGNED.key(),
                    CheckpointingOptions.FORCE_UNALIGNED.key());
            checkpoints.enableUnalignedCheckpoints(false);
        }
    }

    // ---- sinks ----

    private void deadLettersSink(DataStream<String> deadLetters) {
        deadLetters
                .sinkTo(
                        kafka.sink(
                                settings.topics().deadLetters(),
                                "dead-letters",
                                null,
                                RecordBytesSchema.utf8()))
                .uid(Uids.DEAD_LETTERS_SINK)
                .name("dead letters");
    }

    /**
     * The rows as of each checkpoint, exactly once, chained to their shard: the topic workers and
     * serving bootstrap their copies from.
     */
    private void modelUpdatesSink(SingleOutputStreamOperator<ModelUpdate> updates) {
        updates.getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS)
                .sinkTo(
                        kafka.sink(
                                settings.topics().modelUpdates(),
                                "model-updates",
                                new RecordBytesSchema<>(
                                        ParameterRow.typeInfo(),
                                        r -> r.key().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        ParameterRow.typeInfo(),
                                        r ->
                                                r.isTombstone()
                                                        ? null // a Kafka tombstone
                                                        : ParameterRowSerializer.INSTANCE.toBytes(
                                                                r))))
                .uid(Uids.MODEL_UPDATES_SINK)
                .name("model updates")
                .setParallelism(updates.getParallelism());
    }

    private void resultsSink(DataStream<RecommendationResult> results) {
        results.sinkTo(
                        kafka.awaitedSink(
                                settings.topics().results(),
                                "results",
                                new RecordBytesSchema<>(
                                        RecommendationResult.typeInfo(),
                                        r -> r.userId().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        RecommendationResult.typeInfo(),
                                        RequestJsonCodec::resultToJson),
                                settings.resultsDeliveryGuarantee()))
                .uid(Uids.RESULTS_SINK)
                .name("results");
    }

    private void evalReportsSink(SingleOutputStreamOperator<RecommendationResult> results) {
        results.getSideOutput(ServingOperator.EVAL_REPORTS)
                .sinkTo(
                        kafka.sink(
                                settings.topics().evalReports(),
                                "eval-reports",
                                null,
                                RecordBytesSchema.utf8()))
                .uid(Uids.EVAL_REPORTS_SINK)
                .name("eval reports");
    }
}
