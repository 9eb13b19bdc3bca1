package io.streamrec.ranking;

import java.util.Arrays;
import java.util.List;

/**
 * Lists of different lengths padded to one {@code [lists, maxCandidates, features]} block, the
 * shape the DJL pass reads. Padded candidates have zero features and a mask of {@link #PADDING},
 * added to their scores so the softmax gives them no weight. Finite, not {@code -inf}: the loss
 * multiplies log-probabilities by zero target weights, and {@code 0 · -inf} would be NaN.
 */
final class PaddedListBatch {
    static final float PADDING = -1e9f;

    final int lists;
    final int maxCandidates;
    final int features;

    /** {@code [lists, maxCandidates, features]}, zero for padded candidates. */
    final float[] values;

    /** {@code [lists, CONTEXT]}. */
    final float[] context;

    /** {@code [lists, maxCandidates]}: 0 for real candidates, {@link #PADDING} for padded ones. */
    final float[] mask;

    /** {@code [lists, maxCandidates]}: the list's weight at its target, 0 elsewhere. */
    final float[] targetWeight;

    private PaddedListBatch(int lists, int maxCandidates, int features) {
        this.lists = lists;
        this.maxCandidates = maxCandidates;
        this.features = features;
        this.values = new float[lists * maxCandidates * features];
        this.context = new float[lists * FeatureList.CONTEXT];
        this.mask = new float[lists * maxCandidates];
        this.targetWeight = new float[lists * maxCandidates];
    }

    /** Lists to score only: no targets. */
    static PaddedListBatch of(ScorerLayout layout, List<FeatureList> lists) {
        PaddedListBatch batch =
                new PaddedListBatch(lists.size(), maxCandidates(lists), layout.features());
        for (int i = 0; i < lists.size(); i++) {
            ScorerForward.checkFeatures(layout, lists.get(i));
            batch.copy(i, lists.get(i));
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

    private void copy(int i, FeatureList list) {
        System.arraycopy(
                list.values(), 0, values, i * maxCandidates * features, list.values().length);
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
