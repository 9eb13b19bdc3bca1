package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineEvaluatorTest {
    private static final long HOUR = 3_600_000L;
    private static int ids;

    private static UserEvent event(String user, String item, long time) {
        return new UserEvent("e" + ids++, user, item, EventType.RATING, 5f, time);
    }

    /** Top-1 over items a, b, c, with one trending half-life (1 h) and one blend weight. */
    private static BaselineEvaluator topOneOfThree(double lambda) {
        return new BaselineEvaluator(
                List.of("a", "b", "c"),
                1,
                7 * 24 * HOUR,
                1000,
                new long[] {HOUR},
                new double[] {lambda});
    }

    @Test
    void popularityHitRateOnAHandMadeStream() {
        BaselineEvaluator eval = topOneOfThree(1.0);
        // top-1 popularity before each event: a (tie, lowest index) hit; a hit; a, target b: miss;
        // a hit; a (3 vs 1), target b: miss
        for (String[] e :
                new String[][] {{"u1", "a"}, {"u2", "a"}, {"u3", "b"}, {"u4", "a"}, {"u5", "b"}}) {
            eval.accept(event(e[0], e[1], 0));
        }
        BaselineEvaluator.WindowedHits pop = eval.results().get("popularity");
        assertThat(pop.events()).isEqualTo(5);
        assertThat(pop.hitRate()).isCloseTo(0.6, within(1e-12));
        assertThat(pop.ndcg()).isCloseTo(0.6, within(1e-12)); // every hit at rank 0
    }

    @Test
    void trendingForgetsAndCoOccurrenceFollowsTheLastItem() {
        BaselineEvaluator eval = topOneOfThree(0.1);
        // a is popular long ago, c recently; u9 then watches x -> b (b follows x for u1 and u2)
        eval.accept(event("u1", "a", 0));
        eval.accept(event("u2", "a", 0));
        eval.accept(event("u3", "a", 0));
        eval.accept(event("u1", "x", 10 * HOUR));
        eval.accept(event("u1", "b", 10 * HOUR));
        eval.accept(event("u2", "x", 10 * HOUR));
        eval.accept(event("u2", "b", 10 * HOUR));
        eval.accept(event("u4", "c", 20 * HOUR));
        eval.accept(event("u5", "c", 20 * HOUR));
        // trending (1 h half-life) at 20 h: c (2 events now) beats a (3 events 20 half-lives ago)
        eval.accept(event("u6", "c", 20 * HOUR));
        // u9 just watched x: the blend puts b (co-occurs with x) first, trending alone puts c
        eval.accept(event("u9", "x", 20 * HOUR));
        eval.accept(event("u9", "b", 20 * HOUR));
        BaselineEvaluator.WindowedHits trending =
                eval.results().get(BaselineEvaluator.trendingName(HOUR));
        BaselineEvaluator.WindowedHits blend =
                eval.results().get(BaselineEvaluator.blendName(HOUR, 0.1));
        BaselineEvaluator.WindowedHits popularity = eval.results().get("popularity");
        // the last two events decide the difference: u6 -> c (trending hit, popularity miss: a),
        // u9 -> b (blend hit, trending miss)
        assertThat(trending.events()).isEqualTo(12);
        assertThat(blend.hitRate()).isGreaterThan(trending.hitRate());
        assertThat(trending.hitRate()).isGreaterThan(popularity.hitRate());
    }
}
