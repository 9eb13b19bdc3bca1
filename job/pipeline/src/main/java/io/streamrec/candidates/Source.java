package io.streamrec.candidates;

import java.util.List;
import java.util.Locale;

/** The candidate sources, in the order a candidate set lists them. */
public enum Source {
    POPULARITY_6H(HalfLife.ofHours(6)),
    POPULARITY_1D(HalfLife.ofDays(1)),
    POPULARITY_7D(HalfLife.ofDays(7)),
    POPULARITY_30D(HalfLife.ofDays(30)),
    POPULARITY_ALL_TIME(null),
    /** Co-occurrence and transitions from the user's last items. */
    ITEM_TO_ITEM(null),
    /** Recent items of the users most similar to this one. */
    SIMILAR_USERS(null),
    /** Items sharing rare title words or attributes with the user's last items. */
    TITLE_WORDS(null),
    /**
     * Nearest items by language-model text vector to the user's recent items' mean vector (only
     * when item text vectors are on).
     */
    TEXT_VECTORS(null);

    private static final List<Source> DECAYED_POPULARITY =
            List.of(POPULARITY_6H, POPULARITY_1D, POPULARITY_7D, POPULARITY_30D);

    private final HalfLife halfLife;

    Source(HalfLife halfLife) {
        this.halfLife = halfLife;
    }

    /** The decay of a decayed-popularity source, null for the others. */
    public HalfLife halfLife() {
        return halfLife;
    }

    /** The decayed-popularity sources, shortest half-life first. */
    public static List<Source> decayedPopularity() {
        return DECAYED_POPULARITY;
    }

    /** The decayed-popularity source whose half-life is nearest {@code halfLifeMs} (by ratio). */
    public static Source decayedPopularityNearest(long halfLifeMs) {
        Source nearest = null;
        double best = Double.MAX_VALUE;
        for (Source s : DECAYED_POPULARITY) {
            double distance = Math.abs(Math.log((double) s.halfLife.millis() / halfLifeMs));
            if (distance < best) {
                best = distance;
                nearest = s;
            }
        }
        return nearest;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
