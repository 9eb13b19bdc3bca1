package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.util.function.ThrowingRunnable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How much of what the fetcher's thread hands off one call on the task thread answers. */
class DirectRequestIntakeTest {
    private static final DirectRequestSettings DIRECT =
            new DirectRequestSettings(true, "requests", "streamrec", null, 300_000, 0);

    private static final String TOPIC = "requests";

    /** A one-partition topic whose every poll gives one more request: a backlog never drained. */
    private static MockConsumer<byte[], byte[]> endlessBacklog() {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>("earliest") {
                    private long next;

                    @Override
                    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                        RecommendationRequest r =
                                new RecommendationRequest("r" + next, "u" + next, 3, 1);
                        addRecord(
                                new ConsumerRecord<>(
                                        TOPIC,
                                        0,
                                        next++,
                                        r.userId().getBytes(StandardCharsets.UTF_8),
                                        RequestJsonCodec.toJson(r)));
                        return super.poll(timeout);
                    }
                };
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, nodes, nodes)));
        consumer.updateBeginningOffsets(Map.of(new TopicPartition(TOPIC, 0), 0L));
        return consumer;
    }

    /** Keeps each mail without running it: counts it in {@code mails} and {@code posted}. */
    private static MailboxExecutor queuingMailbox(AtomicInteger mails, Semaphore posted) {
        return new MailboxExecutor() {
            @Override
            public void execute(
                    MailOptions options,
                    ThrowingRunnable<? extends Exception> command,
                    String description,
                    Object... args) {
                mails.incrementAndGet();
                posted.release();
            }

            @Override
            public void yield() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean tryYield() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean shouldInterrupt() {
                return false;
            }
        };
    }

    /**
     * Under a backlog each answered poll lets the fetcher hand off the next before the task thread
     * asks for it: one call answers only the polls there when it starts (at most {@link
     * DirectRequestFetcher#IN_FLIGHT}), and each later poll is left to its own mail, so the task
     * thread (and a checkpoint barrier waiting on it) is not held until the topic is drained.
     */
    @Test
    void answersOnlyThePollsHandedOffBeforeTheCallUnderABacklog() throws Exception {
        AtomicInteger mails = new AtomicInteger();
        Semaphore posted = new Semaphore(0);
        List<String> answered = new ArrayList<>();
        // each answer after the first waits for the hand-off that the poll answered before made
        // room for: the fetcher is always ahead of the task thread, as under a backlog
        DirectRequestIntake intake =
                new DirectRequestIntake(
                        new DirectRequestFetcher(
                                endlessBacklog(),
                                TOPIC,
                                Map.of(),
                                new DirectRequestDecoder(0, 1, null, DIRECT)),
                        List.of(),
                        EarlierOwners.NONE,
                        r -> {
                            if (!answered.isEmpty()) {
                                awaitHandOff(posted);
                            }
                            answered.add(r.requestId());
                        });
        try {
            intake.start(queuingMailbox(mails, posted), () -> {}, 0);
            assertThat(posted.tryAcquire(DirectRequestFetcher.IN_FLIGHT, 30, TimeUnit.SECONDS))
                    .as("the fetcher fills its polls in flight")
                    .isTrue();

            // before the fix the call went on until the topic was drained: here, never
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> intake.answerHandedOff());

            assertThat(answered).containsExactly("r0", "r1", "r2", "r3");
            // the polls handed off meanwhile (one per poll answered but the last) each posted a
            // mail of their own, which answers them
            assertThat(mails.get()).isGreaterThanOrEqualTo(DirectRequestFetcher.IN_FLIGHT + 3);
        } finally {
            intake.close();
        }
    }

    private static void awaitHandOff(Semaphore posted) {
        try {
            assertThat(posted.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
