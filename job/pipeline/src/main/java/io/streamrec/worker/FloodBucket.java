package io.streamrec.worker;

/** A user's {@link FloodLimit} bucket: tokens left and the event time they were counted at. */
public record FloodBucket(double tokens, long lastMillis) {
    /** Whether an event may take a token. */
    public boolean admits() {
        return tokens >= 1;
    }

    /** The bucket after an admitted event took its token. */
    public FloodBucket taken() {
        return new FloodBucket(tokens - 1, lastMillis);
    }
}
