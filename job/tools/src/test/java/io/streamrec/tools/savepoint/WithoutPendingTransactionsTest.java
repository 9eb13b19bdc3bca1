package io.streamrec.tools.savepoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.CommandLine;
import org.junit.jupiter.api.Test;

/** Both paths are required: without one, the usage (exit 2), not "No value present". */
class WithoutPendingTransactionsTest {
    @Test
    void aMissingPathIsAUsageError() {
        assertThatThrownBy(() -> WithoutPendingTransactions.ARGUMENTS.parse("--from", "file:///a"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--to is required");
        assertThatThrownBy(() -> WithoutPendingTransactions.ARGUMENTS.parse("--to", "file:///b"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--from is required");
        assertThat(
                        WithoutPendingTransactions.ARGUMENTS
                                .parse("--from", "file:///a", "--to", "file:///b")
                                .value("to"))
                .contains("file:///b");
    }
}
