package io.streamrec.records;

/** A record that cannot be used, with a machine-readable reason (e.g. {@code missing_field}). */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public InvalidRecordException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
