package io.streamrec.kafka;

import io.streamrec.lifecycle.CloseAll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer of every partition of one topic that sees only committed transactions ({@code
 * read_committed}) and commits nothing: how every reader of the job's transactional topics
 * (feedback rows, results, reports, dead letters) must read them.
 */
public final class CommittedReader {
    private CommittedReader() {}

    /**
     * How long {@link #catchUp} waits without its position moving before it gives up: a broker that
     * went away mid-read would otherwise hold a task in {@code open()} for ever, where no
     * checkpoint can time out and fail it.
     */
    static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Polls with {@code pollOnce} until the reader's position reaches the end offsets seen at the
     * call, i.e. everything committed up to now has been handed over. Returns what the polls
     * counted. Fails when the position has not moved for {@link #STALL_TIMEOUT}.
     */
    public static long catchUp(
            Consumer<byte[], byte[]> consumer, ToLongFunction<Duration> pollOnce) {
        return catchUp(consumer, pollOnce, STALL_TIMEOUT);
    }

    static long catchUp(
            Consumer<byte[], byte[]> consumer,
            ToLongFunction<Duration> pollOnce,
            Duration stallTimeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long read = 0;
        long position = -1;
        long movedAt = System.nanoTime();
        while (true) {
            long behind = 0;
            long now = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                long p = consumer.position(e.getKey());
                behind += Math.max(0, e.getValue() - p);
                now += p;
            }
            if (behind == 0) {
                return read;
            }
            if (now != position) {
                position = now;
                movedAt = System.nanoTime();
            } else if (System.nanoTime() - movedAt > stallTimeout.toNanos()) {
                throw new IllegalStateException(
                        "reading "
                                + end.keySet()
                                + " made no progress for "
                                + stallTimeout.toSeconds()
                                + " s with "
                                + behind
                                + " records behind: is the broker reachable?");
            }
            read += pollOnce.applyAsLong(Duration.ofMillis(200));
        }
    }

    /**
     * The topic's partitions, waiting for the topic to be created (a reader may start before the
     * job has created its topics); an assignment of no partitions would read nothing, silently.
     * Fails after {@code timeout} without the topic; the caller closes {@code consumer}.
     */
    public static List<TopicPartition> partitions(
            Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PartitionInfo> info = consumer.listTopics(timeout).get(topic);
            if (info != null && !info.isEmpty()) {
                return info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topic " + topic + " does not exist after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(250); // polling the cluster's metadata for the topic to appear
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic " + topic, e);
            }
        }
    }

    /**
     * Assigns to {@code consumer} the partitions of {@code topic} it lacks (added to the topic
     * since it was assigned), from their beginning: whatever was written there since is new to it.
     * The partitions it reads keep their positions. Listed through a broker with {@code
     * listTopics}, which asks for the metadata of every topic of the cluster at each call, so an
     * added partition is seen at the next call, but a broker that does not answer holds the caller
     * up to {@code timeout}: for a reader on its own thread (serving's request fetcher, the
     * gateway's results reader); on a task thread use {@link #assignAddedCachedPartitions}.
     *
     * @return the partitions added
     */
    public static List<TopicPartition> assignAddedPartitions(
            Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        return assignAdded(consumer, topic, consumer.listTopics(timeout).get(topic));
    }

    /**
     * {@link #assignAddedPartitions}, listing the partitions with {@code partitionsFor}, which
     * answers from the consumer's cached metadata of the topic it is assigned (refreshed every
     * {@code metadata.max.age.ms}, 5 minutes by default, as the consumer polls) without asking a
     * broker, so an added partition is seen up to that long after it was added. Only without cached
     * metadata does it ask a broker, for this topic alone, waiting up to {@code timeout} (then a
     * Kafka {@code TimeoutException}).
     *
     * @return the partitions added
     */
    public static List<TopicPartition> assignAddedCachedPartitions(
            Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        return assignAdded(consumer, topic, consumer.partitionsFor(topic, timeout));
    }

    private static List<TopicPartition> assignAdded(
            Consumer<byte[], byte[]> consumer, String topic, List<PartitionInfo> partitions) {
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo p : partitions == null ? List.<PartitionInfo>of() : partitions) {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            if (!assigned.contains(tp)) {
                added.add(tp);
            }
        }
        if (!added.isEmpty()) {
            List<TopicPartition> all = new ArrayList<>(assigned);
            all.addAll(added);
            consumer.assign(all);
            consumer.seekToBeginning(added);
        }
        return added;
    }

    /** Opens the reader at the beginning of the topic, or at its end. */
    public static KafkaConsumer<byte[], byte[]> open(
            Properties kafkaProperties, String topic, boolean fromBeginning) {
        return open(kafkaProperties, topic, fromBeginning, IsolationLevel.READ_COMMITTED);
    }

    /**
     * {@link #open(Properties, String, boolean)} at another isolation level: {@code
     * READ_UNCOMMITTED} sees records as soon as they are written, also those of transactions that
     * are open or will be aborted (the gateway's results reader, which keeps a requestId's first
     * answer and needs no commit to trust it).
     */
    public static KafkaConsumer<byte[], byte[]> open(
            Properties kafkaProperties,
            String topic,
            boolean fromBeginning,
            IsolationLevel isolation) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put("isolation.level", isolation.name().toLowerCase(Locale.ROOT));
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        positionOrClose(consumer, topic, fromBeginning);
        return consumer;
    }

    /**
     * Assigns {@code consumer} every partition of {@code topic} at its beginning or end, or closes
     * it and rethrows when that fails (no topic, a broker that does not answer, no permission, an
     * interrupt on cancel): the caller never held it, so nothing else would close it, and every
     * restart would leak one.
     */
    static void positionOrClose(
            Consumer<byte[], byte[]> consumer, String topic, boolean fromBeginning) {
        try {
            List<TopicPartition> partitions = partitions(consumer, topic, Duration.ofSeconds(60));
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                partitions.forEach(
                        consumer::position); // resolve the end now, not at the first poll
            }
        } catch (RuntimeException e) {
            CloseAll.closeAfter(e, () -> consumer.close(Duration.ZERO));
            throw e;
        }
    }
}
