package io.streamrec.candidates;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The union of the sources' lists for one request: each item once, with the source(s) it came from.
 * Candidates are in source order, then rank within the source (deterministic).
 */
public final class CandidateSet {
    private final Map<Source, List<ScoredItem>> lists;
    private final Map<String, Candidate> byItem;

    private CandidateSet(Map<Source, List<ScoredItem>> lists, Map<String, Candidate> byItem) {
        this.lists = lists;
        this.byItem = byItem;
    }

    public static CandidateSet union(EnumMap<Source, List<ScoredItem>> lists) {
        Map<String, Candidate> byItem = new LinkedHashMap<>();
        lists.forEach(
                (source, list) -> {
                    for (int rank = 0; rank < list.size(); rank++) {
                        ScoredItem s = list.get(rank);
                        byItem.computeIfAbsent(s.itemId(), Candidate::new)
                                .found(source, rank, s.score());
                    }
                });
        return new CandidateSet(Collections.unmodifiableMap(lists), byItem);
    }

    public boolean contains(String itemId) {
        return byItem.containsKey(itemId);
    }

    /** The candidate for {@code itemId}, null when no source returned it. */
    public Candidate get(String itemId) {
        return byItem.get(itemId);
    }

    public Collection<Candidate> candidates() {
        return Collections.unmodifiableCollection(byItem.values());
    }

    /** One source's list, best first (empty when it returned nothing). */
    public List<ScoredItem> list(Source source) {
        return lists.getOrDefault(source, List.of());
    }

    public int size() {
        return byItem.size();
    }
}
