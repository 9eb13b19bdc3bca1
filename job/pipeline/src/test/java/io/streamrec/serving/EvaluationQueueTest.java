package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order serving's input runs in: requests versus an unfinished batch, versus queued forgets,
 * rows and markers behind a batch, and slices. The clock steps one nanosecond a read, so a slice of
 * 1 ns ends after every piece.
 */
class EvaluationQueueTest {
    private static final long ONE_PIECE_PER_SLICE = 1;

    /** What the queue ran, in order; markers that are not forgets start their batch. */
    private static final class Recorder implements EvaluationQueue.Work {
        final List<String> ran = new ArrayList<>();
        int betweenPieces;
        EvaluationQueue queue;

        @Override
        public void apply(ModelUpdate update) {
            if (update.isRequest()) {
                ran.add("request " + update.request().request().requestId());
            } else if (update.isMarker() && update.marker().isForget()) {
                String user = update.marker().forgetUser();
                ran.add("forget " + user + (queue.hasQueuedForget(user) ? ", another queued" : ""));
            } else if (update.isMarker()) {
                ran.add("batch " + update.marker().batchId());
                queue.evaluateInSlices(update.marker());
            } else {
                ran.add("row " + update.row().key());
            }
        }

        @Override
        public void evaluate(UserEvent event, String[] userItems) {
            ran.add("event " + event.eventId());
        }

        @Override
        public void endBatch() {
            ran.add("end");
        }

        @Override
        public void betweenPieces() {
            betweenPieces++;
        }
    }

    private final Recorder work = new Recorder();
    private long nanos;

    private EvaluationQueue queue(long sliceNanos) {
        work.queue = new EvaluationQueue(work, sliceNanos, () -> nanos++);
        return work.queue;
    }

    /** A marker batch of {@code events} events, named {@code <batch>.<i>}. */
    private static ModelUpdate batch(long batch, int events) {
        List<UserEvent> es = new ArrayList<>();
        List<String[]> had = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            es.add(new UserEvent(batch + "." + i, "u0", "i0", EventType.CLICK, Float.NaN, 1L));
            had.add(new String[0]);
        }
        return ModelUpdate.of(new EvalMarker(batch, 1, es, had));
    }

    private static ModelUpdate row(String key) {
        return ModelUpdate.of(new ParameterRow(key, new float[0], new float[0], 1, 1, 0, 0f, 0L));
    }

    private static ModelUpdate request(String id, String user) {
        return ModelUpdate.of(
                new ServingRequest(new RecommendationRequest(id, user, 5, 1L), new String[0]));
    }

    private static ModelUpdate forget(long batch, String user) {
        return ModelUpdate.of(EvalMarker.forget(batch, 1, user));
    }

    @Test
    void whileIdleEverythingRunsAtOnce() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(row("r1"));
        q.offer(forget(1, "u1"));
        q.offer(request("q1", "u1"));
        assertThat(work.ran).containsExactly("row r1", "forget u1", "request q1");
        assertThat(q.busy()).isFalse();
    }

    @Test
    void behindAnUnfinishedBatchRowsAndMarkersWaitInOrderButRequestsRunAtOnce() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(batch(1, 3));
        q.runSlice();
        q.offer(row("r1"));
        q.offer(batch(2, 1));
        q.offer(request("q1", "u1"));
        assertThat(work.ran).containsExactly("batch 1", "event 1.0", "request q1");

        q.runSlice();
        assertThat(work.ran).endsWith("event 1.1");
        q.runAll();
        assertThat(work.ran)
                .containsExactly(
                        "batch 1",
                        "event 1.0",
                        "request q1",
                        "event 1.1",
                        "event 1.2",
                        "end",
                        "row r1",
                        "batch 2",
                        "event 2.0",
                        "end");
        assertThat(q.busy()).isFalse();
    }

    @Test
    void aRequestWaitsBehindAQueuedForgetOfItsUserOnly() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(batch(1, 2));
        q.offer(forget(2, "u1"));
        q.offer(request("forgotten", "u1"));
        q.offer(request("other", "u2"));
        assertThat(q.hasQueuedForget("u1")).isTrue();
        assertThat(work.ran).containsExactly("batch 1", "request other");

        q.runAll();
        assertThat(work.ran)
                .containsExactly(
                        "batch 1",
                        "request other",
                        "event 1.0",
                        "event 1.1",
                        "end",
                        "forget u1",
                        "request forgotten");
        assertThat(q.hasQueuedForget("u1")).isFalse();
    }

    /**
     * Each queued copy of a forget counts, and a copy is counted out before it runs: a request its
     * application answers waits only for the copies still queued.
     */
    @Test
    void aForgetIsCountedOutBeforeItRuns() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(batch(1, 1));
        q.offer(forget(2, "u1"));
        q.offer(forget(2, "u1"));
        q.runAll();
        assertThat(work.ran)
                .containsExactly(
                        "batch 1", "event 1.0", "end", "forget u1, another queued", "forget u1");
    }

    @Test
    void aSliceRunsUntilItsTimeIsUpAndTheWorkBetweenPiecesAfterEachPiece() {
        EvaluationQueue q = queue(2);
        q.offer(batch(1, 4));
        q.offer(row("r1"));
        q.runSlice();
        assertThat(work.ran).containsExactly("batch 1", "event 1.0", "event 1.1");
        assertThat(work.betweenPieces).isEqualTo(2);

        q.runAll();
        assertThat(work.ran).endsWith("event 1.3", "end", "row r1");
        assertThat(work.betweenPieces).isEqualTo(5);
    }

    @Test
    void aSliceOfZeroRunsEverything() {
        EvaluationQueue q = queue(0);
        q.offer(batch(1, 3));
        q.offer(row("r1"));
        q.runSlice();
        assertThat(work.ran).endsWith("end", "row r1");
        assertThat(q.busy()).isFalse();
    }

    @Test
    void anEmptyBatchEndsAtOnce() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(batch(1, 0));
        assertThat(work.ran).containsExactly("batch 1", "end");
        assertThat(q.busy()).isFalse();
    }

    @Test
    void aFullQueueRunsWholeAtOnce() {
        EvaluationQueue q = queue(ONE_PIECE_PER_SLICE);
        q.offer(batch(1, 1));
        for (int i = 1; i < EvaluationQueue.MAX_QUEUED; i++) {
            q.offer(row("r" + i));
        }
        assertThat(work.ran).containsExactly("batch 1");

        q.offer(row("last"));
        assertThat(work.ran).hasSize(3 + EvaluationQueue.MAX_QUEUED).endsWith("row last");
        assertThat(q.busy()).isFalse();
    }
}
