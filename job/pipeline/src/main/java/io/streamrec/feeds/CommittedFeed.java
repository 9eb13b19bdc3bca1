package io.streamrec.feeds;

import io.streamrec.kafka.CommittedReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A committed, compacted topic read from its beginning into an operator's cache (the model-updates
 * rows, the item catalog): catch up at start, then poll, reading partitions added to the topic
 * meanwhile from their beginning. A record it cannot decode is skipped and counted ({@link
 * UnreadableRecords}), never thrown: the cache is rebuilt at every start, so a failure would read
 * the same record again and loop. Not thread-safe: use it from the operator's task thread.
 *
 * @param <T> what one record decodes to
 */
abstract class CommittedFeed<T> implements AutoCloseable {
    /** After this, {@link #pollAvailable} starts no further poll: a fraction of a micro-batch. */
    static final Duration POLL_BUDGET = Duration.ofMillis(50);

    /**
     * How often the topic's partitions are listed again for partitions added meanwhile: as often as
     * serving's request fetcher looks.
     */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    /**
     * How long one listing may hold the task thread when the consumer has no cached metadata of the
     * topic and must ask a broker (a cached listing returns at once): serving checks on its request
     * path, so a broker that does not answer costs a request this, not seconds.
     */
    static final Duration LIST_TIMEOUT = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(CommittedFeed.class);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final UnreadableRecords unreadable;
    private final Duration partitionCheck;

    /**
     * {@link #POLL_BUDGET}; a test sets a longer one, so that a busy host's slow poll is not cut
     * short.
     */
    Duration pollBudget = POLL_BUDGET;

    private long lastPartitionCheck;

    CommittedFeed(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            String topic,
            Duration partitionCheck) {
        this.consumer = consumer;
        this.unreadable = new UnreadableRecords(topic);
        this.partitionCheck = partitionCheck;
        this.lastPartitionCheck = System.nanoTime();
    }

    /** The record's value, or an exception saying why it cannot be used. */
    abstract T decode(byte[] value) throws Exception;

    /** What a tombstone (a null value) of {@code key} hands over; null: nothing (skipped). */
    T tombstone(byte[] key) {
        return null;
    }

    /**
     * Reads everything committed up to now, blocking until the end offsets seen at the call are
     * reached. Returns the number of records handed over.
     */
    public long catchUp(Consumer<T> sink) {
        return CommittedReader.catchUp(consumer, timeout -> poll(timeout, sink));
    }

    /** Hands over whatever records have arrived, waiting at most {@code timeout}. */
    public long poll(Duration timeout, Consumer<T> sink) {
        lookForAddedPartitions();
        return hand(consumer.poll(timeout), sink);
    }

    /**
     * Hands over every record the reader has already fetched, polling without waiting until a poll
     * brings none; no poll starts after {@link #POLL_BUDGET} (the records of the one running are
     * still handed over): one poll returns at most {@code max.poll.records} (500 by default), fewer
     * than a busy topic brings between two micro-batches, and a reader polled once per batch would
     * fall further behind the topic for as long as the load lasts.
     */
    public long pollAvailable(Consumer<T> sink) {
        lookForAddedPartitions();
        long deadline = System.nanoTime() + pollBudget.toNanos();
        long handed = 0;
        ConsumerRecords<byte[], byte[]> records;
        do {
            records = consumer.poll(Duration.ZERO);
            handed += hand(records, sink);
        } while (!records.isEmpty() && System.nanoTime() < deadline);
        return handed;
    }

    /**
     * Once every {@link #partitionCheck}, assigns the partitions added to the topic since, from
     * their beginning ({@link CommittedReader#assignAddedCachedPartitions}; serving's request
     * fetcher and the gateway's results reader, on their own threads, ask a broker instead): the
     * sinks write rows and items there too, and a replica would otherwise see them only after a
     * restart. The listing comes from the consumer's cached metadata of the topic (so a partition
     * is seen up to {@code metadata.max.age.ms} after it was added); one that must ask a broker and
     * gets no answer within {@link #LIST_TIMEOUT} finds nothing added this time, is logged, and is
     * tried again at the next check; the partitions known are read on meanwhile.
     */
    private void lookForAddedPartitions() {
        if (System.nanoTime() - lastPartitionCheck < partitionCheck.toNanos()) {
            return;
        }
        lastPartitionCheck = System.nanoTime();
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        // the feed reads one topic: the one it was assigned
        String topic = assigned.iterator().next().topic();
        try {
            List<TopicPartition> added =
                    CommittedReader.assignAddedCachedPartitions(consumer, topic, LIST_TIMEOUT);
            if (!added.isEmpty()) {
                LOG.info("Reading partitions {} added to {}, from their beginning", added, topic);
            }
        } catch (WakeupException | InterruptException e) {
            throw e; // closing, or the task cancelled
        } catch (KafkaException e) {
            LOG.warn("Could not list the partitions of {}: {}", topic, e.toString());
        }
    }

    private long hand(ConsumerRecords<byte[], byte[]> records, Consumer<T> sink) {
        long handed = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                T erased = r.key() == null ? null : tombstone(r.key());
                if (erased != null) {
                    sink.accept(erased);
                    handed++;
                }
                continue;
            }
            T value;
            try {
                value = decode(r.value());
            } catch (Exception e) {
                unreadable.skip(r.offset(), e);
                continue;
            }
            sink.accept(value);
            handed++;
        }
        return handed;
    }

    /** Records skipped since this feed opened because they could not be read. */
    public long unreadableRecords() {
        return unreadable.count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
