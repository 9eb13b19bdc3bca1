package io.streamrec.candidates;

import java.util.EnumSet;
import java.util.Set;

/** An item in a candidate set, with its score and rank (0 = best) in each source it came from. */
public final class Candidate {
    private static final Source[] SOURCES = Source.values();

    private final String itemId;

    /** The generator's dense index of the item, -1 when not known. */
    private final int item;

    private final double[] scores = new double[SOURCES.length];

    /** Rank + 1 per source, 0 where the source did not return the item. */
    private final int[] places = new int[SOURCES.length];

    Candidate(String itemId) {
        this(itemId, -1);
    }

    Candidate(String itemId, int item) {
        this.itemId = itemId;
        this.item = item;
    }

    void found(Source source, int rank, double score) {
        places[source.ordinal()] = rank + 1;
        scores[source.ordinal()] = score;
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

    public boolean from(Source source) {
        return places[source.ordinal()] > 0;
    }

    /** The position in the source's list, 0 = best; -1 when the source did not return it. */
    public int rank(Source source) {
        return places[source.ordinal()] - 1;
    }

    /** The source's score, NaN when the source did not return it. */
    public double score(Source source) {
        return from(source) ? scores[source.ordinal()] : Double.NaN;
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
