package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.CommandLine;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@code --key-file} turns the ids given into the ids the job sees. */
class ForgetAuditKeyFileTest {

    @Test
    void withoutAKeyFileTheIdsAreTakenAsTheyAre() throws Exception {
        assertThat(ForgetAudit.pseudonyms(Optional.empty()).apply("u42")).isEqualTo("u42");
    }

    /** As the job refuses a blank privacy.user-id-key-file: raw ids would find nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void aBlankKeyFileIsRefused(String keyFile) {
        assertThatThrownBy(() -> ForgetAudit.pseudonyms(Optional.of(keyFile)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--key-file is blank");
    }

    /** A usage error (status 2 from the main), not a failed audit (status 1). */
    @Test
    void aBlankKeyFileOrAMissingUserIsAUsageError() {
        assertThatThrownBy(
                        () ->
                                ForgetAudit.ARGUMENTS.parse(
                                        "--user", "u", "--topic-only", "--key-file", ""))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--key-file is blank");
        assertThatThrownBy(() -> ForgetAudit.ARGUMENTS.parse("--savepoint", "file:///sp"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--user is required");
    }
}
