package io.streamrec.ingest;

import io.streamrec.records.InvalidRecordException;
import io.streamrec.schema.ItemRecord;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item catalog: attributes feed the model's content tower, titles make results readable, and
 * the ids are the candidate set for negative sampling and serving from the first event on.
 */
public final class ItemCatalog implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ItemCatalog.class);

    private final LinkedHashMap<String, ItemRecord> items;

    public ItemCatalog(Collection<ItemRecord> records) {
        this.items = new LinkedHashMap<>();
        for (ItemRecord r : records) {
            items.put(r.itemId(), r);
        }
    }

    public static ItemCatalog empty() {
        return new ItemCatalog(List.of());
    }

    /** Reads an item file, its charset detected (UTF-8, or ISO-8859-1 where that is safe). */
    public static ItemCatalog read(Path file, ItemFormat format) throws IOException {
        return read(file, format, null);
    }

    /**
     * Reads an item file in {@code charset} (null: detected, see {@link TextFileLines}). Bad lines
     * are skipped with a warning and counted; bytes that do not decode fail with the file, line and
     * charset, and so does a file with item lines none of which is an item (a wrong format would
     * otherwise leave the catalog silently empty).
     */
    public static ItemCatalog read(Path file, ItemFormat format, Charset charset)
            throws IOException {
        List<ItemRecord> records = new ArrayList<>();
        int lineCount = 0;
        int bad = 0;
        String firstRejection = null;
        List<String> lines = TextFileLines.read(file, charset);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && format.isHeader(line)) || line.isBlank()) {
                continue;
            }
            lineCount++;
            try {
                records.add(format.parseLine(line));
            } catch (InvalidRecordException e) {
                if (firstRejection == null) {
                    firstRejection = "line " + (i + 1) + ": " + e.getMessage();
                }
                if (++bad <= 5) {
                    LOG.warn("Skipping item line {} of {}: {}", i + 1, file, e.getMessage());
                }
            }
        }
        if (bad > 0 && bad == lineCount) {
            throw new InputFileException(
                    String.format(
                            "%s: none of its %,d item lines is a %s item (%s); is it another"
                                    + " format? Set --items-format (job option items.format)",
                            file, lineCount, formatName(format), firstRejection));
        }
        if (bad > 0) {
            LOG.warn("Skipped {} of {} item lines of {}", bad, lineCount, file);
        }
        return new ItemCatalog(records);
    }

    /** The format as the command lines and the job option spell it: movielens-100k. */
    private static String formatName(ItemFormat format) {
        return format.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public List<String> attributes(String itemId) {
        ItemRecord r = items.get(itemId);
        return r == null ? List.of() : r.attributes();
    }

    /** The item's pretrained content vector, empty if it has none. */
    public float[] contentVector(String itemId) {
        ItemRecord r = items.get(itemId);
        return r == null ? new float[0] : r.contentVector();
    }

    /** Adds or replaces an item (catalog updates from the items topic). */
    public void put(ItemRecord record) {
        items.put(record.itemId(), record);
    }

    public boolean contains(String itemId) {
        return items.containsKey(itemId);
    }

    public String title(String itemId) {
        ItemRecord r = items.get(itemId);
        return r == null ? itemId : r.title();
    }

    public List<String> ids() {
        return new ArrayList<>(items.keySet());
    }

    public int size() {
        return items.size();
    }
}
