package io.streamrec.guard;

import io.streamrec.ingest.DeadLetterJson;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.FloodBucket;
import io.streamrec.worker.FloodBucketSerializer;
import io.streamrec.worker.FloodLimit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per item, keyed by item: events beyond the item's {@link FloodLimit} (a token bucket in event
 * time) are quarantined to dead letters ({@code item_flood}) instead of being trained. The user
 * limit in the workers stops one account; this stops many accounts pushing one item, each at a
 * human rate, which no per-account limit sees. Quarantined events keep their bytes in the dead
 * letter, so an operator who finds an item's spike genuine can replay them.
 *
 * <p>The bucket is keyed state: a restored job decides from the checkpointed buckets, and a replay
 * of one item's events in the same order decides alike. The order is not fixed, though: an item's
 * events come from several source partitions, and a late event refills nothing ({@link
 * FloodLimit#refilled}), so a replay or a restored job can decide differently near the limit. This
 * stage also reorders each user's events on their way to the workers' per-user limit (they leave it
 * from several subtasks), with the same effect there.
 */
public final class ItemFloodGuard extends KeyedProcessFunction<String, UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<String> DEAD_LETTERS =
            new OutputTag<>("item-flood-dead-letters") {};

    private final FloodLimit limit;
    private transient ValueState<FloodBucket> bucket;
    private transient Counter quarantined;

    public ItemFloodGuard(FloodLimit limit) {
        if (!limit.isOn()) {
            throw new IllegalArgumentException("an item flood guard needs a limit that is on");
        }
        this.limit = limit;
    }

    @Override
    public void open(OpenContext context) {
        bucket =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        StateNames.ITEM_FLOOD_BUCKET,
                                        FloodBucketSerializer.INSTANCE));
        quarantined = getRuntimeContext().getMetricGroup().counter("rejected_item_flood");
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<UserEvent> out)
            throws Exception {
        FloodBucket refilled = limit.refilled(bucket.value(), event.timestamp());
        bucket.update(refilled.afterEvent());
        if (refilled.admits()) {
            out.collect(event);
        } else {
            quarantined.inc();
            ctx.output(DEAD_LETTERS, deadLetter(event));
        }
    }

    private String deadLetter(UserEvent event) {
        return DeadLetterJson.ofEvent(
                "item_flood",
                "item " + event.itemId() + " " + limit.overDetail("guard.item-events-per-hour"),
                event);
    }
}
