package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trending + co-occurrence blend on a tiny stream, against scores computed by hand. */
class TrendingCooccurrenceTest {
    private static final long HOUR = 3_600_000L;
    private static final long NOW = 9 * HOUR;

    private CandidateGenerator generator;
    private TrendingCooccurrence blend;

    private static UserEvent event(String user, String item, long hour) {
        return new UserEvent(
                user + item + hour, user, item, EventType.CLICK, Float.NaN, hour * HOUR);
    }

    /** An item's 1-day decayed count at 9 h, from its events' hours. */
    private static double trend(double... hours) {
        double sum = 0;
        for (double h : hours) {
            sum += Math.pow(2, -(9 - h) / 24);
        }
        return sum;
    }

    /**
     * u1: a 0h, b 1h, c 2h; u2: b 3h, c 4h; u4: b 5h, d 6h; u3: a 7h, b 8h; u5, u6: e 8h. n(b) = 4;
     * C[b][c] = 2 (u1, u2), C[b][d] = 1 (u4), C[b][e] = 0. No catalog, so no title words.
     */
    @BeforeEach
    void replay() {
        generator = new CandidateGenerator(CandidateSettings.defaults(), ItemCatalog.empty());
        List.of(
                        event("u1", "a", 0),
                        event("u1", "b", 1),
                        event("u1", "c", 2),
                        event("u2", "b", 3),
                        event("u2", "c", 4),
                        event("u4", "b", 5),
                        event("u4", "d", 6),
                        event("u3", "a", 7),
                        event("u3", "b", 8),
                        event("u5", "e", 8),
                        event("u6", "e", 8))
                .forEach(generator::update);
        blend = new TrendingCooccurrence(generator);
    }

    @Test
    void blendsTheLastItemsCooccurrenceShareWithTheTrendingShare() {
        CandidateSet candidates = generator.candidates("u3", NOW);
        // u3 had a and b: the candidates are c, d, e; u3's last item is b
        double c = trend(2, 4);
        double d = trend(6);
        double e = trend(8, 8);
        double sum = c + d + e;
        double scoreC = 2.0 / 4 + 3 * c / sum; // 0.5 + 1.111 = 1.611
        double scoreE = 0.0 / 4 + 3 * e / sum; // 1.283
        double scoreD = 1.0 / 4 + 3 * d / sum; // 0.25 + 0.606 = 0.856

        RankedCandidates ranked = blend.rank("u3", candidates, NOW, 10);

        // trending alone would put e first: the co-occurrence share lifts c above it
        assertThat(ranked.top(10)).containsExactly("c", "e", "d");
        assertThat(ranked.score(0)).isCloseTo((float) scoreC, within(1e-5f));
        assertThat(ranked.score(1)).isCloseTo((float) scoreE, within(1e-5f));
        assertThat(ranked.score(2)).isCloseTo((float) scoreD, within(1e-5f));
    }

    @Test
    void aShorterListIsTheFirstOfTheLongerOne() {
        CandidateSet candidates = generator.candidates("u3", NOW);
        RankedCandidates two = blend.rank("u3", candidates, NOW, 2);
        assertThat(two.top(10)).containsExactly("c", "e");
        assertThat(two.rankOf("e", 10)).isEqualTo(1);
        assertThat(two.rankOf("d", 10)).as("not listed").isEqualTo(-1);
        assertThat(blend.rank("u3", candidates, NOW, 0).top(10)).isEmpty();
    }

    @Test
    void aUserWithoutHistoryGetsTrending() {
        CandidateSet candidates = generator.candidates("u9", NOW);
        double a = trend(0, 7);
        double b = trend(1, 3, 5, 8);
        double c = trend(2, 4);
        double d = trend(6);
        double e = trend(8, 8);
        double sum = a + b + c + d + e;

        RankedCandidates ranked = blend.rank("u9", candidates, NOW, 10);

        // b 3.40, e 1.94, a 1.72, c 1.68, d 0.92
        assertThat(ranked.top(10)).containsExactly("b", "e", "a", "c", "d");
        double[] expected = {b, e, a, c, d};
        for (int r = 0; r < expected.length; r++) {
            assertThat(ranked.score(r)).isCloseTo((float) (3 * expected[r] / sum), within(1e-5f));
        }
    }

    @Test
    void theTrendingShareIsTakenOverTheCandidatesOnly() {
        // u1 had a, b, c: candidates d and e; last item c, C[c][d] = C[c][e] = 0
        RankedCandidates ranked = blend.rank("u1", generator.candidates("u1", NOW), NOW, 10);
        double d = trend(6);
        double e = trend(8, 8);
        assertThat(ranked.top(10)).containsExactly("e", "d");
        assertThat(ranked.score(0)).isCloseTo((float) (3 * e / (d + e)), within(1e-5f));
        assertThat(ranked.score(1)).isCloseTo((float) (3 * d / (d + e)), within(1e-5f));
    }
}
