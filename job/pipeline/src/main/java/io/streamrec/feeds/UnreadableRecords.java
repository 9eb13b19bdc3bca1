package io.streamrec.feeds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records a feed skips because it cannot read them, and logs the first {@link #LOGGED}
 * at WARN: a feed is a cache rebuilt on every start, so a record it cannot read must not fail the
 * task (the restart would read it again and loop). Feeds have no dead-letter output; the count is
 * the {@code unreadableFeedRecords} metric of the workers and serving.
 */
final class UnreadableRecords {
    /** Skipped records logged per feed; later ones are only counted. */
    static final int LOGGED = 5;

    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecords.class);

    private final String topic;

    /** Written by the task thread only; volatile for the metrics thread's gauge. */
    private volatile long count;

    UnreadableRecords(String topic) {
        this.topic = topic;
    }

    void skip(long offset, Exception cause) {
        count++;
        if (count <= LOGGED) {
            LOG.warn(
                    "Skipping unreadable record at offset {} of {} ({} so far; the first {} are"
                            + " logged): {}",
                    offset,
                    topic,
                    count,
                    LOGGED,
                    String.valueOf(cause));
        }
    }

    long count() {
        return count;
    }
}
