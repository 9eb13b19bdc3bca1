package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import org.junit.jupiter.api.Test;

/** {@code ranker.learn-sample-rate}: the scorer learns from the sample, the statistics from all. */
class LearnedRankingLearnSampleTest {
    private static LearnedRanking ranking(double learnSampleRate) {
        return LearnedRankings.of(
                RankerSettings.builder()
                        .learningRate(0.05)
                        .learnSampleRate(learnSampleRate)
                        .build());
    }

    /** Two items trending in turn: from the second event on, each event's item is a candidate. */
    private static void feed(LearnedRanking ranking, boolean evaluate) {
        for (int i = 0; i < 40; i++) {
            UserEvent e =
                    new UserEvent(
                            "e" + i,
                            "u" + i,
                            i % 4 < 2 ? "a" : "b",
                            EventType.CLICK,
                            Float.NaN,
                            60_000L * i);
            if (evaluate) {
                ranking.evaluateThenLearn(e, new String[0]);
            } else {
                ranking.learn(e, new String[0]);
            }
        }
        ranking.endBatch();
    }

    @Test
    void outsideTheSampleEventsTeachTheStatisticsButNotTheScorer() {
        for (boolean evaluate : new boolean[] {false, true}) {
            try (LearnedRanking untrained = ranking(1.0);
                    LearnedRanking none = ranking(1e-9);
                    LearnedRanking all = ranking(1.0)) {
                feed(none, evaluate);
                feed(all, evaluate);
                assertThat(none.writeLearned()).isEqualTo(untrained.writeLearned());
                assertThat(all.writeLearned()).isNotEqualTo(untrained.writeLearned());
                assertThat(none.statistics().updates()).isEqualTo(40);
                assertThat(none.knows("u39")).isTrue();
            }
        }
    }

    @Test
    void aLaterWriteOfTheLearnedStateLeavesAnEarlierOneAlone() {
        try (LearnedRanking ranking = ranking(1.0)) {
            byte[] before = ranking.writeLearned();
            byte[] kept = before.clone();
            feed(ranking, true);
            byte[] after = ranking.writeLearned();
            assertThat(after).isNotEqualTo(kept);
            assertThat(before).isEqualTo(kept);
            assertThat(ranking.writeLearned()).isEqualTo(after);
        }
    }
}
