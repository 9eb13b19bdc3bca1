package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Per item: the number of events (all-time) and counts decayed at the half-lives of {@link
 * Source#decayedPopularity()}, each with an item ordering for its top items. State: one counter and
 * one ordering entry per item and source.
 */
final class ItemPopularity {
    private static final HalfLife[] HALF_LIVES =
            Source.decayedPopularity().stream().map(Source::halfLife).toArray(HalfLife[]::new);

    private final Map<String, DecayedCounter> decayed = new HashMap<>();
    private final Map<String, Long> allTime = new HashMap<>();
    private final Map<Source, RankedItems> rankings = new EnumMap<>(Source.class);

    ItemPopularity() {
        Source.decayedPopularity().forEach(s -> rankings.put(s, new RankedItems()));
        rankings.put(Source.POPULARITY_ALL_TIME, new RankedItems());
    }

    void add(String item, long t) {
        DecayedCounter counter = decayed.computeIfAbsent(item, i -> new DecayedCounter(HALF_LIVES));
        counter.add(1.0, t);
        List<Source> sources = Source.decayedPopularity();
        for (int h = 0; h < sources.size(); h++) {
            rankings.get(sources.get(h)).put(item, counter.anchored(h));
        }
        long count = allTime.merge(item, 1L, Long::sum);
        rankings.get(Source.POPULARITY_ALL_TIME).put(item, count);
    }

    /** The item's events so far, n(i). */
    long count(String item) {
        return allTime.getOrDefault(item, 0L);
    }

    /** The item's count in a popularity source, decayed to {@code t} for the decayed ones. */
    double score(Source source, String item, long t) {
        if (source == Source.POPULARITY_ALL_TIME) {
            return count(item);
        }
        DecayedCounter counter = decayed.get(item);
        int h = Source.decayedPopularity().indexOf(source);
        return counter == null ? 0.0 : counter.valueAt(h, t);
    }

    /** The {@code n} most popular items in {@code source} at {@code t}, not {@code excluded}. */
    List<ScoredItem> top(Source source, int n, Predicate<String> excluded, long t) {
        List<ScoredItem> out = new ArrayList<>(n);
        for (String item : rankings.get(source).top(n, excluded)) {
            out.add(new ScoredItem(item, score(source, item, t)));
        }
        return out;
    }

    int items() {
        return allTime.size();
    }
}
