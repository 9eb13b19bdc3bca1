package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.CommandLine;
import org.junit.jupiter.api.Test;

/** Wrong arguments are refused before any data is read, naming the argument. */
class BenchMainTest {
    /** A misspelled section measured nothing and still appended an empty section, exit 0. */
    @Test
    void anUnknownSectionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> BenchMain.parse("--only", "serving,pipelne"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipelne")
                .hasMessageContaining(
                        "serving, ranker-serving, loop, pipeline, freshness, quality, scale, heap");
        assertThatThrownBy(() -> BenchMain.parse("--only", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--only");
    }

    @Test
    void numbersThatAreNoneOrOutOfRangeAreUsageErrors() {
        for (String[] args :
                new String[][] {
                    {"--repeats", "abc"},
                    {"--repeats", "0"},
                    {"--events", "abc"},
                    {"--events", "-1"},
                    {"--ann-from", "x"}
                }) {
            assertThatThrownBy(() -> BenchMain.parse(args))
                    .as(String.join(" ", args))
                    .isInstanceOf(CommandLine.UsageException.class)
                    .hasMessageContaining(args[0]);
        }
    }

    /** The comma-separated numbers are checked before the minutes of data reading, too. */
    @Test
    void listsOfNumbersAreCheckedUpFront() {
        assertThatThrownBy(() -> BenchMain.parse("--serving-sizes", "10000,1e5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--serving-sizes");
        assertThatThrownBy(() -> BenchMain.parse("--heap-load", "1000,10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--heap-load");
        assertThatThrownBy(() -> BenchMain.parse("--freshness-rate", "fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--freshness-rate");
    }
}
