package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.KafkaSinkOptions;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the Kafka connector's committer does with a transaction restored from a checkpoint, the path
 * behind the ERROR "Unable to commit transaction ... because its producer is already fenced" after
 * every restore (docs/kafka-transactions.md, "Exactly-once and the 'already fenced' ERROR"). A
 * checkpoint holds the transactions it pre-committed; on restore {@link KafkaCommitter} commits
 * them again with a new producer resumed at the checkpoint's producer id and epoch. Under
 * transactions V2 (KIP-890, the default of a new Kafka 4 cluster) each commit bumps the epoch, and
 * the resumed producer, which never ran initTransactions, sends a V1 EndTxn, which needs the exact
 * epoch: a transaction already committed before the failure comes back fenced. Its records stay
 * committed, once. When the first test fails, the connector or Kafka has changed: the paragraph in
 * docs/kafka-transactions.md must go. The writer and the committer take the producer settings and
 * transactional ids of the job's eval-reports sink, under either {@code
 * kafka.transaction-naming-strategy}; the committer's producer notes each commit the broker
 * acknowledged.
 */
class KafkaRecoveryCommitITCase {
    private static final String TOPIC = "eval-reports";

    /** The transactional ids whose commit the broker acknowledged to the committer's producer. */
    private final List<String> acknowledged = new ArrayList<>();

    @ParameterizedTest
    @EnumSource(
            value = TransactionNamingStrategy.class,
            names = {"POOLING", "INCREMENTING"})
    void transactionCommittedBeforeTheFailureIsFencedOnRecoveryAndStaysCommittedOnce(
            TransactionNamingStrategy naming) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSink<?> sink = evalReportsSink(kafka, naming);
            KafkaCommittable restored = precommit(sink, "report", true);

            Outcome outcome = commitAsOnRestore(sink, restored);

            assertThat(outcome.failure).isInstanceOf(ProducerFencedException.class);
            assertThat(outcome.signal).isEqualTo("failed with known reason");
            assertThat(acknowledged).isEmpty();
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TransactionNamingStrategy.class,
            names = {"POOLING", "INCREMENTING"})
    void transactionStillOpenAtTheFailureIsCommittedOnRecovery(TransactionNamingStrategy naming)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSink<?> sink = evalReportsSink(kafka, naming);
            // the failure came after the checkpoint completed, before its commit
            KafkaCommittable restored = precommit(sink, "report", false);
            assertThat(readCommitted(kafka)).isEmpty();

            Outcome outcome = commitAsOnRestore(sink, restored);

            assertCommitted(outcome, restored);
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TransactionNamingStrategy.class,
            names = {"POOLING", "INCREMENTING"})
    void transactionCommittedBeforeTheFailureIsCommittedAgainQuietlyUnderTransactionsV1(
            TransactionNamingStrategy naming) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.withTransactionVersion((short) 1)) {
            KafkaSink<?> sink = evalReportsSink(kafka, naming);
            KafkaCommittable restored = precommit(sink, "report", true);

            Outcome outcome = commitAsOnRestore(sink, restored);

            assertCommitted(outcome, restored);
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    /** A commit signals nothing; the broker acknowledged the second commit of the transaction. */
    private void assertCommitted(Outcome outcome, KafkaCommittable restored) {
        assertThat(outcome.signal).isEqualTo("none");
        assertThat(outcome.failure).isNull();
        assertThat(acknowledged).containsExactly(restored.getTransactionalId());
    }

    /**
     * The job's eval-reports sink on {@code kafka}, under {@code naming}: its producers' settings
     * (transaction.timeout.ms from KafkaConnectors) and transactional ids are the writer's and the
     * committer's here.
     */
    private static KafkaSink<?> evalReportsSink(
            EmbeddedKafka kafka, TransactionNamingStrategy naming) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX, "failure");
        conf.set(KafkaSinkOptions.TRANSACTION_NAMING_STRATEGY, naming);
        // the checkpoint settings every deployment shares: the job is not built without them
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        1, RuntimeDefaults.checkpointsAndRestarts());
        StreamrecJob.builder().configuration(conf).catalog(ItemCatalog.empty()).build().addTo(env);
        return env.getTransformations().stream()
                .filter(t -> Uids.EVAL_REPORTS_SINK.equals(t.getUid()))
                .map(t -> ((SinkTransformation<?, ?>) t).getSink())
                .map(KafkaSink.class::cast)
                .findFirst()
                .orElseThrow();
    }

    /**
     * What the sink's writer does up to a checkpoint: one record in a transaction of its first
     * subtask, flushed; the committable is what the checkpoint stores. {@code committed}: the
     * commit after the checkpoint completed happened before the failure.
     */
    private static KafkaCommittable precommit(KafkaSink<?> sink, String value, boolean committed) {
        String transactionalId = field(sink, "transactionalIdPrefix") + "-0-1";
        try (FlinkKafkaInternalProducer<byte[], byte[]> writer =
                new FlinkKafkaInternalProducer<>(producerConfig(sink), transactionalId)) {
            writer.initTransactions();
            writer.beginTransaction();
            writer.send(new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8)));
            writer.flush();
            KafkaCommittable committable =
                    new KafkaCommittable(
                            writer.getProducerId(), writer.getEpoch(), transactionalId, null);
            if (committed) {
                writer.commitTransaction();
            }
            return committable;
        }
    }

    /**
     * The committer of a restored task, as KafkaSink#createCommitter makes it, with a producer that
     * notes the commits the broker acknowledged.
     */
    private Outcome commitAsOnRestore(KafkaSink<?> sink, KafkaCommittable restored)
            throws Exception {
        Outcome outcome = new Outcome(restored);
        try (KafkaCommitter committer =
                new KafkaCommitter(
                        producerConfig(sink),
                        (String) field(sink, "transactionalIdPrefix"),
                        0,
                        1,
                        field(sink, "transactionNamingStrategy")
                                == TransactionNamingStrategy.POOLING,
                        this::acknowledgingProducer)) {
            committer.commit(List.of(outcome));
        }
        return outcome;
    }

    private FlinkKafkaInternalProducer<?, ?> acknowledgingProducer(
            Properties props, String transactionalId) {
        return new FlinkKafkaInternalProducer<byte[], byte[]>(props, transactionalId) {
            @Override
            public void commitTransaction() {
                super.commitTransaction();
                acknowledged.add(getTransactionalId());
            }
        };
    }

    private static Properties producerConfig(KafkaSink<?> sink) {
        return (Properties) field(sink, "kafkaProducerConfig");
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

    private static List<String> readCommitted(EmbeddedKafka kafka) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        props.setProperty("isolation.level", "read_committed");
        List<String> values = new ArrayList<>();
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // under read_committed the end offset is the last stable offset
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Await.waitUntil(
                    "the consumer reaches the last stable offset " + end,
                    Duration.ofSeconds(30),
                    () -> {
                        for (ConsumerRecord<byte[], byte[]> r :
                                consumer.poll(Duration.ofMillis(200))) {
                            values.add(new String(r.value(), StandardCharsets.UTF_8));
                        }
                        return consumer.position(partition) >= end;
                    });
        }
        return values;
    }

    /** One restored committable and what the committer signalled for it. */
    private static final class Outcome implements CommitRequest<KafkaCommittable> {
        private final KafkaCommittable committable;
        private String signal = "none";
        private Throwable failure;

        Outcome(KafkaCommittable committable) {
            this.committable = committable;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            signal = "failed with known reason";
            failure = t;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            signal = "failed with unknown reason";
            failure = t;
        }

        @Override
        public void retryLater() {
            signal = "retry later";
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            signal = "retry later";
        }

        @Override
        public void signalAlreadyCommitted() {
            signal = "already committed";
        }
    }
}
