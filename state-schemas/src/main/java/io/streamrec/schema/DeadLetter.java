package io.streamrec.schema;

import java.io.Serializable;

/**
 * An input record that could not be used: the machine-readable reason, a human-readable detail, the
 * original payload and where it came from.
 */
public record DeadLetter(
        String reason, String detail, String payload, String source, long timestamp)
        implements Serializable {}
