package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.FloodLimit;
import org.junit.jupiter.api.Test;

/** The serving side's DP-SGD report: per-user lists counted, the flood limit's daily bound. */
class LearnedRankingPrivacyTest {
    private static final RankerSettings DP =
            RankerSettings.builder()
                    .learningRate(0.05)
                    .robustTraining(1.0, 1.0, new FloodLimit(10, 150))
                    .build();

    /** An item's first event is a miss; later events on it (trending) are training lists. */
    private static void learnThree(LearnedRanking ranking) {
        String[][] events = {{"u1", "a"}, {"u2", "a"}, {"u3", "b"}, {"u4", "b"}, {"u2", "b"}};
        for (int i = 0; i < events.length; i++) {
            ranking.learn(
                    new UserEvent(
                            "e" + i, events[i][0], events[i][1], EventType.RATING, 9f, 1_000L * i),
                    new String[0]);
        }
        ranking.endBatch();
    }

    @Test
    void theReportCountsTrainedListsPerUserAndTheFloodBound() {
        try (LearnedRanking ranking = LearnedRankings.of(DP);
                LearnedRanking plain =
                        LearnedRankings.of(RankerSettings.builder().learningRate(0.05).build())) {
            learnThree(ranking);

            assertThat(ranking.privacyReport())
                    .contains("event-level ε 5.30")
                    .contains("3 lists, most from one user 2;")
                    // u2's two lists were in one step: 2²
                    .contains("in a step) 4: ε")
                    .contains("daily bound (390 events, steps of up to 64 filled)");
            assertThat(plain.privacyReport()).isNull();
        }
    }

    /** Forgetting a user drops the id from the per-user counts too. */
    @Test
    void forgettingAUserDropsItsCount() {
        try (LearnedRanking ranking = LearnedRankings.of(DP);
                LearnedRanking plain =
                        LearnedRankings.of(RankerSettings.builder().learningRate(0.05).build())) {
            learnThree(ranking);
            assertThat(ranking.privacy().listsOf("u2")).isEqualTo(2);

            ranking.forget("u2");
            plain.forget("u2"); // no accounting: nothing to drop

            assertThat(ranking.privacy().listsOf("u2")).isZero();
            assertThat(ranking.privacy().trackedUsers()).isEqualTo(1);
            assertThat(ranking.privacy().maxListsPerUser()).isEqualTo(2);
        }
    }
}
