package io.streamrec.job;

import io.streamrec.ingest.RawRecordDeserializationSchema;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.schema.RawRecord;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The job's Kafka sources and sinks: the broker, consumer group and transactional ids come from the
 * job's settings, the topics from the caller ({@link JobSettings#topics()}). Sinks are exactly-once
 * (transactional) unless a sink's own option says otherwise.
 */
final class KafkaConnectors {
    private final KafkaSettings kafka;
    private final String consumerGroup;
    private final SinkTransactions transactions;

    KafkaConnectors(JobSettings settings) {
        this.kafka = settings.kafka();
        this.consumerGroup = settings.consumerGroup();
        this.transactions = settings.sinkTransactions();
    }

    /**
     * How long a sink's transaction may stay open: from the barrier that starts it to the next
     * completed checkpoint, which commits it. {@link RuntimeDefaults#CHECKPOINT_TIMEOUT} times the
     * failures tolerated in a row stays below it.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /**
     * How long the producer of an exactly-once sink read at the commit waits to fill a batch: its
     * records become readable then (all their readers are read_committed), and the writer flushes
     * at each barrier, so waiting costs no latency anyone sees. With Kafka 4's defaults (5 ms, 16
     * KiB batches) the quickstart's model updates took 2,574 produce requests, with these 282, each
     * request a wake-up for the broker and the producer's network thread (BENCHMARKS, forty-sixth
     * session). {@code kafka.properties} settings win over it.
     */
    static final Duration TRANSACTIONAL_LINGER = Duration.ofMillis(100);

    /**
     * An exactly-once sink's batch size per partition, with {@link #TRANSACTIONAL_LINGER}: a
     * producer holds up to one per partition it writes, out of its 32 MiB buffer.
     */
    static final int TRANSACTIONAL_BATCH_BYTES = 256 * 1024;

    /**
     * Where a source without state starts: the group's committed offsets (earliest where it has
     * none), resolved when a partition is assigned, so that no checkpoint holds an unresolved
     * offset.
     */
    static OffsetsInitializer startingOffsets() {
        return new CommittedOrEarliestOffsets();
    }

    /** Raw records of {@code topic}, from the committed offsets (earliest for a new group). */
    KafkaSource<RawRecord> source(String topic) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.toProperties())
                .setTopics(topic)
                .setGroupId(consumerGroup)
                .setStartingOffsets(startingOffsets())
                .setDeserializer(new RawRecordDeserializationSchema())
                .setProperty("commit.offsets.on.checkpoint", "true")
                // offsets are the group's only at checkpoints: a shared client file's auto-commit
                // would move them past records no checkpoint holds, which a start without state
                // (or serving reading requests itself) would then skip
                .setProperty("enable.auto.commit", "false")
                // an upstream producer's aborted transaction is no input: no event, item or forget
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * An exactly-once sink to {@code topic} whose records are read at the commit; {@code name}
     * makes its transactional ids unique in the job. A null {@code key} writes records without
     * keys. Its producer fills batches until the commit ({@link #TRANSACTIONAL_LINGER}).
     */
    <T> KafkaSink<T> sink(
            String topic, String name, SerializationSchema<T> key, SerializationSchema<T> value) {
        Properties props = producerProperties();
        props.putIfAbsent("linger.ms", String.valueOf(TRANSACTIONAL_LINGER.toMillis()));
        props.putIfAbsent("batch.size", String.valueOf(TRANSACTIONAL_BATCH_BYTES));
        return sink(topic, name, key, value, DeliveryGuarantee.EXACTLY_ONCE, props);
    }

    /**
     * A sink whose records a client waits for (the results: the gateway reads them uncommitted
     * under either guarantee), each sent at once: Kafka 4 producers wait 5 ms to fill a batch.
     */
    <T> KafkaSink<T> awaitedSink(
            String topic,
            String name,
            SerializationSchema<T> key,
            SerializationSchema<T> value,
            DeliveryGuarantee guarantee) {
        Properties props = producerProperties();
        props.putIfAbsent("linger.ms", "0");
        return sink(topic, name, key, value, guarantee, props);
    }

    /** The exactly-once sinks' transaction timeout: kafka.properties' own, else the default. */
    Duration transactionTimeout() {
        return Duration.ofMillis(
                Long.parseLong(producerProperties().getProperty("transaction.timeout.ms").trim()));
    }

    private Properties producerProperties() {
        Properties props = kafka.toProperties();
        // the broker's default maximum; kafka.properties may set less for a broker that allows less
        props.putIfAbsent("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        return props;
    }

    private <T> KafkaSink<T> sink(
            String topic,
            String name,
            SerializationSchema<T> key,
            SerializationSchema<T> value,
            DeliveryGuarantee guarantee,
            Properties props) {
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
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactions.idPrefixOf(name))
                .setTransactionNamingStrategy(transactions.naming())
                .build();
    }
}
