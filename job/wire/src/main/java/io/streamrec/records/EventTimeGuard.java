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
        this.timestamp = timestamp;
        this.maxFutureMs = maxFutureMs;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    /** Returns the record's timestamp, or throws with the reason it cannot be used. */
    public long check(T record, long newestAccepted, long wallClock) throws InvalidRecordException {
        long t = timestamp.applyAsLong(record);
        if (t > wallClock + maxFutureMs) {
            throw new InvalidRecordException(
                    "future_timestamp",
                    "timestamp " + t + " is " + (t - wallClock) + " ms ahead of the clock");
        }
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
}
