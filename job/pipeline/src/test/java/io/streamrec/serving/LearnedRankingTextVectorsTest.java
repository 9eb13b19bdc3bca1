package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamrec.candidates.ScoredItem;
import io.streamrec.candidates.Source;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ranking.Feature;
import io.streamrec.ranking.FeatureScaler;
import io.streamrec.ranking.ListwiseScorer;
import io.streamrec.ranking.ScorerSettings;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving side with item text vectors on (the real MiniLM model), across a restore. */
class LearnedRankingTextVectorsTest {
    private static final ModelConfig CONFIG = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord(
                                    "a",
                                    "Star Wars: Episode IV - A New Hope (1977)",
                                    List.of("Action", "Adventure")),
                            new ItemRecord("c", "Pride and Prejudice (2005)", List.of("Romance")),
                            new ItemRecord(
                                    "b",
                                    "Star Wars: Episode V - The Empire Strikes Back (1980)",
                                    List.of("Action", "Adventure")),
                            new ItemRecord(
                                    "d", "Sense and Sensibility (1995)", List.of("Romance"))));

    private static LearnedRanking ranking(boolean textVectors) {
        return new LearnedRanking(
                new ServingModel(CONFIG, new ModelRowInitializer(CONFIG), CATALOG),
                RankerSettings.builder().learningRate(0.05).itemTextVectors(textVectors).build(),
                CATALOG,
                CONFIG.trendHalfLifeMs());
    }

    private static List<String> textList(LearnedRanking ranking) {
        return ranking.statistics().candidates("u1", 1_000L).list(Source.TEXT_VECTORS).stream()
                .map(ScoredItem::itemId)
                .toList();
    }

    @Test
    void theNearestTitleComesFirstAndTheVectorsSurviveARestore() throws Exception {
        try (LearnedRanking ranking = ranking(true)) {
            ranking.journalStatistics();
            ranking.learnStatistics(new UserEvent("e1", "u1", "a", EventType.RATING, 9f, 0L));
            assertThat(textList(ranking)).first().isEqualTo("b");
            assertThat(textList(ranking)).containsExactlyInAnyOrder("b", "c", "d");

            try (LearnedRanking reopened = ranking(true)) {
                reopened.restore(ranking.checkpointStatistics(), ranking.writeLearned());
                assertThat(reopened.statistics().textVectors().items()).isEqualTo(4);
                assertThat(textList(reopened)).isEqualTo(textList(ranking));
            }
        }
    }

    /**
     * Closing the ranking (the operator's close, at every failover) closes the MiniLM model's
     * onnxruntime session, whose 90 MB of native memory nothing else frees.
     */
    @Test
    void closingTheRankingClosesTheLanguageModel() throws Exception {
        LearnedRanking ranking = ranking(true);
        assertThat(ranking.statistics().textVectors().encoderLoaded()).isTrue(); // the catalog
        ranking.close();
        assertThat(ranking.statistics().textVectors().encoderLoaded()).isFalse();
    }

    /** A scaler and scorer written before the text features (49 columns) still restore. */
    @Test
    void aLearnedStateFromBeforeTheTextFeaturesRestores() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes);
                ListwiseScorer old =
                        new ListwiseScorer(
                                Feature.COUNT_BEFORE_TEXT,
                                ScorerSettings.defaults(),
                                Device.cpu())) {
            new FeatureScaler(Feature.COUNT_BEFORE_TEXT, 100_000.0).writeTo(out);
            old.writeTo(out);
        }
        try (LearnedRanking ranking = ranking(false);
                LearnedRanking reopened = ranking(false)) {
            ranking.journalStatistics();
            ranking.learnStatistics(new UserEvent("e1", "u1", "a", EventType.RATING, 9f, 0L));
            reopened.restore(ranking.checkpointStatistics(), bytes.toByteArray());
            assertThat(reopened.knows("u1")).isTrue();
            assertThat(reopened.statistics().textVectors()).isNull();
        }
    }
}
