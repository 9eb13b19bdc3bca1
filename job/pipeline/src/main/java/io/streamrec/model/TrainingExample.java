package io.streamrec.model;

/**
 * One positive interaction prepared for training: the user, the positive item, the sampled
 * negatives, the user's recent items before this event, and the item features (see {@link
 * ItemFeatures}) of the positive and of each negative as the worker saw them, and the weight of its
 * loss terms ({@link PositiveWeights}).
 */
public record TrainingExample(
        String eventId,
        String userId,
        String positiveItem,
        String[] negativeItems,
        String[] history,
        float[] positiveFeatures,
        float[][] negativeFeatures,
        long timestamp,
        float weight) {}
