package io.streamrec.schema;

/** Kinds of user behaviour. Every kind counts as a positive implicit interaction. */
public enum EventType {
    VIEW,
    CLICK,
    CART,
    PURCHASE,
    RATING;

    private static final EventType[] VALUES = values();

    /**
     * Parses a type name in any ASCII case; returns null for anything else. Only ASCII: Unicode
     * case mapping would take "rating" spelt with a dotless i, or "click" with a Kelvin sign for
     * its k, for a name. Nothing around the name either: blanks make an invalid type, as they make
     * an invalid id.
     */
    public static EventType parse(String name) {
        if (name == null || !isAscii(name)) {
            return null;
        }
        for (EventType type : VALUES) {
            if (type.name().equalsIgnoreCase(name)) {
                return type;
            }
        }
        return null;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
