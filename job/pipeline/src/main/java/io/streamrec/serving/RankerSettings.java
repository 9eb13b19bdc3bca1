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
 */
public record RankerSettings(double learningRate, List<FeatureFamily> switchedOffFamilies)
        implements Serializable {

    public RankerSettings {
        switchedOffFamilies = List.copyOf(switchedOffFamilies);
    }

    Set<FeatureFamily> switchedOff() {
        return switchedOffFamilies.isEmpty()
                ? EnumSet.noneOf(FeatureFamily.class)
                : EnumSet.copyOf(switchedOffFamilies);
    }
}
