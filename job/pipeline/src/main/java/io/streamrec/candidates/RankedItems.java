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
 *
 * <p>The first items of the order are also kept in an array, the head, which reads walk instead of
 * the tree's scattered nodes; an update moves an item within the head (or in or out of it) at the
 * cost of a binary search and an array shift. A read that needs more items than the head holds
 * walks on in the tree and extends the head, up to {@value #MAX_HEAD} items.
 */
final class RankedItems {
    private record Ranked(int item, String id, long idKey, double key) {}

    private static final int MAX_HEAD = 512;

    private static final Comparator<Ranked> HIGHEST_FIRST =
            (a, b) -> {
                int byKey = Double.compare(b.key, a.key);
                return byKey != 0 ? byKey : IdIndex.compare(a.idKey, a.id, b.idKey, b.id);
            };

    private final TreeSet<Ranked> order = new TreeSet<>(HIGHEST_FIRST);
    private final List<Ranked> byItem = new ArrayList<>();

    /** The first {@code headSize} entries of {@link #order}, in order. */
    private Ranked[] head = new Ranked[16];

    private int headSize;

    void put(int item, String id, double key) {
        while (byItem.size() <= item) {
            byItem.add(null);
        }
        Ranked old = byItem.get(item);
        if (old != null) {
            order.remove(old);
            removeFromHead(old);
        }
        Ranked now = new Ranked(item, id, old == null ? IdIndex.orderKey(id) : old.idKey, key);
        order.add(now);
        byItem.set(item, now);
        addToHead(now);
    }

    private void removeFromHead(Ranked old) {
        if (headSize == 0 || HIGHEST_FIRST.compare(old, head[headSize - 1]) > 0) {
            return; // after the head
        }
        int at = Arrays.binarySearch(head, 0, headSize, old, HIGHEST_FIRST);
        System.arraycopy(head, at + 1, head, at, headSize - at - 1);
        head[--headSize] = null;
    }

    /** Inserts {@code now}, just added to the order, when it falls within the head. */
    private void addToHead(Ranked now) {
        boolean headHadAll = headSize == order.size() - 1;
        if (!headHadAll && (headSize == 0 || HIGHEST_FIRST.compare(now, head[headSize - 1]) > 0)) {
            return; // after the head, or the head empty while the order is not
        }
        int at = -Arrays.binarySearch(head, 0, headSize, now, HIGHEST_FIRST) - 1;
        if (at == MAX_HEAD) {
            return; // the head is full and now comes right after it
        }
        if (headSize == head.length) {
            head = Arrays.copyOf(head, Math.min(MAX_HEAD + 1, headSize * 2));
        }
        System.arraycopy(head, at, head, at + 1, headSize - at);
        head[at] = now;
        headSize++;
        if (headSize > MAX_HEAD) {
            head[--headSize] = null;
        }
    }

    /** Up to {@code n} items not {@code excluded}, highest key first. */
    int[] top(int n, ExcludedItems excluded) {
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < headSize && k < n; i++) {
            if (!excluded.contains(head[i].item())) {
                out[k++] = head[i].item();
            }
        }
        if (k < n && headSize < order.size()) {
            Iterable<Ranked> rest =
                    headSize == 0 ? order : order.tailSet(head[headSize - 1], false);
            for (Ranked r : rest) {
                if (k == n) {
                    break;
                }
                extendHead(r);
                if (!excluded.contains(r.item())) {
                    out[k++] = r.item();
                }
            }
        }
        return k == n ? out : Arrays.copyOf(out, k);
    }

    /** Appends the entry that follows the head in the order, while the head has room. */
    private void extendHead(Ranked next) {
        if (headSize == MAX_HEAD) {
            return;
        }
        if (headSize == head.length) {
            head = Arrays.copyOf(head, Math.min(MAX_HEAD + 1, headSize * 2));
        }
        head[headSize++] = next;
    }
}
