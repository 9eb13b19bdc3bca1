package io.streamrec.tools.offline;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A poisoning attack for replays: bot accounts pushing one item, {@code share} of all events,
 * spread evenly over a window of event time in the middle of the data. The pushed item is the first
 * catalog item (by id) that no real event touches: nobody would find it on the merits.
 */
record BotTraffic(String target, long from, long to, int accounts) {
    static final String BOT_PREFIX = "bot-";

    /** The attack on {@code events} (time-ordered). */
    static BotTraffic against(
            List<UserEvent> events, ItemCatalog catalog, long windowMs, int accounts) {
        Map<String, Integer> counts = new HashMap<>();
        events.forEach(e -> counts.merge(e.itemId(), 1, Integer::sum));
        String target =
                catalog.ids().stream()
                        .min(
                                Comparator.<String>comparingInt(id -> counts.getOrDefault(id, 0))
                                        .thenComparing(Comparator.naturalOrder()))
                        .orElseThrow(() -> new IllegalArgumentException("an empty catalog"));
        long middle = events.get(events.size() / 2).timestamp();
        return new BotTraffic(target, middle - windowMs / 2, middle + windowMs / 2, accounts);
    }

    boolean during(long t) {
        return t >= from && t < to;
    }

    static boolean isBot(String userId) {
        return userId.startsWith(BOT_PREFIX);
    }

    /** {@code events} with the bots' events merged in, so that bots make {@code share} of all. */
    List<UserEvent> injectInto(List<UserEvent> events, double share) {
        int bots = (int) Math.round(events.size() * share / (1 - share));
        List<UserEvent> merged = new ArrayList<>(events.size() + bots);
        int b = 0;
        for (UserEvent e : events) {
            while (b < bots && botTime(b, bots) <= e.timestamp()) {
                merged.add(botEvent(b, bots));
                b++;
            }
            merged.add(e);
        }
        while (b < bots) {
            merged.add(botEvent(b, bots));
            b++;
        }
        return merged;
    }

    private long botTime(int b, int bots) {
        return from + (to - from) * b / bots;
    }

    private UserEvent botEvent(int b, int bots) {
        return new UserEvent(
                "bot-event-" + b,
                BOT_PREFIX + (b % accounts),
                target,
                EventType.RATING,
                10f,
                botTime(b, bots));
    }
}
