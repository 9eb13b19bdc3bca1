package io.streamrec.ranking;

/** Groups of {@link Feature}s, the unit an ablation switches off. */
public enum FeatureFamily {
    /** Decayed and all-time event counts, the shrunk mean rating. */
    POPULARITY,
    /** The item's age, idle time and release age. */
    RECENCY,
    /** Co-occurrence and transitions with the user's latest items. */
    SEQUENCE,
    /** Support from the user's similar users. */
    NEIGHBOURS,
    /** Attributes, title words and release year against the user's latest items. */
    CONTENT,
    /** How the item fits what this user usually takes: attributes, popularity, age. */
    USER_FIT,
    /** Where each candidate source ranked the item. */
    SOURCES,
    /** The factorization model's score. */
    FACTORIZATION,
    /** Language-model text vectors against the user's latest items (zero when they are off). */
    TEXT
}
