package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The attack's share, window, accounts and target, on a small stream. */
class BotTrafficTest {
    private static final List<UserEvent> EVENTS =
            IntStream.range(0, 95)
                    .mapToObj(
                            i ->
                                    new UserEvent(
                                            "e" + i,
                                            "u" + i % 7,
                                            "m" + i % 3,
                                            EventType.CLICK,
                                            1f,
                                            1000L * i))
                    .toList();
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    IntStream.range(0, 6)
                            .mapToObj(i -> new ItemRecord("m" + i, "movie " + i, List.of()))
                            .toList());

    @Test
    void botsPushTheFirstUntouchedItemInTheMiddleOfTheData() {
        BotTraffic attack = BotTraffic.against(EVENTS, CATALOG, 10_000L, 2);
        assertThat(attack.target()).isEqualTo("m3");
        assertThat(attack.from()).isEqualTo(47_000L - 5_000L);
        assertThat(attack.to()).isEqualTo(47_000L + 5_000L);

        List<UserEvent> merged = attack.injectInto(EVENTS, 0.05);
        List<UserEvent> bots = merged.stream().filter(e -> BotTraffic.isBot(e.userId())).toList();
        assertThat(bots).hasSize(5); // 5 of 100: 5 %
        assertThat(bots).allSatisfy(b -> assertThat(b.itemId()).isEqualTo("m3"));
        assertThat(bots).allSatisfy(b -> assertThat(attack.during(b.timestamp())).isTrue());
        assertThat(bots).extracting(UserEvent::userId).containsOnly("bot-0", "bot-1");
        assertThat(merged).extracting(UserEvent::timestamp).isSortedAccordingTo(Long::compare);
    }
}
