package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.fixtures.CommittedFixtures;
import java.io.IOException;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.api.recursive.comparison.ComparingFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serving's evaluation state as each schema version of {@link PrequentialCountsSerializer} wrote
 * it, committed under {@code src/test/resources/serializer-fixtures}, still restores: the rules of
 * state-schemas' serializer fixtures (see the README there) apply.
 */
class PrequentialCountsFixtureTest {

    /**
     * What version 1 wrote (two subtasks' counts, one of them empty) as today's reader gives it:
     * the recommender version 1 lacked, trending + co-occurrence, has zero counts and no coverage.
     */
    private static List<PrequentialCounts> version1() {
        TreeMap<Long, double[]> windows = new TreeMap<>();
        windows.put(
                1_600_000_000_000L,
                version1Layout(new double[] {4, 3, 1, 2, 2.130929753571457, 1, 1.5}));
        windows.put(1_600_003_600_000L, version1Layout(new double[] {1, 0, 0, 1, 0, 0, 0.5}));
        return List.of(new PrequentialCounts(3, windows), new PrequentialCounts(0));
    }

    /**
     * What version 2 wrote: four recommenders, covered items for the model and trending only, and
     * an empty subtask.
     */
    private static List<PrequentialCounts> version2() {
        TreeMap<Long, double[]> windows = new TreeMap<>();
        windows.put(
                1_600_000_000_000L,
                legacyLayout(
                        new double[] {
                            4, 3, 1, 2, 3, 2.130929753571457, 1, 1.5, 1.6309297535714575
                        }));
        windows.put(1_600_003_600_000L, legacyLayout(new double[] {1, 0, 0, 1, 1, 0, 0, 0.5, 1}));
        List<TreeSet<String>> covered = PrequentialCounts.noCoverage();
        covered.set(0, new TreeSet<>(List.of("i1", "i2", "i3")));
        covered.set(2, new TreeSet<>(List.of("i2", "ü")));
        return List.of(new PrequentialCounts(3, windows, covered, 40), new PrequentialCounts(0));
    }

    /**
     * What version 3 wrote: version 2's counts with the counts of two windows folded before them,
     * and an empty subtask.
     */
    private static List<PrequentialCounts> version3() {
        TreeMap<Long, double[]> windows = new TreeMap<>();
        windows.put(
                1_600_000_000_000L,
                legacyLayout(
                        new double[] {
                            4, 3, 1, 2, 3, 2.130929753571457, 1, 1.5, 1.6309297535714575
                        }));
        windows.put(1_600_003_600_000L, legacyLayout(new double[] {1, 0, 0, 1, 1, 0, 0, 0.5, 1}));
        double[] earlier = legacyLayout(new double[] {7, 2, 1, 0, 3, 1.5, 1, 0, 2.5});
        List<TreeSet<String>> covered = PrequentialCounts.noCoverage();
        covered.set(0, new TreeSet<>(List.of("i1", "i2", "i3")));
        covered.set(3, new TreeSet<>(List.of("i4")));
        return List.of(
                new PrequentialCounts(3, windows, earlier, covered, 40), new PrequentialCounts(0));
    }

    /**
     * What version 4 wrote: version 3's counts, the blend's covered items as a sketch (of three
     * ids, standing for the more than 20,000 that make one).
     */
    private static List<PrequentialCounts> version4() {
        List<PrequentialCounts> counts = version3();
        PrequentialCounts first = counts.get(0);
        first.coveredItems.set(3, null);
        first.coverageSketches.set(3, CoverageSketch.of(List.of("i4", "i5", "i6")));
        return counts;
    }

    /**
     * What version 5 wrote: version 4's counts and a window of two events that trending +
     * co-occurrence did not rank (as under BPR), so its events ranked differ from the window's.
     */
    private static List<PrequentialCounts> version5() {
        List<PrequentialCounts> counts = version4();
        PrequentialCounts first = counts.get(0);
        first.record(1_600_007_200_000L, new int[] {0, -1, 4, PrequentialCounts.NOT_RANKED});
        first.record(1_600_007_200_000L, new int[] {-1, 2, -1, PrequentialCounts.NOT_RANKED});
        first.record(1_600_007_200_000L, new int[] {1, -1, -1, 0});
        return counts;
    }

    /** Counts of the three recommenders of version 1, each having ranked every event. */
    private static double[] version1Layout(double[] values) {
        return PrequentialCounts.inCurrentLayout(PrequentialCounts.VERSION_1_RECOMMENDERS, values);
    }

    /**
     * Counts of today's four recommenders as versions 2 to 4 wrote them: each ranked every event.
     */
    private static double[] legacyLayout(double[] values) {
        return PrequentialCounts.inCurrentLayout(PrequentialCounts.RECOMMENDERS, values);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void committedCountsStillRead(int version) throws IOException {
        byte[] bytes = CommittedFixtures.read(records(version));
        assertThat(bytes[0]).as("schema version byte").isEqualTo((byte) version);
        assertSameCounts(
                CommittedFixtures.readAll(PrequentialCountsSerializer.INSTANCE, bytes),
                expected(version));
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void committedSnapshotRestoresACompatibleSerializer(int version) throws IOException {
        TypeSerializer<PrequentialCounts> restored =
                CommittedFixtures.restoredCompatible(
                        snapshot(version), PrequentialCountsSerializer.INSTANCE);
        // the serializer a checkpoint's snapshot restores reads that checkpoint's records
        assertSameCounts(
                CommittedFixtures.readAll(restored, CommittedFixtures.read(records(version))),
                expected(version));
    }

    /**
     * Today's serializer, given the counts the fixture of the version it writes holds (built by
     * {@link #expected}, not read from the fixture), writes that fixture's committed bytes (see
     * {@link CommittedFixtures#assertWritesCommitted}).
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws IOException {
        int version = PrequentialCountsSerializer.INSTANCE.currentVersion();
        CommittedFixtures.assertWritesCommitted(
                records(version),
                CommittedFixtures.writeAll(
                        PrequentialCountsSerializer.INSTANCE, expected(version)));
    }

    @Test
    void rewritesVersion1CountsAsTheCurrentVersion() throws IOException {
        List<PrequentialCounts> restored =
                CommittedFixtures.readAll(
                        PrequentialCountsSerializer.INSTANCE, CommittedFixtures.read(records(1)));
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (PrequentialCounts counts : restored) {
            PrequentialCountsSerializer.INSTANCE.serialize(counts, out);
        }
        byte[] rewritten = out.getCopyOfBuffer();
        assertThat(rewritten[0])
                .isEqualTo((byte) PrequentialCountsSerializer.INSTANCE.currentVersion());
        assertSameCounts(
                CommittedFixtures.readAll(PrequentialCountsSerializer.INSTANCE, rewritten),
                version1());
    }

    /**
     * Writes the current version's fixtures if they are missing (never overwrites one): {@code mvn
     * test -pl job/pipeline -am -Dtest=PrequentialCountsFixtureTest#writeMissingFixtures
     * -Dfixtures.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixtures() throws IOException {
        int version = PrequentialCountsSerializer.INSTANCE.currentVersion();
        DataOutputSerializer records = new DataOutputSerializer(256);
        for (PrequentialCounts counts : expected(version)) {
            PrequentialCountsSerializer.INSTANCE.serialize(counts, records);
        }
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                snapshot, PrequentialCountsSerializer.INSTANCE.snapshotConfiguration());
        CommittedFixtures.writeIfMissing(records(version), records.getCopyOfBuffer());
        CommittedFixtures.writeIfMissing(snapshot(version), snapshot.getCopyOfBuffer());
    }

    private static List<PrequentialCounts> expected(int version) {
        return switch (version) {
            case 1 -> version1();
            case 2 -> version2();
            case 3 -> version3();
            case 4 -> version4();
            case 5 -> version5();
            default -> throw new IllegalArgumentException("no fixture of version " + version);
        };
    }

    private static String records(int version) {
        return "PrequentialCounts.v" + version + ".bin";
    }

    private static String snapshot(int version) {
        return "PrequentialCounts.snapshot.v" + version + ".bin";
    }

    private static void assertSameCounts(
            List<PrequentialCounts> actual, List<PrequentialCounts> expected) {
        assertThat(actual)
                .usingRecursiveComparison()
                .withIntrospectionStrategy(ComparingFields.COMPARING_FIELDS)
                .isEqualTo(expected);
    }
}
