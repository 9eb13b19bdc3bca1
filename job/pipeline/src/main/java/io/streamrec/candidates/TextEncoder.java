package io.streamrec.candidates;

import java.util.List;

/**
 * Turns item texts into vectors of one length, each of unit length, the same text always into the
 * same vector. {@link MiniLmTextEncoder} is the language model; tests hand in small fixed ones.
 */
@FunctionalInterface
public interface TextEncoder extends AutoCloseable {
    /** A unit vector per text, in order. */
    float[][] encode(List<String> texts);

    /** Releases what the encoder holds outside the heap (a model's native session). */
    @Override
    default void close() {}
}
