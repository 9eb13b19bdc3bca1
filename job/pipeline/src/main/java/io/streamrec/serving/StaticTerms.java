package io.streamrec.serving;

import io.streamrec.model.ModelConfig;
import java.util.Arrays;

/**
 * The query-independent terms of an item's score, {@code bias + phi[0] * trend term + phi[1] *
 * log(1 + positives)}, where the trend term {@code log(1 + trend decayed to now)} changes with
 * event time. Each item's trend term is cached for a quantum of event time; a per-item upper bound
 * of the terms ({@link #bound}) lets a scan skip items that cannot reach the score it needs.
 */
final class StaticTerms {
    private final RowTable rows;
    private final double trendDecayPerMs;

    /** How long a computed trend term is reused. */
    private final long termsQuantumMs;

    /** How long bounds stay in use: older ones still bound the score but prune less. */
    private final long boundsTtlMs;

    /** The weights of the trend term and the log positives (the dense phi row). */
    private float[] phi;

    /** The trend term per item as of {@link #trendTermTime} (MIN_VALUE: not computed). */
    private float[] trendTerm = new float[0];

    private long[] trendTermTime = new long[0];

    /**
     * Per item, its trend term a quantum before {@link #boundsAt}: at least the term at any later
     * time (the decayed trend only shrinks), so {@link #bound} bounds the terms. A scan computes
     * the exact terms only for items whose bound reaches what it needs.
     */
    private float[] trendBounds = new float[0];

    private long boundsAt = Long.MIN_VALUE;

    StaticTerms(ModelConfig config, float[] phi, RowTable rows) {
        this.rows = rows;
        this.phi = phi;
        this.trendDecayPerMs = config.trendDecayPerMs();
        this.boundsTtlMs = Math.max(1, config.trendHalfLifeMs() / 16);
        // the decayed trend drifts by 0.07% over 1/1024 of a half-life: below what ranking notices
        this.termsQuantumMs = Math.max(1, config.trendHalfLifeMs() / 1024);
    }

    /** Makes room for {@code items} items. */
    void ensureCapacity(int items) {
        if (items <= trendBounds.length) {
            return;
        }
        int capacity = Math.max(16, items + items / 2);
        trendTerm = Arrays.copyOf(trendTerm, capacity);
        trendTermTime = Arrays.copyOf(trendTermTime, capacity);
        trendBounds = Arrays.copyOf(trendBounds, capacity);
    }

    /** Takes a new dense phi row. Bounds read the weights as they are: nothing to recompute. */
    void setWeights(float[] phi) {
        this.phi = phi;
    }

    /** Forgets item i's cached trend term and recomputes its bound (its row changed or is new). */
    void itemChanged(int i) {
        trendTermTime[i] = Long.MIN_VALUE;
        trendBounds[i] = trendBound(i);
    }

    /** Item i's query-independent terms at event time {@code now}. */
    float at(int i, long now) {
        return rows.bias(i) + phi[0] * trendTermAt(i, now) + phi[1] * rows.logPositives(i);
    }

    /**
     * At least {@link #at} at any time from {@link #boundsAt} on: the trend term of {@link
     * #trendBounds} if its weight is positive, else none (the term is never negative). Reads the
     * weights as they are, so a change of them needs no recompute.
     */
    float bound(int i) {
        return rows.bias(i) + Math.max(phi[0], 0f) * trendBounds[i] + phi[1] * rows.logPositives(i);
    }

    /**
     * Recomputes the bounds when {@code now} is before them (they would not bound) or when they are
     * older than {@link #boundsTtlMs}; computed a little before {@code now}, so that events
     * slightly out of order do not force a recompute.
     */
    void refreshBounds(long now) {
        if (boundsAt != Long.MIN_VALUE && now >= boundsAt && now - boundsAt < boundsTtlMs) {
            return;
        }
        boundsAt = now - boundsTtlMs / 16;
        for (int i = 0; i < rows.items(); i++) {
            trendBounds[i] = trendBound(i);
        }
    }

    /**
     * Item i's trend term, reused while event time stays within {@link #termsQuantumMs} of when it
     * was computed: a live catalog is scored many times per quantum, a fast replay moves past it
     * between requests and computes only the items it scores.
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
     * Item i's trend term a quantum before {@link #boundsAt}: a term cached by {@link #trendTermAt}
     * for any time a scan may ask about was computed no earlier than that.
     */
    private float trendBound(int i) {
        return logTrendAt(i, boundsAt == Long.MIN_VALUE ? 0L : boundsAt - termsQuantumMs);
    }

    private float logTrendAt(int i, long now) {
        float trend = rows.trend(i);
        if (trend == 0f) {
            return 0f; // never-interacted items skip the transcendental work
        }
        // log(1 + trend * e^(-decay * age)) = softplus(log(trend) - decay * age)
        return Softplus.of(
                rows.logTrend(i) - Math.max(0, now - rows.trendTime(i)) * trendDecayPerMs);
    }
}
