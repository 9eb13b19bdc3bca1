package io.streamrec.candidates;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Item-to-item statistics, undecayed (decaying them hurt in the prototype): co-occurrence {@code
 * C[a][b]} (symmetric; one count each time a user's event on one follows the other within the
 * user's recent items), direct transitions {@code T[a][b]} (a user's previous item {@code a}, then
 * {@code b}), the item's events {@code n(a)} and transitions out of it {@code out(a)}. Rows of C
 * and T are {@link BoundedNeighbours}, so state grows with the items, not their square; {@code n}
 * and {@code out} count everything, evicted neighbours included.
 */
final class ItemPairs {
    private final int cap;
    private final Map<String, BoundedNeighbours> cooccurrence = new HashMap<>();
    private final Map<String, BoundedNeighbours> transitions = new HashMap<>();
    private final Map<String, Long> events = new HashMap<>();
    private final Map<String, Long> transitionsOut = new HashMap<>();

    /**
     * @param cap neighbours kept per item in each of C and T
     */
    ItemPairs(int cap) {
        this.cap = cap;
    }

    /**
     * Applies a user's event on {@code item}.
     *
     * @param recent the user's items before this event, most recent first, as many as pair with it
     */
    void add(String item, List<String> recent) {
        events.merge(item, 1L, Long::sum);
        for (String other : recent) {
            if (!other.equals(item)) {
                row(cooccurrence, other).add(item, 1.0);
                row(cooccurrence, item).add(other, 1.0);
            }
        }
        if (!recent.isEmpty() && !recent.get(0).equals(item)) {
            String previous = recent.get(0);
            row(transitions, previous).add(item, 1.0);
            transitionsOut.merge(previous, 1L, Long::sum);
        }
    }

    private BoundedNeighbours row(Map<String, BoundedNeighbours> rows, String item) {
        return rows.computeIfAbsent(item, i -> new BoundedNeighbours(cap));
    }

    /**
     * {@code sum_k decay^k * (C[r_k][j] / n(r_k) + T[r_k][j] / out(r_k))} for every neighbour
     * {@code j} of the {@code recent} items {@code r_0, r_1, ...} (most recent first).
     */
    Map<String, Double> sequenceScores(List<String> recent, double decay) {
        Map<String, Double> scores = new HashMap<>();
        double weight = 1.0;
        for (String r : recent) {
            accumulate(scores, cooccurrence.get(r), weight / Math.max(1, count(r)));
            accumulate(scores, transitions.get(r), weight / Math.max(1, transitionsOut(r)));
            weight *= decay;
        }
        return scores;
    }

    private static void accumulate(
            Map<String, Double> scores, BoundedNeighbours row, double scale) {
        if (row == null) {
            return;
        }
        for (int s = 0; s < row.size(); s++) {
            scores.merge(row.key(s), scale * row.weightAt(s), Double::sum);
        }
    }

    double cooccurrence(String a, String b) {
        BoundedNeighbours row = cooccurrence.get(a);
        return row == null ? 0.0 : row.weight(b);
    }

    double transition(String a, String b) {
        BoundedNeighbours row = transitions.get(a);
        return row == null ? 0.0 : row.weight(b);
    }

    /** n(a): the item's events. */
    long count(String item) {
        return events.getOrDefault(item, 0L);
    }

    /** out(a): transitions out of the item. */
    long transitionsOut(String item) {
        return transitionsOut.getOrDefault(item, 0L);
    }

    /** The longest row of C or T (at most the cap). */
    int longestRow() {
        int longest = 0;
        for (BoundedNeighbours row : cooccurrence.values()) {
            longest = Math.max(longest, row.size());
        }
        for (BoundedNeighbours row : transitions.values()) {
            longest = Math.max(longest, row.size());
        }
        return longest;
    }
}
