package io.streamrec.e2e;

import io.streamrec.schema.UserEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes events through and throws once, in the first execution attempt, on the first event after a
 * checkpoint has completed and {@code afterEvents} events have passed: the job must restore from
 * that checkpoint and replay what came after it.
 */
final class FailOnceAfterCheckpoint extends RichMapFunction<UserEvent, UserEvent>
        implements CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** Failures thrown in this JVM, for the test to check that one happened. */
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Set by the test before a run; the first subtask to fail disarms it. */
    static final AtomicBoolean ARMED = new AtomicBoolean();

    private final int afterEvents;
    private transient int seen;
    private transient boolean checkpointed;

    FailOnceAfterCheckpoint(int afterEvents) {
        this.afterEvents = afterEvents;
    }

    @Override
    public UserEvent map(UserEvent event) {
        seen++;
        if (checkpointed
                && seen >= afterEvents
                && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && ARMED.compareAndSet(true, false)) {
            FAILURES.incrementAndGet();
            throw new IllegalStateException("injected failure after " + seen + " events");
        }
        return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
