package io.streamrec.e2e;

import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes events through and throws once, in the first execution attempt, on an event after a
 * completed checkpoint that holds at least {@code afterEvents} of this subtask's events: the job
 * must restore state that has seen events and replay what came after it. Any completed checkpoint
 * is not enough: the replay starts sending events only after the first checkpoint has committed, so
 * a failure after "some checkpoint" can restore one taken before any event, a clean restart.
 */
final class FailOnceAfterCheckpoint extends RichMapFunction<UserEvent, UserEvent>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** Failures thrown in this JVM, for the test to check that one happened. */
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Set by the test before a run; the first subtask to fail disarms it. */
    static final AtomicBoolean ARMED = new AtomicBoolean();

    /** The subtask that threw, -1 before a failure; reset by {@link #arm}. */
    static final AtomicInteger FAILED_SUBTASK = new AtomicInteger(-1);

    /**
     * Per subtask, how many of its events the checkpoint a later attempt restored held: what the
     * test checks the restore against. Reset by {@link #arm}.
     */
    static final Map<Integer, Integer> RESTORED_SEEN = new ConcurrentHashMap<>();

    private final int afterEvents;
    private transient int seen;

    /** {@link #seen} at each snapshot whose checkpoint has not completed yet, by checkpoint id. */
    private transient NavigableMap<Long, Integer> seenAtPending;

    /** {@link #seen} at the latest completed checkpoint. */
    private transient int seenAtCompleted;

    private transient long completedCheckpoint;

    /** This subtask's count of events, in each checkpoint: restored to know what came back. */
    private transient ListState<Integer> seenState;

    FailOnceAfterCheckpoint(int afterEvents) {
        this.afterEvents = afterEvents;
    }

    /** Arms one failure and forgets the records of earlier runs. */
    static void arm() {
        FAILED_SUBTASK.set(-1);
        RESTORED_SEEN.clear();
        ARMED.set(true);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        seenAtPending = new TreeMap<>();
        completedCheckpoint = -1;
        seenState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("seen", Integer.class));
        if (context.isRestored()) {
            int restored = 0;
            for (Integer s : seenState.get()) {
                restored += s;
            }
            RESTORED_SEEN.put(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), restored);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        seenState.update(List.of(seen));
        seenAtPending.put(context.getCheckpointId(), seen);
    }

    @Override
    public UserEvent map(UserEvent event) {
        seen++;
        if (seenAtCompleted >= afterEvents
                && seen > seenAtCompleted
                && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && ARMED.compareAndSet(true, false)) {
            FAILURES.incrementAndGet();
            FAILED_SUBTASK.set(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            throw new IllegalStateException(
                    "injected failure after "
                            + seen
                            + " events, "
                            + seenAtCompleted
                            + " of them in completed checkpoint "
                            + completedCheckpoint);
        }
        return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        // runs in the task thread, as map() does; a notification may be skipped for a subsumed
        // checkpoint, so older pending snapshots are dropped with this one
        Integer s = seenAtPending.get(checkpointId);
        if (s != null) {
            seenAtCompleted = s;
            completedCheckpoint = checkpointId;
        }
        seenAtPending.headMap(checkpointId, true).clear();
    }
}
