package io.streamrec.tools.datasets;

import io.streamrec.config.CommandLine;
import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.JobSettings;
import io.streamrec.schema.UserEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a MovieTweetings history in the two MovieLens layouts the README's replay commands read,
 * laid out as MovieLens ships its files: {@code ml-100k/u.data} (tab-separated, in no time order)
 * with a Latin-1 {@code ml-100k/u.item} (release date, URL and 19 genre flags), and {@code
 * ml-latest-small/ratings.csv} (sorted by user, half-star ratings) with a UTF-8 {@code movies.csv}
 * (quoted titles, {@code |}-separated genres, {@code (no genres listed)}). The public sets' licence
 * keeps them out of this repository; these files let {@code deploy/movielens-smoke.sh} run the
 * exact commands their measurement runs, so a parsing, charset or ordering fault in that path shows
 * here and not first on data nobody here sees. Item ids become numbers (MovieTweetings pads them
 * with zeros); ratings of 0-10 become 1-5 stars and 0.5-5 half stars.
 *
 * <pre>
 * MovieLensExport RATINGS ITEMS OUT_DIR [--limit N] [--items-charset C]
 *     (RATINGS, ITEMS: MovieTweetings files)
 * </pre>
 *
 * A wrong flag, or an unreadable ratings or item file, is a one-line error, exit status 2.
 */
public final class MovieLensExport {
    /** The genres of MovieLens' {@code movies.csv}. */
    static final List<String> CSV_GENRES =
            List.of(
                    "Action",
                    "Adventure",
                    "Animation",
                    "Children",
                    "Comedy",
                    "Crime",
                    "Documentary",
                    "Drama",
                    "Fantasy",
                    "Film-Noir",
                    "Horror",
                    "IMAX",
                    "Musical",
                    "Mystery",
                    "Romance",
                    "Sci-Fi",
                    "Thriller",
                    "War",
                    "Western");

    /** MovieTweetings (IMDb) genres MovieLens names otherwise, in each layout. */
    private static final Map<String, String> RENAMED_100K =
            Map.of("Family", "Children's", "Music", "Musical");

    private static final Map<String, String> RENAMED_CSV =
            Map.of("Family", "Children", "Music", "Musical");

    private static final Pattern YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");
    private static final long SHUFFLE_SEED = 1998L; // MovieLens 100K's year

    /** The flags after the three paths. */
    static final CommandLine.Spec FLAGS =
            CommandLine.spec("MovieLensExport RATINGS ITEMS OUT_DIR")
                    .value("limit", "N", "the first N ratings in time order (default: all)")
                    .range("limit", 0, Integer.MAX_VALUE)
                    .value(
                            "items-charset",
                            "C",
                            "ITEMS' charset, e.g. ISO-8859-1 (default: auto, UTF-8 or ISO-8859-1"
                                    + " as the bytes say)");

    private MovieLensExport() {}

    public static void main(String[] args) throws IOException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Writes the files of {@code args}; the exit status (2: a usage or input file error). */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length < 3 || Arrays.stream(args, 0, 3).anyMatch(a -> a.startsWith("--"))) {
            err.print("error: RATINGS, ITEMS and OUT_DIR come first\n" + FLAGS.usage());
            return 2;
        }
        int limit;
        Charset itemsCharset;
        try {
            // a --limit that is no count, or negative, is refused here with the usage
            CommandLine cli = FLAGS.parse(Arrays.copyOfRange(args, 3, args.length));
            limit = cli.intValue("limit", Integer.MAX_VALUE);
            itemsCharset = JobSettings.itemsCharset(cli.value("items-charset", "auto"));
        } catch (IllegalArgumentException e) {
            err.print("error: " + e.getMessage() + (e.getMessage().endsWith("\n") ? "" : "\n"));
            return 2;
        }
        List<UserEvent> events;
        ItemCatalog items;
        try {
            events =
                    RatingsReplay.readForReplay(Path.of(args[0]), RatingsFormat.MOVIETWEETINGS, out)
                            .events();
            // the item file too: its error names the file, line and charset in one line
            items = ItemCatalog.read(Path.of(args[1]), ItemFormat.MOVIETWEETINGS, itemsCharset);
        } catch (InputFileException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        events = events.subList(0, Math.min(limit, events.size()));
        Path dir = Path.of(args[2]);
        write(events, items, dir);
        out.printf(
                "Wrote %,d ratings of %,d items to %s/ml-100k and %s/ml-latest-small%n",
                events.size(), items.size(), dir, dir);
        return 0;
    }

    /** Writes both layouts under {@code out}. */
    static void write(List<UserEvent> events, ItemCatalog items, Path out) throws IOException {
        Path ml100k = Files.createDirectories(out.resolve("ml-100k"));
        writeUData(events, ml100k.resolve("u.data"));
        writeUItem(items, ml100k.resolve("u.item"));
        Path small = Files.createDirectories(out.resolve("ml-latest-small"));
        writeRatingsCsv(events, small.resolve("ratings.csv"));
        writeMoviesCsv(items, small.resolve("movies.csv"));
    }

    /** {@code user item stars seconds}, tab-separated, shuffled as MovieLens 100K's lines are. */
    private static void writeUData(List<UserEvent> events, Path file) throws IOException {
        List<UserEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(SHUFFLE_SEED));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (UserEvent e : shuffled) {
                w.write(ratingLine(e, "\t", Integer.toString(stars(e.value()))));
            }
        }
    }

    /**
     * {@code id|title|release date|video release date|IMDb URL|19 flags} in ISO-8859-1, a title's
     * characters outside it written as {@code ?}.
     */
    private static void writeUItem(ItemCatalog items, Path file) throws IOException {
        CharsetEncoder latin1 =
                StandardCharsets.ISO_8859_1
                        .newEncoder()
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .replaceWith(new byte[] {'?'});
        try (BufferedWriter w =
                new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), latin1))) {
            for (String id : sorted(items.ids())) {
                String title = items.title(id).replace('|', '/');
                StringBuilder line = new StringBuilder();
                line.append(number(id)).append('|').append(title).append('|');
                line.append(releaseDate(title)).append("||http://us.imdb.com/title/tt");
                line.append(id).append('/');
                List<String> genres = ml100kGenres(items.attributes(id));
                for (String g : ItemFormat.MOVIELENS_100K_GENRES) {
                    line.append('|').append(genres.contains(g) ? '1' : '0');
                }
                w.write(line.append('\n').toString());
            }
        }
    }

    /** A header, then {@code userId,movieId,rating,timestamp} by user, then time. */
    private static void writeRatingsCsv(List<UserEvent> events, Path file) throws IOException {
        List<UserEvent> byUser = new ArrayList<>(events);
        byUser.sort(
                Comparator.comparingLong((UserEvent e) -> Long.parseLong(e.userId()))
                        .thenComparingLong(UserEvent::timestamp));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("userId,movieId,rating,timestamp\n");
            for (UserEvent e : byUser) {
                w.write(ratingLine(e, ",", halfStars(e.value())));
            }
        }
    }

    /** A header, then {@code movieId,title,genres}: quoted where a title needs it, UTF-8. */
    private static void writeMoviesCsv(ItemCatalog items, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("movieId,title,genres\n");
            for (String id : sorted(items.ids())) {
                List<String> genres = csvGenres(items.attributes(id));
                w.write(
                        number(id)
                                + ","
                                + csvField(items.title(id))
                                + ","
                                + (genres.isEmpty()
                                        ? "(no genres listed)"
                                        : String.join("|", genres))
                                + "\n");
            }
        }
    }

    static List<String> ml100kGenres(List<String> genres) {
        List<String> out = genres(genres, ItemFormat.MOVIELENS_100K_GENRES, RENAMED_100K);
        return out.isEmpty() ? List.of("unknown") : out;
    }

    static List<String> csvGenres(List<String> genres) {
        return genres(genres, CSV_GENRES, RENAMED_CSV);
    }

    /** The genres a layout has, renamed as it names them, each once. */
    private static List<String> genres(
            List<String> genres, List<String> known, Map<String, String> renamed) {
        List<String> out = new ArrayList<>();
        for (String g : genres) {
            String named = renamed.getOrDefault(g, g);
            if (known.contains(named) && !out.contains(named)) {
                out.add(named);
            }
        }
        return out;
    }

    /** {@code user item rating seconds}, separated by {@code separator}, with a line end. */
    private static String ratingLine(UserEvent e, String separator, String rating) {
        return String.join(
                        separator,
                        e.userId(),
                        number(e.itemId()),
                        rating,
                        Long.toString(e.timestamp() / 1000L))
                + "\n";
    }

    /** MovieTweetings' 0-10 as MovieLens 100K's whole stars, 1-5. */
    static int stars(float rating) {
        return Math.max(1, Math.min(5, Math.round(rating / 2f)));
    }

    /** MovieTweetings' 0-10 as half stars, 0.5-5.0. */
    static String halfStars(float rating) {
        return Float.toString(Math.max(1, Math.min(10, Math.round(rating))) / 2f);
    }

    /** {@code 01-Jan-YEAR} from a title ending in {@code (YEAR)}, empty otherwise. */
    static String releaseDate(String title) {
        Matcher m = YEAR.matcher(title);
        return m.find() ? "01-Jan-" + m.group(1) : "";
    }

    static String csvField(String text) {
        return text.contains(",") || text.contains("\"")
                ? "\"" + text.replace("\"", "\"\"") + "\""
                : text;
    }

    /** An IMDb id without its zero padding. */
    private static String number(String id) {
        return Long.toString(Long.parseLong(id));
    }

    private static List<String> sorted(List<String> ids) {
        List<String> out = new ArrayList<>(ids);
        out.sort(Comparator.comparingLong(Long::parseLong));
        return out;
    }
}
