package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServingModelTest {
    /**
     * A partitioned replica keeps awaiting the tombstones of its own users only, so each user is
     * checkpointed once; restored ones of other users are dropped, as their rows would be.
     */
    @Test
    void aReplicaAwaitsTheTombstonesOfTheUsersItHoldsOnly() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 0);
        ServingModel model =
                new ServingModel(
                        config,
                        new ModelRowInitializer(config),
                        new ItemCatalog(List.of()),
                        user -> user.startsWith("own"));
        model.forgetUser("own-1", true);
        model.forgetUser("other-1", true);
        model.forgetUser("own-2", false); // no topic to read a tombstone from
        model.awaitTombstonesOf(List.of("own-3", "other-2"));
        assertThat(model.erasedAwaitingTombstone()).containsExactlyInAnyOrder("own-1", "own-3");

        model.applyCommitted(ParameterRow.tombstone(RowKeys.user("own-3")));
        model.caughtUp(row -> false); // the restore's catch-up read ends with own-3's tombstone
        assertThat(model.erasedAwaitingTombstone()).containsExactly("own-1");
    }

    /**
     * Rows of a forgotten user on the broadcast edge are the owning shard's from before the forget
     * until its tombstone: one tombstone per forget, so two forgets close after the second; the
     * committed topic's tombstone does not end that wait.
     */
    @Test
    void aForgottenUsersBroadcastRowsAreIgnoredUntilTheTombstoneOfEachForget() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 0);
        ServingModel model =
                new ServingModel(
                        config, new ModelRowInitializer(config), new ItemCatalog(List.of()));
        model.apply(userRow("u", 3));
        model.apply(userRow("v", 3));
        model.forgetUser("u", true);
        model.forgetUser("u", true); // the second forget's first copy, before the first tombstone
        assertThat(model.apply(userRow("u", 4))).isFalse();
        assertThat(model.applyCommitted(ParameterRow.tombstone(RowKeys.user("u")))).isTrue();
        assertThat(model.apply(userRow("u", 5))).as("committed tombstone read first").isFalse();
        model.apply(ParameterRow.tombstone(RowKeys.user("u")));
        assertThat(model.apply(userRow("u", 1))).as("before the second forget").isFalse();
        assertThat(model.knowsUser("u")).isFalse();
        assertThat(model.knowsUser("v")).isTrue();

        model.apply(ParameterRow.tombstone(RowKeys.user("u")));
        assertThat(model.apply(userRow("u", 1))).as("the returning user's").isTrue();
        assertThat(model.knowsUser("u")).isTrue();
    }

    private static ParameterRow userRow(String user, long version) {
        return new ParameterRow(
                RowKeys.user(user), new float[4], new float[0], version, version, 0L, 0f, 0L);
    }

    /**
     * A topic reader behind by a forget: the user forgotten again before the first forget's
     * tombstone is read. That tombstone is followed by the returning user's rows trained before the
     * second forget, so only the second forget's tombstone ends the wait.
     */
    @Test
    void theTopicsWaitLastsUntilTheTombstoneOfEachForget() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 0);
        ServingModel model =
                new ServingModel(
                        config,
                        new ModelRowInitializer(config),
                        new ItemCatalog(List.of()),
                        u -> true);
        model.forgetUser("x", true);
        model.forgetUser("x", true);
        model.applyCommitted(ParameterRow.tombstone(RowKeys.user("x")));
        assertThat(model.applyCommitted(userRow("x", 1))).isFalse();
        assertThat(model.erasedAwaitingTombstone()).containsExactly("x");

        model.applyCommitted(ParameterRow.tombstone(RowKeys.user("x")));
        assertThat(model.erasedAwaitingTombstone()).isEmpty();
        assertThat(model.applyCommitted(userRow("x", 1))).isTrue();
    }

    @Test
    void catalogUpdatesChangeContentAndAddItems() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);
        ItemCatalog catalog = new ItemCatalog(List.of(new ItemRecord("a", "A", List.of("g"))));
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        float before = model.score("u", new String[0], 0L)[0];

        catalog.put(new ItemRecord("a", "A", List.of("g"), new float[] {3f, -2f}));
        model.refreshItem("a");
        assertThat(model.score("u", new String[0], 0L)[0]).isNotEqualTo(before);

        catalog.put(new ItemRecord("b", "B", List.of("h"), new float[] {1f, 1f}));
        model.refreshItem("b");
        assertThat(model.items()).isEqualTo(2);
        assertThat(model.itemId(1)).isEqualTo("b");
    }

    /**
     * Serving's freshness probe counts an item row only when it is applied and brings more
     * positives than the replica held: not an older version, not a row with the same positives, and
     * never a user or dense row.
     */
    @Test
    void anItemRowRaisesPositivesOnlyWhenAppliedWithMoreOfThem() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);
        ItemCatalog catalog = new ItemCatalog(List.of(new ItemRecord("a", "A", List.of("g"))));
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        float[] w = {0.1f, 0.2f, 0.3f, 0.4f, 0f, 0f};

        assertThat(model.applyRaisingPositives(itemRow("a", w, 2, 3))).isTrue();
        assertThat(model.applyRaisingPositives(itemRow("a", w, 2, 3))).as("same version").isFalse();
        assertThat(model.applyRaisingPositives(itemRow("a", w, 3, 3))).as("no more").isFalse();
        assertThat(model.applyRaisingPositives(itemRow("a", w, 1, 9))).as("older").isFalse();
        assertThat(model.applyRaisingPositives(itemRow("a", w, 4, 4))).isTrue();
        assertThat(model.applyRaisingPositives(itemRow("new", w, 1, 1))).as("unknown").isTrue();
        assertThat(model.items()).isEqualTo(2);
        assertThat(model.applyRaisingPositives(row(RowKeys.user("u"), new float[4], 5, 0f, 0L)))
                .isFalse();
        assertThat(model.knowsUser("u")).isTrue();
        assertThat(model.applyRaisingPositives(ParameterRow.tombstone(RowKeys.item("a"))))
                .isFalse();
        assertThat(model.applyRaisingPositives(row(RowKeys.DENSE_PHI, new float[2], 9, 0f, 0L)))
                .isFalse();
    }

    /**
     * A row whose weights are not numbers is held with its initial weights: scores stay numbers.
     */
    @Test
    void aRowWhoseWeightsAreNotNumbersScoresWithItsInitialWeights() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("a", "A", List.of("g")),
                                new ItemRecord("b", "B", List.of("g"))));
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        float[] nan = {Float.NaN, 0.2f, 0.3f, 0.4f, 0f, 0f};

        assertThat(model.apply(itemRow("a", nan, 2, 3))).isTrue();
        assertThat(model.applyRaisingPositives(itemRow("b", nan, 2, 3))).isTrue();
        assertThat(model.apply(row(RowKeys.user("u"), new float[] {Float.NaN, 0, 0, 0}, 5, 0f, 0L)))
                .isTrue();

        assertThat(model.score("u", new String[0], 0L)).doesNotContain(Float.NaN);
    }

    private static ParameterRow itemRow(String item, float[] w, long version, long positives) {
        return new ParameterRow(
                RowKeys.item(item), w, new float[0], version, version, positives, 1f, 0L);
    }

    /**
     * Ids that share a slot of the ids asked lately ({@link RowTable#askIndex}) score as their own.
     */
    @Test
    void candidatesScoreAsTheirOwnItemsWhicheverStringAsksAndWhateverIdSharesItsHash() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 0);
        ServingModel model =
                new ServingModel(
                        config, new ModelRowInitializer(config), new ItemCatalog(List.of()));
        String first = "Aa";
        String second = "BB"; // the same hash as "Aa"
        assertThat(first.hashCode()).isEqualTo(second.hashCode());
        int a = model.itemIndexOf(first);
        int b = model.itemIndexOf(second);
        assertThat(b).isNotEqualTo(a);
        String[] history = {};
        float[] all = model.score("u", history, 0L);
        assertThat(all[a]).isNotEqualTo(all[b]); // initial rows differ: a mix-up would show
        float[] asked =
                model.scoreItems(
                        "u",
                        history,
                        0L,
                        List.of(first, second, new String(first.toCharArray()), second, first));
        assertThat(asked).containsExactly(all[a], all[b], all[a], all[b], all[a]);
        assertThat(model.sortedIndicesOf(new String[] {second, first, second}))
                .containsExactly(Math.min(a, b), Math.max(a, b), Math.max(a, b));
    }

    @Test
    void aRequestsScoresUseTheContentAsLastComputedAndComputeItOnlyIfItNeverWas() {
        int d = 4;
        ModelConfig config = new ModelConfig(d, 2, 3, 86_400_000L, 1L, 0);
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("a", "A", List.of("g")),
                                new ItemRecord("b", "B", List.of("h"))));
        long[] clock = {0L};
        ServingModel model =
                new ServingModel(config, new ModelRowInitializer(config), catalog, () -> clock[0]);
        ServingModel twin =
                new ServingModel(config, new ModelRowInitializer(config), catalog, () -> clock[0]);
        List<String> items = List.of("a", "b");

        // never computed: a request computes it, as evaluation would
        float[] first = model.scoreItemsWithCurrentContent("u", new String[0], 0L, items);
        assertThat(first).containsExactly(twin.scoreItems("u", new String[0], 0L, items));

        // the dense rows move (a micro-batch), and the once-a-second recomputation is due
        float[] w = new float[d * d];
        for (int k = 0; k < w.length; k++) {
            w[k] = 0.5f - (k % 3) * 0.4f;
        }
        model.apply(row(RowKeys.DENSE_W, w, 0, 0f, 0L));
        twin.apply(row(RowKeys.DENSE_W, w, 0, 0f, 0L));
        clock[0] += 2_000_000_000L;

        // a request leaves it as it is; evaluation recomputes it
        assertThat(model.scoreItemsWithCurrentContent("u", new String[0], 0L, items))
                .containsExactly(first);
        float[] recomputed = twin.scoreItems("u", new String[0], 0L, items);
        assertThat(recomputed).isNotEqualTo(first);
        assertThat(model.scoreItems("u", new String[0], 0L, items)).containsExactly(recomputed);
    }

    @Test
    void everyItemsScoreFollowsTheContentFormulaWhenItemsShareAttributeLists() {
        int d = 4;
        ModelConfig config = new ModelConfig(d, 2, 3, 86_400_000L, 1L, 0);
        ModelRowInitializer init = new ModelRowInitializer(config);
        List<ItemRecord> records =
                List.of(
                        new ItemRecord("a", "A", List.of("g", "h")),
                        new ItemRecord("b", "B", List.of("g", "h")),
                        new ItemRecord("c", "C", List.of("h")),
                        new ItemRecord("e", "E", List.of("g")),
                        new ItemRecord("f", "F", List.of()));
        long[] clock = {0L};
        ServingModel model =
                new ServingModel(config, init, new ItemCatalog(records), () -> clock[0]);
        float[] w = new float[d * d];
        for (int k = 0; k < w.length; k++) {
            w[k] = 0.3f - (k % 5) * 0.15f;
        }
        float[] c = {0.1f, -0.2f, 0.05f, 0.3f};
        model.apply(row(RowKeys.DENSE_W, w, 0, 0f, 0L));
        model.apply(row(RowKeys.DENSE_C, c, 0, 0f, 0L));
        model.apply(row(RowKeys.DENSE_PHI, new float[] {0f, 0f}, 0, 0f, 0L));
        float[] q = {0.2f, 0.4f, -0.1f, 0.3f};
        model.apply(row(RowKeys.user("u"), q, 0, 0f, 0L));
        clock[0] += 2_000_000_000L;

        List<String> ids = records.stream().map(ItemRecord::itemId).toList();
        float[] scores = model.scoreItems("u", new String[0], 0L, ids);

        for (int i = 0; i < ids.size(); i++) {
            List<String> attributes = records.get(i).attributes();
            float[] pooled = new float[d];
            for (String a : attributes) {
                float[] v = init.initialWeights(RowKeys.attribute(a));
                for (int k = 0; k < d; k++) {
                    pooled[k] += v[k] / attributes.size();
                }
            }
            float[] content = new float[d];
            io.streamrec.model.BprModel.content(
                    pooled, new float[0], w, new float[0], c, d, content);
            float[] item = init.initialWeights(RowKeys.item(ids.get(i)));
            double expected = item[d]; // the bias; trend and count weigh 0
            for (int k = 0; k < d; k++) {
                expected += q[k] * (item[k] + content[k]);
            }
            assertThat((double) scores[i]).as(ids.get(i)).isCloseTo(expected, within(1e-5));
        }
    }

    private static ParameterRow row(String key, float[] w, long positives, float trend, long at) {
        return new ParameterRow(key, w, new float[0], 1, 1, positives, trend, at);
    }

    @Test
    void scoresEqualTheModelsFormula() {
        int d = 6; // not a multiple of the four-way unrolled sum
        long day = 86_400_000L;
        ModelConfig config = new ModelConfig(d, 2, 3, day, 1L, 0);
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("a", "A", List.of()),
                                new ItemRecord("b", "B", List.of())));
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        // content tower off: W = 0, c = 0 gives tanh(0) = 0, so an item's vector is its embedding
        model.apply(row(RowKeys.DENSE_W, new float[d * d], 0, 0f, 0L));
        model.apply(row(RowKeys.DENSE_C, new float[d], 0, 0f, 0L));
        model.apply(row(RowKeys.DENSE_PHI, new float[] {0.7f, 0.2f}, 0, 0f, 0L));
        float[] a = {0.1f, -0.2f, 0.3f, 0.05f, -0.4f, 0.25f, 0.5f}; // embedding + bias
        float[] b = {-0.3f, 0.1f, 0.2f, -0.1f, 0.3f, 0.0f, -0.1f};
        model.apply(row(RowKeys.item("a"), a, 9, 4f, 1000L));
        model.apply(row(RowKeys.item("b"), b, 0, 0f, 0L));
        float[] u = {0.2f, 0.4f, -0.1f, 0.3f, 0.1f, -0.2f};
        model.apply(row(RowKeys.user("u"), u, 0, 0f, 0L));

        long now = 1000L + day; // one half-life after a's trend was anchored
        float[] scores = model.score("u", new String[0], now);
        double dotA = 0;
        double dotB = 0;
        for (int k = 0; k < d; k++) {
            dotA += u[k] * a[k];
            dotB += u[k] * b[k];
        }
        double expectedA = dotA + a[d] + 0.7 * Math.log(1 + 4 * 0.5) + 0.2 * Math.log1p(9);
        assertThat((double) scores[0]).isCloseTo(expectedA, within(1e-5));
        assertThat((double) scores[1]).isCloseTo(dotB + b[d], within(1e-5));

        // within 1/1024 of a half-life an item's trend term is reused; beyond, recomputed
        assertThat(model.score("u", new String[0], now + day / 2048)[0]).isEqualTo(scores[0]);
        double laterA = dotA + a[d] + 0.7 * Math.log(1 + 4 * Math.pow(0.5, 1 + 1 / 64.0));
        laterA += 0.2 * Math.log1p(9);
        float later = model.score("u", new String[0], now + day / 64)[0];
        assertThat((double) later).isCloseTo(laterA, within(1e-5)).isLessThan(scores[0]);
        assertThat(model.score("u", new String[0], now + day)[0]).isLessThan(later);
    }

    @Test
    void approximateTopKMatchesExactOnASmallCatalogAndSkipsExcludedItems() {
        ServingModel model = randomModel(2000, new java.util.SplittableRandom(7), false);
        model.useAnnFrom(1000, Runnable::run); // built by the first request, on its thread
        int overlap = 0;
        for (int u = 0; u < 50; u++) {
            String[] history = {"i" + u, "i" + (u + 100)};
            java.util.Set<Integer> excluded =
                    java.util.Set.of(
                            model.itemIndexOf("i" + u), model.itemIndexOf("i" + (u + 100)));
            int[] exact = TopK.select(model.score("user" + u, history, 0L), 10, excluded);
            int[] approximate = model.topK("user" + u, history, 0L, 10, excluded).items();
            assertThat(approximate).hasSize(10);
            assertThat(java.util.Arrays.stream(approximate).boxed().toList())
                    .doesNotContainAnyElementsOf(excluded);
            java.util.Set<Integer> truth = new java.util.HashSet<>();
            for (int i : exact) {
                truth.add(i);
            }
            for (int i : approximate) {
                overlap += truth.contains(i) ? 1 : 0;
            }
        }
        // candidates are rescored exactly, so a high overlap means the index finds the top items
        assertThat(overlap / 500.0).isGreaterThan(0.9);
    }

    @Test
    void answersExactlyUntilTheBackgroundIndexIsReadyThenSwapsItIn() {
        ItemCatalog catalog = randomCatalog(2000);
        java.util.Map<String, float[]> itemRows = new java.util.HashMap<>();
        ServingModel model =
                randomModel(catalog, new java.util.SplittableRandom(7), false, itemRows);
        List<Runnable> builds = new java.util.ArrayList<>();
        model.useAnnFrom(1000, builds::add); // a builder that runs only when the test says so
        for (int u = 0; u < 20; u++) {
            String[] history = {"i" + u, "i" + (u + 100)};
            java.util.Set<Integer> excluded = model.indicesOf(history);
            int[] exact = TopK.select(model.score("user" + u, history, 0L), 10, excluded);
            assertThat(model.topK("user" + u, history, 0L, 10, excluded).items())
                    .as("user %d before the index is ready", u)
                    .containsExactly(exact);
        }
        assertThat(builds).as("one build, started by the first request").hasSize(1);
        assertThat(model.annReady()).isFalse();

        // an item added while the index is built is put into it when it is swapped in: a twin of
        // user1's best item, scoring a little higher, is found only through the index
        String[] history = {"i1", "i101"};
        java.util.Set<Integer> excluded = model.indicesOf(history);
        int best = TopK.select(model.score("user1", history, 0L), 1, excluded)[0];
        String bestId = model.itemId(best);
        catalog.put(new ItemRecord("twin", "twin", catalog.attributes(bestId)));
        float[] twin = itemRows.get(bestId).clone();
        twin[twin.length - 1] += 0.01f;
        model.apply(row(RowKeys.item("twin"), twin, best % 50, 0f, 0L));
        builds.get(0).run();
        assertThat(model.annReady()).as("swapped in by the next request").isFalse();
        int[] top = model.topK("user1", history, 0L, 10, excluded).items();
        assertThat(model.annReady()).isTrue();
        assertThat(builds).hasSize(1);
        assertThat(top[0]).isEqualTo(model.itemIndexOf("twin"));
        assertThat(top[1]).isEqualTo(best);
    }

    /**
     * An index that has no room left is rebuilt in the background; a rebuild that fails leaves the
     * full index serving (it used to be dropped for exact scans for good) and is tried again later,
     * not at every request.
     */
    @Test
    void aFailedRebuildKeepsTheFullIndexServing() {
        ItemCatalog catalog = randomCatalog(2000);
        java.util.Map<String, float[]> itemRows = new java.util.HashMap<>();
        ServingModel model =
                randomModel(catalog, new java.util.SplittableRandom(7), false, itemRows);
        List<Runnable> builds = new java.util.ArrayList<>();
        model.useAnnFrom(1000, builds::add);
        String[] history = {"i1", "i101"};
        java.util.Set<Integer> excluded = model.indicesOf(history);
        model.topK("user1", history, 0L, 10, excluded);
        builds.get(0).run();
        model.topK("user1", history, 0L, 10, excluded);
        assertThat(model.annReady()).isTrue();

        // every item's row changes: re-putting them all fills the index (room for twice the items)
        for (int i = 0; i < 2000; i++) {
            float[] w = itemRows.get("i" + i);
            model.apply(new ParameterRow(RowKeys.item("i" + i), w, new float[0], 2, 2, 0, 0f, 0L));
        }
        model.topK("user1", history, 0L, 10, excluded); // re-puts them: full
        model.topK("user1", history, 0L, 10, excluded); // starts the rebuild
        assertThat(builds).hasSize(2);
        runInterrupted(builds.get(1)); // the rebuild fails

        int[] top = model.topK("user1", history, 0L, 10, excluded).items();
        assertThat(model.annReady()).as("the full index still serves").isTrue();
        assertThat(top).hasSize(10);
        model.topK("user1", history, 0L, 10, excluded);
        assertThat(builds).as("no new build at once after a failed one").hasSize(2);
    }

    /** Runs {@code build} on this thread with its interrupt set, as a cancelled task would. */
    private static void runInterrupted(Runnable build) {
        Thread.currentThread().interrupt();
        try {
            build.run();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rankOfAndTopKAgreeWithRankingTheFullScores() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        ServingModel model = randomModel(500, random, true);
        int hits = 0;
        for (int u = 0; u < 300; u++) {
            String[] history = {"i" + (u % 500), "i" + ((u * 7 + 1) % 500)};
            java.util.Set<Integer> excluded =
                    java.util.Set.of(model.itemIndexOf(history[0]), model.itemIndexOf(history[1]));
            // event time jumps back and forth, as out-of-order events make it
            long now = 600_000L + 97_000L * ((u * 37) % 300);
            int[] top = TopK.select(model.score("user" + u, history, now), 10, excluded);
            // half the targets from the exact top 10, half anywhere (mostly misses)
            int target = u % 2 == 0 ? top[u % top.length] : random.nextInt(500);
            assertThat(model.topK("user" + u, history, now, 10, excluded).items())
                    .as("pruned exact top 10 of user %d", u)
                    .containsExactly(top);
            int expected = TopK.rank(top, target);
            assertThat(model.rankOf("user" + u, history, now, target, 10, excluded))
                    .as("user %d target %d", u, target)
                    .isEqualTo(expected);
            hits += expected >= 0 ? 1 : 0;
        }
        assertThat(hits).isGreaterThanOrEqualTo(150);
    }

    /**
     * Items i0.. with random 8-dimensional rows over 7 genres; with {@code trending}, trend counts
     * and times differ per item, so the trend terms take part in the ranking.
     */
    private static ServingModel randomModel(
            int items, java.util.SplittableRandom random, boolean trending) {
        return randomModel(randomCatalog(items), random, trending, new java.util.HashMap<>());
    }

    /** Items i0.. over 7 genres. */
    private static ItemCatalog randomCatalog(int items) {
        List<ItemRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < items; i++) {
            records.add(new ItemRecord("i" + i, "I" + i, List.of("g" + (i % 7))));
        }
        return new ItemCatalog(records);
    }

    /** As above, over a given catalog, putting each item's row weights into {@code itemRows}. */
    private static ServingModel randomModel(
            ItemCatalog catalog,
            java.util.SplittableRandom random,
            boolean trending,
            java.util.Map<String, float[]> itemRows) {
        int d = 8;
        ModelConfig config = new ModelConfig(d, 2, 3, 86_400_000L, 1L, 0);
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        int items = catalog.size();
        for (int i = 0; i < items; i++) {
            float[] w = new float[d + 1];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (random.nextDouble() - 0.5);
            }
            itemRows.put("i" + i, w);
            model.apply(
                    trending
                            ? row(RowKeys.item("i" + i), w, i % 13, i % 5, 1000L * i)
                            : row(RowKeys.item("i" + i), w, i % 50, 0f, 0L));
        }
        return model;
    }
}
