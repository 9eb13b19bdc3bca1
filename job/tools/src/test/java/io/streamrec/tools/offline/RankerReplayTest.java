package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankerReplayTest {
    private static UserEvent event(String user, String item, long t) {
        return new UserEvent(user + item + t, user, item, EventType.RATING, 8f, t);
    }

    /**
     * The ratings read report their skipped lines, and a file of which no line is a rating (a
     * ratings.csv read without its movielens-csv format argument) is an error, not a replay of 0
     * events at HR@10 0.0000.
     */
    @Test
    void theRatingsReadReportSkippedLinesAndNoRatingReadIsAnError(@TempDir Path dir)
            throws Exception {
        RankerReplay.Options options = RankerReplay.Options.parse(new String[0], 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Path mixed = Files.writeString(dir.resolve("ratings.dat"), "1::10::7::300\nbroken line\n");

        assertThat(RankerReplay.readEvents(mixed, "movietweetings", options, out)).hasSize(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Read 1 events from " + mixed)
                .contains("skipped 1 line (missing_field: 1)");

        Path csv =
                Files.writeString(
                        dir.resolve("ratings.csv"),
                        "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n");
        assertThatThrownBy(() -> RankerReplay.readEvents(csv, "movietweetings", options, out))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("missing_field: 2")
                .hasMessageContaining("format");
    }

    /**
     * An item file mixing UTF-8 letters with a Latin-1 byte: one line naming the file and line,
     * exit 2, no stack trace; the advice's --items-charset is a flag of the replay and reads it.
     */
    @Test
    void anUndecodableItemFileIsAOneLineErrorAndItsCharsetAFlag(@TempDir Path dir)
            throws Exception {
        Path ratings = Files.writeString(dir.resolve("ratings.dat"), "1::10::7::300\n");
        Path items = dir.resolve("movies.dat");
        Files.write(
                items,
                concat(
                        "10#Caf\u00e9 (2000)#Drama\n".getBytes(StandardCharsets.UTF_8),
                        "11#Caf\u00e9 (2001)#Drama\n".getBytes(StandardCharsets.ISO_8859_1)));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status =
                RankerReplay.run(
                        new String[] {ratings.toString(), items.toString(), "movietweetings"},
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: " + items + " line 2")
                .contains("--items-charset")
                .hasLineCount(1);
        RankerReplay.Options latin1 =
                RankerReplay.Options.parse(new String[] {"--items-charset", "ISO-8859-1"}, 0);
        assertThat(RankerReplay.readCatalog(items, "movietweetings", latin1).title("10"))
                .isEqualTo("Caf\u00c3\u00a9 (2000)"); // the UTF-8 line garbled, as asked
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A flood limit without its burst named the flag nowhere: ArrayIndexOutOfBoundsException. */
    @Test
    void aWrongValueIsAnErrorNamingItsFlag() {
        for (String[] args :
                new String[][] {
                    {"--user-flood", "100"},
                    {"--item-flood", "a/b"},
                    {"--batch", "x"},
                    {"--batch", "0"},
                    {"--without", "NOTHING"},
                    {"--similar-users", "sideways"},
                    {"--time-scale", "-1"},
                    {"--learn-sample-rate", "2"}
                }) {
            assertThatThrownBy(() -> RankerReplay.Options.parse(args, 0))
                    .as(String.join(" ", args))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(args[0] + " '" + args[1] + "': ");
        }
    }

    /**
     * An unknown flag is refused as unknown, without taking the next argument for its value, and
     * the usage then lists the replay's flags; a wrong value is one line, exit 2 either way.
     */
    @Test
    void anUnknownFlagIsRefusedWithTheUsageListingTheFlags() throws Exception {
        assertThatThrownBy(() -> RankerReplay.Options.parse(new String[] {"--foo"}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown argument '--foo'")
                .hasMessageNotContaining("needs a value");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet =
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(
                        RankerReplay.run(
                                new String[] {"r.dat", "i.dat", "--foo", "--scoring-inline"},
                                quiet,
                                new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: unknown argument '--foo'")
                .contains("--user-flood RATE/BURST")
                .contains("--items-charset C")
                .contains("--scoring-inline");

        err.reset();
        assertThat(
                        RankerReplay.run(
                                new String[] {"r.dat", "i.dat", "--user-flood", "100"},
                                quiet,
                                new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: --user-flood '100': ")
                .hasLineCount(1);
    }

    @Test
    void keepsTheEventsOfUsersWithAtLeastNEventsInOrder() {
        List<UserEvent> events =
                List.of(
                        event("a", "1", 1),
                        event("b", "1", 2),
                        event("a", "2", 3),
                        event("c", "3", 4),
                        event("b", "2", 5),
                        event("a", "3", 6));

        assertThat(RankerReplay.usersWithAtLeast(2, events))
                .extracting(UserEvent::eventId)
                .containsExactly("a11", "b12", "a23", "b25", "a36");
        assertThat(RankerReplay.usersWithAtLeast(3, events))
                .extracting(UserEvent::eventId)
                .containsExactly("a11", "a23", "a36");
        assertThat(RankerReplay.usersWithAtLeast(1, events)).isSameAs(events);
    }

    @Test
    void aTimeScaleStretchesEveryGapFromTheFirstEvent() {
        List<UserEvent> events =
                List.of(event("a", "1", 10), event("b", "1", 12), event("a", "2", 17));

        assertThat(RankerReplay.timeScaled(30, events))
                .extracting(UserEvent::eventId, UserEvent::timestamp)
                .containsExactly(
                        tuple("a110", events.get(0).timestamp()),
                        tuple("b112", events.get(0).timestamp() + 30 * gap(events, 1)),
                        tuple("a217", events.get(0).timestamp() + 30 * gap(events, 2)));
        assertThat(RankerReplay.timeScaled(1, events)).isSameAs(events);
        assertThat(RankerReplay.Options.parse(new String[] {"--time-scale", "0.1"}, 0).timeScale)
                .isEqualTo(0.1);
    }

    private static long gap(List<UserEvent> events, int i) {
        return events.get(i).timestamp() - events.get(0).timestamp();
    }

    @Test
    void theOrderAndTheScorersOfThePipelineAreFlags() {
        RankerReplay.Options options =
                RankerReplay.Options.parse(
                        new String[] {"--pipeline-order", "2", "--serving-subtasks", "3"}, 0);

        assertThat(options.workers).isEqualTo(2);
        assertThat(options.servingSubtasks).isEqualTo(3);
        assertThat(options.toString())
                .contains(
                        "in the order serving sees 2 workers' batches, 3 scorer(s) split by user");
        assertThat(RankerReplay.Options.parse(new String[0], 0).toString())
                .contains("in time order, 1 scorer(s) split by user")
                .endsWith("evaluated 1.00 of the events, scoring on its own thread");
    }

    /**
     * Events a flood limit drops cost the replay nothing and are not in its events/s: 100 events of
     * one user within a second, at 1 event an hour and a burst of 1, process 1.
     */
    @Test
    void eventsTheFloodLimitDropsAreNotCountedAsProcessed() throws Exception {
        RankerReplay replay =
                new RankerReplay(
                        ItemCatalog.empty(),
                        RankerReplay.Options.parse(new String[] {"--user-flood", "1/1"}, 0));
        for (int e = 0; e < 100; e++) {
            replay.accept(event("u", "i" + e, 1_000L + e));
        }
        replay.awaitScoring();
        replay.close();

        assertThat(replay.processedEvents()).isLessThan(100).isEqualTo(1);
        assertThat(replay.processedBotEvents()).isZero();
    }

    /** The scoring thread changes when work runs, not what it computes: the same tallies. */
    @Test
    void aScoringThreadTalliesExactlyWhatInlineScoringDoes() throws Exception {
        assertThat(tallies()).isEqualTo(tallies("--scoring-inline")).contains("ranker");
    }

    private static String tallies(String... flags) throws Exception {
        RankerReplay replay =
                new RankerReplay(ItemCatalog.empty(), RankerReplay.Options.parse(flags, 0));
        Random random = new Random(5);
        for (int e = 0; e < 1500; e++) {
            int item = (int) Math.floor(50 * Math.pow(random.nextDouble(), 2));
            replay.accept(event("u" + random.nextInt(80), "i" + item, 1_000L * e));
        }
        replay.awaitScoring();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        replay.printTallies(new PrintStream(out, true, StandardCharsets.UTF_8));
        replay.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theEvaluatedShareIsAFlagWithinZeroToOne() {
        assertThat(
                        RankerReplay.Options.parse(new String[] {"--eval-sample-rate", "0.1"}, 0)
                                .evalSampleRate)
                .isEqualTo(0.1);
        assertThatThrownBy(
                        () ->
                                RankerReplay.Options.parse(
                                        new String[] {"--eval-sample-rate", "1.5"}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The pushed item's rank quartiles by nearest rank, as the suite's other percentiles. */
    @Test
    void thePushedItemsRankQuartilesAreByNearestRank() {
        assertThat(RankerReplay.pushedRanksLine(List.of(4, 2, 1, 3)))
                .isEqualTo(
                        String.format(
                                "pushed item a candidate in %.4f of them; its rank p25 / p50 /"
                                        + " p75: 1 / 2 / 3",
                                1.0));
        // no candidate in the upper half: p75 is "not a candidate"
        assertThat(
                        RankerReplay.pushedRanksLine(
                                List.of(5, 7, Integer.MAX_VALUE, Integer.MAX_VALUE)))
                .endsWith(": 5 / 7 / not a candidate");
    }
}
