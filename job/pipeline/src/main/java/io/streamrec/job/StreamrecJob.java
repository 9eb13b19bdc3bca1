package io.streamrec.job;

import io.streamrec.feeds.KafkaSettings;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.EventTimeGuard;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.ingest.RawRecordDeserializationSchema;
import io.streamrec.ingest.RequestJsonCodec;
import io.streamrec.ingest.ValidationFunction;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ps.ParameterShardOperator;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import io.streamrec.schema.RawRecord;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingOperator;
import io.streamrec.worker.TrainingWorkerOperator;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the streamrec dataflow:
 *
 * <pre>
 * events ─► validate ─┐                                ┌─► model-updates topic (exactly-once) ─► workers' copies
 *                     ├─ keyBy(user) ─► workers ─ keyBy(row) ─► parameter server
 * requests ► validate ┘   (micro-batch, DJL)                    └─► broadcast ─► serving ─► results topic
 *                                                                                 └─► eval-reports topic
 * rejected input ─► dead-letters topic
 * </pre>
 */
public final class StreamrecJob {
    private final JobSettings settings;
    private final ItemCatalog catalog;
    private final UnaryOperator<DataStream<UserEvent>> eventInterceptor;

    private StreamrecJob(Builder b) {
        this.settings = new JobSettings(b.configuration);
        this.catalog = b.catalog != null ? b.catalog : settings.catalog();
        this.eventInterceptor = b.eventInterceptor;
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

    /** Adds the dataflow to {@code env}. */
    public void addTo(StreamExecutionEnvironment env) {
        KafkaSettings kafka = settings.kafka();
        ModelConfig model = settings.model();
        ModelRowInitializer initializer = new ModelRowInitializer(model);
        int workers =
                settings.parallelism(StreamrecOptions.WORKER_PARALLELISM, env.getParallelism());
        int shards = settings.parallelism(StreamrecOptions.SHARD_PARALLELISM, env.getParallelism());
        int shardsMax = settings.get(StreamrecOptions.SHARD_MAX_PARALLELISM);
        String modelUpdates = settings.get(StreamrecOptions.MODEL_UPDATES_TOPIC);

        SingleOutputStreamOperator<UserEvent> validEvents =
                validated(
                        env,
                        kafka,
                        StreamrecOptions.EVENTS_TOPIC,
                        "events",
                        new ValidationFunction<>(
                                new EventJsonCodec(),
                                "events",
                                new EventTimeGuard<UserEvent>(
                                        UserEvent::timestamp,
                                        settings.get(StreamrecOptions.MAX_FUTURE).toMillis(),
                                        settings.get(StreamrecOptions.ALLOWED_LATENESS)
                                                .toMillis())),
                        UserEvent.typeInfo(),
                        workers);
        SingleOutputStreamOperator<RecommendationRequest> validRequests =
                validated(
                        env,
                        kafka,
                        StreamrecOptions.REQUESTS_TOPIC,
                        "requests",
                        new ValidationFunction<>(new RequestJsonCodec(), "requests"),
                        RecommendationRequest.typeInfo(),
                        workers);
        // items: validated, then written to the compacted catalog topic that workers and serving
        // read
        SingleOutputStreamOperator<ItemRecord> validItems =
                validated(
                        env,
                        kafka,
                        StreamrecOptions.ITEMS_TOPIC,
                        "items",
                        new ValidationFunction<>(new ItemJsonCodec(model.contentDim()), "items"),
                        ItemRecord.typeInfo(),
                        1);
        validItems
                .sinkTo(
                        sink(
                                kafka,
                                settings.get(StreamrecOptions.CATALOG_TOPIC),
                                "item-catalog",
                                new RecordBytesSchema<>(
                                        ItemRecord.typeInfo(),
                                        i -> i.itemId().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        ItemRecord.typeInfo(), ItemJsonCodec::toJson)))
                .uid(Uids.ITEM_CATALOG_SINK)
                .name("item catalog")
                .setParallelism(1);

        DataStream<String> deadLetters =
                validEvents
                        .getSideOutput(ValidationFunction.DEAD_LETTERS)
                        .union(
                                validRequests.getSideOutput(ValidationFunction.DEAD_LETTERS),
                                validItems.getSideOutput(ValidationFunction.DEAD_LETTERS));

        DataStream<UserEvent> events = eventInterceptor.apply(validEvents);
        SingleOutputStreamOperator<ShardMessage> shardInput =
                events.connect(validRequests)
                        .keyBy(UserEvent::userId, RecommendationRequest::userId)
                        .transform(
                                "workers",
                                ShardMessage.typeInfo(),
                                new TrainingWorkerOperator(
                                        model,
                                        settings.worker(),
                                        settings.optimizer(),
                                        settings.l2(),
                                        initializer,
                                        catalog,
                                        shards,
                                        shardsMax,
                                        kafka,
                                        modelUpdates,
                                        settings.get(StreamrecOptions.CATALOG_TOPIC)))
                        .uid(Uids.WORKERS)
                        .setParallelism(workers);

        deadLetters =
                deadLetters.union(shardInput.getSideOutput(TrainingWorkerOperator.DUPLICATES));
        deadLetters
                .sinkTo(
                        sink(
                                kafka,
                                settings.get(StreamrecOptions.DEAD_LETTERS_TOPIC),
                                "dead-letters",
                                null,
                                RecordBytesSchema.utf8()))
                .uid(Uids.DEAD_LETTERS_SINK)
                .name("dead letters");

        SingleOutputStreamOperator<ModelUpdate> shardOutput =
                shardInput
                        .keyBy(ShardMessage::key)
                        .transform(
                                "parameter-server",
                                ModelUpdate.typeInfo(),
                                new ParameterShardOperator(
                                        settings.optimizer(),
                                        settings.l2(),
                                        initializer,
                                        model.trendHalfLifeMs(),
                                        settings.get(StreamrecOptions.PS_CACHE_ROWS)))
                        .uid(Uids.PARAMETER_SERVER)
                        .setParallelism(shards)
                        .setMaxParallelism(shardsMax);
        shardOutput
                .getSideOutput(ParameterShardOperator.CHECKPOINTED_ROWS)
                .sinkTo(
                        this.<ParameterRow>sink(
                                kafka,
                                modelUpdates,
                                "model-updates",
                                new RecordBytesSchema<>(
                                        ParameterRow.typeInfo(),
                                        r -> r.key().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        ParameterRow.typeInfo(),
                                        ParameterRowSerializer.INSTANCE::toBytes)))
                .uid(Uids.MODEL_UPDATES_SINK)
                .name("model updates")
                .setParallelism(shards);

        SingleOutputStreamOperator<RecommendationResult> results =
                shardOutput
                        .broadcast()
                        .transform(
                                "serving",
                                RecommendationResult.typeInfo(),
                                new ServingOperator(
                                        model,
                                        initializer,
                                        catalog,
                                        settings.serving(),
                                        kafka,
                                        modelUpdates,
                                        settings.get(StreamrecOptions.CATALOG_TOPIC)))
                        .uid(Uids.SERVING)
                        .setParallelism(
                                settings.parallelism(
                                        StreamrecOptions.SERVING_PARALLELISM,
                                        env.getParallelism()));
        results.sinkTo(
                        sink(
                                kafka,
                                settings.get(StreamrecOptions.RESULTS_TOPIC),
                                "results",
                                new RecordBytesSchema<>(
                                        RecommendationResult.typeInfo(),
                                        r -> r.userId().getBytes(StandardCharsets.UTF_8)),
                                new RecordBytesSchema<>(
                                        RecommendationResult.typeInfo(),
                                        RequestJsonCodec::resultToJson)))
                .uid(Uids.RESULTS_SINK)
                .name("results");
        results.getSideOutput(ServingOperator.EVAL_REPORTS)
                .sinkTo(
                        sink(
                                kafka,
                                settings.get(StreamrecOptions.EVAL_REPORTS_TOPIC),
                                "eval-reports",
                                null,
                                RecordBytesSchema.utf8()))
                .uid(Uids.EVAL_REPORTS_SINK)
                .name("eval reports");
    }

    /**
     * A Kafka source and its validation, with stable uids ({@code <name>-source}, {@code
     * validate-<name>}) so savepoints keep mapping.
     */
    private <T> SingleOutputStreamOperator<T> validated(
            StreamExecutionEnvironment env,
            KafkaSettings kafka,
            ConfigOption<String> topic,
            String name,
            ValidationFunction<T> validation,
            TypeInformation<T> type,
            int parallelism) {
        return env.fromSource(
                        source(kafka, settings.get(topic)), WatermarkStrategy.noWatermarks(), name)
                .uid(Uids.source(name))
                .setParallelism(parallelism)
                .process(validation)
                .returns(type)
                .uid(Uids.validation(name))
                .name("validate " + name)
                .setParallelism(parallelism);
    }

    private KafkaSource<RawRecord> source(KafkaSettings kafka, String topic) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.toProperties())
                .setTopics(topic)
                .setGroupId(settings.get(StreamrecOptions.GROUP_ID))
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializationSchema())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    private <T> KafkaSink<T> sink(
            KafkaSettings kafka,
            String topic,
            String name,
            SerializationSchema<T> key,
            SerializationSchema<T> value) {
        Properties props = kafka.toProperties();
        // well above checkpoint interval + restart time, below the broker's 15 min maximum
        props.setProperty("transaction.timeout.ms", "600000");
        var serializer =
                KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(value);
        if (key != null) {
            serializer = serializer.setKeySerializationSchema(key);
        }
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer.build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                        settings.get(StreamrecOptions.TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .build();
    }
}
