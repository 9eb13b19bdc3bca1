package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PipelineOrderTest {
    private static UserEvent event(String user, long t) {
        return new UserEvent(user + "@" + t, user, "item", EventType.RATING, 8f, t);
    }

    /** The first of u0, u1, ... that Flink's keyBy sends to {@code worker} of 2. */
    private static String userOfWorker(int worker) {
        return IntStream.range(0, 100)
                .mapToObj(i -> "u" + i)
                .filter(u -> PipelineOrder.workerOf(u, 2) == worker)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void batchesFollowInTheOrderTheyFillThenTheUnfinishedOnes() {
        String a = userOfWorker(0);
        String b = userOfWorker(1);
        List<UserEvent> events =
                List.of(
                        event(b, 1),
                        event(a, 2),
                        event(a, 3), // fills a's worker's batch of 2
                        event(a, 4),
                        event(b, 5), // fills b's
                        event(b, 6));

        assertThat(PipelineOrder.of(events, 2, 2))
                .extracting(UserEvent::timestamp)
                .containsExactly(2L, 3L, 1L, 5L, 4L, 6L);
    }

    @Test
    void oneWorkerKeepsTimeOrder() {
        List<UserEvent> events = List.of(event("x", 1), event("y", 2), event("x", 3));

        assertThat(PipelineOrder.of(events, 1, 2)).isSameAs(events);
    }
}
