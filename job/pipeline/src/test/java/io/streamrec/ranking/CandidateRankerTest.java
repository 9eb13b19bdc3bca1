package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Training examples, the trending start, determinism and learning of the candidate ranker. */
class CandidateRankerTest {
    private static final long START = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;

    /** The most the untrained hidden layer (u about 0.01 per unit) moves a score on these lists. */
    private static final float HIDDEN_TERM = 0.3f;

    private static CandidateRanker ranker() {
        return ranker(ScorerSettings.defaults());
    }

    private static CandidateRanker ranker(ScorerSettings settings) {
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), ItemCatalog.empty());
        return new CandidateRanker(
                statistics,
                new CandidateFeatures(statistics),
                new ListwiseScorer(Feature.COUNT, settings, Device.cpu()));
    }

    private static UserEvent event(String user, String item, long t) {
        return new UserEvent(
                user + "/" + item + "/" + t, user, item, EventType.CLICK, Float.NaN, t);
    }

    @Test
    void onlyAnEventWhoseItemIsACandidateIsATrainingExample() {
        try (CandidateRanker ranker = ranker()) {
            // nothing seen yet: no candidates at all
            ranker.rankThenLearn(event("u1", "a", START), null);
            assertThat(ranker.endBatch()).isZero();
            // a is popular now: a candidate for u2
            RankedCandidates ranked = ranker.rankThenLearn(event("u2", "a", START + MINUTE), null);
            assertThat(ranked.top(10)).containsExactly("a");
            assertThat(ranker.endBatch()).isEqualTo(1);
            assertThat(ranker.scaler().rows()).isEqualTo(1);
            // u2 had a (excluded from u2's candidates); z was never seen
            ranker.rankThenLearn(event("u2", "a", START + 2 * MINUTE), null);
            ranker.rankThenLearn(event("u3", "z", START + 3 * MINUTE), null);
            assertThat(ranker.endBatch()).isZero();
            // u3's list (a) was ranked but trains nothing: the scaler averages training lists only
            assertThat(ranker.scaler().rows()).isEqualTo(1);
            // two examples in one batch
            ranker.rankThenLearn(event("u4", "a", START + 4 * MINUTE), null);
            ranker.rankThenLearn(event("u4", "z", START + 5 * MINUTE), null);
            assertThat(ranker.endBatch()).isEqualTo(2);
            assertThat(ranker.endBatch()).isZero();
            assertThat(ranker.statistics().updates()).isEqualTo(6);
        }
    }

    /**
     * With DP-SGD noise a batch without lists still takes a (noise-only) step, so whether the
     * weights moved does not tell whether it had any; without noise it leaves them be.
     */
    @Test
    void withNoiseABatchWithoutListsStillSteps() {
        ScorerSettings clip = ScorerSettings.defaults().withClipNorm(1);
        try (CandidateRanker noisy = ranker(clip.withNoiseMultiplier(1));
                CandidateRanker clipped = ranker(clip)) {
            for (CandidateRanker ranker : List.of(noisy, clipped)) {
                ranker.rankThenLearn(event("u1", "a", START), null); // a miss: no list
            }
            float[] noisyBefore = noisy.scorer().parameters();
            float[] clippedBefore = clipped.scorer().parameters();

            assertThat(noisy.endBatch()).isZero();
            assertThat(clipped.endBatch()).isZero();

            assertThat(noisy.scorer().parameters()).isNotEqualTo(noisyBefore);
            assertThat(clipped.scorer().parameters()).containsExactly(clippedBefore);
        }
    }

    /**
     * Removing a user who has k lists in one step moves the step's clipped sum by up to k·C, so
     * that step costs the user k²·α/(2σ²) in RDP, not k steps' k·α/(2σ²): 8 lists of "u" in one
     * batch at σ 1 are ε(64 mechanisms) = ε(1 mechanism at σ/8), about 70.4, not ε(8), 17.6.
     */
    @Test
    void aUsersSeveralListsInOneStepAreChargedAsAGroup() {
        ScorerSettings dp = ScorerSettings.defaults().withClipNorm(1).withNoiseMultiplier(1);
        try (CandidateRanker ranker = ranker(dp)) {
            String[] items = {"a", "b", "c", "d", "e", "f", "g", "h"};
            long t = START;
            for (String item : items) { // others make each item popular: a candidate for u
                ranker.rankThenLearn(event("o", item, t += MINUTE), null);
            }
            ranker.endBatch();
            for (String item : items) {
                ranker.rankThenLearn(event("u", item, t += MINUTE), null);
            }
            assertThat(ranker.endBatch()).isEqualTo(8);

            PrivacyAccountant privacy = ranker.privacy();
            double largest =
                    java.util.regex.Pattern.compile("ε ([0-9.]+)")
                            .matcher(privacy.report())
                            .results()
                            .mapToDouble(m -> Double.parseDouble(m.group(1)))
                            .max()
                            .orElseThrow();
            double group = PrivacyAccountant.epsilon(1, 1.0 / 8, 1e-5);
            assertThat(group).isCloseTo(70.4, within(0.05));
            assertThat(largest).isCloseTo(group, within(0.05));
        }
    }

    @Test
    void learningStatisticsOnlyMakesNoExample() {
        try (CandidateRanker ranker = ranker()) {
            ranker.learnStatistics(event("u1", "a", START));
            ranker.learnStatistics(event("u2", "a", START + MINUTE));
            assertThat(ranker.endBatch()).isZero();
            assertThat(ranker.statistics().updates()).isEqualTo(2);
            assertThat(ranker.recommend("u3", START + 2 * MINUTE, null).top(10))
                    .containsExactly("a");
        }
    }

    /** Item k has 2k + 1 events by random users at random times over two days, in time order. */
    private static List<UserEvent> popularityStream() {
        Random random = new Random(3);
        List<UserEvent> events = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            for (int e = 0; e < 2 * k + 1; e++) {
                long t = START + random.nextInt(48 * 60) * MINUTE;
                events.add(event("u" + random.nextInt(30), "i" + k, t));
            }
        }
        events.sort(Comparator.comparingLong(UserEvent::timestamp));
        return events;
    }

    /**
     * Before any training step a score is the standardised 1-day count (weight 1, every other
     * weight 0) plus the untrained hidden layer's small term; candidates whose standardised counts
     * differ by more than twice that term are in the count's order.
     */
    @Test
    void untrainedItRanksByTheOneDayCountUpToTheSmallHiddenLayer() {
        List<UserEvent> events = popularityStream();
        long now = events.get(events.size() - 1).timestamp();
        int column = Feature.COUNT_1D.column();
        try (CandidateRanker ranker = ranker()) {
            events.forEach(e -> ranker.rankThenLearn(e, null));
            CandidateFeatures features = new CandidateFeatures(ranker.statistics());
            int ordered = 0;
            for (String user : List.of("u0", "u3", "u7", "u12", "u21", "new")) {
                CandidateSet candidates = ranker.statistics().candidates(user, now);
                List<String> items = new ArrayList<>();
                candidates.candidates().forEach(c -> items.add(c.itemId()));
                FeatureList standardised =
                        ranker.scaler()
                                .standardise(features.extract(user, now, items, candidates, null));
                Map<String, Float> count = new HashMap<>();
                for (int c = 0; c < items.size(); c++) {
                    count.put(items.get(c), standardised.value(c, column));
                }

                RankedCandidates ranked = ranker.recommend(user, now, null);

                assertThat(ranked.top(100)).containsExactlyInAnyOrderElementsOf(items);
                List<String> order = ranked.top(100);
                for (int r = 0; r < order.size(); r++) {
                    assertThat(ranked.score(r))
                            .as("score of %s", order.get(r))
                            .isCloseTo(count.get(order.get(r)), within(HIDDEN_TERM));
                    for (int worse = r + 1; worse < order.size(); worse++) {
                        float gap = count.get(order.get(r)) - count.get(order.get(worse));
                        if (Math.abs(gap) > 2 * HIDDEN_TERM) {
                            assertThat(gap).isPositive();
                            ordered++;
                        }
                    }
                }
            }
            assertThat(ordered).isGreaterThan(100);
        }
    }

    /**
     * The exact claim of {@link CandidateRanker}'s constructor ("the rest 0", so its first answers
     * are trending's) does not hold: the untrained hidden layer adds up to about 0.2 (in standard
     * deviations of the 1-day count's log) and swaps candidates whose 1-day counts are within a few
     * percent, e.g. counts 2.8495 and 2.8491 at the 65th row.
     */
    @Test
    void twoRankersFedTheSameEventsRankAlike() {
        List<UserEvent> events = new SuccessorStream(30, 8, 11).events(400);
        try (CandidateRanker a = ranker();
                CandidateRanker b = ranker()) {
            for (int i = 0; i < events.size(); i++) {
                RankedCandidates ra = a.rankThenLearn(events.get(i), null);
                RankedCandidates rb = b.rankThenLearn(events.get(i), null);
                assertThat(rb.top(100)).isEqualTo(ra.top(100));
                if (i % 20 == 19) {
                    assertThat(b.endBatch()).isEqualTo(a.endBatch());
                }
            }
            assertThat(b.scorer().parameters()).containsExactly(a.scorer().parameters());
            long now = events.get(events.size() - 1).timestamp();
            for (String user : List.of("u0", "u5", "u17", "new")) {
                RankedCandidates ra = a.recommend(user, now, null);
                RankedCandidates rb = b.recommend(user, now, null);
                assertThat(rb.top(100)).isEqualTo(ra.top(100));
                for (int r = 0; r < ra.size(); r++) {
                    assertThat(rb.score(r)).isEqualTo(ra.score(r));
                }
            }
        }
    }

    /**
     * Test, then learn: an event's list is ranked with what earlier events taught, so its scores do
     * not depend on which candidate the event took (the feature scaler learns the event's training
     * rows, the answer's among them, only after standardising the ranked list).
     */
    @Test
    void anEventIsRankedAsARequestAtItsTimeIsWhateverItsAnswer() {
        List<UserEvent> events = new SuccessorStream(30, 8, 11).events(401);
        try (CandidateRanker asked = ranker();
                CandidateRanker evaluated = ranker()) {
            int compared = 0;
            for (int i = 0; i < events.size(); i++) {
                UserEvent e = events.get(i);
                RankedCandidates request = asked.recommend(e.userId(), e.timestamp(), null);
                RankedCandidates ranked = evaluated.rankThenLearn(e, null);
                asked.learn(e, null);
                if (ranked.rankOf(e.itemId(), ranked.size()) >= 0) {
                    assertThat(ranked.top(ranked.size()))
                            .as("event %d", i)
                            .isEqualTo(request.top(request.size()));
                    for (int r = 0; r < ranked.size(); r++) {
                        assertThat(ranked.score(r)).isEqualTo(request.score(r));
                    }
                    compared++;
                }
                if (i % 20 == 19) {
                    assertThat(asked.endBatch()).isEqualTo(evaluated.endBatch());
                }
            }
            assertThat(compared).isGreaterThan(100);
        }
    }

    /** An event learned without ranking trains the scorer exactly as one ranked, then learned. */
    @Test
    void learningWithoutRankingTrainsAsRankingThenLearningDoes() {
        List<UserEvent> events = new SuccessorStream(30, 8, 11).events(400);
        try (CandidateRanker ranked = ranker();
                CandidateRanker unranked = ranker()) {
            for (int i = 0; i < events.size(); i++) {
                ranked.rankThenLearn(events.get(i), null);
                unranked.learn(events.get(i), null);
                if (i % 20 == 19) {
                    assertThat(unranked.endBatch()).isEqualTo(ranked.endBatch()).isPositive();
                }
            }
            assertThat(unranked.scorer().parameters())
                    .containsExactly(ranked.scorer().parameters());
            assertThat(unranked.scaler().rows()).isEqualTo(ranked.scaler().rows());
        }
    }

    /**
     * A training list's sampled rows have exactly their values in the whole list's features, the
     * columns relative to the list's largest values included, though only those rows are computed.
     */
    @Test
    void sampledRowsHaveTheFeaturesOfTheWholeList() {
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), ItemCatalog.empty());
        CandidateFeatures features = new CandidateFeatures(statistics);
        int compared = 0;
        for (UserEvent e : new SuccessorStream(30, 8, 11).events(400)) {
            CandidateSet candidates = statistics.candidates(e.userId(), e.timestamp());
            List<String> ids = new ArrayList<>();
            candidates.candidates().forEach(c -> ids.add(c.itemId()));
            boolean[] rows =
                    NegativeSample.rows(e.eventId(), ids.size(), ids.indexOf(e.itemId()), 0.3);
            FeatureList whole = features.extract(e.userId(), e.timestamp(), ids, candidates, null);
            FeatureList sample =
                    features.extract(e.userId(), e.timestamp(), ids, candidates, null, rows);
            assertThat(sample.values()).containsExactly(whole.rows(rows).values());
            assertThat(sample.context()).containsExactly(whole.context());
            compared += sample.candidates() < whole.candidates() ? 1 : 0;
            statistics.update(e);
        }
        assertThat(compared).isGreaterThan(300);
    }

    /**
     * A list nobody ranks trains on its event's item and the sampled negatives, each negative's
     * score raised by ln(1 / share): after every batch the ranker's weights are those of a scorer
     * stepped by hand on exactly those rows, standardised as the ranker's scaler does, with those
     * corrections, the item interaction's terms added when it is on. A share of 1 trains on every
     * row, uncorrected.
     */
    @ParameterizedTest
    @CsvSource({"0.5, false", "1.0, false", "0.5, true"})
    void aSampledListTrainsOnItsRowsWithTheCorrection(double share, boolean interaction) {
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), ItemCatalog.empty());
        CandidateFeatures features = new CandidateFeatures(statistics);
        FeatureScaler scaler =
                new FeatureScaler(
                        Feature.COUNT,
                        CandidateRanker.SCALER_HORIZON,
                        CandidateRanker.CONTEXT_SCALING);
        List<FeatureList> lists = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        List<float[]> corrections = new ArrayList<>();
        List<ItemInteraction.Example> examples = new ArrayList<>();
        ItemInteraction.Settings vectors =
                interaction
                        ? ItemInteraction.Settings.defaults(ScorerSettings.defaults().seed())
                        : ItemInteraction.Settings.off();
        int sampledAway = 0;
        try (CandidateRanker ranker =
                        new CandidateRanker(
                                statistics,
                                features,
                                new ListwiseScorer(
                                                Feature.COUNT,
                                                ScorerSettings.defaults(),
                                                Device.cpu())
                                        .withItemInteraction(vectors));
                ListwiseScorer reference =
                        new ListwiseScorer(Feature.COUNT, ScorerSettings.defaults(), Device.cpu())
                                .withItemInteraction(vectors)) {
            ranker.trainingNegatives(share);
            reference.setInitialWeight(Feature.COUNT_1D.column(), 1f);
            List<UserEvent> events = new SuccessorStream(30, 8, 11).events(200);
            for (int i = 0; i < events.size(); i++) {
                UserEvent e = events.get(i);
                CandidateSet candidates = statistics.candidates(e.userId(), e.timestamp());
                List<String> ids = new ArrayList<>();
                candidates.candidates().forEach(c -> ids.add(c.itemId()));
                int target = ids.indexOf(e.itemId());
                if (target >= 0) {
                    boolean[] rows = NegativeSample.rows(e.eventId(), ids.size(), target, share);
                    FeatureList sample =
                            features.extract(
                                    e.userId(), e.timestamp(), ids, candidates, null, rows);
                    scaler.observe(sample);
                    scaler.standardise(sample);
                    int kept =
                            rows == null
                                    ? target
                                    : NegativeSample.kept(Arrays.copyOf(rows, target), target);
                    float[] correction = null;
                    if (rows != null) {
                        correction = new float[sample.candidates()];
                        Arrays.fill(correction, (float) Math.log(1 / share));
                        correction[kept] = 0f;
                    }
                    lists.add(sample);
                    targets.add(kept);
                    corrections.add(correction);
                    if (interaction) {
                        ItemInteraction v = reference.itemInteraction();
                        List<String> keptIds = new ArrayList<>();
                        for (int r = 0; r < ids.size(); r++) {
                            if (rows == null || rows[r]) {
                                keptIds.add(ids.get(r));
                            }
                        }
                        List<String> history = statistics.userItems(e.userId(), v.historyItems());
                        examples.add(v.example(keptIds, history));
                    }
                    sampledAway += ids.size() - sample.candidates();
                }
                ranker.learn(e, null);
                if (i % 20 == 19) {
                    assertThat(ranker.endBatch()).isEqualTo(lists.size());
                    stepByHand(reference, lists, targets, corrections, examples);
                    assertThat(ranker.scorer().parameters())
                            .containsExactly(reference.parameters());
                }
            }
        }
        if (share < 1) {
            assertThat(sampledAway).isGreaterThan(1000);
        } else {
            assertThat(sampledAway).isZero();
        }
    }

    /** Two passes, as the ranker takes by default, on the lists kept since the last batch. */
    private static void stepByHand(
            ListwiseScorer scorer,
            List<FeatureList> lists,
            List<Integer> targets,
            List<float[]> corrections,
            List<ItemInteraction.Example> examples) {
        if (lists.isEmpty()) {
            return;
        }
        int[] t = targets.stream().mapToInt(Integer::intValue).toArray();
        float[] w = new float[t.length];
        Arrays.fill(w, 1f);
        ItemInteraction vectors = examples.isEmpty() ? null : scorer.itemInteraction();
        for (int pass = 0; pass < CandidateRanker.TRAINING_PASSES; pass++) {
            float[][] offsets = new float[t.length][];
            for (int i = 0; i < t.length; i++) {
                float[] c = corrections.get(i);
                offsets[i] = vectors == null ? c : vectors.terms(examples.get(i));
                for (int j = 0; vectors != null && c != null && j < c.length; j++) {
                    offsets[i][j] += c[j];
                }
            }
            float[][] probabilities = new float[t.length][];
            scorer.step(scorer.gradients(lists, t, w, offsets, probabilities));
            if (vectors != null) {
                vectors.step(examples, probabilities, t, w);
            }
        }
        lists.clear();
        targets.clear();
        corrections.clear();
        examples.clear();
    }

    /**
     * Each batch takes as many AdaGrad steps as passes, each from the weights the last one left:
     * one, two (the default) and three passes over the same lists end at three different weights.
     */
    @Test
    void eachBatchTakesOneStepPerPass() {
        List<UserEvent> events = new SuccessorStream(30, 8, 11).events(200);
        try (CandidateRanker one = ranker();
                CandidateRanker two = ranker();
                CandidateRanker three = ranker()) {
            one.trainingPasses(1);
            three.trainingPasses(3);
            for (UserEvent e : events) {
                for (CandidateRanker r : List.of(one, two, three)) {
                    r.rankThenLearn(e, null);
                }
            }
            for (CandidateRanker r : List.of(one, two, three)) {
                assertThat(r.endBatch()).isPositive();
            }
            assertThat(two.scorer().parameters())
                    .isNotEqualTo(one.scorer().parameters())
                    .isNotEqualTo(three.scorer().parameters());
            assertThat(one.scorer().parameters()).isNotEqualTo(three.scorer().parameters());
            assertThatThrownBy(() -> one.trainingPasses(0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Outside the learn sample an event is ranked and applied to the statistics; neither the scorer
     * nor the feature scaler learns from it.
     */
    @Test
    void outsideTheLearnSampleRankingTeachesOnlyTheStatistics() {
        List<UserEvent> events = new SuccessorStream(30, 8, 11).events(200);
        try (CandidateRanker ranker = ranker();
                CandidateRanker reference = ranker()) {
            ranker.learnFrom(1e-9);
            int ranked = 0;
            for (UserEvent e : events) {
                ranked += ranker.rankThenLearn(e, null).size() > 0 ? 1 : 0;
                reference.rankThenLearn(e, null);
            }
            assertThat(ranked).isGreaterThan(150);
            assertThat(ranker.endBatch()).isZero();
            assertThat(ranker.scaler().rows()).isZero();
            assertThat(reference.endBatch()).isPositive();
            assertThat(ranker.statistics().updates()).isEqualTo(events.size());
        }
    }

    /**
     * Users walk a cycle of items, i then i + 1: trending rarely has the next item in its top 3;
     * the trained ranker, which reads the transitions, nearly always has.
     */
    @Test
    void learnsAPlantedSuccessorBeyondTrending() {
        List<UserEvent> events = new SuccessorStream(40, 10, 7).events(2000);
        int trainEvents = 1500;
        int evaluated = 0;
        int learnedHits = 0;
        int trendingHits = 0;
        try (CandidateRanker learner = ranker();
                CandidateRanker trending = ranker()) {
            for (int i = 0; i < events.size(); i++) {
                UserEvent e = events.get(i);
                boolean returning = learner.statistics().knows(e.userId());
                RankedCandidates learned = learner.rankThenLearn(e, null);
                RankedCandidates untrained = trending.rankThenLearn(e, null);
                if (i < trainEvents) {
                    if (i % 25 == 24) {
                        learner.endBatch();
                    }
                } else if (returning) {
                    evaluated++;
                    learnedHits += learned.rankOf(e.itemId(), 3) >= 0 ? 1 : 0;
                    trendingHits += untrained.rankOf(e.itemId(), 3) >= 0 ? 1 : 0;
                }
            }
        }
        assertThat(evaluated).isGreaterThan(300);
        double learnedRate = learnedHits / (double) evaluated;
        double trendingRate = trendingHits / (double) evaluated;
        assertThat(trendingRate).isLessThan(0.3);
        assertThat(learnedRate).isGreaterThan(0.9);
    }

    /**
     * Users that each start at a random item of a cycle and then visit its successors, a few users
     * active at once, interleaved at random; one event a minute.
     */
    static final class SuccessorStream {
        private final int items;
        private final int length;
        private final Random random;

        SuccessorStream(int items, int length, long seed) {
            this.items = items;
            this.length = length;
            this.random = new Random(seed);
        }

        List<UserEvent> events(int count) {
            int active = 12;
            int[] user = new int[active];
            int[] position = new int[active];
            int[] visited = new int[active];
            int users = 0;
            for (int a = 0; a < active; a++) {
                user[a] = users++;
                position[a] = random.nextInt(items);
            }
            List<UserEvent> events = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                int a = random.nextInt(active);
                events.add(
                        event(
                                "u" + user[a],
                                "i" + (position[a] + visited[a]) % items,
                                START + n * MINUTE));
                if (++visited[a] == length) {
                    user[a] = users++;
                    position[a] = random.nextInt(items);
                    visited[a] = 0;
                }
            }
            return events;
        }
    }
}
