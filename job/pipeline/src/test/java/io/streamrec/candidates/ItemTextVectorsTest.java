package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ItemTextVectorsTest {
    private final FixedTextEncoder encoder =
            new FixedTextEncoder(
                    Map.of(
                            "x", new float[] {3f, 4f, 0f},
                            "y", new float[] {0f, 2f, 0f},
                            "z", new float[] {0f, 0f, 1f}));

    @Test
    void theTextIsTheTitleThenTheAttributes() {
        assertThat(ItemTextVectors.text("Heat (1995)", List.of("Crime", "Thriller")))
                .isEqualTo("Heat (1995). Crime, Thriller");
        assertThat(ItemTextVectors.text(" Heat (1995) ", List.of())).isEqualTo("Heat (1995)");
    }

    @Test
    void encodesOnlyNewOrChangedTextsAndMakesTheEncoderAtTheFirst() {
        AtomicInteger made = new AtomicInteger();
        ItemTextVectors vectors = countingEncoders(made);
        vectors.putAll(new int[0], List.of());
        vectors.put(0, "");
        assertThat(made).hasValue(0);
        vectors.putAll(new int[] {0, 1}, List.of("x", "y"));
        vectors.put(0, "x");
        vectors.put(1, "z");
        assertThat(made).hasValue(1);
        assertThat(encoder.encoded()).containsExactly("x", "y", "z");
        assertThat(vectors.encoded()).isEqualTo(3);
        assertThat(vectors.items()).isEqualTo(2);
        assertThat(vectors.vector(0)).containsExactly(0.6f, 0.8f, 0f);
        assertThat(vectors.vector(1)).containsExactly(0f, 0f, 1f);
        assertThat(vectors.vector(2)).isNull();
        assertThat(vectors.vector(-1)).isNull();
    }

    /**
     * A text without a letter or digit is not encoded (the language model refuses what it reads as
     * blank), and a text the encoder refuses leaves only its item without a vector: an exception
     * would fail serving at every restart, the catalog being read from its start.
     */
    @Test
    void textsTheEncoderWouldRefuseLeaveTheirItemWithoutAVector() {
        ItemTextVectors vectors = new ItemTextVectors(() -> encoder);
        vectors.putAll(new int[] {0, 1}, List.of("\u0001", "\u00a0\u200b"));
        assertThat(encoder.encoded()).isEmpty();

        // "refused" has no vector in the fixed encoder, which then throws as the model does
        vectors.putAll(new int[] {2, 3, 4}, List.of("x", "refused", "y"));

        assertThat(vectors.vector(0)).isNull();
        assertThat(vectors.vector(2)).containsExactly(0.6f, 0.8f, 0f);
        assertThat(vectors.vector(3)).isNull();
        assertThat(vectors.vector(4)).containsExactly(0f, 1f, 0f);
        assertThat(vectors.items()).isEqualTo(2);
    }

    /** The encoder's native memory is freed by a close only: the vectors' owner closes it. */
    @Test
    void closingTheEncoderClosesItOnceAndALaterTextLoadsItAgain() {
        AtomicInteger made = new AtomicInteger();
        ItemTextVectors vectors = countingEncoders(made);
        vectors.put(0, "x");
        assertThat(vectors.encoderLoaded()).isTrue();
        vectors.closeEncoder();
        vectors.closeEncoder();
        assertThat(encoder.closed()).isEqualTo(1);
        assertThat(vectors.encoderLoaded()).isFalse();
        vectors.put(1, "y");
        assertThat(made).hasValue(2);
    }

    /** Vectors whose encoder factory counts in {@code made} how often it was called. */
    private ItemTextVectors countingEncoders(AtomicInteger made) {
        return new ItemTextVectors(
                () -> {
                    made.incrementAndGet();
                    return encoder;
                });
    }

    @Test
    void recentMeanIsTheUnitDecayWeightedSumOfTheItemsWithAVector() {
        ItemTextVectors vectors = new ItemTextVectors(() -> encoder);
        vectors.set(0, "a", new float[] {1f, 0f, 0f});
        vectors.set(1, "b", new float[] {0f, 5f, 0f});
        // item 2 has no vector: its weight 0.5 is skipped, item 1 keeps 0.25
        float[] mean = vectors.recentMean(new int[] {0, 2, 1}, 0.5);
        double norm = Math.sqrt(1 + 0.25 * 0.25);
        assertThat(mean[0]).isCloseTo((float) (1 / norm), within(1e-6f));
        assertThat(mean[1]).isCloseTo((float) (0.25 / norm), within(1e-6f));
        assertThat(mean[2]).isZero();
        assertThat(vectors.recentMean(new int[] {2, 7}, 0.5)).isNull();
        assertThat(vectors.recentMean(new int[0], 0.5)).isNull();
    }

    @Test
    void dotOfUnitVectorsIsTheirCosine() {
        float[] a = ItemTextVectors.normalised(new float[] {1f, 2f, 3f, 4f, 5f});
        float[] b = ItemTextVectors.normalised(new float[] {5f, 4f, 3f, 2f, 1f});
        assertThat(ItemTextVectors.dot(a, b)).isCloseTo(35.0 / 55.0, within(1e-6));
        assertThat(ItemTextVectors.normalised(new float[] {0f, 0f})).containsExactly(0f, 0f);
    }
}
