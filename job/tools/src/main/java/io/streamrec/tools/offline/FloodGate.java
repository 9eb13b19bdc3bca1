package io.streamrec.tools.offline;

import io.streamrec.schema.UserEvent;
import io.streamrec.worker.FloodBucket;
import io.streamrec.worker.FloodLimit;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link FloodLimit} applied in a replay as the job applies it: a token bucket per key (a user,
 * as the workers keep them, or an item, as the item flood guard does), counting what it dropped,
 * ordinary and bot events apart.
 */
final class FloodGate {
    private final String name;
    private final FloodLimit limit;
    private final Function<UserEvent, String> key;
    private final Map<String, FloodBucket> buckets = new HashMap<>();
    private long droppedOrdinary;
    private long droppedBots;

    FloodGate(String name, FloodLimit limit, Function<UserEvent, String> key) {
        this.name = name;
        this.limit = limit;
        this.key = key;
    }

    FloodLimit limit() {
        return limit;
    }

    /** Whether {@code e} passes; takes its token if so. Always true with the limit off. */
    boolean admits(UserEvent e) {
        if (!limit.isOn()) {
            return true;
        }
        String k = key.apply(e);
        FloodBucket bucket = limit.refilled(buckets.get(k), e.timestamp());
        buckets.put(k, bucket.afterEvent());
        if (!bucket.admits()) {
            if (BotTraffic.isBot(e.userId())) {
                droppedBots++;
            } else {
                droppedOrdinary++;
            }
        }
        return bucket.admits();
    }

    void print(PrintStream out) {
        if (limit.isOn()) {
            out.printf(
                    "%s %s dropped %d ordinary and %d bot events%n",
                    name, limit, droppedOrdinary, droppedBots);
        }
    }
}
