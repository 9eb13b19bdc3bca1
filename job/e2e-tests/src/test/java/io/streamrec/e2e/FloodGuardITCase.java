package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.job.GuardOptions;
import io.streamrec.job.ModelOptions;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both flood limits in the running job, through a real broker: 500 accounts pushing one item and
 * one account in a loop, in the middle of ordinary traffic. All pushing events carry one event
 * time, so the buckets refill nothing while they arrive and the admitted counts are exactly the
 * bursts, whichever partition each event travels through.
 */
class FloodGuardITCase {
    private static final int ITEM_BURST = 100;
    private static final int USER_BURST = 80;
    private static final int BOTS = 500;
    private static final int LOOP = 200;

    @RegisterExtension
    static final StreamrecClusterExtension CLUSTERS = new StreamrecClusterExtension();

    @TempDir Path checkpoints;

    @Test
    void floodsAreQuarantinedAndOrdinaryTrafficIsTrained() throws Exception {
        PlantedStream stream = new PlantedStream(4, 30, 40, 3000, 7L);
        // ordinary traffic stays under both bursts, so only the floods can be limited
        assertThat(maxPerKey(stream.events, UserEvent::itemId)).isLessThan(ITEM_BURST);
        assertThat(maxPerKey(stream.events, UserEvent::userId)).isLessThan(USER_BURST);
        List<UserEvent> events = withFloods(stream.events);
        Configuration conf = CLUSTERS.runConfiguration("floods", checkpoints);
        conf.set(ModelOptions.DIM, 8);
        conf.set(GuardOptions.ITEM_EVENTS_PER_HOUR, 5.0);
        conf.set(GuardOptions.ITEM_BURST, ITEM_BURST);
        conf.set(GuardOptions.USER_EVENTS_PER_HOUR, 5.0);
        conf.set(GuardOptions.USER_BURST, USER_BURST);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        ReplayRun.Result result;
        try (ReplayRun run =
                ReplayRun.builder()
                        .configuration(conf)
                        .events(events)
                        .catalog(stream.catalog)
                        .environment(StreamExecutionEnvironment::getExecutionEnvironment)
                        .timeout(Duration.ofMinutes(5))
                        .build()) {
            result = run.run(List.of(), false);
        }

        assertThat(result.deadLetterReasons())
                .isEqualTo(
                        Map.of("item_flood", BOTS - ITEM_BURST, "user_flood", LOOP - USER_BURST));
        assertThat(result.trainedEvents())
                .isEqualTo(stream.events.size() + ITEM_BURST + USER_BURST);
    }

    /** {@code ordinary} with the bots' and the loop's events in the middle, at one event time. */
    private static List<UserEvent> withFloods(List<UserEvent> ordinary) {
        int middle = ordinary.size() / 2;
        long t = ordinary.get(middle).timestamp();
        List<UserEvent> events = new ArrayList<>(ordinary.subList(0, middle));
        for (int b = 0; b < BOTS; b++) {
            events.add(
                    new UserEvent("bot-" + b, "bot" + b, "pushed", EventType.CLICK, Float.NaN, t));
        }
        for (int l = 0; l < LOOP; l++) {
            events.add(
                    new UserEvent(
                            "loop-" + l,
                            "looping",
                            "loop-item" + l,
                            EventType.CLICK,
                            Float.NaN,
                            t));
        }
        events.addAll(ordinary.subList(middle, ordinary.size()));
        return events;
    }

    private static long maxPerKey(List<UserEvent> events, Function<UserEvent, String> key) {
        return events.stream()
                .collect(Collectors.groupingBy(key, Collectors.counting()))
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }
}
