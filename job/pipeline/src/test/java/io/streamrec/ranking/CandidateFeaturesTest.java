package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.HandComputedSettings;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.candidates.Source;
import io.streamrec.candidates.StatisticsView;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each feature family on a tiny stream, against values computed by hand in the comments. */
class CandidateFeaturesTest {
    private static final long HOUR = 3_600_000L;

    /** 2020-01-01T00:00Z: event year 2020.0 (to 1e-3). */
    private static final long T0 = 1_577_836_800_000L;

    private static final double WEEK_H = 168;
    private static final Offset<Float> CLOSE = within(1e-5f);

    /**
     * Tokens (title words of two or more characters, attributes): star on a, b, f (idf ln 2), wars
     * on a, e, trek on b, c, sci-fi on a, b (ln 3), drama on d, e, f (ln 2), the rest once (ln 6).
     */
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("a", "Star Wars (1977)", List.of("Sci-Fi", "Action")),
                            new ItemRecord("b", "Star Trek (1979)", List.of("Sci-Fi")),
                            new ItemRecord("c", "Trek Nation (2010)", List.of("Documentary")),
                            new ItemRecord("d", "Casablanca (1942)", List.of("Drama", "Romance")),
                            new ItemRecord("e", "Wars of Roses (1989)", List.of("Drama")),
                            new ItemRecord("f", "A Star (1952)", List.of("Drama"))));

    /** The candidate items of u2 (not a, c), a catalog item without events, an unknown one. */
    private static final List<String> ITEMS = List.of("b", "d", "e", "x");

    private CandidateGenerator generator;
    private CandidateFeatures features;

    static CandidateSettings settings() {
        return HandComputedSettings.standard();
    }

    static UserEvent rating(String user, String item, long hour, float value) {
        return new UserEvent(
                user + item + hour, user, item, EventType.RATING, value, T0 + hour * HOUR);
    }

    /**
     * u1: a 0h (8), b 1h (6), c 4h (4), d 5h (10); u2: a 2h (7), c 3h (5); u3: b 6h (9). Counts n:
     * a 2, b 2, c 2, d 1. C: a-b 1, a-c 2, b-c 1, a-d 1, b-d 1, c-d 1. T: a>b, a>c, b>c, c>d; out:
     * a 2, b 1, c 1, d 0. Ratings: mean 7, variance 28 / 7 = 4, sigma 2.
     */
    @BeforeEach
    void replay() {
        generator = new CandidateGenerator(settings(), CATALOG);
        replay(generator);
        features = new CandidateFeatures(generator);
    }

    private static void replay(CandidateGenerator generator) {
        List.of(
                        rating("u1", "a", 0, 8),
                        rating("u1", "b", 1, 6),
                        rating("u2", "a", 2, 7),
                        rating("u2", "c", 3, 5),
                        rating("u1", "c", 4, 4),
                        rating("u1", "d", 5, 10),
                        rating("u3", "b", 6, 9))
                .forEach(generator::update);
    }

    private FeatureList u2At7h() {
        return features.extract("u2", T0 + 7 * HOUR, ITEMS, null);
    }

    private static float value(FeatureList list, String item, Feature feature) {
        return list.value(ITEMS.indexOf(item), feature.column());
    }

    @Test
    void popularity() {
        FeatureList list = u2At7h();
        // b's events at 1 h and 6 h, read at 7 h: 6 h half-life 2^(-1) + 2^(-1/6)
        assertThat(value(list, "b", Feature.COUNT_6H))
                .isCloseTo((float) Math.log1p(0.5 + Math.pow(2, -1 / 6.0)), CLOSE);
        assertThat(value(list, "b", Feature.COUNT_1D))
                .isCloseTo(
                        (float) Math.log1p(Math.pow(2, -6 / 24.0) + Math.pow(2, -1 / 24.0)), CLOSE);
        assertThat(value(list, "d", Feature.COUNT_30D))
                .isCloseTo((float) Math.log1p(Math.pow(2, -2 / 720.0)), CLOSE);
        assertThat(value(list, "b", Feature.COUNT_ALL_TIME)).isCloseTo((float) Math.log(3), CLOSE);
        // b rated 6 and 9: ((15 + 5 * 7) / 7 - 7) / 2 = 1 / 14; d rated 10: ((10 + 35) / 6 - 7) / 2
        assertThat(value(list, "b", Feature.RATING)).isCloseTo(1f / 14, CLOSE);
        assertThat(value(list, "d", Feature.RATING)).isCloseTo(0.25f, CLOSE);
        // e has no rating: the global mean, 0 standard deviations
        assertThat(value(list, "e", Feature.RATING)).isZero();
        assertThat(value(list, "x", Feature.COUNT_ALL_TIME)).isZero();
    }

    @Test
    void shortTermPopularityAtA2HourHalfLife() {
        FeatureList list = u2At7h();
        // b's events at 1 h and 6 h, read at 7 h: 2^(-3) + 2^(-1/2); d's at 5 h: 2^(-1)
        float b = (float) Math.log1p(0.125 + Math.pow(2, -0.5));
        float d = (float) Math.log(1.5);
        assertThat(value(list, "b", Feature.COUNT_2H)).isCloseTo(b, CLOSE);
        assertThat(value(list, "d", Feature.COUNT_2H)).isCloseTo(d, CLOSE);
        assertThat(value(list, "e", Feature.COUNT_2H)).isZero();
        assertThat(value(list, "x", Feature.COUNT_2H)).isZero();
        // less the list's largest, b's
        assertThat(value(list, "b", Feature.RELATIVE_2H)).isZero();
        assertThat(value(list, "d", Feature.RELATIVE_2H)).isCloseTo(d - b, CLOSE);
        assertThat(value(list, "x", Feature.RELATIVE_2H)).isCloseTo(-b, CLOSE);
    }

    @Test
    void recency() {
        FeatureList list = u2At7h();
        // b first seen at 1 h: 6 h = 0.25 days old; last seen at 6 h: 1 hour idle
        assertThat(value(list, "b", Feature.AGE)).isCloseTo((float) Math.log(1.25), CLOSE);
        assertThat(value(list, "b", Feature.IDLE)).isCloseTo((float) Math.log(2), CLOSE);
        assertThat(value(list, "b", Feature.UNSEEN)).isZero();
        // released 1979, event in 2020: 41 years
        assertThat(value(list, "b", Feature.RELEASE_AGE))
                .isCloseTo((float) Math.log(42), within(1e-3f));
        assertThat(value(list, "b", Feature.RELEASE_KNOWN)).isEqualTo(1f);
        // e: in the catalog, never taken
        assertThat(value(list, "e", Feature.UNSEEN)).isEqualTo(1f);
        assertThat(value(list, "e", Feature.AGE)).isZero();
        assertThat(value(list, "e", Feature.IDLE)).isZero();
        assertThat(value(list, "e", Feature.RELEASE_AGE))
                .isCloseTo((float) Math.log(32), within(1e-3f));
        // x: unknown everywhere
        assertThat(value(list, "x", Feature.UNSEEN)).isEqualTo(1f);
        assertThat(value(list, "x", Feature.RELEASE_KNOWN)).isZero();
    }

    @Test
    void reverseTransitionEvenWhenTheLastItemsCappedCooccurrenceRowDroppedTheCandidate() {
        generator = new CandidateGenerator(HandComputedSettings.of(10, 100, 1), CATALOG);
        replay(generator);
        FeatureList list =
                new CandidateFeatures(generator).extract("u2", T0 + 7 * HOUR, ITEMS, null);
        // one neighbour per row: c's co-occurrence row keeps a (2), so C[c][b] = 0, while b's
        // transition row keeps T[b][c] = 1 and out(b) = 1
        assertThat(value(list, "b", Feature.COOCCURRENCE_LAST)).isZero();
        assertThat(value(list, "b", Feature.TRANSITION_REVERSE)).isCloseTo(1f, CLOSE);
    }

    @Test
    void sequenceWithTheUsersLatestItems() {
        // u2's latest: c (weight 1), then a (0.6)
        FeatureList list = u2At7h();
        // d: C[c][d] = 1, n(c) = 2, n(d) = 1, T[c][d] / out(c) = 1, C[a][d] = 1, n(a) = 2
        assertThat(value(list, "d", Feature.COOCCURRENCE_LAST))
                .isCloseTo((float) Math.log(2), CLOSE);
        assertThat(value(list, "d", Feature.COOCCURRENCE_LAST_SHARE)).isCloseTo(0.5f, CLOSE);
        assertThat(value(list, "d", Feature.COOCCURRENCE_LAST_COSINE))
                .isCloseTo((float) (1 / Math.sqrt(2)), CLOSE);
        assertThat(value(list, "d", Feature.TRANSITION_LAST)).isCloseTo(1f, CLOSE);
        assertThat(value(list, "d", Feature.TRANSITION_REVERSE)).isZero();
        // 1/2 + 0.6 * 1/2; 1 + 0.6 * T[a][d] (0); (1 + 0.6) / sqrt(2 * 1); ln(1 + 1 + 0.6)
        assertThat(value(list, "d", Feature.COOCCURRENCE_RECENT)).isCloseTo(0.8f, CLOSE);
        assertThat(value(list, "d", Feature.TRANSITION_RECENT)).isCloseTo(1f, CLOSE);
        assertThat(value(list, "d", Feature.COOCCURRENCE_RECENT_COSINE))
                .isCloseTo((float) (1.6 / Math.sqrt(2)), CLOSE);
        assertThat(value(list, "d", Feature.COOCCURRENCE_RECENT_COUNT))
                .isCloseTo((float) Math.log(2.6), CLOSE);
        // b: C[c][b] = 1, n(b) = 2, T[c][b] = 0, T[b][c] / out(b) = 1, C[a][b] = 1, T[a][b] /
        // out(a)
        // = 1/2
        assertThat(value(list, "b", Feature.COOCCURRENCE_LAST_COSINE)).isCloseTo(0.5f, CLOSE);
        assertThat(value(list, "b", Feature.TRANSITION_LAST)).isZero();
        assertThat(value(list, "b", Feature.TRANSITION_REVERSE)).isCloseTo(1f, CLOSE);
        assertThat(value(list, "b", Feature.COOCCURRENCE_RECENT)).isCloseTo(0.8f, CLOSE);
        assertThat(value(list, "b", Feature.TRANSITION_RECENT)).isCloseTo(0.3f, CLOSE);
        assertThat(value(list, "b", Feature.COOCCURRENCE_RECENT_COSINE)).isCloseTo(0.8f, CLOSE);
        // the item-to-item source's score is the sum of the recent co-occurrence and transitions
        CandidateSet set = generator.candidates("u2", T0 + 7 * HOUR);
        assertThat(set.get("b").score(Source.ITEM_TO_ITEM)).isCloseTo(0.8 + 0.3, within(1e-9));
        assertThat(set.get("d").score(Source.ITEM_TO_ITEM)).isCloseTo(0.8 + 1.0, within(1e-9));
        assertThat(value(list, "e", Feature.COOCCURRENCE_RECENT)).isZero();
    }

    @Test
    void historyCosineOverTheLatestItemsUnweighted() {
        // u2's latest: c, a, each weighing 1. d: C[c][d] = C[a][d] = 1, n(c) = n(a) = 2, n(d) = 1:
        // (1 / sqrt(2) + 1 / sqrt(2)) / sqrt(1), over 2 items; b: C[c][b] = C[a][b] = 1, n(b) = 2
        FeatureList list = u2At7h();
        assertThat(value(list, "d", Feature.COOCCURRENCE_HISTORY_COSINE))
                .isCloseTo((float) Math.sqrt(2), CLOSE);
        assertThat(value(list, "d", Feature.COOCCURRENCE_HISTORY_COSINE_MEAN))
                .isCloseTo((float) (Math.sqrt(2) / 2), CLOSE);
        assertThat(value(list, "b", Feature.COOCCURRENCE_HISTORY_COSINE)).isCloseTo(1f, CLOSE);
        assertThat(value(list, "b", Feature.COOCCURRENCE_HISTORY_COSINE_MEAN))
                .isCloseTo(0.5f, CLOSE);
        assertThat(value(list, "e", Feature.COOCCURRENCE_HISTORY_COSINE)).isZero();
        assertThat(value(list, "x", Feature.COOCCURRENCE_HISTORY_COSINE_MEAN)).isZero();
    }

    /**
     * The history sums reach past the 5 latest items of the other sequence features to the latest
     * 20, and no further: v takes h0 ... h21 (1 h apart), then o takes h0, h3, h20 and j.
     */
    @Test
    void historyCosineReadsTheLatest20ItemsOnly() {
        CandidateGenerator g = new CandidateGenerator(settings(), ItemCatalog.empty());
        for (int i = 0; i < 22; i++) {
            g.update(rating("v", "h" + i, i, 5));
        }
        List<String> taken = List.of("h0", "h3", "h20", "j");
        for (int i = 0; i < taken.size(); i++) {
            g.update(rating("o", taken.get(i), 22 + i, 5));
        }
        FeatureList list =
                new CandidateFeatures(g).extract("v", T0 + 30 * HOUR, List.of("j", "x"), null);
        // v's latest 20 are h21 ... h2: h20 (1st, among the 5 latest) and h3 (18th) count, h0
        // (21st) does not. C[h20][j] = C[h3][j] = 1, n(h20) = n(h3) = 2, n(j) = 1
        double sum = 2 / Math.sqrt(2);
        assertThat(list.value(0, Feature.COOCCURRENCE_HISTORY_COSINE.column()))
                .isCloseTo((float) sum, CLOSE);
        assertThat(list.value(0, Feature.COOCCURRENCE_HISTORY_COSINE_MEAN.column()))
                .isCloseTo((float) (sum / 20), CLOSE);
        // the decayed sums read the 5 latest only: h20 at weight 0.6
        assertThat(list.value(0, Feature.COOCCURRENCE_RECENT_COSINE.column()))
                .isCloseTo((float) (0.6 / Math.sqrt(2)), CLOSE);
        assertThat(list.value(1, Feature.COOCCURRENCE_HISTORY_COSINE.column())).isZero();
    }

    @Test
    void noSequenceForANewUser() {
        FeatureList list = features.extract("u9", T0 + 7 * HOUR, ITEMS, null);
        for (Feature f : Feature.values()) {
            if (f.family() == FeatureFamily.SEQUENCE
                    || f.family() == FeatureFamily.NEIGHBOURS
                    || f.family() == FeatureFamily.CONTENT
                    || f.family() == FeatureFamily.USER_FIT) {
                assertThat(value(list, "d", f)).as(f.label()).isZero();
            }
        }
        assertThat(value(list, "d", Feature.COUNT_ALL_TIME)).isCloseTo((float) Math.log(2), CLOSE);
    }

    @Test
    void neighbours() {
        // u2's only similar user is u1 (met on a at 2 h and on c at 4 h), recent user of b and d
        FeatureList list = u2At7h();
        double sim = Math.pow(2, -5 / WEEK_H) + Math.pow(2, -3 / WEEK_H);
        assertThat(value(list, "d", Feature.NEIGHBOUR_SHARE)).isCloseTo(1f, CLOSE);
        assertThat(value(list, "d", Feature.NEIGHBOUR_SUPPORT))
                .isCloseTo((float) Math.log1p(sim), CLOSE);
        assertThat(value(list, "d", Feature.NEIGHBOUR_COUNT)).isCloseTo((float) Math.log(2), CLOSE);
        // b's recent users u3 (not similar to u2) and u1
        assertThat(value(list, "b", Feature.NEIGHBOUR_COUNT)).isCloseTo((float) Math.log(2), CLOSE);
        assertThat(value(list, "e", Feature.NEIGHBOUR_SHARE)).isZero();
        // u3 met u1 only, on b at 6 h; a's recent users are u1 and u2
        FeatureList u3 = features.extract("u3", T0 + 7 * HOUR, List.of("a", "d"), null);
        double sim3 = Math.pow(2, -1 / WEEK_H);
        assertThat(u3.value(0, Feature.NEIGHBOUR_SUPPORT.column()))
                .isCloseTo((float) Math.log1p(sim3), CLOSE);
        assertThat(u3.value(0, Feature.NEIGHBOUR_SHARE.column())).isCloseTo(1f, CLOSE);
    }

    /**
     * Right after the user's candidates, the neighbour features read the similar-users source's
     * walk; otherwise (another user's walk, another time's) they walk the similar users themselves.
     * Both give the same features to the last bit, and a walk made before the statistics changed is
     * not read.
     */
    @Test
    void neighbourFeaturesFromTheSourcesWalkEqualTheirOwnWalk() {
        long t = T0 + 7 * HOUR;
        StatisticsView view = new StatisticsView(generator);
        List<String> items = List.of("a", "b", "c", "d", "e", "f", "x");
        for (String user : List.of("u1", "u2", "u3")) {
            generator.candidates(user.equals("u1") ? "u2" : "u1", t); // another user's walk
            float[] walked = features.extract(user, t, items, null).values();
            generator.candidates(user, t + 1); // this user's, another time's
            assertThat(view.walkedFor(view.user(user), t)).isFalse();
            assertThat(features.extract(user, t, items, null).values()).containsExactly(walked);
            generator.candidates(user, t);
            assertThat(view.walkedFor(view.user(user), t)).as(user).isTrue();
            float[] read = features.extract(user, t, items, null).values();
            assertThat(read).as(user).containsExactly(walked);
        }
        FeatureList before = features.extract("u2", t, ITEMS, null);
        generator.candidates("u2", t);
        // after the walk, u2's similar user u1 takes e: e now counts for u2
        generator.update(rating("u1", "e", 6, 8));
        assertThat(view.walkedFor(view.user("u2"), t)).isFalse();
        FeatureList after = features.extract("u2", t, ITEMS, null);
        generator.candidates("u1", t + 1);
        assertThat(after.values())
                .containsExactly(features.extract("u2", t, ITEMS, null).values())
                .isNotEqualTo(before.values());
        assertThat(value(after, "e", Feature.NEIGHBOUR_COUNT)).isPositive();
    }

    /** Every change to the similar users or histories makes the last walk answer for no one. */
    @Test
    void aWalkIsNotReadAfterAForgetOrAChangeOfWhoseStatisticsAreKept() {
        long t = T0 + 7 * HOUR;
        StatisticsView view = new StatisticsView(generator);
        List<Runnable> changes =
                List.of(
                        () -> generator.forget("u3"),
                        () -> generator.keepUserStatisticsOf(id -> true),
                        () ->
                                generator.adoptUserStatistics(
                                        new CandidateGenerator(settings(), CATALOG)));
        for (Runnable change : changes) {
            generator.candidates("u2", t);
            assertThat(view.walkedFor(view.user("u2"), t)).isTrue();
            change.run();
            assertThat(view.walkedFor(view.user("u2"), t)).isFalse();
        }
    }

    /**
     * Support counts a similar user's latest {@code itemsPerSimilarUser} items only: the part of a
     * history every serving subtask keeps, so a feature does not depend on which subtask ranks.
     */
    @Test
    void neighbourSupportReadsOnlyASimilarUsersLatestItems() {
        CandidateSettings s = settings();
        CandidateSettings latestTwo =
                new CandidateSettings(
                        s.perSource(),
                        s.userItems(),
                        s.pairWindow(),
                        s.neighbourCap(),
                        s.sequenceItems(),
                        s.sequenceDecay(),
                        s.usersPerItem(),
                        s.similarPerUser(),
                        s.similarity(),
                        2,
                        s.similarItemDecay(),
                        s.titleItems(),
                        s.maxItemsPerWord(),
                        s.perSource(),
                        SimilarUsers.BOTH_WAYS,
                        true);
        generator = new CandidateGenerator(latestTwo, CATALOG);
        replay(generator);
        FeatureList list =
                new CandidateFeatures(generator).extract("u2", T0 + 7 * HOUR, ITEMS, null);
        // u1's latest two are d and c; b (u1's third latest) is u1's but no longer counts
        assertThat(value(list, "d", Feature.NEIGHBOUR_COUNT)).isCloseTo((float) Math.log(2), CLOSE);
        assertThat(value(list, "b", Feature.NEIGHBOUR_COUNT)).isZero();
        assertThat(value(list, "b", Feature.NEIGHBOUR_SUPPORT)).isZero();
    }

    @Test
    void contentAgainstTheLatestItems() {
        FeatureList list = u2At7h();
        // b's attributes {sci-fi}: with c {documentary} 0, with a {sci-fi, action} 1/2
        assertThat(value(list, "b", Feature.ATTRIBUTE_JACCARD_LAST)).isZero();
        assertThat(value(list, "b", Feature.ATTRIBUTE_JACCARD_RECENT))
                .isCloseTo((float) (0.6 * 0.5 / 1.6), CLOSE);
        // idf-weighted tokens: b {star ln2, trek ln3, 1979 ln6, sci-fi ln3},
        // c {trek ln3, nation ln6, 2010 ln6, documentary ln6},
        // a {star ln2, wars ln3, 1977 ln6, sci-fi ln3, action ln6}
        double l2 = Math.log(2);
        double l3 = Math.log(3);
        double l6 = Math.log(6);
        double b = Math.sqrt(l2 * l2 + 2 * l3 * l3 + l6 * l6);
        double c = Math.sqrt(l3 * l3 + 3 * l6 * l6);
        double a = Math.sqrt(l2 * l2 + 2 * l3 * l3 + 2 * l6 * l6);
        double bc = l3 * l3 / (b * c);
        double ba = (l2 * l2 + l3 * l3) / (b * a);
        assertThat(value(list, "b", Feature.TOKEN_COSINE_LAST)).isCloseTo((float) bc, CLOSE);
        assertThat(value(list, "b", Feature.TOKEN_COSINE_RECENT))
                .isCloseTo((float) ((bc + 0.6 * ba) / 1.6), CLOSE);
        assertThat(value(list, "d", Feature.TOKEN_COSINE_LAST)).isZero();
        // latest years 2010 (1) and 1977 (0.6): mean 1997.625; b 1979, d 1942
        assertThat(value(list, "b", Feature.RELEASE_DISTANCE))
                .isCloseTo((float) Math.log1p(18.625), CLOSE);
        assertThat(value(list, "d", Feature.RELEASE_DISTANCE))
                .isCloseTo((float) Math.log1p(55.625), CLOSE);
        assertThat(value(list, "x", Feature.RELEASE_DISTANCE)).isZero();
    }

    @Test
    void userFit() {
        FeatureList list = u2At7h();
        // u2 took a at 2 h (1 event before, 2 h old) and c at 3 h (its first event): running means
        // ln 2 / 2 and ln(1 + 1/12) / 2
        double meanPopularity = Math.log(2) / 2;
        double meanAge = Math.log1p(1 / 12.0) / 2;
        assertThat(value(list, "b", Feature.POPULARITY_GAP))
                .isCloseTo((float) (Math.log(3) - meanPopularity), CLOSE);
        assertThat(value(list, "e", Feature.POPULARITY_GAP))
                .isCloseTo((float) -meanPopularity, CLOSE);
        assertThat(value(list, "e", Feature.POPULARITY_DISTANCE))
                .isCloseTo((float) meanPopularity, CLOSE);
        assertThat(value(list, "b", Feature.AGE_GAP))
                .isCloseTo((float) (Math.log(1.25) - meanAge), CLOSE);
        assertThat(value(list, "e", Feature.AGE_DISTANCE)).isCloseTo((float) meanAge, CLOSE);
        // attribute events: sci-fi 4, action 2, documentary 2, drama 1, romance 1 (10), 5 kinds;
        // u2: sci-fi 1, action 1, documentary 1 (3). Prior p(a) = (events + 1) / 15, the user's
        // share (own + 5 p(a)) / (3 + 5). sci-fi: p 1/3, share (1 + 5/3) / 8 = 1/3: ln 1 = 0.
        assertThat(value(list, "b", Feature.ATTRIBUTE_AFFINITY_MEAN)).isCloseTo(0f, CLOSE);
        // drama and romance: p 2/15, share (5 * 2/15) / 8 = 1/12: ln(15 / 24) each
        assertThat(value(list, "d", Feature.ATTRIBUTE_AFFINITY_MEAN))
                .isCloseTo((float) Math.log(15 / 24.0), CLOSE);
        assertThat(value(list, "d", Feature.ATTRIBUTE_AFFINITY_MAX))
                .isCloseTo((float) Math.log(15 / 24.0), CLOSE);
        // u1 took drama once in 6 attribute events: share (1 + 5 * 2/15) / 11 over p 2/15
        FeatureList u1 = features.extract("u1", T0 + 7 * HOUR, List.of("f", "e"), null);
        assertThat(u1.value(0, Feature.ATTRIBUTE_AFFINITY_MAX.column()))
                .isCloseTo((float) Math.log((1 + 5 * 2 / 15.0) / 11 / (2 / 15.0)), CLOSE);
    }

    @Test
    void sourceRanksFromTheCandidateSet() {
        CandidateSet set = generator.candidates("u2", T0 + 7 * HOUR);
        FeatureList list = features.extract("u2", T0 + 7 * HOUR, ITEMS, set, null);
        // b: first in every popularity source (a and c excluded), second item-to-item, first by
        // title words; d second by 6 h popularity, first item-to-item and by similar users
        assertThat(value(list, "b", Feature.RANK_6H)).isEqualTo(1f);
        assertThat(value(list, "b", Feature.RANK_ITEM_TO_ITEM)).isEqualTo(0.5f);
        assertThat(value(list, "b", Feature.RANK_TITLE_WORDS)).isEqualTo(1f);
        assertThat(value(list, "b", Feature.SOURCE_SHARE)).isEqualTo(1f);
        assertThat(value(list, "d", Feature.RANK_6H)).isEqualTo(0.5f);
        assertThat(value(list, "d", Feature.RANK_SIMILAR_USERS)).isEqualTo(1f);
        assertThat(value(list, "d", Feature.RANK_TITLE_WORDS)).isZero();
        assertThat(value(list, "d", Feature.SOURCE_SHARE)).isEqualTo(7f / 8);
        // x is not a candidate: no ranks
        assertThat(value(list, "x", Feature.SOURCE_SHARE)).isZero();
        // rank columns follow the sources' order (the text-vector one was appended:
        // TextFeaturesTest)
        for (Source s : Source.values()) {
            if (s == Source.TEXT_VECTORS) {
                continue;
            }
            Feature f = Feature.values()[Feature.RANK_6H.column() + s.ordinal()];
            assertThat(f.label()).isEqualTo("rank-" + s.label().replace("popularity-", ""));
        }
    }

    @Test
    void factorizationScoresAreAColumn() {
        float[] scores = {0.5f, -1f, 2f, 0f};
        FeatureList list = features.extract("u2", T0 + 7 * HOUR, ITEMS, scores);
        assertThat(value(list, "d", Feature.FACTORIZATION)).isEqualTo(-1f);
        assertThat(value(list, "e", Feature.FACTORIZATION)).isEqualTo(2f);
        assertThat(value(u2At7h(), "e", Feature.FACTORIZATION)).isZero();
    }

    @Test
    void aFactorizationScoreThatIsNotANumberCountsAsNone() {
        float[] scores = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f};
        FeatureList list = features.extract("u2", T0 + 7 * HOUR, ITEMS, scores);
        assertThat(value(list, ITEMS.get(0), Feature.FACTORIZATION)).isZero();
        assertThat(value(list, ITEMS.get(1), Feature.FACTORIZATION)).isZero();
        assertThat(value(list, ITEMS.get(2), Feature.FACTORIZATION)).isZero();
        assertThat(value(list, ITEMS.get(3), Feature.FACTORIZATION)).isEqualTo(1f);
    }

    @Test
    void context() {
        // u2's latest event at 3 h, 2 events
        assertThat(features.context("u2", T0 + 7 * HOUR))
                .containsExactly(1f, 0f, 0f, (float) Math.log(3), 0f);
        assertThat(features.context("u9", T0 + 7 * HOUR)).containsExactly(1f, 1f, 0f, 0f, 0f);
        // u1's latest at 5 h, 4 events: 30 minutes later is within, 31 days later is returning
        assertThat(features.context("u1", T0 + 5 * HOUR + 30 * 60_000L))
                .containsExactly(1f, 0f, 1f, (float) Math.log(5), 0f);
        assertThat(features.context("u1", T0 + 5 * HOUR + 31 * 24 * HOUR))
                .containsExactly(1f, 0f, 0f, (float) Math.log(5), 1f);
        assertThat(u2At7h().context()).isEqualTo(features.context("u2", T0 + 7 * HOUR));
    }

    @Test
    void switchingAFamilyOffZeroesExactlyItsColumns() {
        CandidateSet set = generator.candidates("u2", T0 + 7 * HOUR);
        float[] scores = {0.5f, -1f, 2f, 0f};
        FeatureList all = features.extract("u2", T0 + 7 * HOUR, ITEMS, set, scores);
        for (FeatureFamily family : FeatureFamily.values()) {
            if (family == FeatureFamily.TEXT) {
                continue; // no text vectors here: TextFeaturesTest
            }
            FeatureList without =
                    new CandidateFeatures(generator, EnumSet.of(family))
                            .extract("u2", T0 + 7 * HOUR, ITEMS, set, scores);
            boolean someNonZero = false;
            for (int c = 0; c < ITEMS.size(); c++) {
                for (Feature f : Feature.values()) {
                    float expected = f.family() == family ? 0f : all.value(c, f.column());
                    assertThat(without.value(c, f.column()))
                            .as(family + " " + f)
                            .isEqualTo(expected);
                    someNonZero |= f.family() == family && all.value(c, f.column()) != 0f;
                }
            }
            assertThat(someNonZero).as(family + " has a non-zero value to lose").isTrue();
            assertThat(without.context()).isEqualTo(all.context());
        }
    }

    @Test
    void readsTheStatisticsBeforeTheEventAndChangesNothing() {
        FeatureList before = u2At7h();
        assertThat(u2At7h().values()).isEqualTo(before.values());
        generator.update(rating("u2", "d", 7, 8));
        FeatureList after = features.extract("u2", T0 + 7 * HOUR, ITEMS, null);
        assertThat(value(before, "d", Feature.COUNT_ALL_TIME))
                .isCloseTo((float) Math.log(2), CLOSE);
        assertThat(value(after, "d", Feature.COUNT_ALL_TIME)).isCloseTo((float) Math.log(3), CLOSE);
        // d is now u2's latest item: the sequence reads its rows
        assertThat(value(after, "b", Feature.COOCCURRENCE_LAST))
                .isCloseTo((float) Math.log(2), CLOSE);
    }

    @Test
    void everyFeatureHasAFamilyAndAFormulaAndTheCountIsAboutFiftyFive() {
        assertThat(Feature.COUNT).isBetween(50, 60);
        for (Feature f : Feature.values()) {
            assertThat(f.family()).isNotNull();
            assertThat(f.formula()).isNotBlank();
        }
        assertThat(Feature.values()[Feature.COUNT_6H.column() + 3]).isEqualTo(Feature.COUNT_30D);
    }

    /** Appended after the text features, so snapshots of 52 features restore into the first. */
    @Test
    void theHistoryAndTwoHourColumnsComeAfterTheOldOnes() {
        assertThat(Feature.COUNT_BEFORE_HISTORY).isEqualTo(Feature.COUNT_BEFORE_TEXT + 3);
        assertThat(Feature.RANK_TEXT_VECTORS.column()).isEqualTo(Feature.COUNT_BEFORE_HISTORY - 1);
        assertThat(
                        Arrays.copyOfRange(
                                Feature.values(),
                                Feature.COUNT_BEFORE_HISTORY,
                                Feature.COUNT_BEFORE_SEQUENCE_SHARES))
                .containsExactly(
                        Feature.COOCCURRENCE_HISTORY_COSINE,
                        Feature.COOCCURRENCE_HISTORY_COSINE_MEAN,
                        Feature.COUNT_2H,
                        Feature.RELATIVE_2H);
    }

    /** Appended after the 2 h count, so snapshots of 56 features restore into the first. */
    @Test
    void theSequenceShareColumnsComeLast() {
        assertThat(Feature.COUNT_BEFORE_SEQUENCE_SHARES).isEqualTo(56);
        assertThat(
                        Arrays.copyOfRange(
                                Feature.values(),
                                Feature.COUNT_BEFORE_SEQUENCE_SHARES,
                                Feature.COUNT))
                .containsExactly(
                        Feature.COOCCURRENCE_RECENT_COSINE_SHARE,
                        Feature.COOCCURRENCE_HISTORY_COSINE_SHARE);
    }

    @Test
    void cooccurrenceCosinesOverTheirLargestInTheList() {
        // recent cosine: d 1.6 / sqrt(2) (the largest), b 0.8, e and x 0; history cosine: d
        // sqrt(2) (the largest), b 1, e and x 0 (sequenceWithTheUsersLatestItems and
        // historyCosineOverTheLatestItemsUnweighted)
        FeatureList list = u2At7h();
        assertThat(value(list, "d", Feature.COOCCURRENCE_RECENT_COSINE_SHARE)).isEqualTo(1f);
        assertThat(value(list, "b", Feature.COOCCURRENCE_RECENT_COSINE_SHARE))
                .isCloseTo((float) (0.8 * Math.sqrt(2) / 1.6), CLOSE);
        assertThat(value(list, "e", Feature.COOCCURRENCE_RECENT_COSINE_SHARE)).isZero();
        assertThat(value(list, "x", Feature.COOCCURRENCE_RECENT_COSINE_SHARE)).isZero();
        assertThat(value(list, "d", Feature.COOCCURRENCE_HISTORY_COSINE_SHARE)).isEqualTo(1f);
        assertThat(value(list, "b", Feature.COOCCURRENCE_HISTORY_COSINE_SHARE))
                .isCloseTo((float) (1 / Math.sqrt(2)), CLOSE);
        assertThat(value(list, "e", Feature.COOCCURRENCE_HISTORY_COSINE_SHARE)).isZero();
    }

    @Test
    void noSequenceSharesWithoutAnyCooccurrence() {
        // u9 has no history: every cosine is 0, and so is every share (no division by 0)
        FeatureList list = features.extract("u9", T0 + 7 * HOUR, ITEMS, null);
        for (int c = 0; c < ITEMS.size(); c++) {
            assertThat(list.value(c, Feature.COOCCURRENCE_RECENT_COSINE_SHARE.column())).isZero();
            assertThat(list.value(c, Feature.COOCCURRENCE_HISTORY_COSINE_SHARE.column())).isZero();
        }
    }

    @Test
    void noSequenceSharesWithTheSequenceFamilyOff() {
        FeatureList list =
                new CandidateFeatures(generator, EnumSet.of(FeatureFamily.SEQUENCE))
                        .extract("u2", T0 + 7 * HOUR, ITEMS, null);
        assertThat(value(list, "d", Feature.COOCCURRENCE_RECENT_COSINE_SHARE)).isZero();
        assertThat(value(list, "d", Feature.COOCCURRENCE_HISTORY_COSINE_SHARE)).isZero();
    }
}
