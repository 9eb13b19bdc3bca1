package io.streamrec.candidates;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The most recent distinct keys (a user's items, an item's users), at most {@code cap}: adding a
 * key again makes it the most recent, and the oldest falls out beyond the cap.
 */
public final class RecentKeys {
    private final int cap;
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private final Set<String> members = new HashSet<>();

    public RecentKeys(int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
    }

    public void add(String key) {
        if (!members.add(key)) {
            order.removeFirstOccurrence(key);
        }
        order.addLast(key);
        if (order.size() > cap) {
            members.remove(order.removeFirst());
        }
    }

    public boolean contains(String key) {
        return members.contains(key);
    }

    /** Up to {@code n} keys, the most recent first. */
    public List<String> mostRecent(int n) {
        List<String> out = new ArrayList<>(Math.min(n, order.size()));
        Iterator<String> it = order.descendingIterator();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    public int size() {
        return order.size();
    }

    public boolean isEmpty() {
        return order.isEmpty();
    }
}
