package io.streamrec.ingest;

import io.streamrec.records.EventTimeGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest accepted event time of each Kafka partition, the clock {@link EventTimeGuard} judges
 * lateness against. One clock per partition rather than per subtask: which subtask reads a
 * partition changes with failover and rescaling, and whether an event is late must depend only on
 * its own partition's earlier events, so that a replay after a restore accepts what the failed
 * attempt accepted however far other partitions had run ahead.
 */
public final class PartitionClocks {
    /** One partition's clock, as checkpointed. */
    public record Clock(String topic, int partition, long newest) {}

    private record Partition(String topic, int partition) {}

    private final Map<Partition, Long> newest = new HashMap<>();
    private final long initial;

    /**
     * @param initial the clock of a partition without one yet ({@link Long#MIN_VALUE}: nothing is
     *     late until the partition's first event)
     */
    public PartitionClocks(long initial) {
        this.initial = initial;
    }

    /** The newest accepted event time of the partition. */
    public long newest(String topic, int partition) {
        return newest.getOrDefault(new Partition(topic, partition), initial);
    }

    /**
     * Moves the partition's clock to {@code timestamp} if that is newer. Restoring every subtask's
     * copy of a clock through this keeps the newest, which is the reading subtask's. A partition
     * without a clock of its own starts from {@link #newest}'s {@code initial}, not from its first
     * event: an event older than a restored single clock (within the lateness) must not lower the
     * partition's clock below it.
     */
    public void advance(String topic, int partition, long timestamp) {
        newest.merge(new Partition(topic, partition), Math.max(initial, timestamp), Math::max);
    }

    /** Every partition's clock, for checkpointing. */
    public List<Clock> clocks() {
        List<Clock> out = new ArrayList<>(newest.size());
        newest.forEach((p, t) -> out.add(new Clock(p.topic(), p.partition(), t)));
        return out;
    }
}
