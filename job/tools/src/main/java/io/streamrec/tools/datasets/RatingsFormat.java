package io.streamrec.tools.datasets;

import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.Locale;

/** Layouts of interaction history files that the replay reads. Times in the files are seconds. */
public enum RatingsFormat {
    /** MovieTweetings {@code ratings.dat}: {@code user::item::rating::time}. */
    MOVIETWEETINGS("::", false),
    /** MovieLens 100K {@code u.data}: tab-separated {@code user item rating time}. */
    MOVIELENS_100K("\t", false),
    /** MovieLens {@code ratings.csv}: {@code userId,movieId,rating,timestamp} with a header. */
    MOVIELENS_CSV(",", true);

    private final String separator;
    private final boolean header;

    RatingsFormat(String separator, boolean header) {
        this.separator = separator;
        this.header = header;
    }

    /** The name command lines and messages use: {@code movielens-csv}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean hasHeader() {
        return header;
    }

    /**
     * Whether a file's first line is this format's header, to be skipped: a {@code
     * userId,movieId,rating,timestamp} line of a format with a header, told by its first column's
     * name. A file without its header keeps its first rating, and a first line that is a bad rating
     * (an empty rating, say) is counted as one.
     */
    public boolean isHeader(String firstLine) {
        if (!header) {
            return false;
        }
        int comma = firstLine.indexOf(',');
        String first = (comma < 0 ? firstLine : firstLine.substring(0, comma)).trim();
        return first.replace("\"", "").replace("\uFEFF", "").equalsIgnoreCase("userId");
    }

    /**
     * The format named {@code name} (e.g. {@code movielens-csv}); an unknown one names them all.
     */
    public static RatingsFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown ratings format '"
                            + name
                            + "' (one of "
                            + java.util.Arrays.stream(values())
                                    .map(RatingsFormat::label)
                                    .collect(java.util.stream.Collectors.joining(", "))
                            + ")");
        }
    }

    /** Parses one line; {@code lineNumber} (1-based) makes the event id. */
    public UserEvent parseLine(String line, long lineNumber) throws InvalidRecordException {
        String[] f = line.trim().split(java.util.regex.Pattern.quote(separator), -1);
        if (f.length < 4) {
            throw new InvalidRecordException(
                    "missing_field", "expected 4 fields separated by '" + separator + "'");
        }
        float rating;
        long seconds;
        try {
            rating = Float.parseFloat(f[2].trim());
            seconds = Long.parseLong(f[3].trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("wrong_type", "rating and time must be numbers");
        }
        if (seconds <= 0 || seconds > Long.MAX_VALUE / 1000) {
            // in milliseconds it would wrap around (18446744073709552 s became 384 ms, 1970)
            throw new InvalidRecordException(
                    "invalid_timestamp",
                    "time " + InvalidRecordException.excerpt(f[3].trim()) + " s");
        }
        if (!Float.isFinite(rating)) {
            throw new InvalidRecordException(
                    "non_finite_number", "rating " + InvalidRecordException.excerpt(f[2]));
        }
        String user = f[0].trim();
        String item = f[1].trim();
        if (user.isEmpty() || item.isEmpty()) {
            throw new InvalidRecordException("missing_field", "empty user or item id");
        }
        return new UserEvent(
                "line-" + lineNumber, user, item, EventType.RATING, rating, seconds * 1000L);
    }
}
