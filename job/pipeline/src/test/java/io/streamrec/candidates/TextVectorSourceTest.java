package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The text-vector source on hand-made vectors, against cosines computed by hand. */
class TextVectorSourceTest {
    private static final long HOUR = 3_600_000L;

    /** Titles are the texts (no attributes); z is in events only and has no text. */
    static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("a", "A", List.of()),
                            new ItemRecord("b", "B", List.of()),
                            new ItemRecord("c", "C", List.of()),
                            new ItemRecord("d", "D", List.of()),
                            new ItemRecord("e", "E", List.of())));

    static final Map<String, float[]> VECTORS =
            Map.of(
                    "A", new float[] {1f, 0f, 0f},
                    "B", new float[] {0.8f, 0.6f, 0f},
                    "C", new float[] {0f, 1f, 0f},
                    "D", new float[] {0f, 0f, 1f},
                    "E", new float[] {0.6f, 0f, 0.8f},
                    "B2", new float[] {0f, -1f, 0f});

    private FixedTextEncoder encoder;
    private CandidateGenerator generator;

    static CandidateSettings settings(int perSource) {
        return HandComputedSettings.of(perSource, 100, 200);
    }

    static UserEvent event(String user, String item, long hour) {
        return new UserEvent(user + item + hour, user, item, EventType.RATING, 5f, hour * HOUR);
    }

    /** u1 takes a, then c; u2 takes z (no text). */
    @BeforeEach
    void replay() {
        encoder = new FixedTextEncoder(VECTORS);
        generator =
                new CandidateGenerator(settings(10), CATALOG, new ItemTextVectors(() -> encoder));
        List.of(event("u1", "a", 0), event("u1", "c", 1), event("u2", "z", 2))
                .forEach(generator::update);
    }

    @Test
    void nearestToTheRecentMeanExcludingTheUsersOwnItems() {
        // mean of c (weight 1) and a (0.6): (0.6, 1, 0) / sqrt(1.36); cosines: b 1.08 / 1.1662,
        // e 0.36 / 1.1662, d 0; a and c are u1's own
        List<ScoredItem> list = generator.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS);
        assertThat(list).extracting(ScoredItem::itemId).containsExactly("b", "e", "d");
        double norm = Math.sqrt(1.36);
        assertThat(list.get(0).score()).isCloseTo(1 + 1.08 / norm, within(1e-6));
        assertThat(list.get(1).score()).isCloseTo(1 + 0.36 / norm, within(1e-6));
        assertThat(list.get(2).score()).isCloseTo(1.0, within(1e-6));
        assertThat(generator.sourceCount()).isEqualTo(Source.values().length);
    }

    @Test
    void boundedByTheItemsPerSource() {
        CandidateGenerator two =
                new CandidateGenerator(settings(2), CATALOG, new ItemTextVectors(() -> encoder));
        List.of(event("u1", "a", 0), event("u1", "c", 1)).forEach(two::update);
        assertThat(two.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS))
                .extracting(ScoredItem::itemId)
                .containsExactly("b", "e");
    }

    @Test
    void nothingForAUserWithoutHistoryOrWithoutTextsNorWhenOff() {
        assertThat(generator.candidates("u9", 3 * HOUR).list(Source.TEXT_VECTORS)).isEmpty();
        assertThat(generator.candidates("u2", 3 * HOUR).list(Source.TEXT_VECTORS)).isEmpty();
        CandidateGenerator off = new CandidateGenerator(settings(10), CATALOG);
        List.of(event("u1", "a", 0), event("u1", "c", 1)).forEach(off::update);
        assertThat(off.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS)).isEmpty();
        assertThat(off.textVectors()).isNull();
        assertThat(off.sourceCount()).isEqualTo(Source.values().length - 1);
    }

    @Test
    void theCatalogIsEncodedInOneCallAndAChangedItemAgain() {
        assertThat(encoder.encoded()).containsExactly("A", "B", "C", "D", "E");
        generator.putItem("b", "B", List.of());
        assertThat(encoder.encoded()).hasSize(5);
        // b's text changes to a vector opposite d: it drops to the end of u1's list
        generator.putItem("b", "B2", List.of());
        assertThat(encoder.encoded()).hasSize(6);
        assertThat(generator.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS))
                .extracting(ScoredItem::itemId)
                .containsExactly("e", "d", "b");
    }

    @Test
    void restoredStatisticsTakeOverTheVectorsWithoutEncodingAgain() {
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(
                        CandidateStatisticsSerializer.toBytes(generator), settings(10));
        assertThat(restored.textVectors()).isNull();
        CandidateGenerator atOpen =
                new CandidateGenerator(settings(10), CATALOG, new ItemTextVectors(() -> encoder));
        restored.adoptTextVectors(atOpen);
        assertThat(encoder.encoded()).hasSize(10); // the catalog twice: replay(), atOpen
        assertThat(restored.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS))
                .isEqualTo(generator.candidates("u1", 3 * HOUR).list(Source.TEXT_VECTORS));
        restored.putItem("e", "E", List.of());
        assertThat(encoder.encoded()).hasSize(10);
    }
}
