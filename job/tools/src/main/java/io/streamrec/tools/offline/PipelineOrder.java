package io.streamrec.tools.offline;

import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * The order in which the job's serving sees a replay's events at full speed: the events are keyed
 * by user to {@code workers} workers, each worker sends its events on as a micro-batch of {@code
 * batch} when the batch is full, and serving takes the batches in the order they filled. An event
 * can then meet statistics without the other workers' newest events (still in their unfinished
 * batches), and with some of their later ones: what the replay's strict time order never shows.
 * Users go to workers as Flink's {@code keyBy} sends them (key groups at the default maximum
 * parallelism). At the end the unfinished batches follow, worker by worker.
 */
final class PipelineOrder {
    private static final int MAX_PARALLELISM = 128;

    private PipelineOrder() {}

    /** {@code events} (in time order) in the order serving would see them. */
    static List<UserEvent> of(List<UserEvent> events, int workers, int batch) {
        if (workers <= 1) {
            return events;
        }
        List<List<UserEvent>> pending = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            pending.add(new ArrayList<>(batch));
        }
        List<UserEvent> order = new ArrayList<>(events.size());
        for (UserEvent e : events) {
            List<UserEvent> mine = pending.get(workerOf(e.userId(), workers));
            mine.add(e);
            if (mine.size() == batch) {
                order.addAll(mine);
                mine.clear();
            }
        }
        pending.forEach(order::addAll);
        return order;
    }

    static int workerOf(String userId, int workers) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                userId, MAX_PARALLELISM, workers);
    }
}
