package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.records.RecordParser;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.EventType;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyed pseudonyms: stable per key, different across keys and users, valid ids, keyed HMAC. */
class UserPseudonymsTest {
    private static final byte[] KEY =
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    @Test
    void aPseudonymIsTheTruncatedHmacOfTheIdUnderTheKey() throws Exception {
        // computed independently: first 16 bytes of HMAC-SHA256(KEY, "alice"), base64url
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] expected = Arrays.copyOf(mac.doFinal("alice".getBytes(StandardCharsets.UTF_8)), 16);
        String pseudonym = new UserPseudonyms(KEY).of("alice");
        assertThat(pseudonym).startsWith("p-").hasSize(24);
        assertThat(java.util.Base64.getUrlDecoder().decode(pseudonym.substring(2)))
                .isEqualTo(expected);
        assertThat(RecordParser.ID.matcher(pseudonym).matches()).isTrue();
    }

    /** What a tool without the key tells pseudonyms from raw ids by (ForgetAudit's id check). */
    @Test
    void aPseudonymHasThePseudonymFormAndARawIdHasNot() {
        assertThat(UserPseudonyms.hasPseudonymForm(new UserPseudonyms(KEY).of("alice"))).isTrue();
        assertThat(UserPseudonyms.hasPseudonymForm("alice")).isFalse();
        assertThat(UserPseudonyms.hasPseudonymForm("p-alice")).isFalse();
    }

    @Test
    void stablePerKeyDistinctAcrossUsersAndKeys() {
        UserPseudonyms one = new UserPseudonyms(KEY);
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        UserPseudonyms other = new UserPseudonyms(otherKey);
        assertThat(one.of("alice")).isEqualTo(new UserPseudonyms(KEY).of("alice"));
        assertThat(one.of("alice")).isNotEqualTo(one.of("alicf")).isNotEqualTo(other.of("alice"));
        assertThat(one.of("alice")).doesNotContain("alice");
    }

    @Test
    void aShortOrMissingKeyIsRefusedNamingTheFile() throws IOException {
        Path shortKey = Files.write(dir.resolve("short.key"), HexFormat.of().parseHex("00ff"));
        assertThatThrownBy(() -> UserPseudonyms.fromKeyFile(shortKey))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("short.key")
                .hasMessageContaining("at least 32 bytes, got 2");
        assertThatThrownBy(() -> UserPseudonyms.fromKeyFile(dir.resolve("none.key")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("privacy.user-id-key-file");
    }

    @Test
    void aTaskWithoutItsKeyFailsTheJobWithoutRestarts() {
        // the pseudonymizing maps and serving reading requests itself open their key this way
        assertThatThrownBy(() -> UserPseudonyms.forTask(dir.resolve("none.key")))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .hasMessageContaining("privacy.user-id-key-file");
    }

    @Test
    void theMapReplacesOnlyTheUserId() throws Exception {
        Path key = Files.write(dir.resolve("users.key"), KEY);
        String alice = new UserPseudonyms(KEY).of("alice");

        PseudonymizeUsers<UserEvent> events =
                new PseudonymizeUsers<>(key.toString(), PseudonymizeUsers.EVENTS);
        events.open(DefaultOpenContext.INSTANCE);
        UserEvent e = new UserEvent("e1", "alice", "m1", EventType.RATING, 7f, 42L);
        assertThat(events.map(e))
                .isEqualTo(new UserEvent("e1", alice, "m1", EventType.RATING, 7f, 42L));

        PseudonymizeUsers<RecommendationRequest> requests =
                new PseudonymizeUsers<>(key.toString(), PseudonymizeUsers.REQUESTS);
        requests.open(DefaultOpenContext.INSTANCE);
        assertThat(requests.map(new RecommendationRequest("r1", "alice", 5, 9L)))
                .isEqualTo(new RecommendationRequest("r1", alice, 5, 9L));
    }

    @Test
    void aTaskWithoutItsKeyFailsWithoutRestarting() {
        PseudonymizeUsers<UserEvent> events =
                new PseudonymizeUsers<>(
                        dir.resolve("absent.key").toString(), PseudonymizeUsers.EVENTS);
        assertThatThrownBy(() -> events.open(DefaultOpenContext.INSTANCE))
                .isInstanceOf(SuppressRestartsException.class)
                .hasStackTraceContaining("absent.key");
    }
}
