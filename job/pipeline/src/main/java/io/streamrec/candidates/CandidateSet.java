package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The union of the sources' lists for one request: each item once, with the source(s) it came from.
 * Candidates are in source order, then rank within the source (deterministic).
 */
public final class CandidateSet {
    private static final Source[] SOURCES = Source.values();

    /** The lists as given to {@link #union}; null for a generator's set, see {@link #ranked}. */
    private final Map<Source, List<ScoredItem>> lists;

    /** A generator's lists as candidate positions by source ordinal (null: not read). */
    private final int[][] ranked;

    private final List<Candidate> candidates;

    /** A generator's lists as scored items, made at the first read of each (serving reads none). */
    private final List<ScoredItem>[] listsMade;

    @SuppressWarnings("unchecked")
    private CandidateSet(
            Map<Source, List<ScoredItem>> lists, int[][] ranked, List<Candidate> candidates) {
        this.lists = lists == null ? null : Collections.unmodifiableMap(lists);
        this.ranked = ranked;
        this.candidates = Collections.unmodifiableList(candidates);
        this.listsMade = new List[SOURCES.length];
    }

    /** The set of the lists a {@link CandidateUnion} was given since its start. */
    static CandidateSet of(CandidateUnion union) {
        return new CandidateSet(null, union.ranked(), union.candidates());
    }

    public static CandidateSet union(EnumMap<Source, List<ScoredItem>> lists) {
        IdIndex ids = new IdIndex();
        CandidateUnion union = new CandidateUnion(ids, false);
        union.start();
        lists.forEach(
                (source, list) -> {
                    int[] top = new int[list.size()];
                    double[] scores = new double[list.size()];
                    for (int rank = 0; rank < list.size(); rank++) {
                        top[rank] = ids.of(list.get(rank).itemId());
                        scores[rank] = list.get(rank).score();
                    }
                    union.add(source, top, scores);
                });
        return new CandidateSet(lists, null, union.candidates());
    }

    public boolean contains(String itemId) {
        return positionOf(itemId) >= 0;
    }

    /** The candidate for {@code itemId}, null when no source returned it. */
    public Candidate get(String itemId) {
        int p = positionOf(itemId);
        return p < 0 ? null : candidates.get(p);
    }

    /**
     * The position of {@code itemId} among the candidates, -1 when no source returned it. A scan
     * over the ids' cached hashes: a set is looked up by id about once (whether it holds the
     * event's item), and a map of its hundred candidates took longer to build than the scans it
     * saved (4% of the replay's samples at 10% evaluated, BENCHMARKS, twenty-first session).
     */
    private int positionOf(String itemId) {
        int hash = itemId.hashCode();
        for (int p = 0; p < candidates.size(); p++) {
            String id = candidates.get(p).itemId();
            if (id.hashCode() == hash && id.equals(itemId)) {
                return p;
            }
        }
        return -1;
    }

    /** The candidates in order: by source, then by rank within the source. */
    public List<Candidate> candidates() {
        return candidates;
    }

    /** One source's list, best first (empty when it returned nothing). */
    public List<ScoredItem> list(Source source) {
        if (lists != null) {
            return lists.getOrDefault(source, List.of());
        }
        int[] positions = ranked[source.ordinal()];
        if (positions == null) {
            return List.of();
        }
        if (listsMade[source.ordinal()] == null) {
            List<ScoredItem> list = new ArrayList<>(positions.length);
            for (int p : positions) {
                Candidate c = candidates.get(p);
                list.add(new ScoredItem(c.itemId(), c.score(source)));
            }
            listsMade[source.ordinal()] = Collections.unmodifiableList(list);
        }
        return listsMade[source.ordinal()];
    }

    public int size() {
        return candidates.size();
    }
}
