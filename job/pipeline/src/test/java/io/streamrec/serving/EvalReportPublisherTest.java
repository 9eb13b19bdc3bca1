package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EvalReportPublisherTest {
    /**
     * A task thread's mailbox: hand-backs wait here until the test runs them, as the task would.
     */
    private final BlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();

    private final List<String> emitted = new ArrayList<>();

    private EvalReportPublisher offTaskThread() {
        return EvalReportPublisher.offTaskThread("test eval report", mailbox::add, emitted::add);
    }

    /** Runs the next hand-back, waiting for the encoder to post it. */
    private void runNextMail() throws InterruptedException {
        Runnable mail = mailbox.poll(30, TimeUnit.SECONDS);
        assertThat(mail).as("a hand-back from the encoder").isNotNull();
        mail.run();
    }

    @Test
    void aReportIsEncodedOnItsOwnThreadAndEmittedOnlyByTheTaskThread() throws Exception {
        Thread caller = Thread.currentThread();
        List<Thread> encodedOn = new ArrayList<>();
        try (EvalReportPublisher publisher = offTaskThread()) {
            assertThat(publisher.encodesOffTaskThread()).isTrue();
            publisher.publish(
                    () -> {
                        encodedOn.add(Thread.currentThread());
                        return "r1";
                    });
            assertThat(emitted).isEmpty();

            runNextMail();

            assertThat(emitted).containsExactly("r1");
            assertThat(encodedOn).hasSize(1);
            assertThat(encodedOn.get(0)).isNotSameAs(caller);
            assertThat(encodedOn.get(0).getName()).isEqualTo("test eval report");
        }
    }

    @Test
    void reportsGoOutInTheOrderTheyWereTaken() throws Exception {
        try (EvalReportPublisher publisher = offTaskThread()) {
            for (String r : List.of("r1", "r2", "r3")) {
                publisher.publish(() -> r);
                runNextMail();
            }

            assertThat(emitted).containsExactly("r1", "r2", "r3");
        }
    }

    /**
     * Reports taken while one is being encoded do not pile up: the newest waits, the ones before it
     * are never encoded.
     */
    @Test
    void whileAReportIsEncodedOnlyTheNewestOfThoseTakenMeanwhileWaits() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch slowFirst = new CountDownLatch(1);
        List<String> encoded = new CopyOnWriteArrayList<>();
        try (EvalReportPublisher publisher = offTaskThread()) {
            publisher.publish(
                    () -> {
                        started.countDown();
                        await(slowFirst);
                        encoded.add("r1");
                        return "r1";
                    });
            started.await();
            for (String r : List.of("r2", "r3", "r4")) {
                publisher.publish(
                        () -> {
                            encoded.add(r);
                            return r;
                        });
            }
            slowFirst.countDown();

            runNextMail();
            runNextMail();

            assertThat(emitted).containsExactly("r1", "r4");
            assertThat(encoded).containsExactly("r1", "r4");
            assertThat(mailbox).isEmpty();
        }
    }

    @Test
    void aReportEmittedAtOnceDropsTheOnesTakenBeforeItThatAreNotOutYet() throws Exception {
        CountDownLatch encoding = new CountDownLatch(1);
        try (EvalReportPublisher publisher = offTaskThread()) {
            publisher.publish(() -> "r1");
            runNextMail();
            publisher.publish(
                    () -> {
                        await(encoding);
                        return "r2";
                    });

            publisher.publishNow(() -> "last");
            encoding.countDown();
            runNextMail(); // r2's hand-back, after the last report

            assertThat(emitted).containsExactly("r1", "last");
        }
    }

    /** An exception or an Error (which would end the encoder's thread) fails on the task thread. */
    @Test
    void aFailedEncodingFailsOnTheTaskThreadAndTheNextReportStillGoesOut() throws Exception {
        List<Throwable> failures =
                List.of(new IllegalArgumentException("no such window"), new StackOverflowError());
        try (EvalReportPublisher publisher = offTaskThread()) {
            for (Throwable failure : failures) {
                publisher.publish(
                        () -> {
                            if (failure instanceof Error error) {
                                throw error;
                            }
                            throw (RuntimeException) failure;
                        });
                Runnable failed = mailbox.poll(30, TimeUnit.SECONDS);
                assertThat(failed).isNotNull();
                assertThatThrownBy(failed::run)
                        .isInstanceOf(IllegalStateException.class)
                        .hasRootCause(failure);
            }
            assertThat(emitted).isEmpty();

            publisher.publish(() -> "r3");
            runNextMail();

            assertThat(emitted).containsExactly("r3");
        }
    }

    @Test
    void afterCloseNothingIsEmittedAndNothingIsEncoded() throws Exception {
        EvalReportPublisher publisher = offTaskThread();
        publisher.publish(() -> "r1");
        Runnable mail = mailbox.poll(30, TimeUnit.SECONDS);
        publisher.close();
        List<String> encodedAfterClose = new CopyOnWriteArrayList<>();

        mail.run();
        publisher.publish( // a checkpoint racing the close: dropped, not thrown
                () -> {
                    encodedAfterClose.add("r2");
                    return "r2";
                });

        // once the encoder has ended nothing can run later, so what is empty now stays empty
        ExecutorService encoder = (ExecutorService) encoderOf(publisher);
        assertThat(encoder.awaitTermination(30, TimeUnit.SECONDS)).as("encoder ended").isTrue();
        assertThat(encodedAfterClose).isEmpty();
        assertThat(mailbox).isEmpty();
        assertThat(emitted).isEmpty();
    }

    private static Object encoderOf(EvalReportPublisher publisher) throws Exception {
        Field f = EvalReportPublisher.class.getDeclaredField("encoder");
        f.setAccessible(true);
        return f.get(publisher);
    }

    @Test
    void onTheTaskThreadAReportIsEncodedAndEmittedWhenTaken() {
        Thread caller = Thread.currentThread();
        List<Thread> encodedOn = new ArrayList<>();
        Supplier<String> encoding =
                () -> {
                    encodedOn.add(Thread.currentThread());
                    return "r1";
                };
        try (EvalReportPublisher publisher = EvalReportPublisher.onTaskThread(emitted::add)) {
            assertThat(publisher.encodesOffTaskThread()).isFalse();
            publisher.publish(encoding);

            assertThat(emitted).containsExactly("r1");
            assertThat(encodedOn).containsExactly(caller);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
