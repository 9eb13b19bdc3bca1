package io.streamrec.worker;

/** A user's {@link FloodLimit} bucket: tokens left and the event time they were counted at. */
public record FloodBucket(double tokens, long lastMillis) {
    /** Whether an event may take a token. */
    public boolean admits() {
        return tokens >= 1;
    }

    /** The bucket after an event found it: less the event's token if it {@link #admits} it. */
    public FloodBucket afterEvent() {
        return admits() ? new FloodBucket(tokens - 1, lastMillis) : this;
    }
}
