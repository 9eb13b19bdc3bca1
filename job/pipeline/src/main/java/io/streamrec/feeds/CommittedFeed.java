package io.streamrec.feeds;

import io.streamrec.kafka.CommittedReader;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * A committed, compacted topic read from its beginning into an operator's cache (the model-updates
 * rows, the item catalog): catch up at start, then poll. A record it cannot decode is skipped and
 * counted ({@link UnreadableRecords}), never thrown: the cache is rebuilt at every start, so a
 * failure would read the same record again and loop. Not thread-safe: use it from the operator's
 * task thread.
 *
 * @param <T> what one record decodes to
 */
abstract class CommittedFeed<T> implements AutoCloseable {
    /** After this, {@link #pollAvailable} starts no further poll: a fraction of a micro-batch. */
    static final Duration POLL_BUDGET = Duration.ofMillis(50);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final UnreadableRecords unreadable;

    CommittedFeed(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic) {
        this.consumer = consumer;
        this.unreadable = new UnreadableRecords(topic);
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
        long deadline = System.nanoTime() + POLL_BUDGET.toNanos();
        long handed = 0;
        ConsumerRecords<byte[], byte[]> records;
        do {
            records = consumer.poll(Duration.ZERO);
            handed += hand(records, sink);
        } while (!records.isEmpty() && System.nanoTime() < deadline);
        return handed;
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
