package io.streamrec.serving;

import io.streamrec.kafka.CommittedReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the requests topic on a thread of its own for one serving subtask and hands what each poll
 * gave to the task thread ({@link Handoff}, Flink's mailbox in the job), so a request never waits
 * in the job graph's channels: not behind a worker's checkpoint, not behind the alignment of a
 * checkpoint barrier at serving. Every subtask reads every partition and keeps its own users'
 * requests ({@link DirectRequestDecoder}); nothing is committed to Kafka, positions are operator
 * state ({@link DirectRequestLedger}).
 *
 * <p>At most {@link #IN_FLIGHT} polls wait for the task thread at once, so a busy serving slows the
 * reading instead of filling memory.
 */
final class DirectRequestFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectRequestFetcher.class);

    /** Polls handed off and not yet run by the task thread, at most. */
    static final int IN_FLIGHT = 4;

    /** An empty poll is still handed off this often, so held requests can time out. */
    private static final long IDLE_HANDOFF_MS = 1_000;

    /** Where each poll goes; called on the fetcher's thread. */
    interface Handoff {
        /** Runs {@code batch} on the task thread, then calls {@link #done()}. */
        void accept(DirectRequestBatch batch) throws Exception;

        /** Fails the task: reading the topic failed. */
        void fail(Throwable cause);
    }

    /** How often the topic's partitions are listed again for partitions added meanwhile. */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration partitionCheck;
    private final Map<Integer, Long> start;
    private final DirectRequestDecoder decoder;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private volatile boolean running = true;
    private Thread thread;

    /**
     * A fetcher with a consumer of its own on the job's brokers: every partition of {@code topic},
     * each from where this subtask starts (see {@link #DirectRequestFetcher(Consumer, String, Map,
     * DirectRequestDecoder)}).
     *
     * @param groupId the job's consumer group: its committed offsets are read, never written
     */
    static DirectRequestFetcher open(
            Properties kafka,
            String topic,
            String groupId,
            Map<Integer, Long> restored,
            DirectRequestDecoder decoder,
            String clientId) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // as the job's request source: a forget in an aborted transaction is no forget
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            return new DirectRequestFetcher(consumer, topic, restored, decoder);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** As below, looking for new partitions every {@link #PARTITION_CHECK}. */
    DirectRequestFetcher(
            Consumer<byte[], byte[]> consumer,
            String topic,
            Map<Integer, Long> restored,
            DirectRequestDecoder decoder) {
        this(consumer, topic, restored, decoder, PARTITION_CHECK);
    }

    /**
     * Assigns every partition of {@code topic} to {@code consumer} and seeks it to where this
     * subtask starts: the restored position; for a partition the restored positions lack, the
     * beginning (it was added after that checkpoint, so nothing of it was answered); without
     * restored positions, the consumer group's committed offset (where the job's own request source
     * starts), else the beginning. Partitions added while it reads are read from their beginning,
     * found within {@code partitionCheck}.
     */
    DirectRequestFetcher(
            Consumer<byte[], byte[]> consumer,
            String topic,
            Map<Integer, Long> restored,
            DirectRequestDecoder decoder,
            Duration partitionCheck) {
        this.consumer = consumer;
        this.topic = topic;
        this.decoder = decoder;
        this.partitionCheck = partitionCheck;
        List<TopicPartition> partitions =
                CommittedReader.partitions(consumer, topic, Duration.ofSeconds(60));
        consumer.assign(partitions);
        this.start = startOffsets(partitions, restored);
        start.forEach((partition, o) -> consumer.seek(new TopicPartition(topic, partition), o));
    }

    private Map<Integer, Long> startOffsets(
            List<TopicPartition> partitions, Map<Integer, Long> restored) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(60));
        Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
        Map<Integer, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long earliest = first.getOrDefault(tp, 0L);
            Long at = restored.get(tp.partition());
            if (at == null && restored.isEmpty()) {
                OffsetAndMetadata c = committed.get(tp);
                at = c == null ? earliest : c.offset();
            }
            out.put(tp.partition(), at == null ? earliest : Math.max(at, earliest));
        }
        return out;
    }

    /**
     * Assigns the partitions added to the topic since the last look, from their beginning: the
     * job's own request source reads them from there too (new partitions start at the earliest
     * offset), so their forgets and their requests are dealt with alike.
     */
    private void assignAddedPartitions() {
        List<TopicPartition> added =
                CommittedReader.assignAddedPartitions(consumer, topic, Duration.ofSeconds(10));
        if (!added.isEmpty()) {
            LOG.info("Reading partitions {} added to {}, from their beginning", added, topic);
        }
    }

    /** The first offset of each partition this subtask reads. */
    Map<Integer, Long> startPositions() {
        return Map.copyOf(start);
    }

    /** Starts reading; each poll goes to {@code handoff}. */
    void start(Handoff handoff, String threadName) {
        thread = new Thread(() -> run(handoff), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** A handed-off poll has run on the task thread. */
    void done() {
        inFlight.release();
    }

    private void run(Handoff handoff) {
        try {
            readUntilClosed(handoff);
        } catch (WakeupException | InterruptedException e) {
            if (running) {
                handoff.fail(e);
            }
        } catch (Throwable t) {
            if (running) {
                LOG.error("Reading the requests topic failed", t);
                handoff.fail(t);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Polls and hands off until closed; an empty poll only once per {@link #IDLE_HANDOFF_MS}. */
    private void readUntilClosed(Handoff handoff) throws Exception {
        long lastHandoff = 0;
        long lastPartitionCheck = System.nanoTime();
        while (running) {
            if (System.nanoTime() - lastPartitionCheck >= partitionCheck.toNanos()) {
                lookForAddedPartitions();
                lastPartitionCheck = System.nanoTime();
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            long now = System.currentTimeMillis();
            if (records.isEmpty() && now - lastHandoff < IDLE_HANDOFF_MS) {
                continue;
            }
            DirectRequestBatch batch = batchOf(records);
            if (!awaitRoomInFlight()) {
                return;
            }
            handoff.accept(batch);
            lastHandoff = now;
        }
    }

    private void lookForAddedPartitions() {
        try {
            assignAddedPartitions();
        } catch (TimeoutException e) {
            // requests on the partitions known go on; the next look tries again
            LOG.warn("Could not list the partitions of {}: {}", topic, e.toString());
        }
    }

    /** This subtask's requests in {@code records}, and the next offset of each partition read. */
    private DirectRequestBatch batchOf(ConsumerRecords<byte[], byte[]> records) {
        List<DirectRequest> owned = new ArrayList<>();
        Map<Integer, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            next.put(r.partition(), r.offset() + 1);
            DirectRequest d = decoder.decode(r.partition(), r.offset(), r.value());
            if (d != null) {
                owned.add(d);
            }
        }
        return new DirectRequestBatch(owned, next);
    }

    /**
     * Waits until fewer than {@link #IN_FLIGHT} polls wait for the task thread and takes a place
     * among them; false if the fetcher was closed first.
     */
    private boolean awaitRoomInFlight() throws InterruptedException {
        while (running && !inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            // the task thread is behind: wait, rechecking whether we are closed
        }
        return running;
    }

    /** Stops reading and closes the consumer; waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread == null) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        thread.join(10_000);
    }
}
