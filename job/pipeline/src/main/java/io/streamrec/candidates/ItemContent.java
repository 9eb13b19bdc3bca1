package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the catalog says of each item, as int tokens the ranker's content features compare without
 * hashing: title words and attributes (the words of {@link TitleWords#words}, one dictionary), each
 * token's document frequency for its idf {@code ln(N / df)}, and the release year when the title
 * ends in one, as in "Star Wars (1977)". Arrays handed out are the stored ones: read, never write,
 * and hold them no longer than until the next {@link #put} (a compaction numbers tokens again).
 *
 * <p>Tokens no item has any longer (their items retitled) are dropped and the rest numbered again
 * once they are most of the tokens ({@link #compactIfMostlyDead}): a catalog whose titles or
 * attributes keep changing holds its current words, not every word it ever had.
 */
public final class ItemContent {
    /** A release year not known. */
    public static final int NO_YEAR = 0;

    private static final int FORMAT = 1;
    private static final int[] NONE = new int[0];
    private static final Pattern YEAR = Pattern.compile("\\((\\d{4})\\)");
    private static final String ATTRIBUTE = "attr:";

    /** Tokens no item has kept until they are at least this many and half of all. */
    static final int COMPACT_AT_LEAST = 1024;

    private IdIndex tokens = new IdIndex();

    /** Tokens whose document frequency is 0. */
    private int deadTokens;

    private final List<int[]> words = new ArrayList<>();
    private final List<int[]> attributes = new ArrayList<>();
    private int[] years = new int[16];
    private int[] documentFrequency = new int[16];
    private double[] logDocumentFrequency = new double[16];
    private int attributeTokens;
    private int indexed;
    private double logIndexed;

    /** Indexes an item, replacing what was indexed for it before. */
    public void put(int item, String title, List<String> itemAttributes) {
        while (words.size() <= item) {
            words.add(null);
            attributes.add(null);
        }
        if (words.get(item) != null) {
            count(words.get(item), -1);
            count(attributes.get(item), -1);
            indexed--;
        }
        List<String> all = TitleWords.words(title, itemAttributes);
        int[] titleTokens = tokensOf(all, false);
        int[] attributeTokens = tokensOf(all, true);
        words.set(item, titleTokens);
        attributes.set(item, attributeTokens);
        count(titleTokens, 1);
        count(attributeTokens, 1);
        indexed++;
        logIndexed = Math.log(indexed);
        if (item >= years.length) {
            years = Arrays.copyOf(years, Math.max(item + 1, years.length * 2));
        }
        years[item] = releaseYear(title);
    }

    private int[] tokensOf(List<String> all, boolean attribute) {
        return all.stream()
                .filter(w -> w.startsWith(ATTRIBUTE) == attribute)
                .mapToInt(this::token)
                .toArray();
    }

    private int token(String word) {
        int before = tokens.size();
        int token = tokens.of(word);
        if (tokens.size() > before) {
            deadTokens++; // until an item counts it
            if (token >= documentFrequency.length) {
                int grown = Math.max(token + 1, documentFrequency.length * 2);
                documentFrequency = Arrays.copyOf(documentFrequency, grown);
                logDocumentFrequency = Arrays.copyOf(logDocumentFrequency, grown);
            }
            if (word.startsWith(ATTRIBUTE)) {
                attributeTokens++;
            }
        }
        return token;
    }

    private void count(int[] itemTokens, int delta) {
        for (int token : itemTokens) {
            int before = documentFrequency[token];
            documentFrequency[token] += delta;
            if (before == 0) {
                deadTokens--;
            } else if (documentFrequency[token] == 0) {
                deadTokens++;
            }
            logDocumentFrequency[token] = Math.log(Math.max(1, documentFrequency[token]));
        }
    }

    /**
     * Drops the tokens no item has and numbers the others again, in their order, when the dropped
     * would be at least {@link #COMPACT_AT_LEAST} and half of all; returns each old token's new
     * number (-1 for a dropped one), or null when nothing was done. Whoever holds token numbers
     * (users' attribute counts) must translate them.
     */
    int[] compactIfMostlyDead() {
        if (deadTokens < Math.max(COMPACT_AT_LEAST, tokens.size() / 2)) {
            return null;
        }
        int[] toNew = new int[tokens.size()];
        IdIndex live = new IdIndex();
        int[] frequency = new int[Math.max(16, tokens.size() - deadTokens)];
        double[] logFrequency = new double[frequency.length];
        int attributes = 0;
        for (int t = 0; t < toNew.length; t++) {
            if (documentFrequency[t] == 0) {
                toNew[t] = -1;
                continue;
            }
            String word = tokens.id(t);
            toNew[t] = live.of(word);
            frequency[toNew[t]] = documentFrequency[t];
            logFrequency[toNew[t]] = logDocumentFrequency[t];
            attributes += word.startsWith(ATTRIBUTE) ? 1 : 0;
        }
        for (List<int[]> perItem : List.of(words, this.attributes)) {
            for (int[] itemTokens : perItem) {
                for (int k = 0; itemTokens != null && k < itemTokens.length; k++) {
                    itemTokens[k] = toNew[itemTokens[k]];
                }
            }
        }
        tokens = live;
        documentFrequency = frequency;
        logDocumentFrequency = logFrequency;
        attributeTokens = attributes;
        deadTokens = 0;
        return toNew;
    }

    /** The year in the last "(dddd)" of the title, between 1800 and 2200; else {@link #NO_YEAR}. */
    static int releaseYear(String title) {
        Matcher m = YEAR.matcher(title);
        int year = NO_YEAR;
        while (m.find()) {
            int y = Integer.parseInt(m.group(1));
            year = y >= 1800 && y <= 2200 ? y : NO_YEAR;
        }
        return year;
    }

    /** The item's title-word tokens; empty when the catalog has no such item. */
    public int[] words(int item) {
        int[] w = item >= 0 && item < words.size() ? words.get(item) : null;
        return w == null ? NONE : w;
    }

    /** The item's attribute tokens; empty when it has none. */
    public int[] attributes(int item) {
        int[] a = item >= 0 && item < attributes.size() ? attributes.get(item) : null;
        return a == null ? NONE : a;
    }

    /** The release year, {@link #NO_YEAR} when not known. */
    public int releaseYear(int item) {
        return item >= 0 && item < years.length ? years[item] : NO_YEAR;
    }

    /** {@code ln(N / df)} of a token, N being the items indexed. */
    public double idf(int token) {
        return logIndexed - logDocumentFrequency[token];
    }

    /**
     * Each of this content's tokens as {@code mine} numbers it, -1 where {@code mine} has no such
     * word: each subtask numbers words in the order it first read them.
     */
    int[] tokensIn(ItemContent mine) {
        return tokens.indicesIn(mine.tokens);
    }

    /** Distinct tokens (words and attributes): token indices are below this. */
    public int tokens() {
        return tokens.size();
    }

    /**
     * Distinct attributes: those items have, and those no item has any longer that no compaction
     * has dropped yet.
     */
    public int attributeTokens() {
        return attributeTokens;
    }

    /** Items indexed. */
    public int items() {
        return indexed;
    }

    /** The token's word (tests, reports): a title word, or {@code attr:} and the attribute. */
    public String word(int token) {
        return tokens.id(token);
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(tokens.size());
        for (int t = 0; t < tokens.size(); t++) {
            out.writeUTF(tokens.id(t));
        }
        out.writeInt(words.size());
        for (int item = 0; item < words.size(); item++) {
            boolean present = words.get(item) != null;
            out.writeBoolean(present);
            if (present) {
                writeInts(out, words.get(item));
                writeInts(out, attributes.get(item));
                out.writeInt(years[item]);
            }
        }
    }

    /**
     * What {@link #writeTo} wrote, for {@code itemCount} items indexed: content is put for indexed
     * items only, so more is corrupt (counted in every idf until an item indexed later replaces
     * it).
     */
    public static ItemContent readFrom(DataInput in, int itemCount) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("ItemContent format " + format + ", expected " + FORMAT);
        }
        ItemContent content = new ItemContent();
        int tokenCount =
                ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, "ItemContent.tokens");
        for (int t = 0; t < tokenCount; t++) {
            String word = in.readUTF();
            if (content.token(word) != t) {
                throw new IOException("corrupt ItemContent: token " + word + " twice");
            }
        }
        int items = RestoredKeys.readCount(in, "ItemContent.items", itemCount);
        content.years = new int[Math.max(16, items)];
        for (int item = 0; item < items; item++) {
            int[] w = null;
            int[] a = null;
            if (in.readBoolean()) {
                w = readTokens(in, "ItemContent.words", tokenCount);
                a = readTokens(in, "ItemContent.attributes", tokenCount);
                content.years[item] = in.readInt();
                content.count(w, 1);
                content.count(a, 1);
                content.indexed++;
            }
            content.words.add(w);
            content.attributes.add(a);
        }
        content.logIndexed = content.indexed == 0 ? 0.0 : Math.log(content.indexed);
        return content;
    }

    private static void writeInts(DataOutput out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    /**
     * Token numbers, each below {@code tokens}: a compaction maps them through an array that long.
     */
    private static int[] readTokens(DataInput in, String what, int tokens) throws IOException {
        int[] values = readInts(in, what);
        for (int v : values) {
            if (v < 0 || v >= tokens) {
                throw new IOException("corrupt " + what + ": token " + v + " of " + tokens);
            }
        }
        return values;
    }

    private static int[] readInts(DataInput in, String what) throws IOException {
        int[] values =
                new int[ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_LIST_LENGTH, what)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
