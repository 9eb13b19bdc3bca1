package io.streamrec.records;

import io.streamrec.config.InvalidOption;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Pseudonymous user ids. */
public final class PrivacyOptions {
    private PrivacyOptions() {}

    public static final ConfigOption<String> USER_ID_KEY_FILE =
            ConfigOptions.key("privacy.user-id-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "File holding a secret key (at least 32 bytes, read as is on every"
                                    + " TaskManager). Set, user ids are replaced right after"
                                    + " validation by their keyed HMAC-SHA256 pseudonym, so state,"
                                    + " internal topics, results, logs and metrics never hold a"
                                    + " raw id; the gateway maps results back. Unset: raw ids;"
                                    + " blank: refused.");

    /**
     * {@link #USER_ID_KEY_FILE}, refused with an {@link InvalidOption} when blank: as a path that
     * is the working directory, which would fail each task at open instead of the job at submit.
     */
    public static Optional<String> userIdKeyFile(ReadableConfig conf) {
        Optional<String> keyFile = conf.getOptional(USER_ID_KEY_FILE);
        if (keyFile.filter(String::isBlank).isPresent()) {
            throw new InvalidOption(
                    USER_ID_KEY_FILE,
                    keyFile.get(),
                    "a key file's path, not blank (unset: raw user ids)");
        }
        return keyFile;
    }
}
