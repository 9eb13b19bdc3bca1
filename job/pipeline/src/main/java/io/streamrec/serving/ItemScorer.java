package io.streamrec.serving;

/**
 * Exact scores of items for a query vector {@code q}, {@code q . v(i)} plus the item's static
 * terms, and upper bounds of them that a scan checks before scoring an item.
 */
final class ItemScorer {
    private final int d;
    private final ContentTower content;
    private final StaticTerms statics;

    ItemScorer(int d, ContentTower content, StaticTerms statics) {
        this.d = d;
        this.content = content;
        this.statics = statics;
    }

    /** Item i's exact score for query {@code q} at event time {@code now}. */
    float score(int i, float[] q, long now) {
        float[] v = content.vectors();
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
        return statics.at(i, now) + ((a0 + a1) + (a2 + a3));
    }

    /**
     * At least item i's {@link #score} at any time the static-terms bounds hold for, given {@code
     * queryNorm = }{@link #queryNormBound}{@code (q)}.
     */
    float upperBound(int i, float queryNorm) {
        return statics.bound(i) + queryNorm * content.norm(i);
    }

    /**
     * |q| with room for float rounding: {@link #upperBound} with it is at least the score {@link
     * #score} computes.
     */
    static float queryNormBound(float[] q) {
        float squares = 0f;
        for (float x : q) {
            squares += x * x;
        }
        return (float) Math.sqrt(squares) * 1.0001f;
    }

    /** Below a score by more than this, a bound is below it despite float rounding. */
    static float slack(float score) {
        return 1e-5f * (1f + Math.abs(score));
    }
}
