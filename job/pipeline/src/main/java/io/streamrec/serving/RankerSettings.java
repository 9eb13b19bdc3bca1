package io.streamrec.serving;

import io.streamrec.ranking.FeatureFamily;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the learned ranker.
 *
 * @param learningRate AdaGrad learning rate of the scorer
 * @param switchedOff feature families left out (ablations)
 * @param itemTextVectors language-model vectors of the catalog items' texts, for the text-vector
 *     source and the TEXT features ({@code ranker.item-text-vectors})
 */
public record RankerSettings(
        double learningRate, List<FeatureFamily> switchedOffFamilies, boolean itemTextVectors)
        implements Serializable {

    public RankerSettings {
        switchedOffFamilies = List.copyOf(switchedOffFamilies);
    }

    /** Without item text vectors. */
    public RankerSettings(double learningRate, List<FeatureFamily> switchedOffFamilies) {
        this(learningRate, switchedOffFamilies, false);
    }

    Set<FeatureFamily> switchedOff() {
        return switchedOffFamilies.isEmpty()
                ? EnumSet.noneOf(FeatureFamily.class)
                : EnumSet.copyOf(switchedOffFamilies);
    }
}
