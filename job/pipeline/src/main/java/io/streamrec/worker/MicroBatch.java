package io.streamrec.worker;

import io.streamrec.model.TrainingExample;
import io.streamrec.schema.UserEvent;
import java.util.List;

/**
 * One micro-batch of a worker, in arrival order: the events, per event the items its user had
 * before it (oldest first, what evaluation excludes and the user representation reads), and the
 * training examples built from them.
 */
public record MicroBatch(
        List<UserEvent> events, List<String[]> userItems, List<TrainingExample> examples) {

    public int size() {
        return events.size();
    }
}
