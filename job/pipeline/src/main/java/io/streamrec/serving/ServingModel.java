package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.BprModel;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.RowInitializer;
import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A serving replica of the whole model, laid out for scoring every item: item embeddings, biases
 * and statistics in flat arrays, item content vectors cached until a dense or attribute row
 * changes. Applies a row only if its version is newer than the one it holds, so re-delivered rows
 * are harmless.
 */
public final class ServingModel {
    private final ModelConfig config;
    private final RowInitializer initializer;
    private final ItemCatalog catalog;
    private final int d;

    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> itemIds = new ArrayList<>();
    private float[] itemEmb = new float[0];
    private float[] itemBias = new float[0];
    private long[] positives = new long[0];
    private float[] logPositives = new float[0];
    private float[] trend = new float[0];
    private float[] logTrend = new float[0];
    private long[] trendTime = new long[0];

    /**
     * Per item, its trend term a quantum before {@link #boundsAt}: at least the term at any later
     * time (the decayed trend only shrinks), so {@link #staticBound} bounds the query-independent
     * part of the score. A scan computes the exact terms only for items whose bound reaches what it
     * needs.
     */
    private float[] trendBounds = new float[0];

    private long boundsAt = Long.MIN_VALUE;

    /** The trend term per item as of {@link #trendTermTime} (MIN_VALUE: not computed). */
    private float[] trendTerm = new float[0];

    private long[] trendTermTime = new long[0];

    private final long termsQuantumMs;

    /**
     * |v(i)| per item: with |q| it bounds the dot product (Cauchy-Schwarz), so a scan skips the
     * items that cannot beat the score it needs.
     */
    private float[] norms = new float[0];

    /**
     * Item indices by descending static terms, re-sorted every {@link #SCANS_PER_ORDER} scans:
     * scanning likely winners first raises a top-k's threshold early and ends a rank count early.
     * Any order gives the same answer; items newer than the order are scanned after it.
     */
    private int[] scanOrder = new int[0];

    private int scansSinceOrder;
    private static final int SCANS_PER_ORDER = 256;

    /** Candidate generation for large catalogs (null: every request scores every item). */
    private ItemAnnIndex ann;

    private int annMinItems = Integer.MAX_VALUE;
    private int annCapacity;

    /** Items whose row changed since they were last put into {@link #ann}. */
    private final java.util.BitSet annDirty = new java.util.BitSet();

    /** How long bounds stay in use: older ones still bound the score but prune less. */
    private final long boundsTtlMs;

    private int[][] itemAttributes = new int[0][];
    private float[][] itemVectors = new float[0][];
    private float[] content = new float[0];

    /** v(i) = E[i] + content(i), kept in step with both. */
    private float[] itemVec = new float[0];

    private boolean contentValid;
    private boolean contentComputedOnce;
    private long contentRefreshedAt;
    private static final long CONTENT_REFRESH_NANOS = 1_000_000_000L;

    private final Map<String, Integer> attrIndex = new HashMap<>();
    private final List<float[]> attrVectors = new ArrayList<>();
    private final Map<String, float[]> users = new HashMap<>();
    private final Map<String, Long> userUpdateCounts = new HashMap<>();
    private float[] denseW;
    private float[] denseC;
    private float[] denseU;
    private float[] densePhi;

    private long modelVersion;
    private long userContributions;

    public ServingModel(ModelConfig config, RowInitializer initializer, ItemCatalog catalog) {
        this.config = config;
        this.initializer = initializer;
        this.catalog = catalog;
        this.d = config.dim();
        this.boundsTtlMs = Math.max(1, config.trendHalfLifeMs() / 16);
        // the decayed trend drifts by 0.07% over 1/1024 of a half-life: below what ranking notices
        this.termsQuantumMs = Math.max(1, config.trendHalfLifeMs() / 1024);
        denseW = initializer.initialWeights(RowKeys.DENSE_W);
        denseC = initializer.initialWeights(RowKeys.DENSE_C);
        denseU =
                config.contentDim() > 0
                        ? initializer.initialWeights(RowKeys.DENSE_U)
                        : new float[0];
        densePhi = initializer.initialWeights(RowKeys.DENSE_PHI);
        catalog.ids().forEach(this::itemIndexOf);
    }

    /** Applies a row if it is newer than the held version; returns whether it was applied. */
    public boolean apply(ParameterRow row) {
        String key = row.key();
        Long held = versions.get(key);
        if (held != null && held >= row.version()) {
            return false;
        }
        long previous = held == null ? 0 : held;
        versions.put(key, row.version());
        modelVersion += row.version() - previous;
        if (RowKeys.isItem(key)) {
            int i = itemIndexOf(RowKeys.id(key));
            System.arraycopy(row.weights(), 0, itemEmb, i * d, d);
            updateVector(i);
            itemBias[i] = row.weights()[d];
            positives[i] = row.positives();
            logPositives[i] = (float) Math.log1p(row.positives());
            trend[i] = row.trend();
            logTrend[i] = row.trend() > 0f ? (float) Math.log(row.trend()) : 0f;
            trendTime[i] = row.trendTime();
            trendTermTime[i] = Long.MIN_VALUE;
            annDirty.set(i);
            trendBounds[i] = trendBound(i);
        } else if (RowKeys.isUser(key)) {
            float[] old = users.put(RowKeys.id(key), row.weights());
            userContributions += row.updates() - (old == null ? 0 : userUpdates(key));
            userUpdateCounts.put(key, row.updates());
        } else if (RowKeys.isAttribute(key)) {
            int a = attrIndexOf(RowKeys.id(key));
            attrVectors.set(a, row.weights());
            contentValid = false;
        } else if (key.equals(RowKeys.DENSE_W)) {
            denseW = row.weights();
            contentValid = false;
        } else if (key.equals(RowKeys.DENSE_C)) {
            denseC = row.weights();
            contentValid = false;
        } else if (key.equals(RowKeys.DENSE_PHI)) {
            densePhi = row.weights();
        } else if (key.equals(RowKeys.DENSE_U)) {
            denseU = row.weights();
            contentValid = false;
        }
        return true;
    }

    private long userUpdates(String key) {
        return userUpdateCounts.getOrDefault(key, 0L);
    }

    /** Sum of all row versions held: grows with every applied update. */
    public long modelVersion() {
        return modelVersion;
    }

    /** Sum of the user rows' update counters: the number of events trained into the model. */
    public long userContributions() {
        return userContributions;
    }

    public int items() {
        return itemIds.size();
    }

    public String itemId(int index) {
        return itemIds.get(index);
    }

    /** Index of an item, adding it (with initial weights) if it is new. */
    public int itemIndexOf(String itemId) {
        Integer i = itemIndex.get(itemId);
        if (i != null) {
            return i;
        }
        int n = itemIds.size();
        if (n * d >= itemEmb.length) {
            int cap = Math.max(16, n * 2);
            itemEmb = Arrays.copyOf(itemEmb, cap * d);
            content = Arrays.copyOf(content, cap * d);
            itemVec = Arrays.copyOf(itemVec, cap * d);
            itemBias = Arrays.copyOf(itemBias, cap);
            positives = Arrays.copyOf(positives, cap);
            logPositives = Arrays.copyOf(logPositives, cap);
            trend = Arrays.copyOf(trend, cap);
            logTrend = Arrays.copyOf(logTrend, cap);
            trendTime = Arrays.copyOf(trendTime, cap);
            trendTerm = Arrays.copyOf(trendTerm, cap);
            trendTermTime = Arrays.copyOf(trendTermTime, cap);
            trendBounds = Arrays.copyOf(trendBounds, cap);
            norms = Arrays.copyOf(norms, cap);
            itemAttributes = Arrays.copyOf(itemAttributes, cap);
            itemVectors = Arrays.copyOf(itemVectors, cap);
        }
        itemIndex.put(itemId, n);
        itemIds.add(itemId);
        annDirty.set(n);
        float[] w = initializer.initialWeights(RowKeys.item(itemId));
        System.arraycopy(w, 0, itemEmb, n * d, d);
        itemBias[n] = w[d];
        trendBounds[n] = trendBound(n);
        trendTermTime[n] = Long.MIN_VALUE;
        setContentInputs(n, itemId);
        return n;
    }

    /** Re-reads an item's attributes and content vector from the catalog (after an update). */
    public void refreshItem(String itemId) {
        Integer i = itemIndex.get(itemId);
        if (i == null) {
            itemIndexOf(itemId);
        } else {
            setContentInputs(i, itemId);
        }
    }

    private void setContentInputs(int i, String itemId) {
        itemAttributes[i] =
                catalog.attributes(itemId).stream().mapToInt(this::attrIndexOf).toArray();
        float[] x = catalog.contentVector(itemId);
        itemVectors[i] = x.length == config.contentDim() ? x : new float[0];
        computeContent(i, new float[d], new float[d]);
    }

    private int attrIndexOf(String attr) {
        Integer a = attrIndex.get(attr);
        if (a != null) {
            return a;
        }
        attrIndex.put(attr, attrVectors.size());
        attrVectors.add(initializer.initialWeights(RowKeys.attribute(attr)));
        return attrVectors.size() - 1;
    }

    /**
     * Recomputes the item content vectors after a dense or attribute row changed, at most every
     * {@link #CONTENT_REFRESH_NANOS} (a second): every micro-batch moves the dense rows a little,
     * and recomputing all items per batch cost more than the scoring itself.
     */
    private void refreshContent() {
        if (contentValid
                || (contentComputedOnce
                        && System.nanoTime() - contentRefreshedAt < CONTENT_REFRESH_NANOS)) {
            return;
        }
        contentRefreshedAt = System.nanoTime();
        contentComputedOnce = true;
        float[] pooled = new float[d];
        float[] out = new float[d];
        for (int i = 0; i < itemIds.size(); i++) {
            computeContent(i, pooled, out);
        }
        contentValid = true;
    }

    private void computeContent(int i, float[] pooled, float[] out) {
        Arrays.fill(pooled, 0f);
        int[] attrs = itemAttributes[i];
        for (int a : attrs) {
            float[] v = attrVectors.get(a);
            for (int k = 0; k < d; k++) {
                pooled[k] += v[k] / attrs.length;
            }
        }
        BprModel.content(pooled, itemVectors[i], denseW, denseU, denseC, d, out);
        System.arraycopy(out, 0, content, i * d, d);
        updateVector(i);
    }

    private void updateVector(int i) {
        float squares = 0f;
        for (int k = i * d; k < (i + 1) * d; k++) {
            itemVec[k] = itemEmb[k] + content[k];
            squares += itemVec[k] * itemVec[k];
        }
        norms[i] = (float) Math.sqrt(squares);
    }

    /** The indices of items (adding unknown ones), e.g. the items a user already has. */
    public Set<Integer> indicesOf(String[] itemIds) {
        Set<Integer> indices = new java.util.HashSet<>();
        for (String item : itemIds) {
            indices.add(itemIndexOf(item));
        }
        return indices;
    }

    /** All-time positives of an item as held here (0 for an unknown item). */
    public long positivesOf(String itemId) {
        Integer i = itemIndex.get(itemId);
        return i == null ? 0 : positives[i];
    }

    /** Whether the user has a trained row. */
    public boolean knowsUser(String userId) {
        return users.containsKey(userId);
    }

    /**
     * Scores every item for a user whose interacted items are {@code userItems} (oldest first), at
     * event time {@code now}. Returns one score per item index.
     */
    public float[] score(String userId, String[] userItems, long now) {
        float[] q = query(userId, userItems);
        int n = itemIds.size();
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = scoreOf(i, q, now);
        }
        return scores;
    }

    /**
     * The position (0 = best) item {@code target} would take in this user's exact top {@code k}, or
     * -1 when it would not be in it: the same answer as {@link TopK#rankOf} over {@link #score},
     * without the score array, stopping once {@code k} items rank before it. Prequential evaluation
     * asks this once per event; most targets are far from the top, so most scans stop early.
     */
    public int rankOf(
            String userId, String[] userItems, long now, int target, int k, Set<Integer> excluded) {
        if (excluded.contains(target)) {
            return -1;
        }
        float[] q = query(userId, userItems);
        refreshBounds(now);
        float t = scoreOf(target, q, now);
        if (Float.isNaN(t)) {
            return -1;
        }
        float qNorm = boundFactor(q);
        float needed = t - slack(t);
        int before = 0;
        int[] order = scanOrder();
        int n = itemIds.size();
        for (int j = 0; j < n; j++) {
            int i = j < order.length ? order[j] : j;
            if (staticBound(i) + qNorm * norms[i] < needed) {
                continue; // cannot reach the target's score
            }
            float s = scoreOf(i, q, now);
            if (TopK.ranksBefore(s, i, t, target) && !excluded.contains(i) && ++before == k) {
                return -1;
            }
        }
        return before;
    }

    /**
     * Approximate retrieval from {@link #useAnnFrom} items on: uses the HNSW index for ten times
     * {@code k} candidates (plus the excluded items' count) and ranks them by their exact score;
     * below that size, or without it, every item is scored. Returns the top {@code k} item indices,
     * best first, skipping {@code excluded}, with their exact scores.
     */
    public Ranked topK(String userId, String[] userItems, long now, int k, Set<Integer> excluded) {
        if (itemIds.size() < annMinItems) {
            return exactTopK(userId, userItems, now, k, excluded);
        }
        float[] q = query(userId, userItems);
        refreshBounds(now);
        refreshAnn();
        int[] candidates = ann.candidates(q, Math.max(100, 10 * k + excluded.size()));
        float[] scores = new float[candidates.length];
        for (int c = 0; c < candidates.length; c++) {
            scores[c] = scoreOf(candidates[c], q, now);
        }
        Set<Integer> excludedPositions = new java.util.HashSet<>();
        for (int c = 0; c < candidates.length; c++) {
            if (excluded.contains(candidates[c])) {
                excludedPositions.add(c);
            }
        }
        int[] top = TopK.select(scores, k, excludedPositions);
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topScores[i] = scores[top[i]];
            top[i] = candidates[top[i]];
        }
        return new Ranked(top, topScores);
    }

    /**
     * The exact top k, as {@link TopK#select} over {@link #score} would pick them (ties to the
     * lower index). A few likely winners (the head of {@link #scanOrder}) give a first k-th best
     * score; then one pass in index order, memory-friendly for large catalogs, scores only the
     * items whose bound reaches the current k-th best.
     */
    private Ranked exactTopK(
            String userId, String[] userItems, long now, int k, Set<Integer> excluded) {
        float[] q = query(userId, userItems);
        refreshBounds(now);
        float qNorm = boundFactor(q);
        int n = itemIds.size();
        float needed = seedThreshold(q, now, k, excluded);
        TopK.Best best = new TopK.Best(k);
        for (int i = 0; i < n; i++) {
            if (staticBound(i) + qNorm * norms[i] < needed) {
                continue;
            }
            float s = scoreOf(i, q, now);
            if (!best.wouldTake(s, i) || excluded.contains(i) || Float.isNaN(s)) {
                continue;
            }
            best.offer(i, s);
            if (best.full()) {
                needed = Math.max(needed, best.lowestScore() - slack(best.lowestScore()));
            }
        }
        return new Ranked(best.items(), best.scores());
    }

    /**
     * A score every item of the top k reaches (less a rounding slack): the k-th best among the
     * first {@code 32 k} items of the scan order, or minus infinity when they hold fewer than k
     * eligible items. Any k items that score at least s leave no place for an item below s.
     */
    private float seedThreshold(float[] q, long now, int k, Set<Integer> excluded) {
        int[] order = scanOrder();
        int seeds = Math.min(order.length, 32 * k);
        float[] scores = new float[seeds];
        int eligible = 0;
        for (int j = 0; j < seeds; j++) {
            int i = order[j];
            float s = scoreOf(i, q, now);
            if (!excluded.contains(i) && !Float.isNaN(s)) {
                scores[eligible++] = s;
            }
        }
        if (eligible < k) {
            return Float.NEGATIVE_INFINITY;
        }
        Arrays.sort(scores, 0, eligible);
        float kth = scores[eligible - k];
        return kth - slack(kth);
    }

    private int[] scanOrder() {
        int n = itemIds.size();
        if (scansSinceOrder++ < SCANS_PER_ORDER && scanOrder.length > n / 2) {
            return scanOrder;
        }
        scansSinceOrder = 0;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // float bits made to sort as the floats do, negated for descending order
            int bits = Float.floatToIntBits(staticBound(i));
            bits ^= (bits >> 31) & 0x7fffffff;
            keys[i] = (-(long) bits - 1) << 32 | i;
        }
        Arrays.sort(keys);
        scanOrder = new int[n];
        for (int j = 0; j < n; j++) {
            scanOrder[j] = (int) keys[j];
        }
        return scanOrder;
    }

    /**
     * |q| with room for float rounding: staticBound(i) + boundFactor(q) * |v(i)| is at least the
     * score {@link #scoreOf} computes for item i.
     */
    private float boundFactor(float[] q) {
        float squares = 0f;
        for (float x : q) {
            squares += x * x;
        }
        return (float) Math.sqrt(squares) * 1.0001f;
    }

    /** Below a score by more than this, a bound is below it despite float rounding. */
    private static float slack(float score) {
        return 1e-5f * (1f + Math.abs(score));
    }

    /** Item indices, best first, and their scores. */
    public record Ranked(int[] items, float[] scores) {}

    /** Serve requests through the approximate index once the catalog has {@code minItems}. */
    public void useAnnFrom(int minItems) {
        this.annMinItems = minItems;
    }

    /**
     * Builds the index on first use, then re-puts items whose rows changed (at most 5,000 per
     * request, spreading the cost). Global drift of the content tower is not re-indexed: it moves
     * every item a little, and candidates are rescored exactly anyway.
     */
    private void refreshAnn() {
        refreshContent();
        int n = itemIds.size();
        if (ann == null || n > annCapacity) {
            float[] statics = new float[n];
            double maxNorm = 0;
            for (int i = 0; i < n; i++) {
                statics[i] = staticBound(i);
                double norm = statics[i] * statics[i];
                for (int k = 0; k < d; k++) {
                    norm += itemVec[i * d + k] * itemVec[i * d + k];
                }
                maxNorm = Math.max(maxNorm, Math.sqrt(norm));
            }
            // norms that grow later are clamped: their extra component becomes 0
            annCapacity = Math.max(16, 2 * n);
            ann = new ItemAnnIndex(d, annCapacity, (float) maxNorm);
            try {
                ann.putAll(itemVec, statics, n, Runtime.getRuntime().availableProcessors());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted building the item index", e);
            }
            annDirty.clear();
            return;
        }
        int refreshed = 0;
        for (int i = annDirty.nextSetBit(0);
                i >= 0 && refreshed < 5000;
                i = annDirty.nextSetBit(i + 1)) {
            ann.put(i, itemVec, i * d, staticBound(i));
            annDirty.clear(i);
            refreshed++;
        }
    }

    /** The query-independent terms of item i's score at event time {@code now}. */
    private float staticTerms(int i, long now) {
        return itemBias[i] + densePhi[0] * trendTermAt(i, now) + densePhi[1] * logPositives[i];
    }

    /**
     * Item i's trend term at {@code now}, reused while event time stays within {@link
     * #termsQuantumMs} of when it was computed: a live catalog is scored many times per quantum, a
     * fast replay moves past it between requests and computes only the items it scores.
     */
    private float trendTermAt(int i, long now) {
        long at = trendTermTime[i];
        if (at != Long.MIN_VALUE && Math.abs(now - at) < termsQuantumMs) {
            return trendTerm[i];
        }
        float term = logTrendAt(i, now);
        trendTerm[i] = term;
        trendTermTime[i] = now;
        return term;
    }

    /**
     * At least {@link #staticTerms} at any time from {@link #boundsAt} on: the trend term of {@link
     * #trendBounds} if its weight is positive, else none (the term is never negative). Reads the
     * weights as they are, so a change of them needs no recompute.
     */
    private float staticBound(int i) {
        return itemBias[i]
                + Math.max(densePhi[0], 0f) * trendBounds[i]
                + densePhi[1] * logPositives[i];
    }

    /**
     * Item i's trend term a quantum before {@link #boundsAt}: a term cached by {@link #trendTermAt}
     * for any time a scan may ask about was computed no earlier than that.
     */
    private float trendBound(int i) {
        return logTrendAt(i, boundsAt == Long.MIN_VALUE ? 0L : boundsAt - termsQuantumMs);
    }

    /** The user's query vector: id embedding plus the mean of the recent items' vectors. */
    private float[] query(String userId, String[] userItems) {
        refreshContent();
        float[] q = users.get(userId);
        q = q == null ? initializer.initialWeights(RowKeys.user(userId)).clone() : q.clone();
        int h = Math.min(config.historyLength(), userItems.length);
        for (int j = userItems.length - h; j < userItems.length; j++) {
            int i = itemIndexOf(userItems[j]);
            for (int k = 0; k < d; k++) {
                q[k] += itemVec[i * d + k] / h;
            }
        }
        return q;
    }

    /**
     * An item's exact score for query {@code q} at event time {@code now}: dot product, bias, trend
     * and popularity terms.
     */
    private float scoreOf(int i, float[] q, long now) {
        float[] v = itemVec;
        int base = i * d;
        // four independent sums: the JIT keeps them in registers and overlaps the multiplies
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        int k = 0;
        for (; k + 3 < d; k += 4) {
            a0 += q[k] * v[base + k];
            a1 += q[k + 1] * v[base + k + 1];
            a2 += q[k + 2] * v[base + k + 2];
            a3 += q[k + 3] * v[base + k + 3];
        }
        for (; k < d; k++) {
            a0 += q[k] * v[base + k];
        }
        return staticTerms(i, now) + ((a0 + a1) + (a2 + a3));
    }

    /**
     * Recomputes the bounds when {@code now} is before them (they would not bound) or when they are
     * older than {@link #boundsTtlMs}; computed a little before {@code now}, so that events
     * slightly out of order do not force a recompute.
     */
    private void refreshBounds(long now) {
        if (boundsAt != Long.MIN_VALUE && now >= boundsAt && now - boundsAt < boundsTtlMs) {
            return;
        }
        boundsAt = now - boundsTtlMs / 16;
        for (int i = 0; i < itemIds.size(); i++) {
            trendBounds[i] = trendBound(i);
        }
    }

    private float logTrendAt(int i, long now) {
        if (trend[i] == 0f) {
            return 0f; // never-interacted items skip the transcendental work
        }
        // log(1 + trend * e^(-decay * age)) = softplus(log(trend) - decay * age)
        return Softplus.of(
                logTrend[i] - Math.max(0, now - trendTime[i]) * config.trendDecayPerMs());
    }

    /** All-time interaction counts per item index (the popularity baseline's scores). */
    public float[] popularityScores() {
        float[] s = new float[itemIds.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = positives[i];
        }
        return s;
    }

    /**
     * Log of the decayed counts, up to a shared constant: ranking by {@code ln(trend) + t * decay}
     * equals ranking by the counts decayed to any common time.
     */
    public float[] trendingScores(double decayPerMs) {
        float[] s = new float[itemIds.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] =
                    trend[i] <= 0f
                            ? Float.NEGATIVE_INFINITY
                            : (float) (logTrend[i] + (trendTime[i] - 1.3e12) * decayPerMs);
        }
        return s;
    }
}
