package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void selectsBestFirstSkippingExcluded() {
        float[] scores = {0.1f, 0.9f, 0.5f, 0.7f, 0.3f, Float.NaN};
        assertThat(TopK.select(scores, 3, Set.of(1))).containsExactly(3, 2, 4);
        assertThat(TopK.select(scores, 10, Set.of())).containsExactly(1, 3, 2, 4, 0);
    }
}
