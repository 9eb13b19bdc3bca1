package io.streamrec.records;

import java.io.Serializable;
import java.util.function.ToLongFunction;

/**
 * Rejects records whose timestamp is too far in the future (against the wall clock) or older than
 * the allowed lateness behind the newest timestamp accepted from the same Kafka partition (the
 * pipeline's {@code PartitionClocks}).
 */
public final class EventTimeGuard<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SerializableTimestamp<T> timestamp;
    private final long maxFutureMs;
    private final long allowedLatenessMs;

    /** A serializable timestamp accessor. */
    public interface SerializableTimestamp<T> extends ToLongFunction<T>, Serializable {}

    public EventTimeGuard(
            SerializableTimestamp<T> timestamp, long maxFutureMs, long allowedLatenessMs) {
        if (maxFutureMs < 0) {
            throw new IllegalArgumentException("maxFutureMs " + maxFutureMs + " < 0");
        }
        this.timestamp = timestamp;
        this.maxFutureMs = maxFutureMs;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    /** Returns the record's timestamp, or throws with the reason it cannot be used. */
    public long check(T record, long newestAccepted, long wallClock) throws InvalidRecordException {
        long t = timestamp.applyAsLong(record);
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
