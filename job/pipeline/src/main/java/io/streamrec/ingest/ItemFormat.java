package io.streamrec.ingest;

import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RecordParser;
import io.streamrec.schema.ItemRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Layouts of item files: id, title and attributes (genres). */
public enum ItemFormat {
    /**
     * MovieTweetings {@code movies.dat}: {@code id::title (year)::genre|genre} as MovieTweetings
     * publishes it, or {@code id#title (year)#genre|genre} as this repository bundles it.
     */
    MOVIETWEETINGS,
    /** MovieLens 100K {@code u.item}: {@code id|title|date|video date|url|19 genre flags}. */
    MOVIELENS_100K,
    /** MovieLens {@code movies.csv}: {@code movieId,title,genres} with a header, quoted titles. */
    MOVIELENS_CSV;

    /** MovieLens 100K's genres, in the order of {@code u.item}'s flag columns. */
    public static final List<String> MOVIELENS_100K_GENRES =
            List.of(
                    "unknown",
                    "Action",
                    "Adventure",
                    "Animation",
                    "Children's",
                    "Comedy",
                    "Crime",
                    "Documentary",
                    "Drama",
                    "Fantasy",
                    "Film-Noir",
                    "Horror",
                    "Musical",
                    "Mystery",
                    "Romance",
                    "Sci-Fi",
                    "Thriller",
                    "War",
                    "Western");

    public static ItemFormat parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public boolean hasHeader() {
        return this == MOVIELENS_CSV;
    }

    /**
     * Whether a file's first line is this format's header, to be skipped: a {@code movieId,title,
     * genres} line of a format with a header, told by its first column's name. A file without its
     * header keeps its first item, whatever its id.
     */
    public boolean isHeader(String firstLine) {
        if (!hasHeader()) {
            return false;
        }
        int comma = firstLine.indexOf(',');
        String id = (comma < 0 ? firstLine : firstLine.substring(0, comma)).trim();
        return id.replace("\"", "").replace("\uFEFF", "").equalsIgnoreCase("movieId");
    }

    /**
     * Parses one line. The item's id follows the events' rule ({@link RecordParser#ID}), its title
     * and attributes the items topic's bounds ({@link ItemJsonCodec}): a file's catalog goes to the
     * operators without the topic's validation, a blank id would become a candidate, a negative and
     * a row of its own, and an attribute longer than a row key can be (64 KiB) would fail the
     * workers' output at every restart.
     */
    public ItemRecord parseLine(String line) throws InvalidRecordException {
        ItemRecord item = parseFields(line);
        if (!RecordParser.ID.matcher(item.itemId()).matches()) {
            throw new InvalidRecordException(
                    "invalid_id",
                    "item id '"
                            + InvalidRecordException.excerpt(item.itemId())
                            + "' is not 1-128 of [A-Za-z0-9._:-]");
        }
        if (item.title().length() > ItemJsonCodec.MAX_TITLE_CHARS) {
            throw new InvalidRecordException(
                    "wrong_type", "title longer than " + ItemJsonCodec.MAX_TITLE_CHARS + " chars");
        }
        if (item.attributes().size() > ItemJsonCodec.MAX_ATTRIBUTES
                || item.attributes().stream()
                        .anyMatch(a -> a.length() > ItemJsonCodec.MAX_ATTRIBUTE_CHARS)) {
            throw new InvalidRecordException(
                    "wrong_type",
                    "more than "
                            + ItemJsonCodec.MAX_ATTRIBUTES
                            + " genres or one longer than "
                            + ItemJsonCodec.MAX_ATTRIBUTE_CHARS
                            + " chars");
        }
        return item;
    }

    private ItemRecord parseFields(String line) throws InvalidRecordException {
        return switch (this) {
            case MOVIETWEETINGS -> parseMovieTweetings(line);
            case MOVIELENS_100K -> parseMovieLens100k(line);
            case MOVIELENS_CSV -> parseMovieLensCsv(line);
        };
    }

    /**
     * The separator is whichever of {@code ::} (the public MovieTweetings files) and {@code #} (the
     * bundled one) comes first, i.e. follows the id, decided per line: titles hold the other one
     * ({@code 4172430::#Horror (2015)::Horror}). Genres follow the last separator, so a title that
     * holds its own line's separator stays whole too.
     */
    private static ItemRecord parseMovieTweetings(String line) throws InvalidRecordException {
        int colons = line.indexOf("::");
        int hash = line.indexOf('#');
        String separator = hash >= 0 && (colons < 0 || hash < colons) ? "#" : "::";
        int first = line.indexOf(separator);
        if (first <= 0 || line.substring(0, first).isBlank()) {
            throw new InvalidRecordException(
                    "missing_field", "expected id::title::genres or id#title#genres");
        }
        int last = line.lastIndexOf(separator);
        String id = line.substring(0, first).trim();
        if (last == first) {
            return new ItemRecord(id, line.substring(first + separator.length()).trim(), List.of());
        }
        return new ItemRecord(
                id,
                line.substring(first + separator.length(), last).trim(),
                genres(line.substring(last + separator.length())));
    }

    private static ItemRecord parseMovieLens100k(String line) throws InvalidRecordException {
        String[] f = line.split("\\|", -1);
        if (f.length < 5 + MOVIELENS_100K_GENRES.size()) {
            throw new InvalidRecordException("missing_field", "expected 24 fields");
        }
        List<String> genres = new ArrayList<>();
        for (int g = 0; g < MOVIELENS_100K_GENRES.size(); g++) {
            if ("1".equals(f[5 + g].trim())) {
                genres.add(MOVIELENS_100K_GENRES.get(g));
            }
        }
        return new ItemRecord(f[0].trim(), f[1].trim(), genres);
    }

    /** Id before the first comma, genres after the last: a title may hold commas. */
    private static ItemRecord parseMovieLensCsv(String line) throws InvalidRecordException {
        int first = line.indexOf(',');
        int last = line.lastIndexOf(',');
        if (first < 0 || last <= first) {
            throw new InvalidRecordException("missing_field", "expected id,title,genres");
        }
        String title = line.substring(first + 1, last).trim();
        if (title.length() >= 2 && title.startsWith("\"") && title.endsWith("\"")) {
            title = title.substring(1, title.length() - 1).replace("\"\"", "\"");
        }
        String genres = line.substring(last + 1).trim();
        return new ItemRecord(
                line.substring(0, first).trim(),
                title,
                genres.equals("(no genres listed)") ? List.of() : genres(genres));
    }

    private static List<String> genres(String field) {
        return Arrays.stream(field.split("\\|"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }
}
