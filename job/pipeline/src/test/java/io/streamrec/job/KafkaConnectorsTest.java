package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaConnectorsTest {
    private static final TopicPartition COMMITTED = new TopicPartition("events", 0);
    private static final TopicPartition NEW = new TopicPartition("events", 1);
    private static final TopicPartition TRUNCATED = new TopicPartition("events", 2);

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
                new KafkaConnectors(new JobSettings(new Configuration()))
                        .source(StreamrecOptions.EVENTS_TOPIC);
        Field props = KafkaSource.class.getDeclaredField("props");
        props.setAccessible(true);
        assertThat(((Properties) props.get(source)).getProperty("isolation.level"))
                .isEqualTo("read_committed");
    }

    /**
     * The broker keeps every transactional id for 7 days: by default the sinks reuse a few per
     * subtask instead of a new one per checkpoint (StreamrecJobITCase counts them on a broker).
     */
    @Test
    void sinksPoolTheirTransactionalIdsUnlessToldOtherwise() throws Exception {
        Configuration incrementing = new Configuration();
        incrementing.set(
                StreamrecOptions.TRANSACTION_NAMING_STRATEGY,
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
    void sinksReadAtTheCommitBatchTheirRecordsUnlessToldOtherwise() throws Exception {
        Configuration own = new Configuration();
        own.set(StreamrecOptions.KAFKA_PROPERTIES, Map.of("linger.ms", "7", "batch.size", "65536"));

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

    private static KafkaSink<String> committedSink(Configuration conf) {
        return new KafkaConnectors(new JobSettings(conf))
                .sink(
                        StreamrecOptions.EVAL_REPORTS_TOPIC,
                        "eval-reports",
                        null,
                        new SimpleStringSchema());
    }

    private static KafkaSink<String> resultsSink(Configuration conf, DeliveryGuarantee guarantee) {
        return new KafkaConnectors(new JobSettings(conf))
                .awaitedSink(
                        StreamrecOptions.RESULTS_TOPIC,
                        "results",
                        null,
                        new SimpleStringSchema(),
                        guarantee);
    }

    private static Properties producerConfigOf(KafkaSink<String> sink) throws Exception {
        Field config = KafkaSink.class.getDeclaredField("kafkaProducerConfig");
        config.setAccessible(true);
        return (Properties) config.get(sink);
    }

    private static TransactionNamingStrategy namingOf(Configuration conf) throws Exception {
        KafkaSink<String> sink = committedSink(conf);
        Field naming = KafkaSink.class.getDeclaredField("transactionNamingStrategy");
        naming.setAccessible(true);
        return (TransactionNamingStrategy) naming.get(sink);
    }
}
