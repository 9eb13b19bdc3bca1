package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {
    @TempDir Path dir;

    private AccessTokens tokens(String content) throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, content);
        return AccessTokens.read(file);
    }

    @Test
    void knowsATokenByItsHashWithItsScopesAndUser() throws Exception {
        AccessTokens t =
                tokens(
                        "# comment\n\n"
                                + AccessTokens.hash("s3cret")
                                + " recommendations:read u42\n"
                                + AccessTokens.hash("root")
                                + " admin\n");

        AccessTokens.Grant user = t.grant("Bearer s3cret");
        assertThat(user.allows(AccessTokens.Scope.RECOMMENDATIONS_READ)).isTrue();
        assertThat(user.allows(AccessTokens.Scope.EVENTS_WRITE)).isFalse();
        assertThat(user.actsFor("u42")).isTrue();
        assertThat(user.actsFor("u43")).isFalse();

        AccessTokens.Grant admin = t.grant("Bearer root");
        assertThat(admin.allows(AccessTokens.Scope.EVENTS_WRITE)).isTrue();
        assertThat(admin.actsFor("anyone")).isTrue();

        assertThat(t.grant(null)).isNull();
        assertThat(t.grant("Bearer nope")).isNull();
        assertThat(t.grant("Basic s3cret")).isNull();
        assertThat(t.grant("bearer s3cret")).as("the scheme in any case").isEqualTo(user);
        assertThat(t.grant("BEARER S3CRET")).as("the token exactly").isNull();
        // the file holds the hash, so the hash itself is no token
        assertThat(t.grant("Bearer " + AccessTokens.hash("s3cret"))).isNull();
    }

    @Test
    void aMalformedLineNamesItsNumber() {
        assertThatThrownBy(() -> tokens(AccessTokens.hash("a") + " admin\nabc admin\n"))
                .hasMessageContaining("line 2")
                .hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> tokens(AccessTokens.hash("a") + " superuser\n"))
                .hasMessageContaining("line 1")
                .hasMessageContaining("unknown scope 'superuser'");
    }

    /**
     * A token pasted where its hash belongs is not echoed: the error went to stderr and the service
     * log with the live token in it. It names the line and the field's length instead.
     */
    @Test
    void aLineThatIsNotAHashIsNotEchoed() {
        String token = "tok_live_9f2c7d1e8a";

        assertThatThrownBy(() -> tokens("# tokens\n" + token + " events:write\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("not a SHA-256 hash in hex (64 hex digits): 19 characters")
                .hasMessageNotContaining(token)
                .cause()
                .hasMessageNotContaining(token);
    }
}
