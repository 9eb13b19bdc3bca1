package io.streamrec.tools.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MovieLens files written from a MovieTweetings history read back, through the readers the
 * README's MovieLens commands use, as the same events and items.
 */
class MovieLensExportTest {
    private static final String RATINGS =
            "20::0002844::7::300\n" // 7/10: 4 stars, 3.5 half stars
                    + "3::0114709::10::100\n"
                    + "20::0114709::0::200\n" // 0/10: 1 star, 0.5
                    + "3::0093779::1::400\n";

    private static final String ITEMS =
            "0002844#Fantômas - À l'ombre de la guillotine (1913)#Crime|Drama\n"
                    + "0114709#Toy Story, \"the\" first (1995)#Animation|Family|Biography\n"
                    + "0093779#東京物語 (1953)#\n";

    private ItemCatalog exported(Path dir) throws Exception {
        Files.writeString(dir.resolve("ratings.dat"), RATINGS);
        Files.writeString(dir.resolve("movies.dat"), ITEMS);
        List<UserEvent> events =
                RatingsReplay.read(dir.resolve("ratings.dat"), RatingsFormat.MOVIETWEETINGS)
                        .events();
        ItemCatalog items = ItemCatalog.read(dir.resolve("movies.dat"), ItemFormat.MOVIETWEETINGS);
        MovieLensExport.write(events, items, dir.resolve("out"));
        return items;
    }

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return MovieLensExport.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * An item file mixing UTF-8 letters with a Latin-1 byte is a one-line error naming the file and
     * line, exit 2; the --items-charset its advice names reads it.
     */
    @Test
    void anUndecodableItemFileIsAOneLineErrorAndItsCharsetAFlag(@TempDir Path dir)
            throws Exception {
        Path ratings = Files.writeString(dir.resolve("ratings.dat"), RATINGS);
        Path items = dir.resolve("movies.dat");
        Files.write(items, ITEMS.getBytes(StandardCharsets.UTF_8));
        Files.write(
                items,
                "0000001#Caf\u00e9 (1900)#\n".getBytes(StandardCharsets.ISO_8859_1),
                StandardOpenOption.APPEND);
        String out = dir.resolve("out").toString();

        assertThat(run(ratings.toString(), items.toString(), out)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: " + items + " line 4")
                .contains("--items-charset")
                .hasLineCount(1);
        assertThat(run(ratings.toString(), items.toString(), out, "--items-charset", "ISO-8859-1"))
                .isZero();
    }

    /** A --limit that is no count is a one-line error naming the flag, exit 2. */
    @Test
    void aLimitThatIsNoCountIsAUsageError(@TempDir Path dir) throws Exception {
        Path ratings = Files.writeString(dir.resolve("ratings.dat"), RATINGS);
        Path items = Files.writeString(dir.resolve("movies.dat"), ITEMS);
        for (String limit : new String[] {"abc", "-1"}) {
            err.reset();
            assertThat(run(ratings.toString(), items.toString(), "out", "--limit", limit))
                    .isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("error: --limit expects an integer from 0 to");
        }
        assertThat(
                        run(
                                ratings.toString(),
                                items.toString(),
                                dir.resolve("o").toString(),
                                "--limit",
                                "2"))
                .isZero();
    }

    @Test
    void movieLens100kReadsBackAsTheSameEventsWithALatin1ItemFile(@TempDir Path dir)
            throws Exception {
        exported(dir);
        Path ml = dir.resolve("out/ml-100k");
        RatingsReplay replay =
                RatingsReplay.read(ml.resolve("u.data"), RatingsFormat.MOVIELENS_100K);
        assertThat(replay.rejected()).isEmpty();
        assertThat(replay.events())
                .extracting(UserEvent::userId, UserEvent::itemId, UserEvent::timestamp)
                .containsExactly(
                        tuple("3", "114709", 100_000L),
                        tuple("20", "114709", 200_000L),
                        tuple("20", "2844", 300_000L),
                        tuple("3", "93779", 400_000L));
        assertThat(replay.events()).extracting(UserEvent::value).containsExactly(5f, 1f, 4f, 1f);

        byte[] bytes = Files.readAllBytes(ml.resolve("u.item"));
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("Fantômas");
        assertThat(bytes).contains((byte) 0xF4); // ô as one Latin-1 byte: not UTF-8
        ItemCatalog items = ItemCatalog.read(ml.resolve("u.item"), ItemFormat.MOVIELENS_100K);
        assertThat(items.ids()).containsExactlyInAnyOrder("2844", "114709", "93779");
        assertThat(items.title("2844")).isEqualTo("Fantômas - À l'ombre de la guillotine (1913)");
        assertThat(items.title("93779")).isEqualTo("???? (1953)");
        assertThat(items.attributes("2844")).containsExactly("Crime", "Drama");
        assertThat(items.attributes("114709")).containsExactly("Animation", "Children's");
        assertThat(items.attributes("93779")).containsExactly("unknown");
    }

    @Test
    void movieLensCsvReadsBackAsTheSameEventsWithQuotedTitles(@TempDir Path dir) throws Exception {
        exported(dir);
        Path ml = dir.resolve("out/ml-latest-small");
        assertThat(Files.readAllLines(ml.resolve("ratings.csv")))
                .containsExactly(
                        "userId,movieId,rating,timestamp",
                        "3,114709,5.0,100",
                        "3,93779,0.5,400",
                        "20,114709,0.5,200",
                        "20,2844,3.5,300");
        RatingsReplay replay =
                RatingsReplay.read(ml.resolve("ratings.csv"), RatingsFormat.MOVIELENS_CSV);
        assertThat(replay.rejected()).isEmpty();
        assertThat(replay.events())
                .extracting(UserEvent::itemId)
                .containsExactly("114709", "114709", "2844", "93779");

        ItemCatalog items = ItemCatalog.read(ml.resolve("movies.csv"), ItemFormat.MOVIELENS_CSV);
        assertThat(items.title("114709")).isEqualTo("Toy Story, \"the\" first (1995)");
        assertThat(items.title("93779")).isEqualTo("東京物語 (1953)");
        assertThat(items.attributes("114709")).containsExactly("Animation", "Children");
        assertThat(items.attributes("93779")).isEmpty();
    }

    @Test
    void ratingsAndDatesMapOntoMovieLensScales() {
        assertThat(MovieLensExport.stars(10f)).isEqualTo(5);
        assertThat(MovieLensExport.stars(5f)).isEqualTo(3); // 2.5 rounds up
        assertThat(MovieLensExport.halfStars(3f)).isEqualTo("1.5");
        assertThat(MovieLensExport.releaseDate("Kes (1969)")).isEqualTo("01-Jan-1969");
        assertThat(MovieLensExport.releaseDate("No year")).isEmpty();
        assertThat(MovieLensExport.csvField("a, b")).isEqualTo("\"a, b\"");
    }
}
