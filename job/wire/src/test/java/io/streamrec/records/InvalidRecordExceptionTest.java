package io.streamrec.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidRecordExceptionTest {
    @Test
    void aShortValueIsQuotedWhole() {
        String value = "x".repeat(InvalidRecordException.EXCERPT_CHARS);

        assertThat(InvalidRecordException.excerpt(value)).isEqualTo(value);
    }

    @Test
    void aLongValueIsQuotedByItsStartAndItsLength() {
        String value = "x".repeat(60_000);

        assertThat(InvalidRecordException.excerpt(value))
                .isEqualTo(
                        "x".repeat(InvalidRecordException.EXCERPT_CHARS) + "\u2026(60000 chars)");
    }

    @Test
    void theCutDoesNotSplitACharacterOfTwoChars() {
        String value = "x".repeat(InvalidRecordException.EXCERPT_CHARS - 1) + "\uD83D\uDE00" + "y";

        assertThat(InvalidRecordException.excerpt(value))
                .isEqualTo(
                        "x".repeat(InvalidRecordException.EXCERPT_CHARS - 1)
                                + "\u2026("
                                + value.length()
                                + " chars)");
    }

    @Test
    void controlCharactersAndLineSeparatorsAreEscapedSoAValueCannotStartALogLine() {
        String value = "VIEW\n2026-12-07 WARN forged\r\t\u0000\u2028end";

        assertThat(InvalidRecordException.excerpt(value))
                .isEqualTo("VIEW\\n2026-12-07 WARN forged\\r\\t\\u0000\\u2028end")
                .doesNotContain("\n", "\r", "\u2028");
    }

    @Test
    void aLongValueIsCutBeforeItsControlsAreEscaped() {
        String value = "\n".repeat(60_000);

        assertThat(InvalidRecordException.excerpt(value))
                .isEqualTo(
                        "\\n".repeat(InvalidRecordException.EXCERPT_CHARS) + "\u2026(60000 chars)");
    }

    @Test
    void bidiOverridesAndBackslashesAreEscapedSoAnExcerptReadsAsItWasSent() {
        String value = "abc\u202edef\u2066\\n";

        assertThat(InvalidRecordException.excerpt(value)).isEqualTo("abc\\u202edef\\u2066\\\\n");
    }
}
