package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Per item: the number of events (all-time, n(i)) and counts decayed at the half-lives of {@link
 * Source#decayedPopularity()}, each with a {@link RankedItems} of its top items, and a count
 * decayed at {@link #SHORT_TERM} that only the ranker's features read. State: one counter per item
 * and source, one short-term counter per item, and a ranking of a fixed size per source.
 */
final class ItemPopularity {
    private static final List<Source> DECAYED = Source.decayedPopularity();
    private static final HalfLife[] HALF_LIVES =
            DECAYED.stream().map(Source::halfLife).toArray(HalfLife[]::new);

    /** Per source ordinal: its index among the decayed sources, -1 for the others. */
    private static final int[] DECAYED_INDEX =
            Arrays.stream(Source.values()).mapToInt(DECAYED::indexOf).toArray();

    /**
     * Half-life of the short-term count, a ranker feature only: no source ranks by it, so it has no
     * ranking. Shorter than the 6 h source's, for what is taken right now; 1 h measured the same on
     * MovieTweetings (ranker HR@10 0.2642 over seeds 42, 7 and 1 either way).
     */
    static final HalfLife SHORT_TERM = HalfLife.ofHours(2);

    private static final HalfLife[] SHORT_TERM_ONLY = {SHORT_TERM};

    private final DecayedCounters decayed = new DecayedCounters(HALF_LIVES);
    private final DecayedCounters shortTerm = new DecayedCounters(SHORT_TERM_ONLY);
    private long[] counts = new long[16];
    private int counted;
    private final Map<Source, RankedItems> rankings = new EnumMap<>(Source.class);

    /**
     * @param ranked how many items each source keeps ranked: reads are exact for the top {@code n}
     *     with {@code e} items excluded while {@code n + e <= ranked}
     */
    ItemPopularity(IdIndex items, int ranked) {
        DECAYED.forEach(s -> rankings.put(s, new RankedItems(items, ranked)));
        rankings.put(Source.POPULARITY_ALL_TIME, new RankedItems(items, ranked));
    }

    void add(int item, long t) {
        if (item >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(item + 1, counts.length * 2));
        }
        decayed.add(item, 1.0, t);
        shortTerm.add(item, 1.0, t);
        if (counts[item]++ == 0) {
            counted++;
        }
        rank(item);
    }

    /**
     * Writes the half-lives, then per item its decayed counter and all-time count. The rankings are
     * not written: their keys are functions of those two.
     */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(HALF_LIVES.length);
        for (HalfLife h : HALF_LIVES) {
            out.writeLong(h.millis());
        }
        out.writeInt(decayed.size());
        for (int item = 0; item < decayed.size(); item++) {
            decayed.writeTo(item, out);
            out.writeLong(count(item));
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into this, which must be empty, and ranks the items again;
     * the item index must be read already, {@code itemCount} its items.
     */
    void readFrom(DataInput in, int itemCount) throws IOException {
        if (decayed.size() > 0) {
            throw new IllegalStateException("reading popularity into " + decayed.size() + " items");
        }
        boolean sameHalfLives = in.readInt() == HALF_LIVES.length;
        for (int h = 0; sameHalfLives && h < HALF_LIVES.length; h++) {
            sameHalfLives = in.readLong() == HALF_LIVES[h].millis();
        }
        if (!sameHalfLives) {
            throw new IOException("popularity written at other half-lives than " + DECAYED);
        }
        int size = RestoredKeys.readCount(in, "ItemPopularity.items", itemCount);
        counts = new long[Math.max(16, size)];
        for (int item = 0; item < size; item++) {
            decayed.readNext(in);
            counts[item] = in.readLong();
            if (counts[item] > 0) {
                counted++;
                rank(item);
            }
        }
    }

    /**
     * Writes the short-term half-life, then per item its short-term counter: a section of its own
     * (format version 3), after the sections that versions 1 and 2 wrote.
     */
    void writeShortTermTo(DataOutput out) throws IOException {
        out.writeLong(SHORT_TERM.millis());
        out.writeInt(shortTerm.size());
        for (int item = 0; item < shortTerm.size(); item++) {
            shortTerm.writeTo(item, out);
        }
    }

    /**
     * Reads what {@link #writeShortTermTo} wrote into this, whose short-term counts are empty, for
     * {@code itemCount} items indexed.
     */
    void readShortTermFrom(DataInput in, int itemCount) throws IOException {
        if (shortTerm.size() > 0) {
            throw new IllegalStateException(
                    "reading short-term counts into " + shortTerm.size() + " items");
        }
        long halfLife = in.readLong();
        if (halfLife != SHORT_TERM.millis()) {
            throw new IOException(
                    "short-term counts written at a half-life of "
                            + halfLife
                            + " ms, not "
                            + SHORT_TERM.millis());
        }
        int size = RestoredKeys.readCount(in, "ItemPopularity.shortTermItems", itemCount);
        for (int item = 0; item < size; item++) {
            shortTerm.readNext(in);
        }
    }

    private void rank(int item) {
        for (int h = 0; h < DECAYED.size(); h++) {
            rankings.get(DECAYED.get(h)).put(item, decayed.anchored(item, h));
        }
        rankings.get(Source.POPULARITY_ALL_TIME).put(item, counts[item]);
    }

    /** Whether an event named the item. */
    boolean seen(int item) {
        return count(item) > 0;
    }

    /** The item's events so far, n(i). */
    long count(int item) {
        return item < counts.length ? counts[item] : 0L;
    }

    /** The item's count in a popularity source, decayed to {@code t} for the decayed ones. */
    double score(Source source, int item, long t) {
        return score(DECAYED_INDEX[source.ordinal()], item, t);
    }

    /**
     * @param h index into the decayed sources, -1 for all-time
     */
    private double score(int h, int item, long t) {
        if (h < 0) {
            return count(item);
        }
        return decayed.valueAt(item, h, t);
    }

    /** Reads the item's counters without using them ({@link StatisticsView#readAhead}). */
    double readAhead(int item) {
        return decayed.readAhead(item) + shortTerm.readAhead(item);
    }

    /** The item's count decayed at {@link #SHORT_TERM} to {@code t}; 0 for an unknown item. */
    double shortTerm(int item, long t) {
        return shortTerm.valueAt(item, 0, t);
    }

    /** The {@code n} most popular items in {@code source}, not {@code excluded}, best first. */
    int[] top(Source source, int n, ExcludedItems excluded) {
        return rankings.get(source).top(n, excluded);
    }

    /** The scores of {@code items} in {@code source} at {@code t}. */
    double[] scores(Source source, int[] items, long t) {
        int h = DECAYED_INDEX[source.ordinal()];
        double[] out = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = score(h, items[i], t);
        }
        return out;
    }

    /** Items with at least one event. */
    int items() {
        return counted;
    }
}
