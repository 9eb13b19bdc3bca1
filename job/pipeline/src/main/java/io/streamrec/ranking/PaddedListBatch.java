package io.streamrec.ranking;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Lists of different lengths padded to one {@code [lists, maxCandidates, features]} block, the
 * shape the DJL pass reads. Padded candidates have zero features and a mask of {@link #PADDING},
 * added to their scores so the softmax gives them no weight. Finite, not {@code -inf}: the loss
 * multiplies log-probabilities by zero target weights, and {@code 0 · -inf} would be NaN.
 *
 * <p>The feature block is not copied into an array of its own: {@link #writeValues} writes it
 * straight into the trainer's direct buffer. A block of 64 lists of 300 candidates is about 4 MB,
 * and making one per training pass was a third of the replay's allocated bytes and, as a humongous
 * object, started a concurrent G1 cycle every few seconds.
 */
final class PaddedListBatch {
    static final float PADDING = -1e9f;

    final int lists;
    final int maxCandidates;
    final int features;

    /** The lists, whose features make the {@code [lists, maxCandidates, features]} block. */
    private final List<FeatureList> source;

    /** {@code [lists, CONTEXT]}. */
    final float[] context;

    /** {@code [lists, maxCandidates]}: 0 for real candidates, {@link #PADDING} for padded ones. */
    final float[] mask;

    /** {@code [lists, maxCandidates]}: the list's weight at its target, 0 elsewhere. */
    final float[] targetWeight;

    private PaddedListBatch(List<FeatureList> source, int maxCandidates, int features) {
        this.source = source;
        this.lists = source.size();
        this.maxCandidates = maxCandidates;
        this.features = features;
        this.context = new float[lists * FeatureList.CONTEXT];
        this.mask = new float[lists * maxCandidates];
        this.targetWeight = new float[lists * maxCandidates];
    }

    /** Lists to score only: no targets. */
    static PaddedListBatch of(ScorerLayout layout, List<FeatureList> lists) {
        PaddedListBatch batch = new PaddedListBatch(lists, maxCandidates(lists), layout.features());
        for (int i = 0; i < lists.size(); i++) {
            ScorerForward.checkFeatures(layout, lists.get(i));
            batch.copyContextAndMask(i, lists.get(i));
        }
        return batch;
    }

    /** Lists with the index of each list's target and each list's weight in the loss. */
    static PaddedListBatch of(
            ScorerLayout layout, List<FeatureList> lists, int[] targets, float[] weights) {
        return of(layout, lists, targets, weights, null);
    }

    /**
     * As {@link #of(ScorerLayout, List, int[], float[])}, with {@code offsets[i][c]} (when not
     * null) added to candidate c's score of list i through the mask: terms of the score the DJL
     * pass does not differentiate ({@link ItemInteraction}).
     */
    static PaddedListBatch of(
            ScorerLayout layout,
            List<FeatureList> lists,
            int[] targets,
            float[] weights,
            float[][] offsets) {
        if (targets.length != lists.size() || weights.length != lists.size()) {
            throw new IllegalArgumentException(
                    lists.size()
                            + " lists, "
                            + targets.length
                            + " targets, "
                            + weights.length
                            + " weights");
        }
        PaddedListBatch batch = of(layout, lists);
        if (offsets != null) {
            for (int i = 0; i < offsets.length; i++) {
                if (offsets[i] != null) {
                    int from = i * batch.maxCandidates;
                    for (int c = 0; c < offsets[i].length; c++) {
                        batch.mask[from + c] += offsets[i][c];
                    }
                }
            }
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= lists.get(i).candidates()) {
                throw new IllegalArgumentException(
                        "target " + targets[i] + " of list " + i + " outside its candidates");
            }
            batch.targetWeight[i * batch.maxCandidates + targets[i]] = weights[i];
        }
        return batch;
    }

    /** Floats in the {@code [lists, maxCandidates, features]} block. */
    int valueCount() {
        return lists * maxCandidates * features;
    }

    /**
     * Writes the {@code [lists, maxCandidates, features]} block at {@code out}'s position, zero for
     * padded candidates (the buffer may hold an earlier batch's values).
     */
    void writeValues(FloatBuffer out) {
        float[] zeros = new float[features];
        for (FeatureList list : source) {
            out.put(list.values());
            for (int c = list.candidates(); c < maxCandidates; c++) {
                out.put(zeros);
            }
        }
    }

    private void copyContextAndMask(int i, FeatureList list) {
        System.arraycopy(list.context(), 0, context, i * FeatureList.CONTEXT, FeatureList.CONTEXT);
        int from = i * maxCandidates;
        Arrays.fill(mask, from + list.candidates(), from + maxCandidates, PADDING);
    }

    private static int maxCandidates(List<FeatureList> lists) {
        if (lists.isEmpty()) {
            throw new IllegalArgumentException("no lists");
        }
        int max = 0;
        for (FeatureList list : lists) {
            if (list.candidates() == 0) {
                throw new IllegalArgumentException("a list without candidates");
            }
            max = Math.max(max, list.candidates());
        }
        return max;
    }
}
