package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileLinesTest {
    private static final String GENRES =
            "|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0";

    @TempDir Path dir;

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsUtf8() throws Exception {
        Path f = write("utf8.dat", "1#Fantômas\r\n2#Amélie\n".getBytes(StandardCharsets.UTF_8));
        assertThat(TextFileLines.read(f, null)).containsExactly("1#Fantômas", "2#Amélie");
    }

    @Test
    void aByteOrderMarkIsNoPartOfTheFirstItemsId() throws Exception {
        byte[] text = ("1|Toy Story (1995)" + GENRES + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] withMark = new byte[text.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withMark, 3, text.length);
        Path f = write("u.item", withMark);
        ItemCatalog catalog = ItemCatalog.read(f, ItemFormat.MOVIELENS_100K);
        assertThat(catalog.contains("1")).isTrue();
        assertThat(catalog.title("1")).isEqualTo("Toy Story (1995)");
    }

    @Test
    void detectsLatin1WhereItIsUnambiguous() throws Exception {
        // MovieLens 100K's u.item is ISO-8859-1: 0xE9 alone is not UTF-8
        Path f =
                write(
                        "u.item",
                        ("1|Toy Story (1995)" + GENRES + "\n2|Misérables, Les (1995)" + GENRES)
                                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(TextFileLines.read(f, null))
                .containsExactly(
                        "1|Toy Story (1995)" + GENRES, "2|Misérables, Les (1995)" + GENRES);
        ItemCatalog catalog = ItemCatalog.read(f, ItemFormat.MOVIELENS_100K);
        assertThat(catalog.title("2")).isEqualTo("Misérables, Les (1995)");
    }

    @Test
    void refusesToGuessWindows1252AndNamesFileAndLine() throws Exception {
        // 0x93/0x94 are curly quotes in windows-1252, control characters in ISO-8859-1
        byte[] bytes = "1#plain\n2#\u201cquoted\u201d\n".getBytes(Charset.forName("windows-1252"));
        Path f = write("items.dat", bytes);
        assertThatThrownBy(() -> TextFileLines.read(f, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("items.dat line 2")
                .hasMessageContaining("items.charset");
        assertThat(TextFileLines.read(f, Charset.forName("windows-1252")))
                .containsExactly("1#plain", "2#\u201cquoted\u201d");
    }

    @Test
    void anExplicitCharsetIsStrict() throws Exception {
        Path f = write("latin.dat", "a\nb\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextFileLines.read(f, StandardCharsets.UTF_8))
                .hasMessageContaining("latin.dat line 2 is not valid UTF-8");
    }
}
