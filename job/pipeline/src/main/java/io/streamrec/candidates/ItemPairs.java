package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Item-to-item statistics, undecayed (decaying them hurt in the prototype): co-occurrence {@code
 * C[a][b]} (symmetric; one count each time a user's event on one follows the other within the
 * user's recent items), direct transitions {@code T[a][b]} (a user's previous item {@code a}, then
 * {@code b}), the item's events {@code n(a)} and transitions out of it {@code out(a)}. Rows of C
 * and T are {@link BoundedCounts}, so state grows with the items, not their square; {@code n} and
 * {@code out} count everything, evicted neighbours included.
 */
final class ItemPairs {
    private final int cap;
    private final List<BoundedCounts> cooccurrence = new ArrayList<>();
    private final List<BoundedCounts> transitions = new ArrayList<>();

    /** Per item b, the rows of T holding b: derived from {@link #transitions}, not written. */
    private final List<IncomingTransitions> incoming = new ArrayList<>();

    private long[] events = new long[16];
    private long[] transitionsOut = new long[16];

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
    void add(int item, int[] recent) {
        grow(item);
        events[item]++;
        for (int other : recent) {
            if (other != item) {
                cooccurrence.get(other).increment(item);
                cooccurrence.get(item).increment(other);
            }
        }
        if (recent.length > 0 && recent[0] != item) {
            int from = recent[0];
            int evicted = transitions.get(from).increment(item);
            incoming.get(item).add(from, 1); // the same count as the row's
            if (evicted >= 0) {
                incoming.get(evicted).remove(from);
            }
            transitionsOut[from]++;
        }
    }

    private void grow(int item) {
        while (cooccurrence.size() <= item) {
            cooccurrence.add(new BoundedCounts(cap));
            transitions.add(new BoundedCounts(cap));
            incoming.add(new IncomingTransitions());
        }
        if (item >= events.length) {
            int grown = Math.max(item + 1, events.length * 2);
            events = Arrays.copyOf(events, grown);
            transitionsOut = Arrays.copyOf(transitionsOut, grown);
        }
    }

    /** Writes per item n, out, and its rows of C and T. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(cooccurrence.size());
        for (int item = 0; item < cooccurrence.size(); item++) {
            out.writeLong(events[item]);
            out.writeLong(transitionsOut[item]);
            cooccurrence.get(item).writeTo(out);
            transitions.get(item).writeTo(out);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into these statistics, which must be empty; {@code ranked}:
     * lists as statistics versions 1 to 3 wrote them ({@link BoundedCounts#readRankedFrom}); {@code
     * itemCount}: the items indexed, which the rows' items are among.
     */
    void readFrom(DataInput in, boolean ranked, int itemCount) throws IOException {
        if (!cooccurrence.isEmpty()) {
            throw new IllegalStateException("reading pairs into " + cooccurrence.size() + " items");
        }
        int size = RestoredKeys.readCount(in, "ItemPairs.items", itemCount);
        // rows hold items with pairs, each once: a key beyond them ends a read in an index out of
        // bounds (here, or at a candidate's id), and one twice counts its pair twice
        RestoredKeys keys = new RestoredKeys("ItemPairs neighbour", size);
        events = new long[Math.max(16, size)];
        transitionsOut = new long[Math.max(16, size)];
        for (int item = 0; item < size; item++) {
            events[item] = in.readLong();
            transitionsOut[item] = in.readLong();
            cooccurrence.add(list(in, ranked, keys));
            transitions.add(list(in, ranked, keys));
            incoming.add(new IncomingTransitions());
        }
        for (int a = 0; a < size; a++) {
            BoundedCounts row = transitions.get(a);
            for (int s = 0; s < row.size(); s++) {
                incoming.get(row.key(s)).add(a, row.countAt(s));
            }
        }
    }

    /** {@link BoundedSlots#compactStamps} of every list. */
    void compactUpdateStamps() {
        cooccurrence.forEach(BoundedSlots::compactStamps);
        transitions.forEach(BoundedSlots::compactStamps);
    }

    private BoundedCounts list(DataInput in, boolean ranked, RestoredKeys keys) throws IOException {
        return ranked
                ? BoundedCounts.readRankedFrom(in, cap, keys)
                : BoundedCounts.readFrom(in, cap, keys);
    }

    /**
     * Adds {@code sum_k decay^k * (C[r_k][j] / n(r_k) + T[r_k][j] / out(r_k))} to {@code scores}
     * for every neighbour {@code j} of the {@code recent} items {@code r_0, r_1, ...} (most recent
     * first).
     */
    void sequenceScores(int[] recent, double decay, ItemScores scores) {
        double weight = 1.0;
        for (int r : recent) {
            if (r < cooccurrence.size()) {
                accumulate(scores, cooccurrence.get(r), weight / Math.max(1, count(r)));
                accumulate(scores, transitions.get(r), weight / Math.max(1, transitionsOut(r)));
            }
            weight *= decay;
        }
    }

    private static void accumulate(ItemScores scores, BoundedCounts row, double scale) {
        for (int s = 0; s < row.size(); s++) {
            scores.add(row.key(s), scale * row.countAt(s));
        }
    }

    int cooccurrence(int a, int b) {
        return a < cooccurrence.size() ? cooccurrence.get(a).count(b) : 0;
    }

    int transition(int a, int b) {
        return a < transitions.size() ? transitions.get(a).count(b) : 0;
    }

    /** The item's row of C, null before its first pair. */
    BoundedCounts cooccurrenceRow(int item) {
        return item < cooccurrence.size() ? cooccurrence.get(item) : null;
    }

    /** The rows of T holding the item, null before its first pair. */
    IncomingTransitions incomingRow(int item) {
        return item >= 0 && item < incoming.size() ? incoming.get(item) : null;
    }

    /** The item's row of T, null before its first pair. */
    BoundedCounts transitionRow(int item) {
        return item < transitions.size() ? transitions.get(item) : null;
    }

    /** n(a): the item's events. */
    long count(int item) {
        return item < events.length ? events[item] : 0L;
    }

    /** out(a): transitions out of the item. */
    long transitionsOut(int item) {
        return item < transitionsOut.length ? transitionsOut[item] : 0L;
    }

    long cooccurrenceEntries() {
        return cooccurrence.stream().mapToLong(BoundedCounts::size).sum();
    }

    long transitionEntries() {
        return transitions.stream().mapToLong(BoundedCounts::size).sum();
    }

    /** The longest row of C or T (at most the cap). */
    int longestRow() {
        int longest = 0;
        for (int i = 0; i < cooccurrence.size(); i++) {
            longest = Math.max(longest, cooccurrence.get(i).size());
            longest = Math.max(longest, transitions.get(i).size());
        }
        return longest;
    }
}
