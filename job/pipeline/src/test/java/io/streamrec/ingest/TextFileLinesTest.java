package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.job.JobSettings;
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

    /**
     * Lines are split at byte 0x0A before decoding: right for a charset that writes a line end and
     * ASCII as single bytes of their own, wrong for UTF-16 ("\n" is 0A 00) or EBCDIC ("\n" is 25).
     */
    @Test
    void onlyACharsetThatWritesALineEndAsItsOwnByteSplitsLines() throws Exception {
        for (Charset ok :
                new Charset[] {
                    StandardCharsets.UTF_8,
                    StandardCharsets.ISO_8859_1,
                    StandardCharsets.US_ASCII,
                    Charset.forName("windows-1252"),
                    Charset.forName("Shift_JIS")
                }) {
            assertThat(TextFileLines.splitsLinesAtByte0A(ok)).as(ok.name()).isTrue();
        }
        for (Charset bad :
                new Charset[] {
                    StandardCharsets.UTF_16LE,
                    StandardCharsets.UTF_16BE,
                    StandardCharsets.UTF_16,
                    Charset.forName("UTF-32"),
                    Charset.forName("IBM037")
                }) {
            assertThat(TextFileLines.splitsLinesAtByte0A(bad)).as(bad.name()).isFalse();
        }
        Path f = write("utf16.dat", "1#Heat\n2#Up\n".getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> TextFileLines.read(f, StandardCharsets.UTF_16LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-16LE")
                .hasMessageContaining("items.charset");
    }

    /**
     * A decode-only charset (canEncode() false) cannot be judged by encoding; it is judged by
     * decoding "a\n" instead, so x-JISAutoDetect and ISO-2022-CN, accepted before that check
     * existed, stay accepted, and a file in one is read line by line.
     */
    @Test
    void aDecodeOnlyCharsetThatReadsALineEndAsItsOwnByteSplitsLines() throws Exception {
        for (String name : new String[] {"x-JISAutoDetect", "ISO-2022-CN"}) {
            Charset decodeOnly = Charset.forName(name);
            assertThat(decodeOnly.canEncode()).as(name).isFalse();
            assertThat(TextFileLines.splitsLinesAtByte0A(decodeOnly)).as(name).isTrue();
            assertThat(JobSettings.itemsCharset(name)).isEqualTo(decodeOnly);
        }
        Path f = write("jis.dat", "1#Heat\n2#Up\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(TextFileLines.read(f, Charset.forName("x-JISAutoDetect")))
                .containsExactly("1#Heat", "2#Up");
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

    /**
     * UTF-8 letters and one stray Latin-1 byte: decoding it all as Latin-1 would turn every "é"
     * into "Ã©" without a word, so the file's charset must be set.
     */
    @Test
    void refusesToGuessAFileMixingUtf8AndLatin1() throws Exception {
        byte[] utf8 = "1#Café (2001)#Drama\n".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "2#Caf\u00e9 (2002)#Drama\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[utf8.length + latin1.length];
        System.arraycopy(utf8, 0, bytes, 0, utf8.length);
        System.arraycopy(latin1, 0, bytes, utf8.length, latin1.length);
        Path f = write("movies.dat", bytes);
        assertThatThrownBy(() -> TextFileLines.read(f, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("movies.dat line 2")
                .hasMessageContaining("--items-charset")
                .hasMessageContaining("items.charset");
        assertThatThrownBy(() -> ItemCatalog.read(f, ItemFormat.MOVIETWEETINGS))
                .isInstanceOf(TextFileLines.UndecodableFileException.class);
        // the Latin-1 line alone is still detected as Latin-1
        Path latin = write("latin.dat", latin1);
        assertThat(TextFileLines.read(latin, null)).containsExactly("2#Café (2002)#Drama");
    }

    /**
     * Plain Latin-1 text can hold byte pairs that are well-formed UTF-8 of something else ("É"
     * before a no-break space, C9 A0; "é", no-break space, "»", E9 A0 BB): such a file is still
     * read as ISO-8859-1, not refused as mixing the two.
     */
    @Test
    void detectsLatin1WithAnAccentedLetterBeforeANoBreakSpace() throws Exception {
        String text =
                "1#Am\u00e9lie (2001)#Comedy\n2#OL\u00c9\u00a0! (1999)#Comedy\n"
                        + "3#Caf\u00e9\u00a0\u00bb (2003)#Drama\n";
        Path f = write("latin.dat", text.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(TextFileLines.read(f, null))
                .containsExactly(
                        "1#Am\u00e9lie (2001)#Comedy",
                        "2#OL\u00c9\u00a0! (1999)#Comedy",
                        "3#Caf\u00e9\u00a0\u00bb (2003)#Drama");
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

    /**
     * Detection refuses UTF-16 and UTF-32 as an explicit charset does: with a byte-order mark the
     * bytes fell to ISO-8859-1 ("ÿþ1\0#\0H..."), without one ASCII and NUL bytes are valid UTF-8,
     * and every item loaded with NULs in its fields.
     */
    @Test
    void detectionRefusesUtf16AndUtf32() throws Exception {
        String text = "1#Heat\n2#Up\n";
        Path withMark = write("u16.dat", text.getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> TextFileLines.read(withMark, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("u16.dat")
                .hasMessageContaining("UTF-16")
                .hasMessageContaining("iconv");
        Path noMark = write("u16le.dat", text.getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> TextFileLines.read(noMark, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("u16le.dat line 1")
                .hasMessageContaining("UTF-16");
        Path bigEndian = write("u16be.dat", text.getBytes(StandardCharsets.UTF_16BE));
        assertThatThrownBy(() -> TextFileLines.read(bigEndian, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("u16be.dat line 1");
        for (String utf32 : new String[] {"UTF-32", "UTF-32LE", "UTF-32BE"}) {
            Path f = write("u32.dat", text.getBytes(Charset.forName(utf32)));
            assertThatThrownBy(() -> TextFileLines.read(f, null))
                    .as(utf32)
                    .isInstanceOf(TextFileLines.UndecodableFileException.class)
                    .hasMessageContaining("UTF-32");
        }
        // a UTF-32LE mark (FF FE 00 00) before UTF-32LE text, written by hand
        byte[] body = text.getBytes(Charset.forName("UTF-32LE"));
        byte[] marked = new byte[body.length + 4];
        marked[0] = (byte) 0xFF;
        marked[1] = (byte) 0xFE;
        System.arraycopy(body, 0, marked, 4, body.length);
        Path u32le = write("u32le.dat", marked);
        assertThatThrownBy(() -> TextFileLines.read(u32le, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("u32le.dat")
                .hasMessageContaining("UTF-32");
        // a NUL further down names its line
        Path later = write("later.dat", "1#Heat\n2#U\0p\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TextFileLines.read(later, null))
                .isInstanceOf(TextFileLines.UndecodableFileException.class)
                .hasMessageContaining("later.dat line 2");
    }

    /**
     * A missing file, or a directory, is an InputFileException naming it and why (a command line
     * prints it on one line), not the raw NoSuchFileException or "Is a directory" IOException.
     */
    @Test
    void aMissingFileOrADirectoryFailsNamingItAndWhy() throws Exception {
        Path missing = dir.resolve("no-such-items.dat");
        assertThatThrownBy(() -> TextFileLines.read(missing, null))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> TextFileLines.read(dir, null))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> TextFileLines.read(dir, StandardCharsets.UTF_8))
                .isInstanceOf(InputFileException.class)
                .hasMessageContaining("directory");
    }
}
