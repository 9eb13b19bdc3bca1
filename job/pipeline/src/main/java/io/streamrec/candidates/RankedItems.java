package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Items ordered by a key that changes only when the item itself is updated (an all-time count, an
 * anchored decayed count): highest key first, ties by item id. Reading the top {@code n} walks from
 * the top, skipping excluded items, so it costs {@code n} plus the exclusions met on the way.
 */
final class RankedItems {
    private record Ranked(int item, String id, double key) {}

    private static final Comparator<Ranked> HIGHEST_FIRST =
            Comparator.comparingDouble(Ranked::key).reversed().thenComparing(Ranked::id);

    private final TreeSet<Ranked> order = new TreeSet<>(HIGHEST_FIRST);
    private final List<Ranked> byItem = new ArrayList<>();

    void put(int item, String id, double key) {
        while (byItem.size() <= item) {
            byItem.add(null);
        }
        Ranked old = byItem.get(item);
        if (old != null) {
            order.remove(old);
        }
        Ranked now = new Ranked(item, id, key);
        order.add(now);
        byItem.set(item, now);
    }

    /** Up to {@code n} items not {@code excluded}, highest key first. */
    int[] top(int n, ExcludedItems excluded) {
        int[] out = new int[n];
        int k = 0;
        for (Ranked r : order) {
            if (k == n) {
                break;
            }
            if (!excluded.contains(r.item())) {
                out[k++] = r.item();
            }
        }
        return k == n ? out : Arrays.copyOf(out, k);
    }
}
