package io.streamrec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schema.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositiveWeightsTest {

    @Test
    void uniformWeighsEveryEventOneWhateverItsValue() {
        for (EventType type : EventType.values()) {
            assertThat(PositiveWeights.UNIFORM.of(type, 0f)).isEqualTo(1f);
            assertThat(PositiveWeights.UNIFORM.of(type, 7f)).isEqualTo(1f);
        }
        assertThat(PositiveWeights.UNIFORM.of(null, 3f)).isEqualTo(1f);
    }

    @Test
    void typeWeightsApplyAndUnlistedTypesWeighOne() {
        PositiveWeights weights =
                new PositiveWeights(
                        Map.of(EventType.PURCHASE, 3.0, EventType.VIEW, 0.5), false, 10.0);

        assertThat(weights.of(EventType.PURCHASE, 0f)).isEqualTo(3f);
        assertThat(weights.of(EventType.VIEW, 9f)).isEqualTo(0.5f);
        assertThat(weights.of(EventType.CLICK, 9f)).isEqualTo(1f);
        assertThat(weights.of(EventType.RATING, 2f)).isEqualTo(1f); // no rating scaling
    }

    @Test
    void linearRatingWeightingScalesOnlyRatingsByValueOverMaxClamped() {
        PositiveWeights weights = new PositiveWeights(Map.of(EventType.RATING, 2.0), true, 10.0);

        assertThat(weights.of(EventType.RATING, 8f)).isEqualTo(1.6f); // 2 x 8/10
        assertThat(weights.of(EventType.RATING, 10f)).isEqualTo(2f);
        assertThat(weights.of(EventType.RATING, 0f)).isEqualTo(0f);
        assertThat(weights.of(EventType.RATING, 12f)).isEqualTo(2f); // clamped at 1
        assertThat(weights.of(EventType.RATING, -1f)).isEqualTo(0f); // clamped at 0
        assertThat(weights.of(EventType.PURCHASE, 8f)).isEqualTo(1f); // not a rating
        assertThat(weights.of(EventType.RATING, Float.NaN)).isEqualTo(2f); // a rating sent bare
    }

    @Test
    void invalidWeightsAndMaximaAreRejected() {
        assertThatThrownBy(() -> new PositiveWeights(Map.of(EventType.VIEW, -1.0), false, 10.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIEW");
        assertThatThrownBy(() -> new PositiveWeights(Map.of(), true, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratingMax");
        assertThatThrownBy(
                        () -> new PositiveWeights(Map.of(EventType.VIEW, Double.NaN), false, 10.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PositiveWeights(Map.of(EventType.VIEW, 1e39), false, 10.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void survivesJavaSerializationAsPartOfTheModelConfig() throws Exception {
        ModelConfig config =
                new ModelConfig(
                        8,
                        2,
                        3,
                        1000L,
                        1L,
                        0,
                        new PositiveWeights(Map.of(EventType.PURCHASE, 3.0), true, 5.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
    }
}
