package io.streamrec.serving;

import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows a serving replica holds and the version of each: item rows in flat arrays by item index
 * (so a scan over every item reads memory in order), user rows by user id. A row is taken only if
 * its version is newer than the one held, so re-delivered rows are harmless.
 */
final class RowTable {
    private static final int ASKED_SLOTS = 1 << 13;

    private final int d;
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> itemIds = new ArrayList<>();

    /**
     * Ids asked for lately and their indices, direct-mapped by hash and matched by identity: the
     * learned ranker asks with the statistics' own id strings, the same objects at every event, so
     * a hit costs one read of the string's cached hash instead of a map entry, a key compare and a
     * boxed index (about 4% of serving's task thread). An index never changes once given.
     */
    private final String[] askedIds = new String[ASKED_SLOTS];

    private final int[] askedIndices = new int[ASKED_SLOTS];

    /** Item i's embedding E[i] at {@code [i * d, (i + 1) * d)}. */
    private float[] embeddings = new float[0];

    private float[] bias = new float[0];
    private long[] positives = new long[0];
    private float[] logPositives = new float[0];
    private float[] trend = new float[0];
    private float[] logTrend = new float[0];
    private long[] trendTime = new long[0];

    /** Item i's row version at {@code i}, 0 while no row of it was taken (versions start at 1). */
    private long[] itemVersions = new long[0];

    /**
     * User rows by user id, version and update count with the weights: one map entry per user and
     * no second copy of the key, since user rows are most of a replica's entries.
     */
    private final Map<String, UserRow> users = new HashMap<>();

    private long modelVersion;
    private long userContributions;

    RowTable(int d) {
        this.d = d;
    }

    private record UserRow(float[] weights, long version, long updates) {}

    /**
     * Records the version of a row other than a user's or an item's if it is newer than the held
     * one; returns whether it was.
     */
    boolean takeVersion(ParameterRow row) {
        Long held = versions.get(row.key());
        if (held != null && held >= row.version()) {
            return false;
        }
        versions.put(row.key(), row.version());
        modelVersion += row.version() - (held == null ? 0 : held);
        return true;
    }

    /** Records item i's row version if it is newer than the held one; returns whether it was. */
    boolean takeItemVersion(int i, long version) {
        long held = itemVersions[i];
        if (held != 0 && held >= version) {
            return false;
        }
        itemVersions[i] = version;
        modelVersion += version - held;
        return true;
    }

    /** The index of a known item, or null. */
    Integer indexOf(String itemId) {
        return itemIndex.get(itemId);
    }

    /** The index of a known item, or -1: {@link #indexOf} through the ids asked for lately. */
    int askIndex(String itemId) {
        int slot = itemId.hashCode() & (ASKED_SLOTS - 1);
        if (askedIds[slot] == itemId) {
            return askedIndices[slot];
        }
        Integer known = itemIndex.get(itemId);
        if (known == null) {
            return -1;
        }
        askedIds[slot] = itemId;
        askedIndices[slot] = known;
        return known;
    }

    /** Adds an item with its initial weights (embedding, then bias); returns its index. */
    int addItem(String itemId, float[] initialWeights) {
        int i = itemIds.size();
        if (i == bias.length) {
            grow(Math.max(16, i + i / 2));
        }
        itemIndex.put(itemId, i);
        itemIds.add(itemId);
        System.arraycopy(initialWeights, 0, embeddings, i * d, d);
        bias[i] = initialWeights[d];
        return i;
    }

    private void grow(int capacity) {
        embeddings = Arrays.copyOf(embeddings, capacity * d);
        bias = Arrays.copyOf(bias, capacity);
        positives = Arrays.copyOf(positives, capacity);
        logPositives = Arrays.copyOf(logPositives, capacity);
        trend = Arrays.copyOf(trend, capacity);
        logTrend = Arrays.copyOf(logTrend, capacity);
        trendTime = Arrays.copyOf(trendTime, capacity);
        itemVersions = Arrays.copyOf(itemVersions, capacity);
    }

    /** Puts an item row (embedding and bias, counts, trend) at item index i. */
    void putItem(int i, ParameterRow row) {
        System.arraycopy(row.weights(), 0, embeddings, i * d, d);
        bias[i] = row.weights()[d];
        positives[i] = row.positives();
        logPositives[i] = (float) Math.log1p(row.positives());
        trend[i] = row.trend();
        logTrend[i] = row.trend() > 0f ? (float) Math.log(row.trend()) : 0f;
        trendTime[i] = row.trendTime();
    }

    /** Puts a user row if it is newer than the held one; returns whether it was. */
    boolean putUser(String userId, ParameterRow row) {
        UserRow old = users.get(userId);
        if (old != null && old.version() >= row.version()) {
            return false;
        }
        users.put(userId, new UserRow(row.weights(), row.version(), row.updates()));
        modelVersion += row.version() - (old == null ? 0 : old.version());
        userContributions += row.updates() - (old == null ? 0 : old.updates());
        return true;
    }

    /**
     * Drops a forgotten user's row and its version, so the user's next row (version 1 again) is
     * taken. The model version, a sum that only grows, keeps what the row added.
     */
    void removeUser(String userId) {
        UserRow old = users.remove(userId);
        if (old != null) {
            userContributions -= old.updates();
        }
    }

    /** The user's trained row, or null. */
    float[] user(String userId) {
        UserRow row = users.get(userId);
        return row == null ? null : row.weights();
    }

    /** Sum of all row versions held: grows with every applied update. */
    long modelVersion() {
        return modelVersion;
    }

    /** Sum of the user rows' update counters: the number of events trained into the model. */
    long userContributions() {
        return userContributions;
    }

    int items() {
        return itemIds.size();
    }

    String itemId(int i) {
        return itemIds.get(i);
    }

    /** All item embeddings, item i's at {@code i * d}; replaced when the table grows. */
    float[] embeddings() {
        return embeddings;
    }

    float bias(int i) {
        return bias[i];
    }

    long positives(int i) {
        return positives[i];
    }

    float logPositives(int i) {
        return logPositives[i];
    }

    /** The item's trend count as of {@link #trendTime} (0: never interacted). */
    float trend(int i) {
        return trend[i];
    }

    /** ln of {@link #trend} (0 when the trend is 0). */
    float logTrend(int i) {
        return logTrend[i];
    }

    long trendTime(int i) {
        return trendTime[i];
    }

    /**
     * All-time interaction counts per item index (the popularity baseline's scores), written into
     * {@code into} when it has one entry per item (evaluation asks once per batch, so reusing the
     * array spares an item-count array of garbage each time), else into a new array.
     */
    float[] popularityScores(float[] into) {
        float[] s = sized(into);
        for (int i = 0; i < s.length; i++) {
            s[i] = positives[i];
        }
        return s;
    }

    /**
     * Log of the decayed counts, up to a shared constant: ranking by {@code ln(trend) + t * decay}
     * equals ranking by the counts decayed to any common time. Into {@code into} as {@link
     * #popularityScores}.
     */
    float[] trendingScores(double decayPerMs, float[] into) {
        float[] s = sized(into);
        for (int i = 0; i < s.length; i++) {
            s[i] =
                    trend[i] <= 0f
                            ? Float.NEGATIVE_INFINITY
                            : (float) (logTrend[i] + (trendTime[i] - 1.3e12) * decayPerMs);
        }
        return s;
    }

    private float[] sized(float[] into) {
        return into != null && into.length == items() ? into : new float[items()];
    }
}
