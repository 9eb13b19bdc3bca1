package io.streamrec.worker;

import io.streamrec.schema.SavepointContract.StateNames;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The workers' keyed state, each one's name and type as {@link TrainingWorkerOperator} registers
 * it: a checkpoint's bytes are read back with exactly these, by the job on a restore and by tools
 * that read a savepoint (the forget audit), so both take them from here.
 */
public final class WorkerStates {
    private WorkerStates() {}

    /** Every keyed state the workers hold, {@code dedupeWindowMs} sizing the legacy ids' TTL. */
    public static List<StateDescriptor<?, ?>> keyed(long dedupeWindowMs) {
        return List.of(
                userItems(),
                userFloodBucket(),
                seenEventTimes(),
                newestEventTime(),
                seenEventIdCount(),
                legacySeenEventIds(dedupeWindowMs));
    }

    /** A user's items, kept for exclusion and history ({@code worker.max-user-items}). */
    public static ValueStateDescriptor<String[]> userItems() {
        return new ValueStateDescriptor<>(
                StateNames.USER_ITEMS, BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);
    }

    /** A user's flood-limit token bucket. */
    public static ValueStateDescriptor<FloodBucket> userFloodBucket() {
        return new ValueStateDescriptor<>(
                StateNames.USER_FLOOD_BUCKET, FloodBucketSerializer.INSTANCE);
    }

    /** The event time of each id a user sent within the dedupe window ({@link SeenEventIds}). */
    public static MapStateDescriptor<String, Long> seenEventTimes() {
        return new MapStateDescriptor<>(StateNames.SEEN_EVENT_TIMES, Types.STRING, Types.LONG);
    }

    /** A user's newest event time, which the dedupe window trails. */
    public static ValueStateDescriptor<Long> newestEventTime() {
        return new ValueStateDescriptor<>(StateNames.NEWEST_EVENT_TIME, Types.LONG);
    }

    /** How many ids a user's {@link #seenEventTimes()} holds. */
    public static ValueStateDescriptor<Integer> seenEventIdCount() {
        return new ValueStateDescriptor<>(StateNames.SEEN_EVENT_ID_COUNT, Types.INT);
    }

    /**
     * The ids of versions before event-time expiry, with the processing-time TTL they were
     * registered with then: a TTL state restores only as one. The TTL only decides what reads
     * return.
     */
    public static MapStateDescriptor<String, Boolean> legacySeenEventIds(long windowMs) {
        MapStateDescriptor<String, Boolean> seen =
                new MapStateDescriptor<>(StateNames.SEEN_EVENT_IDS, Types.STRING, Types.BOOLEAN);
        seen.enableTimeToLive(
                StateTtlConfig.newBuilder(Duration.ofMillis(windowMs))
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        return seen;
    }
}
