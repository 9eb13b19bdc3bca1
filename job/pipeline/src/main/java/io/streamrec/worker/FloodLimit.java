package io.streamrec.worker;

import java.io.Serializable;

/**
 * How many events one user may contribute, or one item receive, in event time: a token bucket of
 * {@code burst} events refilled at {@code eventsPerHour}. An event finding no token is not trained
 * (a flood: a bot, a replayed export, a client in a loop, many accounts pushing one item), so no
 * single user or item moves popularity, co-occurrence or the model faster than this. The workers
 * apply it per user; {@code io.streamrec.guard.ItemFloodGuard} per item. The bucket refills in
 * event time, but a late event (behind the bucket's clock) refills nothing, so near the limit the
 * decisions depend on the order the events arrive in: the same events in the same order decide
 * alike, in another order they can differ. A subject's events do not always arrive in a fixed
 * order: with the item guard on, a user's events reach the workers' limit from several guard
 * subtasks ({@code keyBy(item)}, then {@code keyBy(user)}), and an item's reach the guard from
 * several source partitions, so a replay or a restored job can decide differently near the limit
 * (docs/privacy.md). {@code eventsPerHour} 0 is no limit.
 */
public record FloodLimit(double eventsPerHour, int burst) implements Serializable {
    public static final FloodLimit OFF = new FloodLimit(0, 0);

    private static final double HOUR_MS = 3_600_000.0;

    public FloodLimit {
        // not a number or infinite: 0 * infinity is NaN, and a NaN bucket never admits again
        if (!(eventsPerHour >= 0 && eventsPerHour < Double.POSITIVE_INFINITY)
                || burst < 0
                || (eventsPerHour > 0 && burst < 1)) {
            throw new IllegalArgumentException(
                    "a flood limit needs events per hour >= 0 and finite (got "
                            + eventsPerHour
                            + ") and, when on, a burst >= 1 (got "
                            + burst
                            + ")");
        }
    }

    public boolean isOn() {
        return eventsPerHour > 0;
    }

    /** Why an event was turned away, after its subject: "over OPTION rate (burst b)". */
    public String overDetail(String rateOption) {
        return "over " + rateOption + " " + eventsPerHour + " (burst " + burst + ")";
    }

    /**
     * The user's bucket refilled up to event time {@code t} ({@code before} null: a user's first
     * event, a full bucket). Late events refill nothing and do not move the bucket's clock back.
     */
    public FloodBucket refilled(FloodBucket before, long t) {
        // a bucket whose tokens are not a number (restored from a job that ran with a rate of
        // Infinity, which is refused now) would never admit again: it starts full, as a new one
        if (before == null || Double.isNaN(before.tokens())) {
            return new FloodBucket(burst, t);
        }
        long elapsed = Math.max(0, t - before.lastMillis());
        double tokens = Math.min(burst, before.tokens() + elapsed * eventsPerHour / HOUR_MS);
        return new FloodBucket(tokens, Math.max(t, before.lastMillis()));
    }
}
