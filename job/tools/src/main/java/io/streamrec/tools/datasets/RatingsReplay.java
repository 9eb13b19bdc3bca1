package io.streamrec.tools.datasets;

import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.TextFileLines;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.UserEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an interaction history file into events in replay order: by timestamp, ties broken by line
 * number (a stable sort of the file). Bad lines are counted by reason and skipped.
 */
public final class RatingsReplay {
    private static final Logger LOG = LoggerFactory.getLogger(RatingsReplay.class);

    private final List<UserEvent> events;
    private final Map<String, Integer> rejected;

    private RatingsReplay(List<UserEvent> events, Map<String, Integer> rejected) {
        this.events = events;
        this.rejected = rejected;
    }

    public static RatingsReplay read(Path file, RatingsFormat format) throws IOException {
        List<UserEvent> events = new ArrayList<>();
        Map<String, Integer> rejected = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1) {
                    line = TextFileLines.withoutByteOrderMark(line);
                }
                if ((lineNumber == 1 && format.isHeader(line)) || line.isBlank()) {
                    continue;
                }
                try {
                    events.add(format.parseLine(line, lineNumber));
                } catch (InvalidRecordException e) {
                    if (rejected.merge(e.reason(), 1, Integer::sum) <= 5) {
                        LOG.warn("Skipping {} line {}: {}", file, lineNumber, e.getMessage());
                    }
                }
            }
        } catch (CharacterCodingException e) {
            // the decoder's error names neither file nor line: the item reader's does
            throw TextFileLines.undecodable(
                    file,
                    StandardCharsets.UTF_8,
                    "ratings files are read as UTF-8; convert it first, e.g. iconv -f ISO-8859-1"
                            + " -t UTF-8");
        } catch (IOException e) {
            // missing, unreadable or a directory: one line naming the file, not a stack trace
            throw InputFileException.unreadable(file, e);
        }
        // List.sort is stable: equal timestamps keep file order
        events.sort(Comparator.comparingLong(UserEvent::timestamp));
        return new RatingsReplay(events, rejected);
    }

    /**
     * Reads {@code file} for a tool that replays it: prints how many events it read and the lines
     * it skipped to {@code out}, and fails when no line is a rating, naming the file and why, since
     * a replay of nothing prints figures that read as results (a ratings.csv read as
     * movietweetings, every line missing_field, replayed 0 events at NaN events/s and HR@10 0).
     */
    public static RatingsReplay readForReplay(Path file, RatingsFormat format, PrintStream out)
            throws IOException {
        RatingsReplay replay = read(file, format);
        String formatName = format.label();
        out.printf(
                "Read %,d events from %s (%s), skipped %s%n",
                replay.events.size(), file, formatName, replay.skippedLines());
        if (replay.events.isEmpty()) {
            throw new InputFileException(
                    String.format(
                            "%s: no line is a %s rating (skipped %s); is it another format?",
                            file, formatName, replay.skippedLines()));
        }
        return replay;
    }

    public List<UserEvent> events() {
        return events;
    }

    public Map<String, Integer> rejected() {
        return rejected;
    }

    /** How many lines were skipped, for every reason. */
    public int skippedLineCount() {
        return rejected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The skipped lines as a console reads them: {@code none}, or their count and the count per
     * reason, {@code 3 lines (missing_field: 1, wrong_type: 2)}.
     */
    public String skippedLines() {
        int lines = skippedLineCount();
        if (lines == 0) {
            return "none";
        }
        return String.format(
                "%,d line%s (%s)",
                lines,
                lines == 1 ? "" : "s",
                rejected.entrySet().stream()
                        .map(e -> String.format("%s: %,d", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")));
    }
}
