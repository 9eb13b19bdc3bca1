package io.streamrec.eval;

import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.VersionedRecordSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link PrequentialCounts}. Schema version 5 adds to each window's counts the events
 * each recommender ranked ({@link PrequentialCounts#fields}); before it, every recommender named
 * ranked all the window's events ({@link PrequentialCounts#legacyFields}). Version 4 writes each
 * recommender's covered items after a tag: {@link #NO_COVERAGE}, {@link #COVERED_IDS} (the ids) or
 * {@link #COVERED_SKETCH} (a {@link CoverageSketch}'s registers); versions 2 and 3 wrote a boolean,
 * which reads as the first two tags. Version 3 adds, after the windows, the counts of the windows
 * folded before them ({@link PrequentialCounts#earlier()}). Version 2 names its recommenders and
 * adds the covered items per recommender and the items known; version 1 had the three recommenders
 * of {@link PrequentialCounts#VERSION_1_RECOMMENDERS} and no coverage. Windows are restored into
 * today's recommenders by name: a recommender the bytes lack starts at 0, its coverage absent.
 */
public final class PrequentialCountsSerializer
        extends VersionedRecordSerializer<PrequentialCounts> {
    private static final long serialVersionUID = 1L;
    public static final PrequentialCountsSerializer INSTANCE = new PrequentialCountsSerializer();

    @Override
    public int currentVersion() {
        return 5;
    }

    /** The most counts one window may hold: one plus three per recommender, far below this. */
    static final int MAX_COUNTS = 1 << 10;

    static final int NO_COVERAGE = 0;
    static final int COVERED_IDS = 1;
    static final int COVERED_SKETCH = 2;

    @Override
    protected void writeFields(PrequentialCounts c, DataOutputView out) throws IOException {
        out.writeInt(c.subtask);
        writeStrings(PrequentialCounts.RECOMMENDERS, out);
        out.writeInt(c.windows.size());
        for (var e : c.windows.entrySet()) {
            out.writeLong(e.getKey());
            writeCounts(e.getValue(), out);
        }
        writeCounts(c.earlier, out);
        out.writeLong(c.itemsKnown);
        for (int r = 0; r < PrequentialCounts.RECOMMENDERS.length; r++) {
            Set<String> ids = c.coveredItems.get(r);
            CoverageSketch sketch = c.coverageSketches.get(r);
            if (ids != null) {
                out.writeByte(COVERED_IDS);
                writeStrings(ids.toArray(String[]::new), out);
            } else if (sketch != null) {
                out.writeByte(COVERED_SKETCH);
                out.write(sketch.registers());
            } else {
                out.writeByte(NO_COVERAGE);
            }
        }
    }

    @Override
    protected PrequentialCounts readFields(int version, DataInputView in) throws IOException {
        int subtask = in.readInt();
        String[] names =
                version == 1
                        ? PrequentialCounts.VERSION_1_RECOMMENDERS
                        : readStrings(in, "PrequentialCounts.recommenders");
        TreeMap<Long, double[]> windows = readWindows(version, names, in);
        if (version == 1) {
            PrequentialCounts counts = new PrequentialCounts(subtask, windows);
            counts.legacyRecommendersWithoutHitsRankedNone();
            return counts;
        }
        double[] earlier =
                version >= 3
                        ? inCurrentLayout(version, names, readCounts(in))
                        : new double[PrequentialCounts.FIELDS];
        long itemsKnown = in.readLong();
        List<TreeSet<String>> covered = PrequentialCounts.noCoverage();
        CoverageSketch[] sketches = new CoverageSketch[PrequentialCounts.RECOMMENDERS.length];
        readCoverage(version, names, in, covered, sketches);
        PrequentialCounts counts =
                new PrequentialCounts(subtask, windows, earlier, covered, itemsKnown);
        for (int r = 0; r < sketches.length; r++) {
            counts.coverageSketches.set(r, sketches[r]);
        }
        if (version < 5) {
            counts.legacyRecommendersWithoutHitsRankedNone();
        }
        return counts;
    }

    /** The windows' counts by window start, in today's layout. */
    private static TreeMap<Long, double[]> readWindows(
            int version, String[] names, DataInputView in) throws IOException {
        int n =
                ReadBounds.checkLength(
                        in.readInt(), ReadBounds.MAX_LIST_LENGTH, "PrequentialCounts.windows");
        TreeMap<Long, double[]> windows = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            windows.put(start, inCurrentLayout(version, names, readCounts(in)));
        }
        return windows;
    }

    /**
     * Reads each written recommender's coverage into {@code covered} (ids) or {@code sketches}
     * (registers), at today's index of its name; a recommender no longer known is read and dropped.
     */
    private static void readCoverage(
            int version,
            String[] names,
            DataInputView in,
            List<TreeSet<String>> covered,
            CoverageSketch[] sketches)
            throws IOException {
        for (String name : names) {
            int tag = in.readUnsignedByte();
            int r = PrequentialCounts.indexOf(name);
            if (tag == COVERED_IDS) {
                String[] ids = readStrings(in, ReadBounds.MAX_IDS, "PrequentialCounts.covered");
                if (r >= 0) {
                    covered.set(r, new TreeSet<>(List.of(ids)));
                }
            } else if (tag == COVERED_SKETCH && version >= 4) {
                CoverageSketch sketch = readSketch(in);
                if (r >= 0) {
                    sketches[r] = sketch;
                }
            } else if (tag != NO_COVERAGE) {
                throw new IOException("Corrupt prequential counts: coverage tag " + tag);
            }
        }
    }

    private static CoverageSketch readSketch(DataInputView in) throws IOException {
        byte[] registers = new byte[CoverageSketch.REGISTERS];
        in.readFully(registers);
        try {
            return CoverageSketch.ofRegisters(registers);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt prequential counts: " + e.getMessage(), e);
        }
    }

    private static void writeCounts(double[] counts, DataOutputView out) throws IOException {
        out.writeInt(counts.length);
        for (double v : counts) {
            out.writeDouble(v);
        }
    }

    private static double[] readCounts(DataInputView in) throws IOException {
        double[] values =
                new double
                        [ReadBounds.checkLength(
                                in.readInt(), MAX_COUNTS, "PrequentialCounts.counts")];
        for (int j = 0; j < values.length; j++) {
            values[j] = in.readDouble();
        }
        return values;
    }

    private static double[] inCurrentLayout(int version, String[] names, double[] values)
            throws IOException {
        int expected =
                version >= 5
                        ? PrequentialCounts.fields(names.length)
                        : PrequentialCounts.legacyFields(names.length);
        if (values.length != expected) {
            throw new IOException(
                    "Corrupt prequential counts: "
                            + values.length
                            + " window values for "
                            + names.length
                            + " recommenders in schema version "
                            + version);
        }
        try {
            return PrequentialCounts.inCurrentLayout(names, values);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt prequential counts: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public PrequentialCounts createInstance() {
        return new PrequentialCounts(0);
    }

    @Override
    public PrequentialCounts copy(PrequentialCounts from) {
        return from.copy();
    }

    @Override
    public PrequentialCounts copy(PrequentialCounts from, PrequentialCounts reuse) {
        return from.copy();
    }

    @Override
    public TypeSerializerSnapshot<PrequentialCounts> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Serializer snapshot; record-level versions handle schema evolution, so the serializer a
     * version-1 snapshot restores is today's, which reads version-1 records as they are.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PrequentialCounts> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
