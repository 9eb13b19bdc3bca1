package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/**
 * One item's (or user's) neighbours with a weight each, at most {@code cap} of them: when a new
 * neighbour would make one too many, the weakest is evicted, ties going to the one updated least
 * recently. So a newcomer with weight 1 enters a full list of counts only by replacing a stale
 * count of 1, and a list of decayed weights (anchored, see {@link HalfLife}) keeps the strongest at
 * the current time.
 *
 * <p>Slots in arrays beside a key-to-slot map; the eviction scan is linear, which at a cap of a few
 * hundred is cheaper than keeping an ordered tree up to date on every increment.
 */
public final class BoundedNeighbours {
    private final int cap;
    private final Map<String, Integer> slots = new HashMap<>();
    private String[] keys = new String[4];
    private double[] weights = new double[4];
    private long[] touched = new long[4];
    private long clock;

    public BoundedNeighbours(int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive: " + cap);
        }
        this.cap = cap;
    }

    /** Adds {@code amount} to the neighbour's weight (a new neighbour starts at 0). */
    public void add(String key, double amount) {
        merge(key, amount, Double::sum);
    }

    /**
     * Sets the weight to {@code combine(old, value)}, or to {@code value} for a new neighbour,
     * which may evict the weakest (possibly the newcomer itself when it is strictly the weakest).
     */
    public void merge(String key, double value, DoubleBinaryOperator combine) {
        Integer slot = slots.get(key);
        if (slot != null) {
            weights[slot] = combine.applyAsDouble(weights[slot], value);
            touched[slot] = ++clock;
            return;
        }
        int size = slots.size();
        if (size == keys.length) {
            int grown = Math.min(cap + 1, size * 2);
            keys = Arrays.copyOf(keys, grown);
            weights = Arrays.copyOf(weights, grown);
            touched = Arrays.copyOf(touched, grown);
        }
        keys[size] = key;
        weights[size] = value;
        touched[size] = ++clock;
        slots.put(key, size);
        if (size + 1 > cap) {
            remove(weakest());
        }
    }

    private int weakest() {
        int w = 0;
        for (int s = 1; s < slots.size(); s++) {
            if (weights[s] < weights[w] || (weights[s] == weights[w] && touched[s] < touched[w])) {
                w = s;
            }
        }
        return w;
    }

    private void remove(int slot) {
        int last = slots.size() - 1;
        slots.remove(keys[slot]);
        if (slot != last) {
            keys[slot] = keys[last];
            weights[slot] = weights[last];
            touched[slot] = touched[last];
            slots.put(keys[slot], slot);
        }
        keys[last] = null;
    }

    /** The neighbour's weight, 0 when it is not (or no longer) a neighbour. */
    public double weight(String key) {
        Integer slot = slots.get(key);
        return slot == null ? 0.0 : weights[slot];
    }

    public int size() {
        return slots.size();
    }

    public int cap() {
        return cap;
    }

    /** The neighbour at slot {@code i}, {@code 0 <= i < size()}; slot order is arbitrary. */
    public String key(int i) {
        return keys[i];
    }

    /** The weight at slot {@code i}. */
    public double weightAt(int i) {
        return weights[i];
    }

    /** Neighbour keys, strongest first, ties by key. */
    public List<String> strongest() {
        List<Integer> order = new ArrayList<>(slots.values());
        order.sort(
                (a, b) -> {
                    int byWeight = Double.compare(weights[b], weights[a]);
                    return byWeight != 0 ? byWeight : keys[a].compareTo(keys[b]);
                });
        List<String> out = new ArrayList<>(order.size());
        order.forEach(s -> out.add(keys[s]));
        return out;
    }
}
