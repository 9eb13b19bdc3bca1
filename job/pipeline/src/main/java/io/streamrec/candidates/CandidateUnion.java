package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;

/**
 * Unites the sources' lists of one read into a {@link CandidateSet} by dense item index, as {@link
 * CandidateSet#union} does by id: a stamp per item finds an item already listed with an array read
 * instead of hashing its id, and each candidate keeps its index for the features. Reused between
 * reads; not thread-safe.
 */
final class CandidateUnion {
    private final IdIndex items;
    private int[] stamps = new int[16];
    private int[] positions = new int[16];
    private int stamp;
    private EnumMap<Source, List<ScoredItem>> lists;
    private List<Candidate> candidates;

    CandidateUnion(IdIndex items) {
        this.items = items;
    }

    /** Starts a read: no list, no candidate. */
    void start() {
        if (++stamp == 0) { // wrapped: old stamps could match again
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
        lists = new EnumMap<>(Source.class);
        candidates = new ArrayList<>();
    }

    /** Adds a source's list: {@code top} items best first, {@code scores[i]} that of top[i]. */
    void add(Source source, int[] top, double[] scores) {
        List<ScoredItem> list = new ArrayList<>(top.length);
        for (int rank = 0; rank < top.length; rank++) {
            int item = top[rank];
            String id = items.id(item);
            list.add(new ScoredItem(id, scores[rank]));
            candidate(item, id).found(source, rank, scores[rank]);
        }
        lists.put(source, list);
    }

    private Candidate candidate(int item, String id) {
        if (item >= stamps.length) {
            int grown = Math.max(item + 1, stamps.length * 2);
            stamps = Arrays.copyOf(stamps, grown);
            positions = Arrays.copyOf(positions, grown);
        }
        if (stamps[item] == stamp) {
            return candidates.get(positions[item]);
        }
        Candidate c = new Candidate(id, item);
        stamps[item] = stamp;
        positions[item] = candidates.size();
        candidates.add(c);
        return c;
    }

    /** The candidate set of the lists added since {@link #start}. */
    CandidateSet finish() {
        CandidateSet set = new CandidateSet(lists, candidates);
        lists = null;
        candidates = null;
        return set;
    }
}
