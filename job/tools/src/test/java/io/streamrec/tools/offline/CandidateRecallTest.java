package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateRecallTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return CandidateRecall.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * An item file mixing UTF-8 letters with a Latin-1 byte is a one-line error naming the file and
     * line, exit 2; the --items-charset its advice names reads it.
     */
    @Test
    void anUndecodableItemFileIsAOneLineErrorAndItsCharsetAFlag(@TempDir Path dir)
            throws Exception {
        Path ratings = Files.writeString(dir.resolve("ratings.dat"), "1::10::7::300\n");
        Path items = dir.resolve("movies.dat");
        Files.write(items, "10#Caf\u00e9 (2000)#Drama\n".getBytes(StandardCharsets.UTF_8));
        Files.write(
                items,
                "11#Caf\u00e9 (2001)#Drama\n".getBytes(StandardCharsets.ISO_8859_1),
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(run(ratings.toString(), items.toString(), "movietweetings")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: " + items + " line 2")
                .contains("--items-charset")
                .hasLineCount(1);

        err.reset();
        assertThat(
                        run(
                                ratings.toString(),
                                items.toString(),
                                "movietweetings",
                                "--items-charset",
                                "ISO-8859-1"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 events, 2 catalog items");
    }

    /** An unknown format is a one-line usage error, exit 2, not a stack trace. */
    @Test
    void anUnknownFormatIsAUsageError(@TempDir Path dir) throws Exception {
        Path ratings = Files.writeString(dir.resolve("ratings.dat"), "1::10::7::300\n");
        Path items = Files.writeString(dir.resolve("movies.dat"), "10#Heat (1995)#Drama\n");

        assertThat(run(ratings.toString(), items.toString(), "bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("bogus");
    }
}
