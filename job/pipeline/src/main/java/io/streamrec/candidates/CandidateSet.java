package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The union of the sources' lists for one request: each item once, with the source(s) it came from.
 * Candidates are in source order, then rank within the source (deterministic).
 */
public final class CandidateSet {
    private final Map<Source, List<ScoredItem>> lists;
    private final List<Candidate> candidates;

    /** Candidates by item id, made at the first read by id: serving reads by position only. */
    private Map<String, Candidate> byItem;

    CandidateSet(Map<Source, List<ScoredItem>> lists, List<Candidate> candidates) {
        this.lists = Collections.unmodifiableMap(lists);
        this.candidates = Collections.unmodifiableList(candidates);
    }

    public static CandidateSet union(EnumMap<Source, List<ScoredItem>> lists) {
        Map<String, Candidate> byItem = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        lists.forEach(
                (source, list) -> {
                    for (int rank = 0; rank < list.size(); rank++) {
                        ScoredItem s = list.get(rank);
                        Candidate c = byItem.get(s.itemId());
                        if (c == null) {
                            c = new Candidate(s.itemId());
                            byItem.put(s.itemId(), c);
                            candidates.add(c);
                        }
                        c.found(source, rank, s.score());
                    }
                });
        CandidateSet set = new CandidateSet(lists, candidates);
        set.byItem = byItem;
        return set;
    }

    public boolean contains(String itemId) {
        return byItem().containsKey(itemId);
    }

    /** The candidate for {@code itemId}, null when no source returned it. */
    public Candidate get(String itemId) {
        return byItem().get(itemId);
    }

    private Map<String, Candidate> byItem() {
        if (byItem == null) {
            Map<String, Candidate> map = new HashMap<>();
            for (Candidate c : candidates) {
                map.put(c.itemId(), c);
            }
            byItem = map;
        }
        return byItem;
    }

    /** The candidates in order: by source, then by rank within the source. */
    public List<Candidate> candidates() {
        return candidates;
    }

    /** One source's list, best first (empty when it returned nothing). */
    public List<ScoredItem> list(Source source) {
        return lists.getOrDefault(source, List.of());
    }

    public int size() {
        return candidates.size();
    }
}
