package io.streamrec.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Keyed pseudonyms of user ids: {@code p-} and the first 128 bits of HMAC-SHA256(key, user id),
 * base64url. The same user always gets the same pseudonym under one key, so state, rows and
 * statistics stay per user; without the key a pseudonym can be neither reversed nor recomputed from
 * a guessed id (a plain hash could, by trying ids). Pseudonyms are valid ids themselves (22 + 2
 * characters of {@code [A-Za-z0-9_-]}). Not thread-safe (one per task).
 */
public final class UserPseudonyms {
    /** A key shorter than the HMAC's output would be its weakest part. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int PSEUDONYM_BYTES = 16;

    /** The form {@link #of} writes: {@code p-} and the base64url of {@link #PSEUDONYM_BYTES}. */
    private static final Pattern FORM = Pattern.compile("p-[A-Za-z0-9_-]{22}");

    private final Mac mac;

    /** Pseudonyms under {@code key}, of at least {@link #MIN_KEY_BYTES} bytes. */
    public UserPseudonyms(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "a user id key needs at least "
                            + MIN_KEY_BYTES
                            + " bytes, got "
                            + key.length
                            + " (e.g. head -c 32 /dev/urandom > FILE)");
        }
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable user id key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    /**
     * {@link #fromKeyFile} for a task that opens: a missing or short key stays so on every restart,
     * so it fails the job once, clearly, without restarts.
     */
    public static UserPseudonyms forTask(Path keyFile) {
        try {
            return fromKeyFile(keyFile);
        } catch (IOException e) {
            throw new SuppressRestartsException(e);
        }
    }

    /** Pseudonyms under the bytes of {@code keyFile} (all of them, as they are). */
    public static UserPseudonyms fromKeyFile(Path keyFile) throws IOException {
        if (!Files.isReadable(keyFile)) {
            throw new IOException(
                    "user id key file " + keyFile + " (privacy.user-id-key-file) is not readable");
        }
        byte[] key = Files.readAllBytes(keyFile);
        try {
            return new UserPseudonyms(key);
        } catch (IllegalArgumentException e) {
            throw new IOException(keyFile + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Whether {@code id} has the form of a pseudonym ({@link #of}), whatever key made it: which a
     * tool without the key can tell a job's pseudonymized users from raw ids by.
     */
    public static boolean hasPseudonymForm(String id) {
        return FORM.matcher(id).matches();
    }

    /** The pseudonym of {@code userId}. */
    public String of(String userId) {
        byte[] digest = mac.doFinal(userId.getBytes(StandardCharsets.UTF_8));
        return "p-"
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(Arrays.copyOf(digest, PSEUDONYM_BYTES));
    }
}
