package io.streamrec.records;

import java.io.Serializable;
import java.time.Instant;
import java.util.function.ToLongFunction;

/**
 * Rejects records whose timestamp is earlier than a fixed earliest time (a timestamp in seconds
 * read as milliseconds lands in January 1970), too far in the future (against the wall clock), or
 * older than the allowed lateness behind the newest timestamp accepted from the same Kafka
 * partition (the pipeline's {@code PartitionClocks}).
 */
public final class EventTimeGuard<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SerializableTimestamp<T> timestamp;
    private final long earliestMs;
    private final long maxFutureMs;
    private final long allowedLatenessMs;

    /** A serializable timestamp accessor. */
    public interface SerializableTimestamp<T> extends ToLongFunction<T>, Serializable {}

    /**
     * @param earliestMs the earliest timestamp accepted, epoch milliseconds
     * @param maxFutureMs how far ahead of the wall clock a timestamp may be
     * @param allowedLatenessMs how far behind its partition's newest accepted one
     */
    public EventTimeGuard(
            SerializableTimestamp<T> timestamp,
            long earliestMs,
            long maxFutureMs,
            long allowedLatenessMs) {
        if (maxFutureMs < 0) {
            throw new IllegalArgumentException("maxFutureMs " + maxFutureMs + " < 0");
        }
        this.timestamp = timestamp;
        this.earliestMs = earliestMs;
        this.maxFutureMs = maxFutureMs;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    /** Returns the record's timestamp, or throws with the reason it cannot be used. */
    public long check(T record, long newestAccepted, long wallClock) throws InvalidRecordException {
        long t = timestamp.applyAsLong(record);
        checkNotTooEarly(t);
        checkNotAhead(t, wallClock, maxFutureMs);
        if (newestAccepted != Long.MIN_VALUE && t < newestAccepted - allowedLatenessMs) {
            throw new InvalidRecordException(
                    "too_late",
                    "timestamp "
                            + t
                            + " is "
                            + (newestAccepted - t)
                            + " ms behind the newest event");
        }
        return t;
    }

    /**
     * Without this, a first event stamped in seconds would set its fresh partition's clock in 1970
     * and pass, and every event-time setting (decays, windows) would then last a thousand times
     * longer for the events after it.
     */
    private void checkNotTooEarly(long t) throws InvalidRecordException {
        checkNotBefore(t, earliestMs);
    }

    /**
     * Throws {@code invalid_timestamp} when {@code t} is before {@code earliestMs} ({@code
     * validation.earliest-timestamp}): the bound events get, which requests get too ({@link
     * RequestJsonCodec}).
     */
    static void checkNotBefore(long t, long earliestMs) throws InvalidRecordException {
        if (t < earliestMs) {
            throw new InvalidRecordException(
                    "invalid_timestamp",
                    "timestamp "
                            + t
                            + " ("
                            + Instant.ofEpochMilli(t)
                            + ") is before "
                            + ValidationOptions.EARLIEST_TIMESTAMP.key()
                            + " ("
                            + Instant.ofEpochMilli(earliestMs)
                            + "): timestamps are epoch milliseconds, not seconds");
        }
    }

    /**
     * Throws {@code future_timestamp} when {@code t} is more than {@code maxFutureMs} ahead of
     * {@code wallClock}: the bound events get, which requests get too ({@link RequestJsonCodec}).
     */
    static void checkNotAhead(long t, long wallClock, long maxFutureMs)
            throws InvalidRecordException {
        // wallClock + maxFutureMs would wrap around for a bound near Long.MAX_VALUE and reject
        // every record; t - wallClock, once t is ahead, is exact read unsigned
        if (t > wallClock && Long.compareUnsigned(t - wallClock, maxFutureMs) > 0) {
            throw new InvalidRecordException(
                    "future_timestamp",
                    "timestamp "
                            + t
                            + " is "
                            + Long.toUnsignedString(t - wallClock)
                            + " ms ahead of the clock");
        }
    }
}
