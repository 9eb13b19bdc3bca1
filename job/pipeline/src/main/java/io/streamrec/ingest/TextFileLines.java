package io.streamrec.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines of a small text file (an item catalog) in a given charset, or in one detected where
 * that is safe. Detection: a file that decodes as UTF-8 is UTF-8; otherwise, if it holds no byte in
 * 0x80-0x9F (which ISO-8859-1 maps to control characters, and windows-1252 to letters) and no UTF-8
 * of an accented Latin letter (a UTF-8 file with a stray Latin-1 byte, whose UTF-8 letters
 * ISO-8859-1 would garble: "é" to "Ã©"), it is ISO-8859-1; anything else is an error that names the
 * line and the charset to set. A file that looks like UTF-16 or UTF-32 (their byte-order mark, or a
 * NUL byte) is an error too, naming it and saying to convert it. Decoding is strict either way: a
 * byte that does not decode is an error, never a silent U+FFFD.
 */
public final class TextFileLines {
    private TextFileLines() {}

    /**
     * Whether lines of {@code charset} can be split at byte 0x0A before decoding, as this reader
     * does: the charset writes a line end as that byte alone and ASCII as itself (UTF-8,
     * ISO-8859-1, windows-1252, ...). UTF-16 and UTF-32 ({@code "\n"} is 0A 00 in UTF-16LE) and
     * EBCDIC ({@code 25}) do not. A charset that cannot encode (x-JISAutoDetect, ISO-2022-CN) is
     * judged by decoding instead: bytes 61 0A must read as "a\n" alone.
     */
    public static boolean splitsLinesAtByte0A(Charset charset) {
        if (!charset.canEncode()) {
            // getBytes would substitute, so only decoding can tell for a decode-only charset
            try {
                return charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(new byte[] {0x61, 0x0A}))
                        .toString()
                        .equals("a\n");
            } catch (CharacterCodingException e) {
                return false;
            }
        }
        return Arrays.equals("\n".getBytes(charset), new byte[] {0x0A})
                && Arrays.equals("a".getBytes(charset), new byte[] {0x61});
    }

    /**
     * What {@code items.charset} must be, for a charset that {@link #splitsLinesAtByte0A} refuses.
     */
    public static final String LINE_SPLITTING_CHARSET =
            "a charset that writes a line end and ASCII as single bytes of their own (UTF-8,"
                    + " ISO-8859-1, windows-1252, ...): item files are split into lines at byte"
                    + " 0x0A, so convert a UTF-16 or UTF-32 file to UTF-8";

    /** Thrown when a file does not decode in its charset; the message names file, line, charset. */
    public static final class UndecodableFileException extends InputFileException {
        private static final long serialVersionUID = 1L;

        /** The 1-based number of the line that does not decode. */
        final int lineNumber;

        UndecodableFileException(String message, int lineNumber) {
            super(message);
            this.lineNumber = lineNumber;
        }
    }

    /**
     * Reads {@code file}'s lines (without line terminators) in {@code charset}, or in the detected
     * charset when {@code charset} is null.
     */
    public static List<String> read(Path file, Charset charset) throws IOException {
        if (charset != null && !splitsLinesAtByte0A(charset)) {
            throw new IllegalArgumentException(
                    "cannot read "
                            + file
                            + " in "
                            + charset.name()
                            + " (job option items.charset, --items-charset): it must be "
                            + LINE_SPLITTING_CHARSET);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw InputFileException.unreadable(file, e);
        }
        if (charset != null) {
            return decodeLines(file, bytes, charset);
        }
        // before UTF-8: ASCII in UTF-16 or UTF-32 is ASCII and NUL bytes, valid UTF-8
        refuseUtf16OrUtf32(file, bytes);
        try {
            return decodeLines(file, bytes, StandardCharsets.UTF_8);
        } catch (UndecodableFileException notUtf8) {
            if (holdsC1Bytes(bytes)) {
                throw new UndecodableFileException(
                        String.format(
                                "%s line %d is neither UTF-8 nor ISO-8859-1 text (it holds bytes in"
                                        + " 0x80-0x9F, as windows-1252 does): set its charset, e.g."
                                        + " --items-charset windows-1252 (job option items.charset)",
                                file, notUtf8.lineNumber),
                        notUtf8.lineNumber);
            }
            if (holdsUtf8Sequences(bytes)) {
                throw new UndecodableFileException(
                        String.format(
                                "%s line %d is not valid UTF-8, though other bytes of the file are"
                                        + " UTF-8 letters, which ISO-8859-1 would garble: set its"
                                        + " charset, e.g. --items-charset UTF-8 after fixing that"
                                        + " line, or --items-charset ISO-8859-1 (job option"
                                        + " items.charset)",
                                file, notUtf8.lineNumber),
                        notUtf8.lineNumber);
            }
            // every byte outside 0x80-0x9F is a printable ISO-8859-1 character
            return decodeLines(file, bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Refuses, for detection, a file that looks like UTF-16 or UTF-32: one that starts with their
     * byte-order mark (which would otherwise fall to ISO-8859-1, "ÿþ" before the first id) or holds
     * a NUL byte (ASCII in those charsets, which would otherwise pass as UTF-8 with a NUL in every
     * field). No item file in a charset that splits lines at 0x0A holds a NUL.
     */
    private static void refuseUtf16OrUtf32(Path file, byte[] bytes)
            throws UndecodableFileException {
        String mark = utf16OrUtf32Mark(bytes);
        if (mark != null) {
            throw new UndecodableFileException(
                    String.format(
                            "%s starts with a %s byte-order mark: it looks like UTF-16 or UTF-32"
                                    + " text, which item files cannot be (lines are split at byte"
                                    + " 0x0A); convert it first, e.g. iconv -f %s -t UTF-8",
                            file,
                            mark,
                            // iconv's UTF-16 and UTF-32 read the mark and drop it
                            mark.substring(0, "UTF-16".length())),
                    1);
        }
        int lineNumber = 1;
        for (byte b : bytes) {
            if (b == '\n') {
                lineNumber++;
            } else if (b == 0) {
                throw new UndecodableFileException(
                        String.format(
                                "%s line %d holds a NUL byte: it looks like UTF-16 or UTF-32 text,"
                                        + " which item files cannot be (lines are split at byte"
                                        + " 0x0A); convert it first, e.g. iconv -f UTF-16LE -t"
                                        + " UTF-8 (or -f the charset it is in)",
                                file, lineNumber),
                        lineNumber);
            }
        }
    }

    /** The charset whose byte-order mark {@code bytes} start with, if UTF-16 or UTF-32. */
    private static String utf16OrUtf32Mark(byte[] bytes) {
        if (startsWith(bytes, 0x00, 0x00, 0xFE, 0xFF)) {
            return "UTF-32BE";
        }
        if (startsWith(bytes, 0xFF, 0xFE, 0x00, 0x00)) {
            return "UTF-32LE"; // before UTF-16LE, whose mark FF FE it starts with
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return "UTF-16BE";
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return "UTF-16LE";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A file's first line without its byte-order mark, if it starts with one: the mark is no part
     * of the first field (the first item's or user's id), and {@link String#trim()} keeps it.
     */
    public static String withoutByteOrderMark(String firstLine) {
        return firstLine.startsWith("\uFEFF") ? firstLine.substring(1) : firstLine;
    }

    /**
     * The error for a file a reader found not to decode in {@code charset}, naming its first line
     * that does not, found by reading the file again line by line (a stream decoder's error says
     * neither: it decodes ahead of the lines handed out).
     *
     * @param advice what to do about it, e.g. which option sets the charset
     */
    public static UndecodableFileException undecodable(Path file, Charset charset, String advice)
            throws IOException {
        int lineNumber = firstUndecodableLine(file, charset);
        return new UndecodableFileException(
                String.format(
                        "%s line %d is not valid %s: %s", file, lineNumber, charset.name(), advice),
                lineNumber);
    }

    /** The 1-based number of the first line that does not decode (the last line if all do). */
    private static int firstUndecodableLine(Path file, Charset charset) throws IOException {
        CharsetDecoder decoder =
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int lineNumber = 1;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        line.write(chunk[i]);
                        continue;
                    }
                    if (!decodes(decoder, line.toByteArray())) {
                        return lineNumber;
                    }
                    line.reset();
                    lineNumber++;
                }
            }
        }
        return lineNumber;
    }

    private static boolean decodes(CharsetDecoder decoder, byte[] bytes) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Whether the bytes hold UTF-8 for an accented Latin letter (U+00C0 to U+017F: lead byte C3 to
     * C5, then a continuation byte), as "é" is C3 A9. Only those: other well-formed sequences occur
     * in plain ISO-8859-1 text too, such as "É" before a no-break space (C9 A0) or "é" before a
     * no-break space and "»" (E9 A0 BB), and would refuse a file whose bytes are Latin-1 alone.
     */
    private static boolean holdsUtf8Sequences(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            int lead = bytes[i] & 0xFF;
            int next = bytes[i + 1] & 0xFF;
            if (lead >= 0xC3 && lead <= 0xC5 && next >= 0x80 && next <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    /** Bytes that ISO-8859-1 maps to control characters and windows-1252 to letters. */
    private static boolean holdsC1Bytes(byte[] bytes) {
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v >= 0x80 && v <= 0x9F) {
                return true;
            }
        }
        return false;
    }

    private static List<String> decodeLines(Path file, byte[] bytes, Charset charset)
            throws UndecodableFileException {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int lineNumber = 1;
        while (start < bytes.length) {
            int end = indexOfNewline(bytes, start);
            try {
                String line = stripCarriageReturn(decode(bytes, start, end, charset));
                lines.add(lineNumber == 1 ? withoutByteOrderMark(line) : line);
            } catch (CharacterCodingException e) {
                throw new UndecodableFileException(
                        String.format(
                                "%s line %d is not valid %s: set the file's charset, e.g."
                                        + " --items-charset ISO-8859-1 (job option items.charset)",
                                file, lineNumber, charset.name()),
                        lineNumber);
            }
            start = end + 1;
            lineNumber++;
        }
        return lines;
    }

    private static int indexOfNewline(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    private static String decode(byte[] bytes, int from, int to, Charset charset)
            throws CharacterCodingException {
        CharBuffer chars =
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, from, to - from));
        return chars.toString();
    }

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
