package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>A word no item has any longer (its last item retitled) leaves the dictionary and its id is
 * given to the next new word: a catalog whose titles keep changing (a date or a price in them)
 * holds the words of its current titles only, not every word it ever had.
 */
final class TitleWords {
    /**
     * A word and the items that have it, in the order they were indexed. Each word's text is held
     * once (the key of {@link #byWord}), and items refer to words by {@link #id}: a catalog of 100k
     * items holds hundreds of thousands of words, on every serving subtask.
     */
    private static final class Word {
        final int id;
        final String text;
        int[] items = new int[1];
        int count;

        Word(int id, String text) {
            this.id = id;
            this.text = text;
        }

        void add(int item) {
            if (count == items.length) {
                items = Arrays.copyOf(items, count * 2);
            }
            items[count++] = item;
        }

        /** Removes the item's first posting, keeping the others' order. */
        void remove(int item) {
            for (int i = 0; i < count; i++) {
                if (items[i] == item) {
                    System.arraycopy(items, i + 1, items, i, count - i - 1);
                    count--;
                    return;
                }
            }
        }
    }

    private static final int[] NOT_INDEXED = null;

    private final int maxItemsPerWord;
    private final Map<String, Word> byWord = new HashMap<>();

    /** Words by id; null at a freed id. */
    private final List<Word> byId = new ArrayList<>();

    /** Ids of words that left the dictionary, given again first. */
    private final List<Integer> freeIds = new ArrayList<>();

    /** Per item index its words' ids in order; null for an item not indexed. */
    private int[][] wordsByItem = new int[0][];

    private int items;
    private int indexed;

    TitleWords(int maxItemsPerWord) {
        this.maxItemsPerWord = maxItemsPerWord;
    }

    /** Indexes an item, replacing what was indexed for it before. */
    void put(int item, String title, List<String> attributes) {
        grow(item + 1);
        int[] old = wordsByItem[item];
        if (old != NOT_INDEXED) {
            for (int id : old) {
                Word word = byId.get(id);
                word.remove(item);
                if (word.count == 0) {
                    free(word);
                }
            }
            indexed--;
        }
        List<String> words = words(title, attributes);
        int[] ids = new int[words.size()];
        for (int k = 0; k < ids.length; k++) {
            Word word = byWord.computeIfAbsent(words.get(k), this::newWord);
            word.add(item);
            ids[k] = word.id;
        }
        wordsByItem[item] = ids;
        indexed++;
    }

    private Word newWord(String text) {
        if (!freeIds.isEmpty()) {
            Word word = new Word(freeIds.remove(freeIds.size() - 1), text);
            byId.set(word.id, word);
            return word;
        }
        Word word = new Word(byId.size(), text);
        byId.add(word);
        return word;
    }

    /** Takes a word no item has out of the dictionary, its id free for the next new word. */
    private void free(Word word) {
        byWord.remove(word.text);
        byId.set(word.id, null);
        freeIds.add(word.id);
    }

    /** The distinct words the indexed items have. */
    int words() {
        return byWord.size();
    }

    /** Makes room for {@code n} items, the ones not seen yet not indexed. */
    private void grow(int n) {
        if (n > wordsByItem.length) {
            wordsByItem = Arrays.copyOf(wordsByItem, Math.max(n, wordsByItem.length * 2));
        }
        items = Math.max(items, n);
    }

    /**
     * Writes the words, sorted, each with its items in posting order, then per item its words in
     * order as indices into those (-1 for an item not indexed): each word is written once.
     */
    void writeTo(DataOutput out) throws IOException {
        List<String> sorted = new ArrayList<>(byWord.keySet());
        Collections.sort(sorted);
        int[] position = new int[byId.size()];
        out.writeInt(sorted.size());
        for (int w = 0; w < sorted.size(); w++) {
            Word word = byWord.get(sorted.get(w));
            position[word.id] = w;
            out.writeUTF(word.text);
            out.writeInt(word.count);
            for (int i = 0; i < word.count; i++) {
                out.writeInt(word.items[i]);
            }
        }
        out.writeInt(items);
        for (int item = 0; item < items; item++) {
            int[] ids = wordsByItem[item];
            out.writeInt(ids == NOT_INDEXED ? -1 : ids.length);
            for (int k = 0; ids != NOT_INDEXED && k < ids.length; k++) {
                out.writeInt(position[ids[k]]);
            }
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into this index, which must be empty, of items among the
     * {@code itemCount} indexed.
     */
    void readFrom(DataInput in, int itemCount) throws IOException {
        if (items > 0) {
            throw new IllegalStateException("reading title words into " + items);
        }
        Word[] dictionary = readDictionary(in, itemCount);
        int written = RestoredKeys.readCount(in, "TitleWords.items", itemCount);
        for (int item = 0; item < written; item++) {
            int[] ids = readItemWords(in, dictionary);
            grow(item + 1); // as items arrive: a cut-off input allocates no more than it held
            wordsByItem[item] = ids;
            indexed += ids == NOT_INDEXED ? 0 : 1;
        }
        freeWordsWithoutItems(dictionary);
    }

    /**
     * The written words with their postings, indexed here; the array in the written order. Every
     * writer wrote each word once, each with distinct items among the {@code itemCount} indexed: a
     * word twice would leave the first in {@link #byId} with its postings, still read, and a
     * posting beyond the items would end a read in an index out of bounds.
     */
    private Word[] readDictionary(DataInput in, int itemCount) throws IOException {
        Word[] dictionary =
                new Word
                        [ReadBounds.checkLength(
                                in.readInt(), ReadBounds.MAX_IDS, "TitleWords.dictionary")];
        RestoredKeys postings = new RestoredKeys("TitleWords posting", itemCount);
        for (int w = 0; w < dictionary.length; w++) {
            Word word = newWord(in.readUTF());
            if (byWord.putIfAbsent(word.text, word) != null) {
                throw new IOException("corrupt TitleWords: word " + word.text + " twice");
            }
            for (int p =
                            ReadBounds.checkLength(
                                    in.readInt(), ReadBounds.MAX_IDS, "TitleWords.postings");
                    p > 0;
                    p--) {
                word.add(in.readInt());
            }
            postings.check(word.items, 0, word.count);
            dictionary[w] = word;
        }
        return dictionary;
    }

    /** One item's word ids, {@link #NOT_INDEXED} for an item written without words. */
    private int[] readItemWords(DataInput in, Word[] dictionary) throws IOException {
        int count = in.readInt(); // -1: an item without words
        if (count != -1) {
            ReadBounds.checkLength(count, ReadBounds.MAX_LIST_LENGTH, "TitleWords.words");
        }
        int[] ids = count < 0 ? NOT_INDEXED : new int[count];
        for (int k = 0; k < count; k++) {
            int word = in.readInt();
            if (word < 0 || word >= dictionary.length) {
                throw new IOException(
                        "corrupt TitleWords.word "
                                + word
                                + " of a dictionary of "
                                + dictionary.length);
            }
            ids[k] = dictionary[word].id;
        }
        return ids;
    }

    /** Checkpoints before 2026-12-07 kept words no item had any more: they leave here. */
    private void freeWordsWithoutItems(Word[] dictionary) throws IOException {
        boolean[] used = new boolean[byId.size()];
        for (int item = 0; item < items; item++) {
            for (int k = 0; wordsByItem[item] != NOT_INDEXED && k < wordsByItem[item].length; k++) {
                used[wordsByItem[item][k]] = true;
            }
        }
        for (Word word : dictionary) {
            if (word.count == 0) {
                if (used[word.id]) {
                    throw new IOException(
                            "corrupt TitleWords: word "
                                    + word.text
                                    + " has no item but an item has it");
                }
                free(word);
            }
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
            int[] ids = item < this.items ? wordsByItem[item] : NOT_INDEXED;
            if (ids == NOT_INDEXED) {
                continue;
            }
            for (int id : ids) {
                Word word = byId.get(id);
                if (word.count < 2 || word.count > maxItemsPerWord) {
                    continue;
                }
                double idf = idf(word.count);
                for (int i = 0; i < word.count; i++) {
                    scores.add(word.items[i], idf);
                }
            }
        }
    }

    /** {@code ln(N / df)}; 0 for a word no item has. */
    double idf(String word) {
        Word w = byWord.get(word);
        return w == null || w.count == 0 ? 0.0 : idf(w.count);
    }

    private double idf(int documentFrequency) {
        return Math.log((double) indexed / documentFrequency);
    }
}
