package io.streamrec.serving;

import io.streamrec.lifecycle.CloseAll;
import io.streamrec.schema.RecommendationRequest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.java.tuple.Tuple4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests a serving subtask reads from the requests topic itself: its {@link
 * DirectRequestFetcher}'s thread hands each poll to the task's mailbox ({@link MailboxHandoff}),
 * and the task thread takes the polls, through the {@link DirectRequestLedger}, to the operator's
 * answer. Everything but the hand-off runs on the task thread.
 */
final class DirectRequestIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectRequestIntake.class);

    private final DirectRequestLedger ledger;
    private final Consumer<RecommendationRequest> answer;

    /** Polls of the requests topic handed off by the fetcher's thread, not yet answered. */
    private final ConcurrentLinkedQueue<DirectRequestBatch> handedOff =
            new ConcurrentLinkedQueue<>();

    /** Null once closed. */
    private DirectRequestFetcher fetcher;

    /** Set once the operator finished: a poll handed off after that is dropped. */
    private boolean finished;

    /**
     * Takes {@code fetcher}, not started, and closes it (also when this constructor fails).
     *
     * @param appliedForgets this subtask's users' applied forgets in the restored checkpoint
     * @param earlierOwners where the subtasks of runs at other parallelisms had dealt with the
     *     topic
     * @param answer answers a request, or queues it behind a forget of its user
     */
    DirectRequestIntake(
            DirectRequestFetcher fetcher,
            List<Tuple4<Integer, Integer, Long, String>> appliedForgets,
            EarlierOwners earlierOwners,
            Consumer<RecommendationRequest> answer) {
        this.fetcher = fetcher;
        this.answer = answer;
        try {
            this.ledger =
                    new DirectRequestLedger(
                            fetcher.startPositions(),
                            appliedForgets,
                            System.currentTimeMillis(),
                            earlierOwners);
        } catch (RuntimeException e) {
            CloseAll.closeAfter(e, fetcher);
            throw e;
        }
    }

    /**
     * Starts reading on the fetcher's thread, each poll handed to {@code mailbox}; a poll's
     * hand-off also calls {@code wakeScoringWait}, so that a checkpoint's wait for the scoring
     * thread answers it ({@link LearnedRanking#awaitScoring(Runnable)}).
     */
    void start(MailboxExecutor mailbox, Runnable wakeScoringWait, int subtask) {
        fetcher.start(
                new MailboxHandoff(mailbox, wakeScoringWait, subtask),
                "serving requests " + subtask);
    }

    /** The positions, held requests and applied forgets of what was read. */
    DirectRequestLedger ledger() {
        return ledger;
    }

    /**
     * Answers the polls handed off before this call, not those handed off meanwhile: each of those
     * posted a mail of its own, which answers it. So a backlog of requests, whose every answered
     * poll lets the fetcher hand off the next, never keeps the task thread (nor a checkpoint
     * barrier) from its other work until the topic is drained. Runs as a mail, between any two
     * pieces of queued work (a request then waits for one event's evaluation, not for a slice, nor
     * for the whole queue that runs before a checkpoint barrier), and while a checkpoint waits for
     * the scoring thread; returns how many requests it answered or queued behind a forget.
     */
    int answerHandedOff() {
        int taken = 0;
        DirectRequestBatch batch;
        for (int b = handedOff.size(); b > 0 && (batch = handedOff.poll()) != null; b--) {
            try {
                if (!finished) {
                    for (RecommendationRequest r :
                            ledger.accept(batch, System.currentTimeMillis())) {
                        answer.accept(r);
                        taken++;
                    }
                }
            } finally {
                if (fetcher != null) {
                    fetcher.done();
                }
            }
        }
        return taken;
    }

    /**
     * A forget of {@code userId}, the user's own subtask's, was applied: the requests read after
     * it, which waited for it, are answered now.
     */
    void forgetApplied(String userId) {
        for (RecommendationRequest r : ledger.forgetApplied(userId, System.currentTimeMillis())) {
            answer.accept(r);
        }
    }

    /** The end of input: stops reading; a poll handed off before is dropped. */
    void finish() throws InterruptedException {
        finished = true;
        close();
    }

    /** Stops reading and closes the topic's consumer, waiting for the fetcher's thread. */
    @Override
    public void close() throws InterruptedException {
        if (fetcher != null) {
            fetcher.close();
            fetcher = null;
        }
    }

    /** Hands a poll, on the fetcher's thread, to the task's mailbox. */
    private final class MailboxHandoff implements DirectRequestFetcher.Handoff {
        private final MailboxExecutor mailbox;
        private final Runnable wakeScoringWait;
        private final int subtask;

        MailboxHandoff(MailboxExecutor mailbox, Runnable wakeScoringWait, int subtask) {
            this.mailbox = mailbox;
            this.wakeScoringWait = wakeScoringWait;
            this.subtask = subtask;
        }

        @Override
        public void accept(DirectRequestBatch batch) {
            handedOff.add(batch);
            // a mail per poll: a call of answerHandedOff leaves those handed off meanwhile
            mailbox.execute(DirectRequestIntake.this::answerHandedOff, "direct requests");
            wakeScoringWait.run(); // a checkpoint's wait answers it (awaitScoring)
        }

        @Override
        public void fail(Throwable cause) {
            try {
                mailbox.execute(
                        () -> {
                            throw new IOException("reading the requests topic failed", cause);
                        },
                        "direct requests failed");
            } catch (RuntimeException closed) {
                LOG.warn("Serving {} is closing; dropped: {}", subtask, cause, closed);
            }
        }
    }
}
