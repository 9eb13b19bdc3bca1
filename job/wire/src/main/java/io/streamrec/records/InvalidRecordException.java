package io.streamrec.records;

/** A record that cannot be used, with a machine-readable reason (e.g. {@code missing_field}). */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The most characters of a value from a record that a detail quotes. */
    public static final int EXCERPT_CHARS = 64;

    private final String reason;

    public InvalidRecordException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    /**
     * {@code value}, taken from a record, as a detail may quote it: whole up to {@link
     * #EXCERPT_CHARS} characters, else its start and its length ({@code "xxx…(60000 chars)"}). A
     * record may be 64 KiB, and the detail goes into every dead letter, log line and gateway
     * answer. Control characters, line separators and format characters (the bidi overrides among
     * them) are escaped ({@code \\n}, {@code \\u0000}, {@code \\u202e}), and a backslash is
     * doubled: a value holding a newline would otherwise start a log line of the sender's choosing,
     * and one holding a right-to-left override would show a log line in another order than it
     * reads.
     */
    public static String excerpt(String value) {
        return excerpt(value, EXCERPT_CHARS);
    }

    /** {@code text} as {@link #excerpt(String)} quotes it, up to {@code maxChars} characters. */
    public static String excerpt(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return escapeControls(text);
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return escapeControls(text.substring(0, end)) + "\u2026(" + text.length() + " chars)";
    }

    private static String escapeControls(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // format characters include the bidi overrides, which could reorder a log line as
            // shown; a backslash is doubled so that an escape read back is never the sender's text
            boolean control =
                    Character.isISOControl(c)
                            || c == '\u2028'
                            || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT
                            || c == '\\';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else if (c == '\\') {
                    out.append("\\\\");
                } else if (control) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
