package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
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
 * (and most genres) are never read: a lookup costs the rare postings only.
 */
final class TitleWords {
    private final int maxItemsPerWord;
    private final Map<String, List<Integer>> itemsByWord = new HashMap<>();
    private final List<List<String>> wordsByItem = new ArrayList<>();
    private int indexed;

    TitleWords(int maxItemsPerWord) {
        this.maxItemsPerWord = maxItemsPerWord;
    }

    /** Indexes an item, replacing what was indexed for it before. */
    void put(int item, String title, List<String> attributes) {
        while (wordsByItem.size() <= item) {
            wordsByItem.add(null);
        }
        List<String> old = wordsByItem.get(item);
        if (old != null) {
            old.forEach(w -> itemsByWord.get(w).remove(Integer.valueOf(item)));
            indexed--;
        }
        List<String> words = words(title, attributes);
        wordsByItem.set(item, words);
        indexed++;
        words.forEach(w -> itemsByWord.computeIfAbsent(w, x -> new ArrayList<>()).add(item));
    }

    /**
     * Writes the words, sorted, each with its items in posting order, then per item its words in
     * order as indices into those (-1 for an item not indexed): each word is written once.
     */
    void writeTo(DataOutput out) throws IOException {
        List<String> sorted = new ArrayList<>(itemsByWord.keySet());
        Collections.sort(sorted);
        Map<String, Integer> dictionary = new HashMap<>();
        out.writeInt(sorted.size());
        for (String word : sorted) {
            dictionary.put(word, dictionary.size());
            out.writeUTF(word);
            List<Integer> postings = itemsByWord.get(word);
            out.writeInt(postings.size());
            for (int item : postings) {
                out.writeInt(item);
            }
        }
        out.writeInt(wordsByItem.size());
        for (List<String> words : wordsByItem) {
            out.writeInt(words == null ? -1 : words.size());
            for (int w = 0; words != null && w < words.size(); w++) {
                out.writeInt(dictionary.get(words.get(w)));
            }
        }
    }

    /** Reads what {@link #writeTo} wrote into this index, which must be empty. */
    void readFrom(DataInput in) throws IOException {
        if (!wordsByItem.isEmpty()) {
            throw new IllegalStateException("reading title words into " + wordsByItem.size());
        }
        String[] dictionary =
                new String
                        [ReadBounds.checkLength(
                                in.readInt(), ReadBounds.MAX_IDS, "TitleWords.dictionary")];
        for (int w = 0; w < dictionary.length; w++) {
            dictionary[w] = in.readUTF();
            List<Integer> postings = new ArrayList<>();
            for (int p =
                            ReadBounds.checkLength(
                                    in.readInt(), ReadBounds.MAX_IDS, "TitleWords.postings");
                    p > 0;
                    p--) {
                postings.add(in.readInt());
            }
            itemsByWord.put(dictionary[w], postings);
        }
        for (int items =
                        ReadBounds.checkLength(
                                in.readInt(), ReadBounds.MAX_IDS, "TitleWords.items");
                items > 0;
                items--) {
            int count = in.readInt(); // -1: an item without words
            if (count != -1) {
                ReadBounds.checkLength(count, ReadBounds.MAX_LIST_LENGTH, "TitleWords.words");
            }
            List<String> words = count < 0 ? null : new ArrayList<>(count);
            for (int w = 0; w < count; w++) {
                int word = in.readInt();
                if (word < 0 || word >= dictionary.length) {
                    throw new IOException(
                            "corrupt TitleWords.word "
                                    + word
                                    + " of a dictionary of "
                                    + dictionary.length);
                }
                words.add(dictionary[word]);
            }
            wordsByItem.add(words);
            indexed += words == null ? 0 : 1;
        }
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

    /**
     * Adds {@code sum_w idf(w)} to {@code scores} for every item sharing a rare word {@code w} with
     * each of {@code items}.
     */
    void sharedRareWords(int[] items, ItemScores scores) {
        for (int item : items) {
            List<String> words = item < wordsByItem.size() ? wordsByItem.get(item) : null;
            if (words == null) {
                continue;
            }
            for (String word : words) {
                List<Integer> postings = itemsByWord.get(word);
                if (postings.size() < 2 || postings.size() > maxItemsPerWord) {
                    continue;
                }
                double idf = idf(postings.size()); // the postings in hand: no second lookup
                for (int other : postings) {
                    scores.add(other, idf);
                }
            }
        }
    }

    /** {@code ln(N / df)}; 0 for a word no item has. */
    double idf(String word) {
        List<Integer> postings = itemsByWord.get(word);
        return postings == null || postings.isEmpty() ? 0.0 : idf(postings.size());
    }

    private double idf(int documentFrequency) {
        return Math.log((double) indexed / documentFrequency);
    }
}
