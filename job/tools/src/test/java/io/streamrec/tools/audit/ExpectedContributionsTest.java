package io.streamrec.tools.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpectedContributionsTest {
    // two items: the one negative of either is the other, so every row an event touches is known
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("A", "a", List.of("g1"), new float[0]),
                            new ItemRecord("B", "b", List.of("g2"), new float[0])));
    private static final ModelConfig MODEL = new ModelConfig(4, 1, 2, 86_400_000L, 7L);

    private static UserEvent event(String id, String user, String item) {
        return new UserEvent(id, user, item, EventType.RATING, 1f, 1L);
    }

    @Test
    void everyTouchedRowCountsEachEventOnceAndItsItemOnePositive() {
        List<UserEvent> events =
                List.of(event("e1", "u1", "A"), event("e2", "u1", "B"), event("e3", "u2", "A"));

        Map<String, ExpectedContributions.Counters> rows =
                ExpectedContributions.perRow(events, CATALOG, MODEL, 1_000);

        assertThat(rows)
                .containsOnlyKeys(
                        "u:u1",
                        "u:u2",
                        "i:A",
                        "i:B",
                        "a:g1",
                        "a:g2",
                        "dense:W",
                        "dense:c",
                        "dense:phi");
        assertThat(rows.get("u:u1")).isEqualTo(new ExpectedContributions.Counters(2, 0));
        assertThat(rows.get("u:u2")).isEqualTo(new ExpectedContributions.Counters(1, 0));
        assertThat(rows.get("i:A")).isEqualTo(new ExpectedContributions.Counters(3, 2));
        assertThat(rows.get("i:B")).isEqualTo(new ExpectedContributions.Counters(3, 1));
        assertThat(rows.get("a:g1").updates()).isEqualTo(3);
        assertThat(rows.get("dense:W")).isEqualTo(new ExpectedContributions.Counters(3, 0));
        assertThat(ExpectedContributions.count(events, CATALOG, MODEL, 1_000)).isEqualTo(3 * 8);
    }

    /**
     * The oracle draws as the workers do: a user's items before an event are no negatives for it.
     * Each user takes A, then B; with no history in the model (length 0) B's event can only touch
     * C, so A's row counts just the users' A events.
     */
    @Test
    void theUsersEarlierItemsAreNoNegatives() {
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("A", "a", List.of(), new float[0]),
                                new ItemRecord("B", "b", List.of(), new float[0]),
                                new ItemRecord("C", "c", List.of(), new float[0])));
        ModelConfig model = new ModelConfig(4, 1, 0, 86_400_000L, 7L);
        List<UserEvent> events = new java.util.ArrayList<>();
        for (int u = 0; u < 50; u++) {
            events.add(event("e1", "u" + u, "A"));
            events.add(event("e2", "u" + u, "B"));
        }

        Map<String, ExpectedContributions.Counters> rows =
                ExpectedContributions.perRow(events, catalog, model, 1_000);

        assertThat(rows.get("i:A")).isEqualTo(new ExpectedContributions.Counters(50, 50));
        // B's events touch C; A's events touch B or C
        assertThat(rows.get("i:C").updates()).isGreaterThanOrEqualTo(50);
    }

    /**
     * A user forgotten between events: the job's worker drops the user's items (later negatives and
     * recent items are a new user's) and its parameter server erases the user's row. The oracle's
     * counters equal the rows the job's own operators end with, the worker's output fed to a
     * parameter-server shard. Ignoring the forget, u1's later events would count on the user's old
     * row and turn A, B and C away as negatives (without recent items in the model, history length
     * 0, the negatives alone differ) or also take them as recent items (length 3).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void aForgottenUserWhoComesBackCountsAsTheJobCountsIt(int historyLength) throws Exception {
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("A", "a", List.of("g1")),
                                new ItemRecord("B", "b", List.of("g2")),
                                new ItemRecord("C", "c", List.of("g1")),
                                new ItemRecord("D", "d", List.of("g2")),
                                new ItemRecord("E", "e", List.of("g3")),
                                new ItemRecord("F", "f", List.of("g3"))));
        ModelConfig model = new ModelConfig(4, 2, historyLength, 86_400_000L, 7L);
        int maxUserItems = 100;
        List<Object> input =
                List.of(
                        event("e1", "u1", "A"),
                        event("e2", "u1", "B"),
                        event("e1", "u2", "D"),
                        event("e3", "u1", "C"),
                        RecommendationRequest.forget("f1", "u1", 1L),
                        event("e4", "u1", "D"),
                        event("e5", "u1", "A"),
                        event("e2", "u2", "F"),
                        event("e6", "u1", "E"));

        ExpectedContributions oracle = new ExpectedContributions(catalog, model, maxUserItems);
        for (Object in : input) {
            if (in instanceof UserEvent e) {
                oracle.add(e);
            } else {
                oracle.add((RecommendationRequest) in);
            }
        }

        Map<String, ExpectedContributions.Counters> job =
                JobRows.after(input, catalog, model, maxUserItems);
        assertThat(job.get("u:u1")).isEqualTo(new ExpectedContributions.Counters(3, 0));
        assertThat(oracle.rows()).isEqualTo(job);
    }

    /**
     * Negatives from the workers' rings of recent positives depend on how users' events interleave
     * at a worker: the oracle is exact only where the share rounds to none of them.
     */
    @Test
    void negativesAreDerivableOnlyWhereTheRecentShareRoundsToNone() {
        assertThat(ExpectedContributions.derivable(MODEL, 0.0)).isTrue();
        assertThat(ExpectedContributions.derivable(MODEL, 0.49)).isTrue(); // one negative: none
        assertThat(ExpectedContributions.derivable(MODEL, 0.5)).isFalse();
        ModelConfig four = new ModelConfig(4, 4, 2, 86_400_000L, 7L);
        assertThat(ExpectedContributions.derivable(four, 0.1)).isTrue();
        assertThat(ExpectedContributions.derivable(four, 0.2)).isFalse();
    }
}
