package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unites the sources' lists of one read into a {@link CandidateSet} by dense item index: a stamp
 * per item finds an item already listed with an array read instead of hashing its id, each source's
 * score and rank go to reused scratch, and the set's candidates are made at the end with their
 * scores and ranks in two shared arrays (a few objects per read, not three per candidate). A later
 * list of the same source for the same item replaces the earlier entry. Reused between reads; not
 * thread-safe.
 */
final class CandidateUnion {
    private static final int SOURCES = Source.values().length;

    private final IdIndex items;

    /** Whether the indices are the generator's, which the candidates then carry. */
    private final boolean generatorIndices;

    private int[] stamps = new int[16];
    private int[] positions = new int[16];
    private int stamp;

    /** Per position (candidate, in order of first appearance): its item and sources. */
    private int[] itemAt = new int[16];

    private int[] maskAt = new int[16];

    /** Per position and source ordinal: the score and rank. */
    private double[] scoreAt = new double[16 * SOURCES];

    private int[] rankAt = new int[16 * SOURCES];
    private int size;
    private int entries;

    /** Per source ordinal: its list as positions, best first; null when the source was not read. */
    private final int[][] ranked = new int[SOURCES][];

    CandidateUnion(IdIndex items, boolean generatorIndices) {
        this.items = items;
        this.generatorIndices = generatorIndices;
    }

    /** Starts a read: no list, no candidate. */
    void start() {
        if (++stamp == 0) { // wrapped: old stamps could match again
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
        Arrays.fill(maskAt, 0, size, 0);
        Arrays.fill(ranked, null);
        size = 0;
        entries = 0;
    }

    /** Adds a source's list: {@code top} items best first, {@code scores[i]} that of top[i]. */
    void add(Source source, int[] top, double[] scores) {
        int s = source.ordinal();
        int[] list = new int[top.length];
        for (int rank = 0; rank < top.length; rank++) {
            int p = position(top[rank]);
            if ((maskAt[p] & (1 << s)) == 0) {
                maskAt[p] |= 1 << s;
                entries++;
            }
            scoreAt[p * SOURCES + s] = scores[rank];
            rankAt[p * SOURCES + s] = rank;
            list[rank] = p;
        }
        ranked[s] = list;
    }

    private int position(int item) {
        if (item >= stamps.length) {
            int grown = Math.max(item + 1, stamps.length * 2);
            stamps = Arrays.copyOf(stamps, grown);
            positions = Arrays.copyOf(positions, grown);
        }
        if (stamps[item] == stamp) {
            return positions[item];
        }
        if (size == itemAt.length) {
            itemAt = Arrays.copyOf(itemAt, size * 2);
            maskAt = Arrays.copyOf(maskAt, size * 2);
            scoreAt = Arrays.copyOf(scoreAt, size * 2 * SOURCES);
            rankAt = Arrays.copyOf(rankAt, size * 2 * SOURCES);
        }
        stamps[item] = stamp;
        positions[item] = size;
        itemAt[size] = item;
        return size++;
    }

    /** The candidates of the lists added since {@link #start}, in order of first appearance. */
    List<Candidate> candidates() {
        double[] scores = new double[entries];
        int[] ranks = new int[entries];
        List<Candidate> out = new ArrayList<>(size);
        int e = 0;
        for (int p = 0; p < size; p++) {
            int offset = e;
            for (int m = maskAt[p]; m != 0; m &= m - 1) {
                int s = Integer.numberOfTrailingZeros(m);
                scores[e] = scoreAt[p * SOURCES + s];
                ranks[e++] = rankAt[p * SOURCES + s];
            }
            int item = itemAt[p];
            out.add(
                    new Candidate(
                            items.id(item),
                            item,
                            generatorIndices ? items : null,
                            maskAt[p],
                            scores,
                            ranks,
                            offset));
        }
        return out;
    }

    /** The lists added since {@link #start} as positions in {@link #candidates}, by ordinal. */
    int[][] ranked() {
        return ranked.clone();
    }
}
