package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import org.junit.jupiter.api.Test;

/**
 * {@code ranker.batch-size}: within a worker's micro-batch the scorer steps every that many own
 * events, as if the micro-batches had been that small.
 */
class LearnedRankingBatchTest {
    private static LearnedRanking ranking(int batchEvents) {
        return LearnedRankings.of(
                RankerSettings.builder().learningRate(0.05).batchEvents(batchEvents).build());
    }

    /** Two items trending in turn: from the second event on, each event's item is a candidate. */
    private static UserEvent event(int i) {
        return new UserEvent(
                "e" + i, "u" + i, i % 4 < 2 ? "a" : "b", EventType.CLICK, Float.NaN, 60_000L * i);
    }

    private static void learn(LearnedRanking ranking, int i) {
        if (i % 3 == 0) {
            ranking.learn(event(i), new String[0]);
        } else {
            ranking.evaluateThenLearn(event(i), new String[0]);
        }
    }

    @Test
    void aLongMicroBatchStepsAsIfItsEventsHadComeInBatchesOfTheSetSize() {
        try (LearnedRanking stepping = ranking(10);
                LearnedRanking inSmallBatches = ranking(1_000);
                LearnedRanking inOneBatch = ranking(1_000)) {
            for (int i = 0; i < 40; i++) {
                learn(stepping, i);
                learn(inSmallBatches, i);
                learn(inOneBatch, i);
                if (i % 10 == 9) {
                    inSmallBatches.endBatch(); // a worker's micro-batch of 10 ends
                }
            }
            assertThat(stepping.endBatchAndWait()).as("every list already trained").isZero();
            assertThat(inOneBatch.endBatchAndWait()).as("one step on every list").isPositive();
            assertThat(stepping.writeLearned()).isEqualTo(inSmallBatches.writeLearned());
            assertThat(stepping.writeLearned()).isNotEqualTo(inOneBatch.writeLearned());
        }
    }

    @Test
    void aMicroBatchEndStartsTheCountAfresh() {
        try (LearnedRanking ranking = ranking(10);
                LearnedRanking reference = ranking(1_000)) {
            for (int i = 0; i < 16; i++) {
                learn(ranking, i);
                learn(reference, i);
                if (i == 5 || i == 15) { // micro-batches of 6 and 10 events
                    ranking.endBatch();
                    reference.endBatch();
                }
            }
            assertThat(ranking.writeLearned()).isEqualTo(reference.writeLearned());
        }
    }
}
