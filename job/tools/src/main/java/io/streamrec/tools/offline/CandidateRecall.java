package io.streamrec.tools.offline;

import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.Source;
import io.streamrec.config.CommandLine;
import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.JobSettings;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a ratings file in time order, test-then-learn, through a {@link CandidateGenerator} and
 * reports candidate recall: the fraction of events whose item is among the candidates read just
 * before the event, for the union and per source, overall, for users with no history and for items
 * first seen in the last 7 days. Also each source's HR@10 when its own order ranks (the user's
 * items excluded, as in the serving evaluation), the mean union size, and events per second of wall
 * time and of this thread's CPU time (the latter meaningful on a shared machine).
 *
 * <p>Usage: {@code CandidateRecall <ratings file> <items file> [format, default movietweetings]
 * [--items-charset C]}. An unreadable ratings or item file is a one-line error naming the file and
 * line, exit status 2.
 */
public final class CandidateRecall {
    static final long NEW_ITEM_MS = 7L * 24 * 3_600_000L;
    private static final int HIT_CUTOFF = 10;

    /** The flags after the files and the format. */
    static final CommandLine.Spec FLAGS =
            CommandLine.spec(
                            "CandidateRecall <ratings file> <items file> [format, default"
                                    + " movietweetings]")
                    .value(
                            "items-charset",
                            "C",
                            "the item file's charset, e.g. ISO-8859-1 (default: auto, UTF-8 or"
                                    + " ISO-8859-1 as the bytes say)");

    private final CandidateGenerator generator;
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long readCpuNanos;
    private long updateCpuNanos;

    public CandidateRecall(CandidateGenerator generator) {
        this.generator = generator;
        tallies.put("all events", new Tally());
        tallies.put("users with no history", new Tally());
        tallies.put("items first seen <= 7 d ago", new Tally());
        tallies.put("items never seen before", new Tally());
    }

    /** Reads the candidates for the event's user, tallies them, then learns the event. */
    public void accept(UserEvent e) {
        long start = threads.getCurrentThreadCpuTime();
        CandidateSet candidates = generator.candidates(e.userId(), e.timestamp());
        long read = threads.getCurrentThreadCpuTime();
        readCpuNanos += read - start;
        Long first = firstSeen.putIfAbsent(e.itemId(), e.timestamp());
        tallies.get("all events").record(candidates, e.itemId());
        if (!generator.knows(e.userId())) {
            tallies.get("users with no history").record(candidates, e.itemId());
        }
        if (first == null || e.timestamp() - first <= NEW_ITEM_MS) {
            tallies.get("items first seen <= 7 d ago").record(candidates, e.itemId());
        }
        if (first == null) {
            tallies.get("items never seen before").record(candidates, e.itemId());
        }
        generator.update(e);
        updateCpuNanos += threads.getCurrentThreadCpuTime() - read;
    }

    /** CPU time of this thread in {@link CandidateGenerator#candidates}, in seconds. */
    public double readCpuSeconds() {
        return readCpuNanos / 1e9;
    }

    /** CPU time of this thread in {@link CandidateGenerator#update}, in seconds. */
    public double updateCpuSeconds() {
        return updateCpuNanos / 1e9;
    }

    public Map<String, Tally> tallies() {
        return tallies;
    }

    /** Recall and HR@10 counts over a set of events. */
    public static final class Tally {
        private final long[] sourceHits = new long[Source.values().length];
        private final long[] sourceTop = new long[Source.values().length];
        private long events;
        private long hits;
        private long unionSizes;

        void record(CandidateSet candidates, String target) {
            events++;
            unionSizes += candidates.size();
            Candidate c = candidates.get(target);
            if (c == null) {
                return;
            }
            hits++;
            for (Source s : c.sources()) {
                sourceHits[s.ordinal()]++;
                if (c.rank(s) < HIT_CUTOFF) {
                    sourceTop[s.ordinal()]++;
                }
            }
        }

        public long events() {
            return events;
        }

        /** The fraction of events whose item was among the candidates. */
        public double recall() {
            return events == 0 ? 0 : (double) hits / events;
        }

        public double recall(Source source) {
            return events == 0 ? 0 : (double) sourceHits[source.ordinal()] / events;
        }

        /** HR@10 of the source's own order. */
        public double hitRate(Source source) {
            return events == 0 ? 0 : (double) sourceTop[source.ordinal()] / events;
        }

        public double meanUnionSize() {
            return events == 0 ? 0 : (double) unionSizes / events;
        }

        void print(String name, PrintStream out) {
            out.printf(
                    "%n%s: %d events, union recall %.4f, mean union size %.1f%n",
                    name, events, recall(), meanUnionSize());
            out.printf("  %-22s %8s %8s%n", "source", "recall", "HR@10");
            for (Source s : Source.values()) {
                out.printf("  %-22s %8.4f %8.4f%n", s.label(), recall(s), hitRate(s));
            }
        }
    }

    public static void main(String[] args) throws IOException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the recall replay of {@code args}; the exit status (2: a usage or input file error). */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length < 2 || args[0].startsWith("--") || args[1].startsWith("--")) {
            err.print("error: the ratings and item files come first\n" + FLAGS.usage());
            return 2;
        }
        boolean hasFormat = args.length > 2 && !args[2].startsWith("--");
        String format = hasFormat ? args[2] : "movietweetings";
        Charset itemsCharset;
        RatingsFormat ratingsFormat;
        ItemFormat itemFormat;
        try {
            CommandLine cli = FLAGS.parse(Arrays.copyOfRange(args, hasFormat ? 3 : 2, args.length));
            itemsCharset = JobSettings.itemsCharset(cli.value("items-charset", "auto"));
            // an unknown format is a usage error, as a flag's bad value is
            ratingsFormat = RatingsFormat.parse(format);
            itemFormat = ItemFormat.parse(format);
        } catch (IllegalArgumentException e) {
            err.print("error: " + e.getMessage() + (e.getMessage().endsWith("\n") ? "" : "\n"));
            return 2;
        }
        List<UserEvent> events;
        ItemCatalog catalog;
        try {
            // as RankerReplay: say what was skipped, and refuse a file with no rating read
            events = RatingsReplay.readForReplay(Path.of(args[0]), ratingsFormat, out).events();
            // the item file too: its error names the file, line and charset in one line
            catalog = ItemCatalog.read(Path.of(args[1]), itemFormat, itemsCharset);
        } catch (InputFileException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        CandidateRecall recall =
                new CandidateRecall(new CandidateGenerator(CandidateSettings.defaults(), catalog));
        long start = System.nanoTime();
        events.forEach(recall::accept);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = recall.readCpuSeconds() + recall.updateCpuSeconds();
        out.printf(
                "%d events, %d catalog items: %.1f s wall, %.0f events/s; %.1f s CPU, %.0f"
                        + " events per CPU-second (candidates %.1f s, update %.1f s)%n",
                events.size(),
                catalog.size(),
                seconds,
                events.size() / seconds,
                cpu,
                events.size() / cpu,
                recall.readCpuSeconds(),
                recall.updateCpuSeconds());
        out.println("state: " + recall.generator.size());
        recall.tallies().forEach((name, tally) -> tally.print(name, out));
        return 0;
    }
}
