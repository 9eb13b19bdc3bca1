package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/** Selects the best-scored items of a score map: highest score first, ties by item id. */
public final class TopScores {
    /** Best first: higher score, then lower item id. */
    public static final Comparator<ScoredItem> BEST_FIRST =
            Comparator.comparingDouble(ScoredItem::score)
                    .reversed()
                    .thenComparing(ScoredItem::itemId);

    private TopScores() {}

    /** The {@code n} best items with a positive score that are not {@code excluded}. */
    public static List<ScoredItem> of(
            Map<String, Double> scores, int n, Predicate<String> excluded) {
        // a heap of the n best so far, the worst of them on top
        PriorityQueue<ScoredItem> heap = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            double s = e.getValue();
            if (s <= 0 || excluded.test(e.getKey())) {
                continue;
            }
            ScoredItem item = new ScoredItem(e.getKey(), s);
            if (heap.size() < n) {
                heap.add(item);
            } else if (BEST_FIRST.compare(item, heap.peek()) < 0) {
                heap.poll();
                heap.add(item);
            }
        }
        List<ScoredItem> out = new ArrayList<>(heap);
        out.sort(BEST_FIRST);
        return out;
    }
}
