package io.streamrec.serving;

import static io.streamrec.serving.ServingOperatorFixture.CATALOG;
import static io.streamrec.serving.ServingOperatorFixture.INIT;
import static io.streamrec.serving.ServingOperatorFixture.MODEL;
import static io.streamrec.serving.ServingOperatorFixture.userRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestAnswererTest {
    private static final long DAY = 86_400_000L;

    private final List<RecommendationResult> answers = new ArrayList<>();

    private static ServingRequest request(String user, int k, long timestamp, String... items) {
        return new ServingRequest(
                new RecommendationRequest("r-" + user, user, k, timestamp), items);
    }

    private static List<String> ids(RecommendationResult answer) {
        return answer.items().stream().map(RecommendationResult.ScoredItem::itemId).toList();
    }

    private RecommendationResult lastAnswer() {
        return answers.get(answers.size() - 1);
    }

    @Test
    void anAnswerHasKItemsWithKBetweenOneAndAThousand() {
        ItemCatalog catalog =
                new ItemCatalog(
                        IntStream.range(0, 1_001)
                                .mapToObj(i -> new ItemRecord("i" + i, "item " + i, List.of()))
                                .toList());
        RequestAnswerer answerer =
                new RequestAnswerer(new ServingModel(MODEL, INIT, catalog), null, answers::add);

        answerer.answer(request("u", 0, 5L), 0L);
        answerer.answer(request("u", 7, 5L), 0L);
        answerer.answer(request("u", 5_000, 5L), 0L);

        assertThat(answers).extracting(a -> a.items().size()).containsExactly(1, 7, 1_000);
    }

    /**
     * An answer holds up to k items: none when the user's items cover the catalog, under either
     * model, and still labelled by whether the user is known (there is no label for an empty one).
     */
    @Test
    void anAnswerIsEmptyWhenTheUsersItemsCoverTheCatalog() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        String[] all = IntStream.range(0, 30).mapToObj(i -> "i" + i).toArray(String[]::new);
        new RequestAnswerer(model, null, answers::add).answer(request("u", 10, 5L, all), 0L);
        assertThat(lastAnswer().items()).isEmpty();
        assertThat(lastAnswer().reason()).isEqualTo("model");

        try (LearnedRanking learned = learnedRanking(model)) {
            learned.learn(click("v", "i3"), new String[0]);
            new RequestAnswerer(model, learned, answers::add).answer(request("u", 10, 5L, all), 0L);
            assertThat(lastAnswer().items()).isEmpty();
            assertThat(lastAnswer().reason()).isEqualTo("model");
        }
    }

    /**
     * The factorization model's top k without the user's items, for the request, at the model
     * version it found; "model" for a user with items or a row, "cold-start" for one without.
     */
    @Test
    void anAnswerIsTheModelsTopKWithoutTheUsersItems() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        model.apply(userRow("known", 7));
        RequestAnswerer answerer = new RequestAnswerer(model, null, answers::add);

        answerer.answer(request("u", 30, 5L, "i3", "i4"), 0L);
        assertThat(lastAnswer().requestId()).isEqualTo("r-u");
        assertThat(lastAnswer().userId()).isEqualTo("u");
        assertThat(lastAnswer().reason()).isEqualTo("model");
        assertThat(lastAnswer().modelVersion()).isEqualTo(model.modelVersion()).isPositive();
        assertThat(ids(lastAnswer()))
                .hasSize(28)
                .doesNotContain("i3", "i4")
                .containsExactlyElementsOf(modelTopK(model, "u", 30, "i3", "i4"));

        answerer.answer(request("new", 3, 5L), 0L);
        assertThat(lastAnswer().reason()).isEqualTo("cold-start");
        answerer.answer(request("known", 3, 5L), 0L);
        assertThat(lastAnswer().reason()).isEqualTo("model");
    }

    /**
     * Scores are taken at the newest event time seen, or at the request's own time while no event
     * was seen: item a's trend, anchored at 1000, decays between the two times.
     */
    @Test
    void anAnswerIsScoredAtTheNewestEventTimeOrTheRequestsWhileNoneWasSeen() {
        ModelConfig config = new ModelConfig(6, 2, 3, DAY, 1L, 0);
        ServingModel model =
                new ServingModel(
                        config,
                        new ModelRowInitializer(config),
                        new ItemCatalog(List.of(new ItemRecord("a", "A", List.of()))));
        model.apply(row(RowKeys.DENSE_W, new float[36], 0, 0L));
        model.apply(row(RowKeys.DENSE_C, new float[6], 0, 0L));
        model.apply(row(RowKeys.DENSE_PHI, new float[] {0.7f, 0.2f}, 0, 0L));
        model.apply(row(RowKeys.item("a"), new float[] {0.1f, 0, 0, 0, 0, 0, 0.5f}, 4f, 1000L));
        RequestAnswerer answerer = new RequestAnswerer(model, null, answers::add);
        long requested = 1000L + DAY;
        long newest = 1000L + 3 * DAY;
        float atRequest = model.score("u", new String[0], requested)[0];
        float atNewest = model.score("u", new String[0], newest)[0];
        assertThat(atRequest).isGreaterThan(atNewest);

        answerer.answer(request("u", 1, requested), 0L);
        assertThat(lastAnswer().items().get(0).score()).isCloseTo(atRequest, within(1e-6f));
        answerer.answer(request("u", 1, requested), newest);
        assertThat(lastAnswer().items().get(0).score()).isCloseTo(atNewest, within(1e-6f));
    }

    private static ParameterRow row(String key, float[] w, float trend, long trendTime) {
        return new ParameterRow(key, w, new float[0], 1, 1, 0, trend, trendTime);
    }

    /**
     * Under the learned ranker a user without candidates gets the factorization model's order,
     * scored 1 apart below 0; a request read from the topic itself takes the user's items from the
     * statistics, which leave them out and make the user known.
     */
    @Test
    void underTheLearnedRankerTheModelFillsAnAnswerShortOfCandidates() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        try (LearnedRanking learned = learnedRanking(model)) {
            RequestAnswerer answerer = new RequestAnswerer(model, learned, answers::add);
            answerer.answer(request("u", 4, 5L), 0L);
            assertThat(ids(lastAnswer())).containsExactlyElementsOf(modelTopK(model, "u", 4));
            assertThat(lastAnswer().items())
                    .extracting(RecommendationResult.ScoredItem::score)
                    .containsExactly(-1f, -2f, -3f, -4f);
            assertThat(lastAnswer().reason()).isEqualTo("cold-start");

            learned.learn(click("u", "i3"), new String[0]);
            answerer.answer(
                    new ServingRequest(
                            new RecommendationRequest("r2", "u", 30, 5L),
                            RequestAnswerer.ITEMS_AT_ANSWER),
                    0L);
            assertThat(ids(lastAnswer())).hasSize(29).doesNotContain("i3");
            assertThat(lastAnswer().reason()).isEqualTo("model");
        }
    }

    /**
     * The ranker's candidates come first, then the factorization model's order without them. A user
     * the statistics alone know is known.
     */
    @Test
    void underTheLearnedRankerTheCandidatesComeFirstThenTheModelsOrder() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        List<String> modelOrder = modelTopK(model, "u", 5);
        try (LearnedRanking learned = learnedRanking(model)) {
            learned.learn(click("v", modelOrder.get(0)), new String[0]);
            learned.learn(click("w", modelOrder.get(1)), new String[0]);
            new RequestAnswerer(model, learned, answers::add).answer(request("u", 5, 5L), 0L);

            List<String> answered = ids(lastAnswer());
            assertThat(answered.subList(0, 2))
                    .as("the candidates")
                    .containsExactlyInAnyOrderElementsOf(modelOrder.subList(0, 2));
            assertThat(answered.subList(2, 5)).isEqualTo(modelOrder.subList(2, 5));
            assertThat(lastAnswer().reason()).isEqualTo("cold-start");
            new RequestAnswerer(model, learned, answers::add).answer(request("v", 5, 5L), 0L);
            assertThat(lastAnswer().reason()).isEqualTo("model");
        }
    }

    /**
     * Under the learned ranker the request's items (the worker's, which may hold events serving has
     * not evaluated yet) are left out of the ranked candidates too, not only of the fill: v's click
     * makes i3 a candidate for u, who has it already. With k 1 the one candidate is the request's
     * item, and the fill still gives an answer of k.
     */
    @Test
    void underTheLearnedRankerTheRequestsItemsAreNotRecommended() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        try (LearnedRanking learned = learnedRanking(model)) {
            learned.learn(click("v", "i3"), new String[0]);
            RequestAnswerer answerer = new RequestAnswerer(model, learned, answers::add);

            answerer.answer(request("u", 5, 5L, "i3"), 0L);
            assertThat(ids(lastAnswer())).hasSize(5).doesNotContain("i3");
            answerer.answer(request("u", 1, 5L, "i3"), 0L);
            assertThat(ids(lastAnswer())).hasSize(1).doesNotContain("i3");
        }
    }

    /**
     * The fill leaves out the statistics' items of the user as well as the request's: u clicked i3
     * and i4, and a request listing only i4 (the worker forgot i3, or keeps fewer items) gets
     * neither.
     */
    @Test
    void underTheLearnedRankerTheFillLeavesOutTheStatisticsItemsToo() {
        ServingModel model = new ServingModel(MODEL, INIT, CATALOG);
        try (LearnedRanking learned = learnedRanking(model)) {
            learned.learn(click("u", "i3"), new String[0]);
            learned.learn(click("u", "i4"), new String[] {"i3"});
            new RequestAnswerer(model, learned, answers::add)
                    .answer(request("u", 30, 5L, "i4"), 0L);

            assertThat(ids(lastAnswer())).hasSize(28).doesNotContain("i3", "i4");
        }
    }

    private static LearnedRanking learnedRanking(ServingModel model) {
        return new LearnedRanking(
                model,
                RankerSettings.builder().learningRate(0.05).build(),
                CATALOG,
                MODEL.trendHalfLifeMs());
    }

    private static UserEvent click(String user, String item) {
        return new UserEvent(user + "/" + item, user, item, EventType.CLICK, Float.NaN, 5L);
    }

    /** The factorization model's top k at time 5 for a user with {@code items}, best first. */
    private static List<String> modelTopK(ServingModel model, String user, int k, String... items) {
        ServingModel.Ranked top = model.topK(user, items, 5L, k, model.indicesOf(items));
        return IntStream.of(top.items()).mapToObj(model::itemId).toList();
    }
}
