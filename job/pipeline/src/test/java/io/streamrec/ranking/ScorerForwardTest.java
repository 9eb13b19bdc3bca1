package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float serving pass against the double reference, over block boundaries. */
class ScorerForwardTest {
    private static final ScorerLayout LAYOUT = new ScorerLayout(49);

    @Test
    void theServingPassScoresAsTheReferenceDoes() {
        Random random = new Random(5);
        ScorerForward pass = new ScorerForward(LAYOUT);
        for (int candidates : new int[] {1, 127, 128, 129, 300}) {
            float[] p = RandomLists.parameters(random, LAYOUT);
            FeatureList list = RandomLists.list(random, candidates, LAYOUT.features());
            double[] reference = ScorerForward.scores(LAYOUT, p, list);
            float[] served = pass.score(p, list);
            assertThat(served).hasSize(candidates);
            for (int c = 0; c < candidates; c++) {
                double tolerance = 1e-5 * Math.max(1.0, Math.abs(reference[c]));
                assertThat((double) served[c])
                        .as("candidate %d of %d", c, candidates)
                        .isCloseTo(reference[c], offset(tolerance));
            }
        }
    }
}
