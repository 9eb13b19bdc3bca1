package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;

class RecordSerializersTest {
    /**
     * Every record reads back equal to what was written, field by field (nested records and arrays
     * included). The first record of each type, and of each kind of ShardMessage, ModelUpdate and
     * EvalMarker, holds a value other than the default in every field it can carry, and fields of
     * one type hold different values, so a writer that drops a field, or writes one field's value
     * in another's place, fails here.
     */
    @Test
    void everyRecordRoundTrips() throws Exception {
        UserEvent event = new UserEvent("e", "u", "i", EventType.PURCHASE, 2.5f, 9L);
        UserEvent unrated = new UserEvent("e2", "u2", "i2", EventType.VIEW, Float.NaN, 10L);
        RunCheckpoint stamp = new RunCheckpoint(new JobID(11L, 12L), 13L);
        ParameterRow row =
                new ParameterRow(
                        "i:1", new float[] {1, 2}, new float[] {3}, 4, 5, 6, 7f, 8, 7, stamp);
        EvalMarker marker =
                new EvalMarker(
                        14L,
                        2,
                        List.of(event, unrated),
                        List.<String[]>of(new String[] {"a"}, new String[] {"b", "c"}));
        EvalMarker forget = EvalMarker.forget(15L, 3, "u3");
        RecommendationRequest recommend = new RecommendationRequest("r", "u", 10, 16L);
        ServingRequest request = new ServingRequest(recommend, new String[] {"x", "y"});
        ShardMessage gradient =
                ShardMessage.gradient("u:1", new float[] {0.5f, -1f}, 3, 1, 0.9f, 17L, 16L);

        assertRoundTrips(UserEventSerializer.INSTANCE, event, unrated);
        assertRoundTrips(RunCheckpointSerializer.INSTANCE, stamp);
        assertRoundTrips(
                ParameterRowSerializer.INSTANCE,
                row,
                new ParameterRow("u:2", new float[] {-1}, new float[] {2}, 3, 4, 5, 6f, 7, 6),
                ParameterRow.tombstone("u:3"));
        assertRoundTrips(EvalMarkerSerializer.INSTANCE, marker, forget);
        assertRoundTrips(RecommendationRequestSerializer.INSTANCE, recommend);
        assertRoundTrips(ServingRequestSerializer.INSTANCE, request);
        assertRoundTrips(
                ShardMessageSerializer.INSTANCE,
                gradient,
                ShardMessage.marker("k", marker),
                ShardMessage.marker("k2", forget),
                ShardMessage.request("k3", request));
        assertRoundTrips(
                ModelUpdateSerializer.INSTANCE,
                ModelUpdate.of(row),
                ModelUpdate.of(marker),
                ModelUpdate.of(forget),
                ModelUpdate.of(request));
        assertRoundTrips(
                RecommendationResultSerializer.INSTANCE,
                new RecommendationResult(
                        "r",
                        "u",
                        List.of(
                                new RecommendationResult.ScoredItem("i", 1.5f),
                                new RecommendationResult.ScoredItem("j", -0.5f)),
                        "model",
                        3,
                        4));
        assertRoundTrips(
                RawRecordSerializer.INSTANCE,
                new RawRecord("events", 2, 18L, new byte[] {1, -2, 3}),
                new RawRecord("items", 3, 19L, null));
        assertRoundTrips(
                ItemRecordSerializer.INSTANCE,
                new ItemRecord("i", "Title", List.of("Drama", "War"), new float[] {0.5f, -2f}));
    }

    /** Each record's bytes read back as an equal record, then as nothing more. */
    @SafeVarargs
    private static <T> void assertRoundTrips(VersionedRecordSerializer<T> serializer, T... records)
            throws IOException {
        for (T original : records) {
            byte[] bytes = serializer.toBytes(original);
            SerializerFixturesTest.assertSameRecords(
                    serializer.getClass().getSimpleName() + " round trip",
                    SerializerFixture.readAll(serializer, bytes),
                    List.of(original));
        }
    }

    /**
     * Rows and gradient messages written before they carried the oldest event time of their
     * positives (rows before version 3, gradients before version 2, in checkpoints and on the
     * model-updates topic) read with their newest event time in its place, so serving measures
     * freshness from them as it did before; today's versions keep the two apart.
     */
    @Test
    void olderRowsAndGradientsReadWithTheNewestEventTimeAsTheOldest() throws Exception {
        for (String file : List.of("ParameterRow.v1.bin", "ParameterRow.v2.bin")) {
            List<ParameterRow> rows =
                    SerializerFixture.readAll(
                            ParameterRowSerializer.INSTANCE, SerializerFixture.committed(file));
            assertThat(rows)
                    .as(file)
                    .isNotEmpty()
                    .allSatisfy(
                            r -> assertThat(r.oldestNewPositiveTime()).isEqualTo(r.trendTime()));
        }
        ParameterRow v3 =
                SerializerFixture.readAll(
                                ParameterRowSerializer.INSTANCE,
                                SerializerFixture.committed("ParameterRow.v3.bin"))
                        .get(0);
        assertThat(v3.oldestNewPositiveTime()).isLessThan(v3.trendTime());

        ShardMessage v1 =
                SerializerFixture.readAll(
                                ShardMessageSerializer.INSTANCE,
                                SerializerFixture.committed("ShardMessage.v1.bin"))
                        .get(0);
        assertThat(v1.isGradient()).isTrue();
        assertThat(v1.oldestPositiveTime()).isEqualTo(v1.eventTime()).isPositive();
        ShardMessage v2 =
                SerializerFixture.readAll(
                                ShardMessageSerializer.INSTANCE,
                                SerializerFixture.committed("ShardMessage.v2.bin"))
                        .get(0);
        assertThat(v2.oldestPositiveTime()).isLessThan(v2.eventTime());
    }

    /**
     * A stamped row ends with RunCheckpoint's record less its version byte: version 1's layout,
     * which ParameterRow's versions 2 and 3 fix (their fixtures pin the bytes). A RunCheckpoint of
     * another version would change rows without a new row version: bump ParameterRow's with it,
     * reading versions 2 and 3's stamps as before, then update this test.
     */
    @Test
    void aRowEmbedsItsStampAsRunCheckpointVersionOne() throws Exception {
        RunCheckpoint stamp = new RunCheckpoint(new JobID(1L, 2L), 3L);
        ParameterRow row =
                new ParameterRow("i:1", new float[] {1}, new float[0], 4, 5, 6, 7f, 8)
                        .stamped(stamp);
        byte[] rowBytes = ParameterRowSerializer.INSTANCE.toBytes(row);
        byte[] stampRecord = RunCheckpointSerializer.INSTANCE.toBytes(stamp);

        assertThat(ParameterRowSerializer.INSTANCE.currentVersion()).isEqualTo(3);
        assertThat(RunCheckpointSerializer.INSTANCE.currentVersion())
                .as("RunCheckpoint's layout is embedded in ParameterRow v3 without a version byte")
                .isEqualTo(1);
        assertThat(stampRecord[0]).isEqualTo((byte) 1);
        assertThat(
                        Arrays.copyOfRange(
                                rowBytes, rowBytes.length - stampRecord.length, rowBytes.length))
                .as("a present-flag, then the stamp's fields")
                .isEqualTo(
                        withFirstByte(
                                (byte) 1, Arrays.copyOfRange(stampRecord, 1, stampRecord.length)));
    }

    private static byte[] withFirstByte(byte first, byte[] rest) {
        byte[] out = new byte[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Test
    void rejectsRecordsFromTheFuture() {
        byte[] future =
                UserEventSerializer.INSTANCE.toBytes(
                        new UserEvent("e", "u", "i", EventType.CLICK, Float.NaN, 1L));
        future[0] = 9;
        assertThatThrownBy(() -> UserEventSerializer.INSTANCE.fromBytes(future))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unsupported schema version 9");
    }
}
