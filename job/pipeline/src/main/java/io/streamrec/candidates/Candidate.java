package io.streamrec.candidates;

import java.util.EnumSet;
import java.util.Set;

/**
 * An item in a candidate set, with its score and rank (0 = best) in each source it came from. The
 * scores and ranks of a set's candidates share two arrays: a candidate holds its offset and a bit
 * per source that returned it, one entry per such source in source order.
 */
public final class Candidate {
    private static final Source[] SOURCES = Source.values();

    private final String itemId;

    /** The generator's dense index of the item, -1 when not known. */
    private final int item;

    /** The index {@link #item} is in, null when not known. */
    private final IdIndex indexedIn;

    /** Bit {@code s} set when the source of ordinal {@code s} returned the item. */
    private final int mask;

    private final double[] scores;
    private final int[] ranks;
    private final int offset;

    Candidate(
            String itemId,
            int item,
            IdIndex indexedIn,
            int mask,
            double[] scores,
            int[] ranks,
            int offset) {
        this.itemId = itemId;
        this.item = indexedIn == null ? -1 : item;
        this.indexedIn = indexedIn;
        this.mask = mask;
        this.scores = scores;
        this.ranks = ranks;
        this.offset = offset;
    }

    public String itemId() {
        return itemId;
    }

    /**
     * The dense index of the item in the statistics of the generator that made the set, -1 when not
     * known: {@link StatisticsView#item(Candidate)} reads it without hashing the id.
     */
    public int item() {
        return item;
    }

    /**
     * Whether {@link #item} is the item's index in {@code index}: a compare of references, where
     * comparing the ids would read two strings from memory for each candidate.
     */
    boolean indexedIn(IdIndex index) {
        return indexedIn == index && index != null;
    }

    public boolean from(Source source) {
        return (mask & (1 << source.ordinal())) != 0;
    }

    /** The position in the source's list, 0 = best; -1 when the source did not return it. */
    public int rank(Source source) {
        return from(source) ? ranks[entry(source)] : -1;
    }

    /** The source's score, NaN when the source did not return it. */
    public double score(Source source) {
        return from(source) ? scores[entry(source)] : Double.NaN;
    }

    /** Where the source's score and rank are: after those of the sources before it. */
    private int entry(Source source) {
        return offset + Integer.bitCount(mask & ((1 << source.ordinal()) - 1));
    }

    public Set<Source> sources() {
        EnumSet<Source> out = EnumSet.noneOf(Source.class);
        for (Source s : SOURCES) {
            if (from(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return itemId + sources();
    }
}
