package io.streamrec.schema;

import java.util.Locale;

/** Kinds of user behaviour. Every kind counts as a positive implicit interaction. */
public enum EventType {
    VIEW,
    CLICK,
    CART,
    PURCHASE,
    RATING;

    /** Parses a type name case-insensitively; returns null for an unknown name. */
    public static EventType parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
