package io.streamrec.e2e;

import java.time.Duration;

/** Waiting for a condition that another thread or process makes true. */
final class Await {
    private static final long RETRY_MILLIS = 50;

    private Await() {}

    /** A condition checked repeatedly; it may block for a while itself (a consumer's poll). */
    @FunctionalInterface
    interface Condition {
        boolean met() throws Exception;
    }

    /**
     * Checks {@code condition} until it is met; fails with {@code description} if it is not met
     * within {@code timeout}.
     */
    static void waitUntil(String description, Duration timeout, Condition condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out after "
                                + timeout.toSeconds()
                                + " s waiting until "
                                + description);
            }
            Thread.sleep(RETRY_MILLIS); // polling another process's progress, not synchronising
        }
    }
}
