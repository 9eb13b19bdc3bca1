package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.tools.quickstart.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What the Kafka connector's committer does with a transaction restored from a checkpoint, the path
 * behind the ERROR "Unable to commit transaction ... because its producer is already fenced" after
 * every restore (README, "Exactly-once and the 'already fenced' ERROR"). A checkpoint holds the
 * transactions it pre-committed; on restore {@link KafkaCommitter} commits them again with a new
 * producer resumed at the checkpoint's producer id and epoch. Under transactions V2 (KIP-890, the
 * default of a new Kafka 4 cluster) each commit bumps the epoch, and the resumed producer, which
 * never ran initTransactions, sends a V1 EndTxn, which needs the exact epoch: a transaction already
 * committed before the failure comes back fenced. Its records stay committed, once. When the first
 * test fails, the connector or Kafka has changed: the README paragraph must go.
 */
class KafkaRecoveryCommitITCase {
    private static final String TOPIC = "eval-reports";
    private static final String TRANSACTIONAL_ID = "failure-eval-reports-0-1";

    @Test
    void transactionCommittedBeforeTheFailureIsFencedOnRecoveryAndStaysCommittedOnce()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Properties props = producerProperties(kafka);
            KafkaCommittable restored = precommit(props, "report", true);

            Outcome outcome = commitAsOnRestore(props, restored);

            assertThat(outcome.failure).isInstanceOf(ProducerFencedException.class);
            assertThat(outcome.signal).isEqualTo("failed with known reason");
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    @Test
    void transactionStillOpenAtTheFailureIsCommittedOnRecovery() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Properties props = producerProperties(kafka);
            // the failure came after the checkpoint completed, before its commit
            KafkaCommittable restored = precommit(props, "report", false);
            assertThat(readCommitted(kafka)).isEmpty();

            Outcome outcome = commitAsOnRestore(props, restored);

            assertThat(outcome.signal).isEqualTo("committed");
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    @Test
    void transactionCommittedBeforeTheFailureIsCommittedAgainQuietlyUnderTransactionsV1()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.withTransactionVersion((short) 1)) {
            Properties props = producerProperties(kafka);
            KafkaCommittable restored = precommit(props, "report", true);

            Outcome outcome = commitAsOnRestore(props, restored);

            assertThat(outcome.signal).isEqualTo("committed");
            assertThat(readCommitted(kafka)).containsExactly("report");
        }
    }

    private static Properties producerProperties(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        props.setProperty("key.serializer", ByteArraySerializer.class.getName());
        props.setProperty("value.serializer", ByteArraySerializer.class.getName());
        props.setProperty("transaction.timeout.ms", "600000"); // as KafkaConnectors
        return props;
    }

    /**
     * What the sink's writer does up to a checkpoint: one record in a transaction, flushed; the
     * committable is what the checkpoint stores. {@code committed}: the commit after the checkpoint
     * completed happened before the failure.
     */
    private static KafkaCommittable precommit(Properties props, String value, boolean committed) {
        try (FlinkKafkaInternalProducer<byte[], byte[]> writer =
                new FlinkKafkaInternalProducer<>(props, TRANSACTIONAL_ID)) {
            writer.initTransactions();
            writer.beginTransaction();
            writer.send(new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8)));
            writer.flush();
            KafkaCommittable committable =
                    new KafkaCommittable(
                            writer.getProducerId(), writer.getEpoch(), TRANSACTIONAL_ID, null);
            if (committed) {
                writer.commitTransaction();
            }
            return committable;
        }
    }

    /** The committer of a restored task, as KafkaSink creates it (INCREMENTING ids). */
    private static Outcome commitAsOnRestore(Properties props, KafkaCommittable restored)
            throws Exception {
        Outcome outcome = new Outcome(restored);
        try (KafkaCommitter committer =
                new KafkaCommitter(
                        props,
                        "failure-eval-reports",
                        0,
                        1,
                        false,
                        FlinkKafkaInternalProducer::new)) {
            committer.commit(List.of(outcome));
        }
        return outcome;
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
        private String signal = "committed";
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
