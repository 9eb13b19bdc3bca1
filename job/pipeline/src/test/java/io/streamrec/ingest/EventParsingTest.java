package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RecordParser;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParsingTest {
    private final EventJsonCodec codec = new EventJsonCodec();

    @Test
    void roundTripsAnEvent() throws Exception {
        UserEvent e = new UserEvent("e1", "u1", "0114508", EventType.RATING, 8f, 1365029107000L);
        assertThat(codec.parse(codec.toJson(e))).isEqualTo(e);
        UserEvent noValue = new UserEvent("e2", "u1", "i", EventType.CLICK, Float.NaN, 5L);
        assertThat(codec.parse(codec.toJson(noValue)).value()).isNaN();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json|unparseable_json",
                "[1,2]|not_an_object",
                "{\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1}|missing_field",
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":\"x\"}|wrong_type",
                "{\"eventId\":\"e\",\"userId\":\"u u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1}|invalid_id",
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"teleport\",\"timestamp\":1}|unknown_event_type",
                // only the names in ASCII letters: no Unicode case folding, no blanks around
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"rat\u0131ng\",\"timestamp\":1}|unknown_event_type",
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"\\t VIEW \\n\",\"timestamp\":1}|unknown_event_type",
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"value\":1e999,\"timestamp\":1}|non_finite_number",
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":-5}|invalid_timestamp",
                // two events in one record: the second must not be dropped unseen
                "{\"eventId\":\"a\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1}{\"eventId\":\"b\"}|unparseable_json",
                "{\"eventId\":\"a\",\"userId\":\"u\",\"userId\":\"v\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1}|unparseable_json",
            })
    void rejectsBadEventsWithAReason(String json, String reason) {
        assertRejected(codec, json, reason);
    }

    @Test
    void parsesItemsWithAttributesAndContentVectors() throws Exception {
        ItemJsonCodec codec = new ItemJsonCodec(3);
        var item =
                codec.parse(
                        "{\"itemId\":\"m1\",\"title\":\"Heat\",\"attributes\":[\"Action\",\"Crime\"],\"contentVector\":[0.5,-1,2]}"
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(item.attributes()).containsExactly("Action", "Crime");
        assertThat(item.contentVector()).containsExactly(0.5f, -1f, 2f);
        assertThat(codec.parse(ItemJsonCodec.toJson(item)).contentVector())
                .containsExactly(0.5f, -1f, 2f);
        assertThat(codec.parse("{\"itemId\":\"m2\"}".getBytes(StandardCharsets.UTF_8)).title())
                .isEqualTo("m2");
        for (String[] bad :
                new String[][] {
                    {"{\"itemId\":\"m3\",\"contentVector\":[1,2]}", "wrong_dimension"},
                    {"{\"itemId\":\"m3\",\"contentVector\":[1,2,1e999]}", "non_finite_number"},
                    {"{\"itemId\":\"m3\",\"contentVector\":[1,2,\"0.1\"]}", "wrong_type"},
                    {"{\"itemId\":\"m3\",\"contentVector\":[1,null,2]}", "wrong_type"},
                    {"{\"itemId\":\"m3\",\"attributes\":\"Action\"}", "wrong_type"},
                    {"{\"title\":\"no id\"}", "missing_field"},
                    {"{\"itemId\":\"m3\",\"title\":\"" + "x".repeat(1025) + "\"}", "wrong_type"}
                }) {
            assertRejected(codec, bad[0], bad[1]);
        }
        String longest = "x".repeat(ItemJsonCodec.MAX_TITLE_CHARS);
        assertThat(
                        codec.parse(
                                        ("{\"itemId\":\"m4\",\"title\":\"" + longest + "\"}")
                                                .getBytes(StandardCharsets.UTF_8))
                                .title())
                .isEqualTo(longest);
    }

    /**
     * A lone UTF-16 surrogate (a JSON escape such as {@code \\ud83d} with no partner) has no UTF-8
     * form: the catalog record re-encoded from it would say "Caf?", so the item is refused instead.
     * A pair (an emoji) is text and round-trips.
     */
    @Test
    void textWithAnUnpairedSurrogateIsRefusedAndAPairRoundTrips() throws Exception {
        ItemJsonCodec items = new ItemJsonCodec(0);
        for (String json :
                new String[] {
                    "{\"itemId\":\"i1\",\"title\":\"Caf\\ud83d\",\"attributes\":[\"\\ud800\",\"\\udbff\"]}",
                    "{\"itemId\":\"i1\",\"title\":\"\\ude00Caf\"}",
                    "{\"itemId\":\"i1\",\"title\":\"Caf\",\"attributes\":[\"ok\",\"\\udbff\"]}",
                    "{\"itemId\":\"i1\",\"attributes\":[\"\\ude00\\ud83d\"]}"
                }) {
            assertThatThrownBy(() -> items.parse(json.getBytes(StandardCharsets.UTF_8)))
                    .as(json)
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("wrong_type"))
                    .hasMessageContaining("unpaired surrogate");
        }
        assertRejected(
                codec,
                "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\\ud800\",\"timestamp\":1}",
                "wrong_type");
        for (String json :
                new String[] {
                    "{\"itemId\":\"i1\",\"title\":\"Caf\\ud83d\\ude00\",\"attributes\":[\"\\ud83d\\ude00\"]}",
                    "{\"itemId\":\"i1\",\"title\":\"Caf\ud83d\ude00\",\"attributes\":[\"\ud83d\ude00\"]}"
                }) {
            var item = items.parse(json.getBytes(StandardCharsets.UTF_8));
            assertThat(item.title()).isEqualTo("Caf\ud83d\ude00");
            var again = items.parse(ItemJsonCodec.toJson(item));
            assertThat(again.title()).isEqualTo("Caf\ud83d\ude00");
            assertThat(again.attributes()).containsExactly("\ud83d\ude00");
        }
    }

    /**
     * {@code 1e6} is 3 bytes in, {@code 1000000.0} 9 bytes in the catalog record: an item under the
     * payload bound can re-encode over it, and every catalog reader would then skip it unseen. Such
     * an item is dead-lettered at validation instead.
     */
    @Test
    void anItemWhoseCatalogRecordWouldExceedThePayloadBoundIsRefused() throws Exception {
        int dim = 8_000;
        ItemJsonCodec items = new ItemJsonCodec(dim);
        String vector = String.join(",", Collections.nCopies(dim, "1e6"));
        byte[] payload =
                ("{\"itemId\":\"i1\",\"contentVector\":[" + vector + "]}")
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(payload.length).isLessThan(RecordParser.MAX_PAYLOAD_BYTES);
        assertThatThrownBy(() -> items.parse(payload))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("oversized_payload"))
                .hasMessageContaining("re-encoded");
        // the same vector of 1s re-encodes as 1.0, well inside the bound, and is taken
        String ones = String.join(",", Collections.nCopies(dim, "1"));
        var item =
                items.parse(
                        ("{\"itemId\":\"i1\",\"contentVector\":[" + ones + "]}")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(ItemJsonCodec.toJson(item).length).isLessThan(RecordParser.MAX_PAYLOAD_BYTES);
        assertThat(items.parse(ItemJsonCodec.toJson(item)).contentVector()).hasSize(dim);
    }

    @Test
    void parsesRequestsWithDefaultsAndRejectsBadOnes() throws Exception {
        RequestJsonCodec codec = new RequestJsonCodec();
        var r =
                codec.parse(
                        "{\"requestId\":\"r1\",\"userId\":\"u\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.k()).isEqualTo(10);
        assertThat(r.timestamp()).isPositive();
        for (String[] bad :
                new String[][] {
                    {"{\"requestId\":\"r1\",\"userId\":\"u\",\"k\":0}", "out_of_range"},
                    {"{\"requestId\":\"r1\",\"userId\":\"u\",\"k\":1001}", "out_of_range"},
                    {"{\"requestId\":\"r1\",\"userId\":\"u\",\"k\":\"ten\"}", "wrong_type"},
                    {"{\"userId\":\"u\"}", "missing_field"}
                }) {
            assertRejected(codec, bad[0], bad[1]);
        }
    }

    /**
     * A recommendation request's timestamp is serving's "now" while it has seen no event: it gets
     * the bound an event gets ({@code validation.max-future}); a forget's does not, so that a fast
     * clock cannot keep a user from being erased; a timestamp of at most 0, or before {@code
     * validation.earliest-timestamp}, is invalid as an event's is. The margins are minutes, far
     * beyond the time between the test and the parse.
     */
    @Test
    void aRequestStampedFurtherAheadOfTheClockThanMaxFutureIsRejected() throws Exception {
        long minute = 60_000;
        long now = System.currentTimeMillis();
        RequestJsonCodec codec = new RequestJsonCodec(5 * minute);

        assertThat(codec.parse(request(now + minute, false)).timestamp()).isEqualTo(now + minute);
        assertThat(codec.parse(request(now - 1_440 * minute, false)).timestamp())
                .isEqualTo(now - 1_440 * minute);
        // before validation.earliest-timestamp (1980 by default), as an event: a time in seconds
        // read as milliseconds is January 1970, and would become serving's "now" after a restore
        for (long early : new long[] {1, 1_700_000_000L}) {
            assertThatThrownBy(() -> codec.parse(request(early, false)))
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_timestamp"))
                    .hasMessageContaining("not seconds");
            assertThatThrownBy(() -> RequestJsonCodec.unbounded().parse(request(early, false)))
                    .isInstanceOf(InvalidRecordException.class);
            assertThat(codec.parse(request(early, true)).isForget()).isTrue();
        }
        for (long ahead : new long[] {now + 60 * minute, Long.MAX_VALUE}) {
            assertThatThrownBy(() -> codec.parse(request(ahead, false)))
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("future_timestamp"))
                    .hasMessageContaining("ahead of the clock");
            // a forget is honoured whatever its sender's clock says
            assertThat(codec.parse(request(ahead, true)).isForget()).isTrue();
            assertThat(RequestJsonCodec.unbounded().parse(request(ahead, false)).timestamp())
                    .isEqualTo(ahead);
        }
        assertThatThrownBy(() -> new RequestJsonCodec().parse(request(now + 60 * minute, false)))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("future_timestamp"));
        for (long invalid : new long[] {0, -1, Long.MIN_VALUE}) {
            assertRejected(
                    codec,
                    new String(request(invalid, false), StandardCharsets.UTF_8),
                    "invalid_timestamp");
        }
    }

    private static byte[] request(long timestamp, boolean forget) {
        return ("{\"requestId\":\"r1\",\"userId\":\"u\",\"forget\":"
                        + forget
                        + ",\"timestamp\":"
                        + timestamp
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A detail quotes at most the start of a value from the record: a 64 KiB record would otherwise
     * put tens of thousands of characters into its dead letter, log line and answer.
     */
    @Test
    void aDetailQuotesTheStartOfALongValueAndItsLength() {
        String type = "x".repeat(60_000);
        String key = "k".repeat(30_000);
        String digits = "9".repeat(999);
        for (String json :
                new String[] {
                    "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\""
                            + type
                            + "\",\"timestamp\":1}",
                    "{\"" + key + "\":1,\"" + key + "\":2}",
                    "{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"value\":"
                            + digits
                            + ",\"timestamp\":1}"
                }) {
            assertThatThrownBy(() -> codec.parse(json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(InvalidRecordException.class)
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(320));
        }
        assertThatThrownBy(
                        () ->
                                codec.parse(
                                        ("{\"eventId\":\"e\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\""
                                                        + type
                                                        + "\",\"timestamp\":1}")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage(
                        "unknown_event_type: type '"
                                + "x".repeat(InvalidRecordException.EXCERPT_CHARS)
                                + "\u2026(60000 chars)'");
        assertThatThrownBy(() -> ItemFormat.MOVIETWEETINGS.parseLine("a b" + type + "#Heat#Drama"))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_id"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    private static void assertRejected(RecordParser<?> parser, String json, String reason) {
        assertThatThrownBy(() -> parser.parse(json.getBytes(StandardCharsets.UTF_8)))
                .as(json)
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void rejectsOversizedPayloads() {
        byte[] big = new byte[RecordParser.MAX_PAYLOAD_BYTES + 1];
        assertThatThrownBy(() -> codec.parse(big))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("oversized_payload"));
    }

    @Test
    void readsTheItemFormats(@TempDir Path dir) throws Exception {
        Path movies = dir.resolve("movies.csv");
        Files.writeString(
                movies,
                "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
                        + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n");
        ItemCatalog catalog = ItemCatalog.read(movies, ItemFormat.MOVIELENS_CSV);
        assertThat(catalog.title("11")).isEqualTo("American President, The (1995)");
        assertThat(catalog.attributes("1")).containsExactly("Adventure", "Animation");
        Path uitem = dir.resolve("u.item");
        Files.writeString(
                uitem,
                "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
        assertThat(ItemCatalog.read(uitem, ItemFormat.MOVIELENS_100K).attributes("1"))
                .containsExactly("Animation", "Children's", "Comedy");
        Path mt = dir.resolve("movies.dat");
        Files.writeString(mt, "0002844#Fantômas (1913)#Crime|Drama\n");
        assertThat(ItemCatalog.read(mt, ItemFormat.MOVIETWEETINGS).attributes("0002844"))
                .containsExactly("Crime", "Drama");
    }

    /**
     * A movies.csv without its header line: line 1 is an item (its id is a number), not skipped as
     * the header; a header (an id that is no number) is still skipped.
     */
    @Test
    void aHeaderlessMovieLensCsvKeepsItsFirstItem(@TempDir Path dir) throws Exception {
        Path movies = dir.resolve("movies.csv");
        Files.writeString(
                movies, "1,Toy Story (1995),Adventure|Animation\n2,Jumanji (1995),Adventure\n");
        assertThat(ItemCatalog.read(movies, ItemFormat.MOVIELENS_CSV).ids())
                .containsExactly("1", "2");
        Files.writeString(movies, "movieId,title,genres\n2,Jumanji (1995),Adventure\n");
        assertThat(ItemCatalog.read(movies, ItemFormat.MOVIELENS_CSV).ids()).containsExactly("2");
        // an id that is no number is still an item, not a header
        Files.writeString(
                movies,
                "tt0111161,The Shawshank Redemption (1994),Drama\n2,Jumanji (1995),Adventure\n");
        assertThat(ItemCatalog.read(movies, ItemFormat.MOVIELENS_CSV).ids())
                .containsExactly("tt0111161", "2");
    }

    /** A file none of whose lines is an item is an error, not a silently empty catalog. */
    @Test
    void anItemFileWithNoReadableLineFailsNamingTheFileAndTheFirstReason(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("u.item");
        Files.writeString(
                file,
                "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                        + "\n2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0\n");
        assertThatThrownBy(() -> ItemCatalog.read(file, ItemFormat.MOVIETWEETINGS))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 1")
                .hasMessageContaining("missing_field")
                .hasMessageContaining("items-format");
        // blank and header-only files are empty catalogs, as before
        Path header = dir.resolve("movies.csv");
        Files.writeString(header, "movieId,title,genres\n\n");
        assertThat(ItemCatalog.read(header, ItemFormat.MOVIELENS_CSV).size()).isZero();
    }

    @Test
    void anItemFileWithSomeBadLinesLogsHowManyWereSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("movies.dat");
        StringBuilder text = new StringBuilder("1#Heat (1995)#Crime\n");
        for (int i = 0; i < 7; i++) {
            text.append("broken line\n");
        }
        Files.writeString(file, text);
        List<String> warnings = new CopyOnWriteArrayList<>();
        org.apache.logging.log4j.core.Logger logger =
                (org.apache.logging.log4j.core.Logger) LogManager.getLogger(ItemCatalog.class);
        AbstractAppender capture =
                new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        warnings.add(event.getMessage().getFormattedMessage());
                    }
                };
        capture.start();
        logger.addAppender(capture);
        try {
            assertThat(ItemCatalog.read(file, ItemFormat.MOVIETWEETINGS).ids())
                    .containsExactly("1");
        } finally {
            logger.removeAppender(capture);
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("7 of 8 item lines"));
    }

    /**
     * The public MovieTweetings files separate with {@code ::}, the bundled one with {@code #}: the
     * separator is whichever follows the id, per line, so a title holding the other one stays
     * whole.
     */
    @Test
    void movieTweetingsLinesReadWithEitherSeparator(@TempDir Path dir) throws Exception {
        assertThat(
                        ItemFormat.MOVIETWEETINGS.parseLine(
                                "0002844::Fantômas - À l'ombre de la guillotine (1913)::Crime|Drama"))
                .satisfies(
                        item -> {
                            assertThat(item.itemId()).isEqualTo("0002844");
                            assertThat(item.title())
                                    .isEqualTo("Fantômas - À l'ombre de la guillotine (1913)");
                            assertThat(item.attributes()).containsExactly("Crime", "Drama");
                        });
        assertThat(ItemFormat.MOVIETWEETINGS.parseLine("4172430::#Horror (2015)::Horror"))
                .satisfies(
                        item -> {
                            assertThat(item.itemId()).isEqualTo("4172430");
                            assertThat(item.title()).isEqualTo("#Horror (2015)");
                            assertThat(item.attributes()).containsExactly("Horror");
                        });
        assertThat(ItemFormat.MOVIETWEETINGS.parseLine("0004936#Star Trek::Lower Decks (2020)#"))
                .satisfies(
                        item -> {
                            assertThat(item.itemId()).isEqualTo("0004936");
                            assertThat(item.title()).isEqualTo("Star Trek::Lower Decks (2020)");
                            assertThat(item.attributes()).isEmpty();
                        });
        Path file = dir.resolve("movies.dat");
        Files.writeString(
                file,
                "0000008::Edison Kinetoscopic Record of a Sneeze (1894)::Documentary|Short\n"
                        + "4172430::#Horror (2015)::Horror\n"
                        + "0004936#The Bank (1915)#Comedy|Short\n");
        ItemCatalog catalog = ItemCatalog.read(file, ItemFormat.MOVIETWEETINGS);
        assertThat(catalog.ids()).containsExactly("0000008", "4172430", "0004936");
        assertThat(catalog.title("4172430")).isEqualTo("#Horror (2015)");
        assertThat(catalog.attributes("0000008")).containsExactly("Documentary", "Short");
    }

    @Test
    void anItemLineWhoseIdBreaksTheEventsRuleIsSkippedInEveryFormat() {
        String flags = "|0".repeat(ItemFormat.MOVIELENS_100K_GENRES.size());
        for (String[] line :
                new String[][] {
                    {"MOVIELENS_CSV", ",Title (1995),Drama"},
                    {"MOVIELENS_CSV", "a b,Title (1995),Drama"},
                    {"MOVIELENS_100K", " |Title (1995)|01-Jan-1995||http://x" + flags},
                    {"MOVIETWEETINGS", "id/1#Title (1995)#Drama"}
                }) {
            assertThatThrownBy(() -> ItemFormat.valueOf(line[0]).parseLine(line[1]))
                    .as(line[1])
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("invalid_id"));
        }
    }

    /**
     * An item file's title and genres keep the items topic's bounds: a genre longer than a row key
     * can be would fail the workers' output at every restart, so its line is refused instead.
     */
    @Test
    void itemFileLinesOverTheTopicsBoundsAreRefused() throws Exception {
        String longGenre = "A".repeat(70_000);
        String manyGenres =
                IntStream.range(0, 65).mapToObj(g -> "g" + g).collect(Collectors.joining("|"));
        for (String line :
                new String[] {
                    "1#Heat (1995)#" + longGenre,
                    "1#Heat (1995)#" + manyGenres,
                    "1#" + "T".repeat(1025) + "#Drama"
                }) {
            assertThatThrownBy(() -> ItemFormat.MOVIETWEETINGS.parseLine(line))
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("wrong_type"));
        }
        assertThat(
                        ItemFormat.MOVIETWEETINGS
                                .parseLine("1#" + "T".repeat(1024) + "#" + "A".repeat(128))
                                .attributes())
                .containsExactly("A".repeat(128));
    }
}
