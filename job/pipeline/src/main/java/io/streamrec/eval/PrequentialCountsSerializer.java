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
 * Serializer of {@link PrequentialCounts}. Schema version 3 adds, after the windows, the counts of
 * the windows folded before them ({@link PrequentialCounts#earlier()}). Version 2 names its
 * recommenders and adds the covered items per recommender and the items known; version 1 had the
 * three recommenders of {@link PrequentialCounts#VERSION_1_RECOMMENDERS} and no coverage. Windows
 * are restored into today's recommenders by name: a recommender the bytes lack starts at 0, its
 * coverage absent.
 */
public final class PrequentialCountsSerializer
        extends VersionedRecordSerializer<PrequentialCounts> {
    private static final long serialVersionUID = 1L;
    public static final PrequentialCountsSerializer INSTANCE = new PrequentialCountsSerializer();

    @Override
    public int currentVersion() {
        return 3;
    }

    @Override
    protected void writeFields(PrequentialCounts c, DataOutputView out) throws IOException {
        if (c.coverageSketches.stream().anyMatch(java.util.Objects::nonNull)) {
            // only counts read from reports have sketches; state keeps the ids it counted
            throw new IllegalStateException("counts with sketched coverage are not state");
        }
        out.writeInt(c.subtask);
        writeStrings(PrequentialCounts.RECOMMENDERS, out);
        out.writeInt(c.windows.size());
        for (var e : c.windows.entrySet()) {
            out.writeLong(e.getKey());
            writeCounts(e.getValue(), out);
        }
        writeCounts(c.earlier, out);
        out.writeLong(c.itemsKnown);
        for (Set<String> covered : c.coveredItems) {
            out.writeBoolean(covered != null);
            if (covered != null) {
                writeStrings(covered.toArray(String[]::new), out);
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
        int n =
                ReadBounds.checkLength(
                        in.readInt(), ReadBounds.MAX_LIST_LENGTH, "PrequentialCounts.windows");
        TreeMap<Long, double[]> windows = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            windows.put(start, inCurrentLayout(names, readCounts(in)));
        }
        if (version == 1) {
            return new PrequentialCounts(subtask, windows);
        }
        double[] earlier =
                version >= 3
                        ? inCurrentLayout(names, readCounts(in))
                        : new double[PrequentialCounts.FIELDS];
        long itemsKnown = in.readLong();
        List<TreeSet<String>> covered = PrequentialCounts.noCoverage();
        for (String name : names) {
            TreeSet<String> items =
                    in.readBoolean()
                            ? new TreeSet<>(
                                    List.of(
                                            readStrings(
                                                    in,
                                                    ReadBounds.MAX_IDS,
                                                    "PrequentialCounts.covered")))
                            : null;
            int r = PrequentialCounts.indexOf(name);
            if (r >= 0) {
                covered.set(r, items);
            }
        }
        return new PrequentialCounts(subtask, windows, earlier, covered, itemsKnown);
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
                                in.readInt(),
                                ReadBounds.MAX_VECTOR_LENGTH,
                                "PrequentialCounts.counts")];
        for (int j = 0; j < values.length; j++) {
            values[j] = in.readDouble();
        }
        return values;
    }

    private static double[] inCurrentLayout(String[] names, double[] values) throws IOException {
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
