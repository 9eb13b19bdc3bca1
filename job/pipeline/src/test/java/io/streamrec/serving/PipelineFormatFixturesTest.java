package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.eval.PrequentialCountsSerializer;
import io.streamrec.fixtures.CommittedFixtures;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ranking.FeatureScaler;
import io.streamrec.ranking.ItemInteraction;
import io.streamrec.ranking.ListwiseScorer;
import io.streamrec.ranking.ScorerSettings;
import io.streamrec.schema.VersionedRecordSerializer;
import io.streamrec.worker.FloodBucket;
import io.streamrec.worker.FloodBucketSerializer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format of the pipeline's state has a committed fixture of the version today's code writes
 * ({@code <Format>.v<version>.bin} in {@link CommittedFixtures#FOLDER}, the version being the first
 * byte the code writes): a version bump without a fixture of the new version fails here, as
 * state-schemas' {@code SerializerFixturesTest#everySerializerHasAFixtureOfTheVersionItWrites} does
 * for the record serializers. The formats are listed by hand; the {@link
 * VersionedRecordSerializer}s of the pipeline are checked to be among them.
 */
class PipelineFormatFixturesTest {
    /** Writes a value of the format with today's code. */
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static final Map<String, Writer> FORMATS = new LinkedHashMap<>();

    static {
        FORMATS.put(
                "PrequentialCounts",
                out ->
                        serialize(
                                PrequentialCountsSerializer.INSTANCE,
                                new PrequentialCounts(0),
                                out));
        FORMATS.put(
                "StatisticsCheckpoint",
                out ->
                        serialize(
                                StatisticsCheckpointSerializer.INSTANCE,
                                new StatisticsCheckpoint(new byte[0], new byte[0], 0, 1),
                                out));
        FORMATS.put(
                "FloodBucket",
                out -> serialize(FloodBucketSerializer.INSTANCE, new FloodBucket(1.0, 0L), out));
        FORMATS.put(
                "CandidateStatistics",
                out ->
                        out.write(
                                CandidateStatisticsSerializer.toBytes(
                                        new CandidateGenerator(
                                                CandidateSettings.defaults(),
                                                ItemCatalog.empty()))));
        FORMATS.put("FeatureScaler", out -> new FeatureScaler(2, 100_000.0).writeTo(out));
        FORMATS.put(
                "ListwiseScorer",
                out -> {
                    try (ListwiseScorer scorer =
                            new ListwiseScorer(2, ScorerSettings.defaults(), Device.cpu())) {
                        scorer.writeTo(out);
                    }
                });
        FORMATS.put(
                "ItemInteraction",
                out -> new ItemInteraction(ItemInteraction.Settings.defaults(1L)).writeTo(out));
        FORMATS.put(
                "LearnedRankerState",
                out -> out.write(new LearnedRankerState(0, null, new byte[0]).toBytes()));
    }

    private static <T> void serialize(TypeSerializer<T> serializer, T value, DataOutputStream out)
            throws IOException {
        DataOutputSerializer bytes = new DataOutputSerializer(64);
        serializer.serialize(value, bytes);
        out.write(bytes.getCopyOfBuffer());
    }

    static Stream<String> formats() {
        return FORMATS.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void theVersionTodaysCodeWritesHasACommittedFixture(String format) throws IOException {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        FORMATS.get(format).write(new DataOutputStream(written));
        int version = written.toByteArray()[0];

        byte[] fixture = CommittedFixtures.read(format + ".v" + version + ".bin");

        assertThat(fixture[0]).as("the fixture's version byte").isEqualTo((byte) version);
    }

    /** A new {@link VersionedRecordSerializer} of the pipeline must be listed above. */
    @Test
    void everyVersionedSerializerOfThePipelineIsListed() throws Exception {
        Path classes =
                Path.of(
                        StatisticsCheckpointSerializer.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        List<String> serializers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith("Serializer.class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.');
                Class<?> c = Class.forName(name.substring(0, name.length() - ".class".length()));
                if (VersionedRecordSerializer.class.isAssignableFrom(c)
                        && !Modifier.isAbstract(c.getModifiers())) {
                    serializers.add(c.getSimpleName().replace("Serializer", ""));
                }
            }
        }
        assertThat(serializers)
                .contains("StatisticsCheckpoint", "PrequentialCounts", "FloodBucket");
        assertThat(FORMATS.keySet()).containsAll(serializers);
    }
}
