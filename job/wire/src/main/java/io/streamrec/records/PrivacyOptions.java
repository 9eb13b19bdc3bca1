package io.streamrec.records;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

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
                                    + " raw id; the gateway maps results back. Unset: raw ids.");
}
