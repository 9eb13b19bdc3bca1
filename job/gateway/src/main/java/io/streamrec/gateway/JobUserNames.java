package io.streamrec.gateway;

import io.streamrec.records.UserPseudonyms;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A user as the job names it, in its results and as audit records name it: its pseudonym when the
 * gateway has the job's key ({@code privacy.user-id-key-file}), else its id.
 */
final class JobUserNames {
    /** Null without the job's key: users are their ids. */
    private final UserPseudonyms pseudonyms;

    private JobUserNames(UserPseudonyms pseudonyms) {
        this.pseudonyms = pseudonyms;
    }

    /** The names of a job with the key in {@code keyFile}; ids as they are when it is null. */
    static JobUserNames from(Path keyFile) throws IOException {
        return new JobUserNames(keyFile == null ? null : UserPseudonyms.fromKeyFile(keyFile));
    }

    /** Whether the gateway has the job's key, so that it can check a result's pseudonym. */
    boolean hasKey() {
        return pseudonyms != null;
    }

    String of(String userId) {
        if (pseudonyms == null) {
            return userId;
        }
        // one Mac, asked by the results reader, the workers and (under overload) the event loops
        synchronized (pseudonyms) {
            return pseudonyms.of(userId);
        }
    }
}
