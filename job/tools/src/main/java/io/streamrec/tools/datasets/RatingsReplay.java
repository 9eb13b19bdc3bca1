package io.streamrec.tools.datasets;

import io.streamrec.ingest.TextFileLines;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.UserEvent;
import java.io.BufferedReader;
import java.io.IOException;
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
        }
        // List.sort is stable: equal timestamps keep file order
        events.sort(Comparator.comparingLong(UserEvent::timestamp));
        return new RatingsReplay(events, rejected);
    }

    public List<UserEvent> events() {
        return events;
    }

    public Map<String, Integer> rejected() {
        return rejected;
    }

    /**
     * The skipped lines as a console reads them: {@code none}, or their count and the count per
     * reason, {@code 3 lines (missing_field: 1, wrong_type: 2)}.
     */
    public String skippedLines() {
        int lines = rejected.values().stream().mapToInt(Integer::intValue).sum();
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
