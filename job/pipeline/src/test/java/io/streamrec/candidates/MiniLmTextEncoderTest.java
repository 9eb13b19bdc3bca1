package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2, from its Maven Central jar, offline on the CPU. */
class MiniLmTextEncoderTest {
    private static final MiniLmTextEncoder ENCODER = new MiniLmTextEncoder();

    @Test
    void unitVectorsOfTheModelsLength() {
        float[][] v = ENCODER.encode(List.of("Star Wars (1977). Action, Adventure, Fantasy"));
        assertThat(v[0]).hasSize(MiniLmTextEncoder.DIMENSION);
        assertThat(ItemTextVectors.dot(v[0], v[0])).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void theSameTextGivesTheSameVectorAloneOrAmongOthers() {
        String text = "The Bank (1915). Comedy, Short";
        float[] alone = ENCODER.encode(List.of(text))[0];
        float[][] batch = ENCODER.encode(List.of("Heat (1995). Crime, Thriller", text));
        assertThat(batch[1]).containsExactly(alone);
        assertThat(ENCODER.encode(List.of(text))[0]).containsExactly(alone);
    }

    @Test
    void aNearDuplicateTitleIsCloserThanAnUnrelatedOne() {
        float[][] v =
                ENCODER.encode(
                        List.of(
                                "Star Wars: Episode IV - A New Hope (1977). Action, Adventure",
                                "Star Wars: Episode V - The Empire Strikes Back (1980). Action,"
                                        + " Adventure",
                                "Pride and Prejudice (2005). Drama, Romance"));
        double nearDuplicate = ItemTextVectors.dot(v[0], v[1]);
        double unrelated = ItemTextVectors.dot(v[0], v[2]);
        assertThat(nearDuplicate).isGreaterThan(unrelated + 0.2);
    }
}
