package io.streamrec.candidates;

import java.util.List;

/**
 * Turns item texts into vectors of one length, each of unit length, the same text always into the
 * same vector. {@link MiniLmTextEncoder} is the language model; tests hand in small fixed ones.
 */
@FunctionalInterface
public interface TextEncoder {
    /** A unit vector per text, in order. */
    float[][] encode(List<String> texts);
}
