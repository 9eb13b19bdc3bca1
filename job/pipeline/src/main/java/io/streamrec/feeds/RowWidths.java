package io.streamrec.feeds;

import io.streamrec.ps.RowInitializer;
import java.util.HashMap;
import java.util.Map;

/**
 * The weight count this job's rows have, by row kind, as its {@link RowInitializer} makes them
 * (from {@code model.dim} and {@code model.content-dim}). A committed row of another width was
 * written under another {@code model.dim}: the feed skips it rather than let it fail training or
 * scoring deep inside an operator.
 */
final class RowWidths {
    private static final int UNKNOWN = -1;

    private final RowInitializer initializer;
    private final Map<String, Integer> widthByKind = new HashMap<>();

    RowWidths(RowInitializer initializer) {
        this.initializer = initializer;
    }

    /** Null when {@code key}'s row has this job's width, else why it does not. */
    String mismatch(String key, int width) {
        int expected = widthByKind.computeIfAbsent(kind(key), k -> widthOf(key));
        if (expected == UNKNOWN || expected == width) {
            return null;
        }
        return "row "
                + key
                + " has "
                + width
                + " weights, this job's model.dim and model.content-dim make "
                + expected
                + " (written under another model.dim or model.content-dim?)";
    }

    /** Item, user and attribute rows share a width per prefix; dense rows each have their own. */
    private static String kind(String key) {
        int colon = key.indexOf(':');
        return colon > 0 && !key.startsWith("dense:") ? key.substring(0, colon + 1) : key;
    }

    private int widthOf(String key) {
        try {
            return initializer.initialWeights(key).length;
        } catch (IllegalArgumentException e) {
            return UNKNOWN; // a row this initializer does not make: not checked
        }
    }
}
