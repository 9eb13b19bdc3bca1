package io.streamrec.candidates;

import io.streamrec.ingest.ItemCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Catalog items by the words of their titles and by their attributes (as {@code attr:value} words),
 * for the rare-word source. A word is rare when at most {@code maxItemsPerWord} items have it, and
 * weighs its inverse document frequency {@code ln(N / df)}, N being the items indexed. Common words
 * (and most genres) are never read: the index answers in time proportional to the rare postings
 * only.
 */
final class TitleWords {
    private final int maxItemsPerWord;
    private final Map<String, List<String>> itemsByWord = new HashMap<>();
    private final Map<String, List<String>> wordsByItem = new HashMap<>();

    TitleWords(int maxItemsPerWord) {
        this.maxItemsPerWord = maxItemsPerWord;
    }

    static TitleWords of(ItemCatalog catalog, int maxItemsPerWord) {
        TitleWords index = new TitleWords(maxItemsPerWord);
        for (String id : catalog.ids()) {
            index.put(id, catalog.title(id), catalog.attributes(id));
        }
        return index;
    }

    /** Indexes an item, replacing what was indexed for it before. */
    void put(String item, String title, List<String> attributes) {
        List<String> old = wordsByItem.remove(item);
        if (old != null) {
            old.forEach(w -> itemsByWord.get(w).remove(item));
        }
        List<String> words = words(title, attributes);
        wordsByItem.put(item, words);
        words.forEach(w -> itemsByWord.computeIfAbsent(w, x -> new ArrayList<>()).add(item));
    }

    /** Lower-cased title words of two or more letters or digits, then {@code attr:} words. */
    static List<String> words(String title, List<String> attributes) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() >= 2) {
                words.add(w);
            }
        }
        attributes.forEach(a -> words.add("attr:" + a.toLowerCase(Locale.ROOT)));
        return new ArrayList<>(words);
    }

    /** {@code sum_w idf(w)} per item over the rare words it shares with each of {@code items}. */
    Map<String, Double> sharedRareWords(List<String> items) {
        Map<String, Double> scores = new HashMap<>();
        for (String item : items) {
            for (String word : wordsByItem.getOrDefault(item, List.of())) {
                List<String> postings = itemsByWord.get(word);
                if (postings.size() < 2 || postings.size() > maxItemsPerWord) {
                    continue;
                }
                double idf = idf(word);
                for (String other : postings) {
                    scores.merge(other, idf, Double::sum);
                }
            }
        }
        return scores;
    }

    /** {@code ln(N / df)}; 0 for a word no item has. */
    double idf(String word) {
        List<String> postings = itemsByWord.get(word);
        return postings == null || postings.isEmpty()
                ? 0.0
                : Math.log((double) wordsByItem.size() / postings.size());
    }

    int items() {
        return wordsByItem.size();
    }
}
