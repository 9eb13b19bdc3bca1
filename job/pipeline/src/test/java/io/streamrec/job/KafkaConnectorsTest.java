package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.schema.SavepointContract;
import io.streamrec.schema.SavepointContract.Uids;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KafkaConnectorsTest {
    private static final TopicPartition COMMITTED = new TopicPartition("events", 0);
    private static final TopicPartition NEW = new TopicPartition("events", 1);
    private static final TopicPartition TRUNCATED = new TopicPartition("events", 2);

    /** The sinks read at the commit, each with its name in its transactional ids. */
    private static final Map<String, String> COMMITTED_SINKS =
            Map.of(
                    Uids.MODEL_UPDATES_SINK, "model-updates",
                    Uids.EVAL_REPORTS_SINK, "eval-reports",
                    Uids.DEAD_LETTERS_SINK, "dead-letters",
                    Uids.ITEM_CATALOG_SINK, "item-catalog");

    private static final String TIMEOUT = "transaction.timeout.ms";

    /** The group committed 24 on partition 0, nothing on 1; partition 2's log starts at 50. */
    private static final class Broker implements OffsetsInitializer.PartitionOffsetsRetriever {
        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return Map.of(COMMITTED, 24L, TRUNCATED, 10L);
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return Map.of(COMMITTED, 100L, NEW, 100L, TRUNCATED, 100L);
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return Map.of(COMMITTED, 0L, NEW, 0L, TRUNCATED, 50L);
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
                Map<TopicPartition, Long> timestampsToSearch) {
            throw new UnsupportedOperationException();
        }
    }

    // A marker instead (Flink's committedOffsets initializer) would be stored by a checkpoint taken
    // before the first record and resolved again at a restore, against offsets the abandoned run
    // committed since: the events in between were lost.
    @Test
    void startingOffsetsAreNumbersFromTheGroupElseTheEarliest() {
        Map<TopicPartition, Long> offsets =
                KafkaConnectors.startingOffsets()
                        .getPartitionOffsets(List.of(COMMITTED, NEW, TRUNCATED), new Broker());

        assertThat(offsets)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(COMMITTED, 24L, NEW, 0L, TRUNCATED, 50L));
    }

    /** An upstream producer's aborted transaction is no input: no event, item or forget. */
    @Test
    void sourcesReadCommittedRecordsOnly() throws Exception {
        KafkaSource<?> source =
                new KafkaConnectors(new JobSettings(new Configuration())).source("events");
        Field props = KafkaSource.class.getDeclaredField("props");
        props.setAccessible(true);
        assertThat(((Properties) props.get(source)).getProperty("isolation.level"))
                .isEqualTo("read_committed");
    }

    /**
     * A client file shared with other consumers may turn auto-commit on, or read uncommitted: the
     * sources' offsets move only at checkpoints, and they read committed records, whatever it says.
     */
    @Test
    void aSharedClientFileCannotCommitTheSourcesOffsetsOrReadUncommitted() throws Exception {
        Configuration conf = new Configuration();
        conf.set(
                KafkaOptions.PROPERTIES,
                Map.of("enable.auto.commit", "true", "isolation.level", "read_uncommitted"));
        KafkaSource<?> source = new KafkaConnectors(new JobSettings(conf)).source("events");
        Field props = KafkaSource.class.getDeclaredField("props");
        props.setAccessible(true);
        Properties p = (Properties) props.get(source);

        assertThat(p.getProperty("enable.auto.commit")).isEqualTo("false");
        assertThat(p.getProperty("isolation.level")).isEqualTo("read_committed");
    }

    /**
     * The broker keeps every transactional id for 7 days: by default the sinks reuse a few per
     * subtask instead of a new one per checkpoint (StreamrecJobITCase counts them on a broker).
     */
    @Test
    void sinksPoolTheirTransactionalIdsUnlessToldOtherwise() {
        Configuration incrementing = new Configuration();
        incrementing.set(
                KafkaSinkOptions.TRANSACTION_NAMING_STRATEGY,
                TransactionNamingStrategy.INCREMENTING);

        assertThat(namingOf(new Configuration())).isEqualTo(TransactionNamingStrategy.POOLING);
        assertThat(namingOf(incrementing)).isEqualTo(TransactionNamingStrategy.INCREMENTING);
    }

    /**
     * Sinks read at the commit batch their records until then. The results, which a client waits
     * for (read uncommitted), go out at once under either guarantee. The operator's client
     * properties win.
     */
    @Test
    void sinksReadAtTheCommitBatchTheirRecordsUnlessToldOtherwise() {
        Configuration own = new Configuration();
        own.set(KafkaOptions.PROPERTIES, Map.of("linger.ms", "7", "batch.size", "65536"));

        Properties readAtCommit = producerConfigOf(committedSink(new Configuration()));
        assertThat(readAtCommit.getProperty("linger.ms")).isEqualTo("100");
        assertThat(readAtCommit.getProperty("batch.size")).isEqualTo("262144");
        for (DeliveryGuarantee guarantee :
                List.of(DeliveryGuarantee.EXACTLY_ONCE, DeliveryGuarantee.AT_LEAST_ONCE)) {
            Properties results = producerConfigOf(resultsSink(new Configuration(), guarantee));
            assertThat(results.getProperty("linger.ms")).as("%s", guarantee).isEqualTo("0");
            assertThat(results.getProperty("batch.size")).as("%s", guarantee).isNull();
        }
        Properties overridden = producerConfigOf(committedSink(own));
        assertThat(overridden.getProperty("linger.ms")).isEqualTo("7");
        assertThat(overridden.getProperty("batch.size")).isEqualTo("65536");
        assertThat(
                        producerConfigOf(resultsSink(own, DeliveryGuarantee.AT_LEAST_ONCE))
                                .getProperty("linger.ms"))
                .isEqualTo("7");
    }

    /**
     * Every sink the job builds writes in transactions that outlive what RuntimeDefaultsTest allows
     * a checkpoint and a restart ({@link KafkaConnectors#TRANSACTION_TIMEOUT}); the sinks read at
     * the commit are exactly-once, each under its own transactional ids.
     */
    @Test
    void theJobsCommittedSinksAreExactlyOnceWithTheTransactionTimeout() {
        Map<String, KafkaSink<?>> sinks = jobSinks(new Configuration());

        assertThat(sinks.keySet())
                .containsExactlyInAnyOrderElementsOf(SavepointContract.KAFKA_SINKS);
        for (Map.Entry<String, String> sink : COMMITTED_SINKS.entrySet()) {
            KafkaSink<?> built = sinks.get(sink.getKey());
            assertThat(guaranteeOf(built))
                    .as(sink.getKey())
                    .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
            assertThat(field(built, "transactionalIdPrefix"))
                    .as(sink.getKey())
                    .isEqualTo("streamrec-" + sink.getValue());
        }
        assertThat(sinks.values())
                .allSatisfy(s -> assertThat(timeoutOf(s)).isEqualTo(defaultTimeout()));
    }

    /**
     * Results read within milliseconds (docs/topics-and-schemas.md, "Results: fast or
     * transactional").
     */
    @Test
    void theJobsResultsAreAtLeastOnceByDefault() {
        assertThat(guaranteeOf(jobSinks(new Configuration()).get(Uids.RESULTS_SINK)))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /** Under either guarantee the results have transactional ids and the timeout. */
    @ParameterizedTest
    @EnumSource(
            value = DeliveryGuarantee.class,
            names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
    void theJobsResultsSinkFollowsItsOption(DeliveryGuarantee guarantee) {
        Configuration conf = new Configuration();
        conf.set(KafkaSinkOptions.RESULTS_DELIVERY_GUARANTEE, guarantee);

        KafkaSink<?> results = jobSinks(conf).get(Uids.RESULTS_SINK);
        assertThat(guaranteeOf(results)).isEqualTo(guarantee);
        assertThat(field(results, "transactionalIdPrefix")).isEqualTo("streamrec-results");
        assertThat(timeoutOf(results)).isEqualTo(defaultTimeout());
    }

    /**
     * A broker whose transaction.max.timeout.ms is lower: kafka.properties sets less, with
     * checkpoint settings that keep a transaction within it (CheckpointGuaranteesTest).
     */
    @Test
    void anOperatorsTransactionTimeoutIsKept() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.PROPERTIES, Map.of(TIMEOUT, "300000"));
        conf.set(KafkaSinkOptions.RESULTS_DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE);
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofSeconds(20));

        assertThat(jobSinks(conf, runtime).values())
                .hasSize(SavepointContract.KAFKA_SINKS.size())
                .allSatisfy(s -> assertThat(timeoutOf(s)).isEqualTo("300000"));
    }

    /** The Kafka sinks {@link StreamrecJob} adds, by uid. */
    private static Map<String, KafkaSink<?>> jobSinks(Configuration conf) {
        return jobSinks(conf, RuntimeDefaults.checkpointsAndRestarts());
    }

    private static Map<String, KafkaSink<?>> jobSinks(Configuration conf, Configuration runtime) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, runtime);
        StreamrecJob.builder().configuration(conf).catalog(ItemCatalog.empty()).build().addTo(env);
        return env.getTransformations().stream()
                .filter(SinkTransformation.class::isInstance)
                .map(t -> (SinkTransformation<?, ?>) t)
                .filter(t -> t.getSink() instanceof KafkaSink)
                .collect(
                        Collectors.toMap(
                                SinkTransformation::getUid, t -> (KafkaSink<?>) t.getSink()));
    }

    private static String defaultTimeout() {
        return String.valueOf(KafkaConnectors.TRANSACTION_TIMEOUT.toMillis());
    }

    /** The timeout its producers get (Kafka takes a number as well as a String). */
    private static String timeoutOf(KafkaSink<?> sink) {
        return String.valueOf(((Properties) field(sink, "kafkaProducerConfig")).get(TIMEOUT));
    }

    private static DeliveryGuarantee guaranteeOf(KafkaSink<?> sink) {
        return (DeliveryGuarantee) field(sink, "deliveryGuarantee");
    }

    /** A KafkaSink field without a getter (flink-connector-kafka 5.0.0-2.2). */
    private static Object field(KafkaSink<?> sink, String name) {
        try {
            Field field = KafkaSink.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(sink);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("KafkaSink has no field " + name, e);
        }
    }

    private static KafkaSink<String> committedSink(Configuration conf) {
        return new KafkaConnectors(new JobSettings(conf))
                .sink("eval-reports", "eval-reports", null, new SimpleStringSchema());
    }

    private static KafkaSink<String> resultsSink(Configuration conf, DeliveryGuarantee guarantee) {
        return new KafkaConnectors(new JobSettings(conf))
                .awaitedSink("results", "results", null, new SimpleStringSchema(), guarantee);
    }

    private static Properties producerConfigOf(KafkaSink<String> sink) {
        return (Properties) field(sink, "kafkaProducerConfig");
    }

    private static TransactionNamingStrategy namingOf(Configuration conf) {
        return (TransactionNamingStrategy) field(committedSink(conf), "transactionNamingStrategy");
    }
}
