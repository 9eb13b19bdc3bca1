package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.CommandLine;
import io.streamrec.ingest.InputFileException;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.QuickstartMain.ItemsSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart reads the item file itself, so its -Ditems.* options must reach it. */
class QuickstartItemsSourceTest {
    private static ItemsSource of(String... args) {
        return ItemsSource.of(QuickstartMain.ARGUMENTS.parse(args));
    }

    @Test
    void itemOptionsStandInForTheirAbsentFlags() {
        assertThat(
                        of(
                                "--ratings",
                                "u.data",
                                "-Ditems.path=u.item",
                                "-Ditems.format=movielens-100k",
                                "-Ditems.charset=windows-1252"))
                .isEqualTo(new ItemsSource("u.item", "movielens-100k", "windows-1252"));
        // the case the review found: the flag names the file, the option its charset
        assertThat(of("--items", "u.item", "-Ditems.charset=windows-1252").charset())
                .isEqualTo("windows-1252");
    }

    @Test
    void flagsWinOverDefaultsAndAgreeingOptions() {
        assertThat(
                        of(
                                "--ratings",
                                "u.data",
                                "--items",
                                "u.item",
                                "--items-format",
                                "movielens-100k",
                                "--items-charset",
                                "ISO-8859-1",
                                "-Ditems.charset=ISO-8859-1"))
                .isEqualTo(new ItemsSource("u.item", "movielens-100k", "ISO-8859-1"));
        assertThat(of())
                .isEqualTo(
                        new ItemsSource(
                                "data/movietweetings-100k/movies.dat", "movietweetings", "auto"));
        // other ratings than the bundled ones come without the bundled items
        assertThat(of("--ratings", "u.data").path()).isEmpty();
    }

    /**
     * A flag and an option agree when they name the same thing, not only when they are the same
     * string: charset aliases and case, a format's case (its parser ignores case), an equivalent
     * path.
     */
    @Test
    void aFlagAndAnOptionThatNameTheSameThingAgree() {
        assertThat(of("--items-charset", "utf-8", "-Ditems.charset=UTF-8").charset())
                .isEqualTo("utf-8");
        assertThat(of("--items-charset", "latin1", "-Ditems.charset=ISO-8859-1").charset())
                .isEqualTo("latin1");
        assertThat(of("--items-charset", "auto", "-Ditems.charset=AUTO").charset())
                .isEqualTo("auto");
        assertThat(of("--items-format", "MovieLens-100K", "-Ditems.format=movielens-100k").format())
                .isEqualTo("MovieLens-100K");
        assertThat(of("--items", "./data/../u.item", "-Ditems.path=u.item").path())
                .isEqualTo("./data/../u.item");
        // still different things
        assertThatThrownBy(() -> of("--items-charset", "auto", "-Ditems.charset=UTF-8"))
                .hasMessageContaining("disagree");
        assertThatThrownBy(
                        () ->
                                of(
                                        "--items-format",
                                        "movielens-csv",
                                        "-Ditems.format=movielens-100k"))
                .hasMessageContaining("disagree");
    }

    @Test
    void aFlagAndAnOptionThatDisagreeFailNamingBoth() {
        assertThatThrownBy(() -> of("--items-charset", "UTF-8", "-Ditems.charset=windows-1252"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--items-charset UTF-8")
                .hasMessageContaining("-Ditems.charset=windows-1252");
        assertThatThrownBy(() -> of("--items", "a.dat", "-Ditems.path=b.dat"))
                .hasMessageContaining("--items a.dat")
                .hasMessageContaining("-Ditems.path=b.dat");
    }

    /**
     * --rate is checked with the other arguments: "abc" was a UsageException's stack trace once the
     * quickstart ran, and -5, NaN and Infinity ran at full speed with the summary recording the
     * pace given. 0 is full speed, as README says.
     */
    @Test
    void aRateThatIsNoPaceIsAUsageError() {
        for (String rate : new String[] {"abc", "-5", "NaN", "Infinity", "-1"}) {
            assertThatThrownBy(() -> QuickstartMain.ARGUMENTS.parse("--rate", rate))
                    .as(rate)
                    .isInstanceOf(CommandLine.UsageException.class)
                    .hasMessageContaining("--rate")
                    .hasMessageContaining("usage:");
        }
        assertThat(QuickstartMain.ARGUMENTS.parse("--rate", "0").doubleValue("rate", -1))
                .isEqualTo(0);
        assertThat(QuickstartMain.ARGUMENTS.parse("--rate", "2000").doubleValue("rate", 0))
                .isEqualTo(2000);
    }

    /**
     * A ratings file none of whose lines is a rating of --ratings-format (a ratings.csv without
     * --ratings-format movielens-csv) fails naming it, which the quickstart prints and exits 2 on,
     * rather than "Read 0 events" and a Kafka broker and MiniCluster started to replay nothing.
     */
    @Test
    void ratingsWithNoRatingOfTheirFormatFailInsteadOfReplayingNothing(@TempDir Path dir)
            throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(
                csv, "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,29,3,1260759179\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThatThrownBy(
                        () ->
                                QuickstartMain.Input.read(
                                        QuickstartMain.ARGUMENTS.parse("--ratings", csv.toString()),
                                        print))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("no line is a movietweetings rating");
        // the skipped lines are printed before it fails
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("skipped 3 lines");
        // read as what it is, it replays, the first --limit events only
        QuickstartMain.Input input =
                QuickstartMain.Input.read(
                        QuickstartMain.ARGUMENTS.parse(
                                "--ratings",
                                csv.toString(),
                                "--ratings-format",
                                "movielens-csv",
                                "--limit",
                                "1"),
                        print);
        assertThat(input.events()).extracting(UserEvent::itemId).containsExactly("31");
    }

    /** --limit 0 replayed nothing, --limit -1 failed with "fromIndex(0) > toIndex(-1)". */
    @Test
    void aLimitBelowOneIsAUsageError() {
        for (String limit : new String[] {"-1", "0", "abc"}) {
            assertThatThrownBy(() -> QuickstartMain.ARGUMENTS.parse("--limit", limit))
                    .as(limit)
                    .isInstanceOf(CommandLine.UsageException.class)
                    .hasMessageContaining("--limit");
        }
        assertThat(QuickstartMain.ARGUMENTS.parse("--limit", "20000").intValue("limit", 0))
                .isEqualTo(20_000);
    }
}
