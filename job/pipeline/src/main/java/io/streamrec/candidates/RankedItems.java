package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Items ordered by a key that changes only when the item itself is updated (an all-time count, an
 * anchored decayed count): highest key first, ties by item id. Reading the top {@code n} walks from
 * the top, skipping excluded items, so it costs {@code n} plus the exclusions met on the way.
 */
final class RankedItems {
    private record Ranked(String item, double key) {}

    private static final Comparator<Ranked> HIGHEST_FIRST =
            Comparator.comparingDouble(Ranked::key).reversed().thenComparing(Ranked::item);

    private final TreeSet<Ranked> order = new TreeSet<>(HIGHEST_FIRST);
    private final Map<String, Ranked> byItem = new HashMap<>();

    void put(String item, double key) {
        Ranked old = byItem.get(item);
        if (old != null) {
            order.remove(old);
        }
        Ranked now = new Ranked(item, key);
        order.add(now);
        byItem.put(item, now);
    }

    /** Up to {@code n} items not {@code excluded}, highest key first. */
    List<String> top(int n, Predicate<String> excluded) {
        List<String> out = new ArrayList<>(n);
        for (Ranked r : order) {
            if (out.size() == n) {
                break;
            }
            if (!excluded.test(r.item())) {
                out.add(r.item());
            }
        }
        return out;
    }

    int size() {
        return byItem.size();
    }
}
