package io.streamrec.tools.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.TextFileLines;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset readers: time order, tie-breaks, bad lines, the MovieLens formats. */
class RatingsReplayTest {
    @Test
    void replaysInTimeOrderWithALineTieBreakAndSkipsBadLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ratings.dat");
        Files.writeString(
                file, "1::10::7::300\n2::11::8::100\nbroken line\n3::12::x::100\n4::13::5::100\n");
        RatingsReplay replay = RatingsReplay.read(file, RatingsFormat.MOVIETWEETINGS);
        assertThat(replay.events())
                .extracting(UserEvent::eventId)
                .containsExactly("line-2", "line-5", "line-1");
        assertThat(replay.events().get(0).timestamp()).isEqualTo(100_000L);
        assertThat(replay.rejected())
                .containsEntry("missing_field", 1)
                .containsEntry("wrong_type", 1);
    }

    @Test
    void theSkippedLinesReadAsNoneOrACountPerReason(@TempDir Path dir) throws Exception {
        Path clean = dir.resolve("clean.dat");
        Files.writeString(clean, "1::10::7::300\n");
        assertThat(RatingsReplay.read(clean, RatingsFormat.MOVIETWEETINGS).skippedLines())
                .isEqualTo("none");
        Path broken = dir.resolve("broken.dat");
        Files.writeString(broken, "broken line\n3::12::x::100\n4::13::y::100\n1::10::7::300\n");
        assertThat(RatingsReplay.read(broken, RatingsFormat.MOVIETWEETINGS).skippedLines())
                .isEqualTo("3 lines (missing_field: 1, wrong_type: 2)");
        Path one = dir.resolve("one.dat");
        Files.writeString(one, "broken line\n");
        assertThat(RatingsReplay.read(one, RatingsFormat.MOVIETWEETINGS).skippedLines())
                .isEqualTo("1 line (missing_field: 1)");
    }

    /**
     * A ratings.csv without its header line: line 1 is a rating (its rating and time are numbers)
     * and is read, not skipped uncounted as the header.
     */
    @Test
    void aHeaderlessMovieLensCsvKeepsItsFirstLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(csv, "1,31,2.5,1260759144\n1,1029,3.0,1260759179\n");
        RatingsReplay replay = RatingsReplay.read(csv, RatingsFormat.MOVIELENS_CSV);
        assertThat(replay.events()).extracting(UserEvent::itemId).containsExactly("31", "1029");
        assertThat(replay.skippedLines()).isEqualTo("none");
    }

    /** A bad first rating of a header-less file is counted, not taken for the header. */
    @Test
    void aHeaderlessMovieLensCsvCountsABadFirstLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(csv, "1,31,,1260759144\n1,1029,3.0,1260759179\n");
        RatingsReplay replay = RatingsReplay.read(csv, RatingsFormat.MOVIELENS_CSV);
        assertThat(replay.events()).extracting(UserEvent::itemId).containsExactly("1029");
        assertThat(replay.skippedLines()).isNotEqualTo("none").contains("1");
        Files.writeString(csv, "\uFEFF\"userId\",movieId,rating,timestamp\n1,31,2.5,1260759144\n");
        assertThat(RatingsReplay.read(csv, RatingsFormat.MOVIELENS_CSV).skippedLines())
                .isEqualTo("none");
    }

    @Test
    void readsTheMovieLensFormats(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(csv, "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n");
        assertThat(RatingsReplay.read(csv, RatingsFormat.parse("movielens-csv")).events())
                .singleElement()
                .satisfies(e -> assertThat(e.itemId()).isEqualTo("31"));
        Path data = dir.resolve("u.data");
        Files.writeString(data, "196\t242\t3\t881250949\n");
        assertThat(RatingsReplay.read(data, RatingsFormat.MOVIELENS_100K).events().get(0).userId())
                .isEqualTo("196");
    }

    @Test
    void aTimeThatWouldWrapAroundInMillisecondsIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ratings.dat");
        Files.writeString(
                file, "1::10::7::18446744073709552\n2::11::8::0\n3::12::5::-5\n4::13::5::100\n");
        RatingsReplay replay = RatingsReplay.read(file, RatingsFormat.MOVIETWEETINGS);
        assertThat(replay.events()).extracting(UserEvent::eventId).containsExactly("line-4");
        assertThat(replay.rejected()).containsEntry("invalid_timestamp", 3);
    }

    @Test
    void aByteOrderMarkIsNoPartOfTheFirstUsersId(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ratings.dat");
        Files.writeString(file, "\uFEFF1::0114508::8::1381006850\n2::0114508::7::1381006851\n");
        assertThat(RatingsReplay.read(file, RatingsFormat.MOVIETWEETINGS).events())
                .extracting(UserEvent::userId)
                .containsExactly("1", "2");
    }

    /** Undecodable bytes fail as the item reader's do: file, line and charset in one message. */
    @Test
    void aFileThatIsNotUtf8FailsNamingTheFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ratings.dat");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            text.append(i).append("::0114508::8::1381006850\n");
        }
        byte[] good = text.toString().getBytes(StandardCharsets.US_ASCII);
        // line 3001 holds a Latin-1 0xE9, which is no UTF-8; past BufferedReader's first buffer
        byte[] bad = "3001::caf\u00e9::8::1381006850\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[good.length + bad.length];
        System.arraycopy(good, 0, bytes, 0, good.length);
        System.arraycopy(bad, 0, bytes, good.length, bad.length);
        Files.write(file, bytes);
        assertThatThrownBy(() -> RatingsReplay.read(file, RatingsFormat.MOVIETWEETINGS))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining(file + " line 3001 is not valid UTF-8");
    }

    /**
     * A missing file, or a directory, is an InputFileException naming it and why, which the tools
     * print on one line (exit 2), not the raw NoSuchFileException or "Is a directory" IOException.
     */
    @Test
    void aMissingFileOrADirectoryFailsNamingItAndWhy(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-ratings.dat");
        assertThatThrownBy(() -> RatingsReplay.read(missing, RatingsFormat.MOVIETWEETINGS))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> RatingsReplay.read(dir, RatingsFormat.MOVIETWEETINGS))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("directory");
    }

    @Test
    void aRejectedLineQuotesTheStartOfALongField() {
        String digits = "9".repeat(100_000);
        String zeros = "0".repeat(100_000);
        for (String line : new String[] {"1::10::" + digits + "::100", "1::10::5::" + zeros}) {
            assertThatThrownBy(() -> RatingsFormat.MOVIETWEETINGS.parseLine(line, 1))
                    .isInstanceOf(InvalidRecordException.class)
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        }
    }
}
