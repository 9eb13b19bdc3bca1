package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.FixedTextEncoder;
import io.streamrec.candidates.HandComputedSettings;
import io.streamrec.candidates.ItemTextVectors;
import io.streamrec.candidates.Source;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TEXT features and the text-vector rank, on hand-made vectors. */
class TextFeaturesTest {
    private static final long HOUR = 3_600_000L;
    private static final Offset<Float> CLOSE = within(1e-6f);
    private static final List<String> ITEMS = List.of("b", "d", "e", "x");

    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("a", "A", List.of()),
                            new ItemRecord("b", "B", List.of()),
                            new ItemRecord("c", "C", List.of()),
                            new ItemRecord("d", "D", List.of()),
                            new ItemRecord("e", "E", List.of())));

    private static final Map<String, float[]> VECTORS =
            Map.of(
                    "A", new float[] {1f, 0f, 0f},
                    "B", new float[] {0.8f, 0.6f, 0f},
                    "C", new float[] {0f, 1f, 0f},
                    "D", new float[] {0f, 0f, 1f},
                    "E", new float[] {0.6f, 0f, 0.8f});

    private CandidateGenerator generator;

    /** u1 takes a, then c: r_0 = c, r_1 = a, weights 1 and 0.6. */
    @BeforeEach
    void replay() {
        CandidateSettings settings = HandComputedSettings.standard();
        generator =
                new CandidateGenerator(
                        settings,
                        CATALOG,
                        new ItemTextVectors(() -> new FixedTextEncoder(VECTORS)));
        List.of(event("u1", "a", 0), event("u1", "c", 1)).forEach(generator::update);
    }

    private static UserEvent event(String user, String item, long hour) {
        return new UserEvent(user + item + hour, user, item, EventType.RATING, 5f, hour * HOUR);
    }

    private static float value(FeatureList list, String item, Feature feature) {
        return list.value(ITEMS.indexOf(item), feature.column());
    }

    @Test
    void cosinesWithTheLastItemAndTheRecentMean() {
        FeatureList list = new CandidateFeatures(generator).extract("u1", 2 * HOUR, ITEMS, null);
        // last item c = (0, 1, 0); mean (0.6, 1, 0) / sqrt(1.36)
        double norm = Math.sqrt(1.36);
        assertThat(value(list, "b", Feature.TEXT_COSINE_LAST)).isCloseTo(0.6f, CLOSE);
        assertThat(value(list, "b", Feature.TEXT_COSINE_RECENT))
                .isCloseTo((float) ((0.8 * 0.6 + 0.6) / norm), CLOSE);
        assertThat(value(list, "e", Feature.TEXT_COSINE_LAST)).isZero();
        assertThat(value(list, "e", Feature.TEXT_COSINE_RECENT))
                .isCloseTo((float) (0.6 * 0.6 / norm), CLOSE);
        assertThat(value(list, "d", Feature.TEXT_COSINE_RECENT)).isZero();
        // x has no vector; u9 has no items
        assertThat(value(list, "x", Feature.TEXT_COSINE_RECENT)).isZero();
        FeatureList u9 = new CandidateFeatures(generator).extract("u9", 2 * HOUR, ITEMS, null);
        assertThat(u9.value(0, Feature.TEXT_COSINE_LAST.column())).isZero();
        assertThat(u9.value(0, Feature.TEXT_COSINE_RECENT.column())).isZero();
    }

    @Test
    void theTextSourceHasItsRankColumnAndCountsInTheShare() {
        CandidateSet set = generator.candidates("u1", 2 * HOUR);
        FeatureList list =
                new CandidateFeatures(generator).extract("u1", 2 * HOUR, ITEMS, set, null);
        assertThat(set.get("b").rank(Source.TEXT_VECTORS)).isZero();
        assertThat(value(list, "b", Feature.RANK_TEXT_VECTORS)).isEqualTo(1f);
        assertThat(value(list, "e", Feature.RANK_TEXT_VECTORS)).isEqualTo(0.5f);
        float share = value(list, "b", Feature.SOURCE_SHARE);
        assertThat(share * Source.values().length)
                .isCloseTo((float) set.get("b").sources().size(), CLOSE);
    }

    @Test
    void switchingTextOffZeroesExactlyItsColumns() {
        CandidateSet set = generator.candidates("u1", 2 * HOUR);
        FeatureList all =
                new CandidateFeatures(generator).extract("u1", 2 * HOUR, ITEMS, set, null);
        FeatureList without =
                new CandidateFeatures(generator, EnumSet.of(FeatureFamily.TEXT))
                        .extract("u1", 2 * HOUR, ITEMS, set, null);
        for (int c = 0; c < ITEMS.size(); c++) {
            for (Feature f : Feature.values()) {
                float expected = f.family() == FeatureFamily.TEXT ? 0f : all.value(c, f.column());
                assertThat(without.value(c, f.column())).as(f.label()).isEqualTo(expected);
            }
        }
    }

    @Test
    void theTextColumnsComeAfterTheOldOnes() {
        assertThat(Feature.COUNT_BEFORE_TEXT).isEqualTo(49);
        assertThat(Feature.FACTORIZATION.column()).isEqualTo(Feature.COUNT_BEFORE_TEXT - 1);
        assertThat(Feature.COUNT_BEFORE_HISTORY).isEqualTo(Feature.COUNT_BEFORE_TEXT + 3);
    }
}
