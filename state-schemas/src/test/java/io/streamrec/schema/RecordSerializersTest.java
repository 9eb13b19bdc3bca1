package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;

class RecordSerializersTest {
    @Test
    void everyRecordRoundTrips() throws Exception {
        UserEvent event = new UserEvent("e", "u", "i", EventType.PURCHASE, 2.5f, 9L);
        assertThat(
                        UserEventSerializer.INSTANCE.fromBytes(
                                UserEventSerializer.INSTANCE.toBytes(event)))
                .isEqualTo(event);

        ParameterRow row =
                new ParameterRow("i:1", new float[] {1, 2}, new float[] {3}, 4, 5, 6, 7f, 8);
        ParameterRow back =
                ParameterRowSerializer.INSTANCE.fromBytes(
                        ParameterRowSerializer.INSTANCE.toBytes(row));
        assertThat(back.weights()).containsExactly(1, 2);
        assertThat(back.slots()).containsExactly(3);
        assertThat(back.version()).isEqualTo(4);
        assertThat(back.updates()).isEqualTo(5);
        assertThat(back.trendTime()).isEqualTo(8);
        assertThat(back.oldestNewPositiveTime()).isEqualTo(8);

        EvalMarker marker =
                new EvalMarker(1L, 2, List.of(event), List.<String[]>of(new String[] {"a"}));
        ShardMessage viaShard =
                ShardMessageSerializer.INSTANCE.fromBytes(
                        ShardMessageSerializer.INSTANCE.toBytes(ShardMessage.marker("k", marker)));
        assertThat(viaShard.marker().events()).containsExactly(event);
        assertThat(viaShard.marker().userItems().get(0)).containsExactly("a");

        ShardMessage gradient = ShardMessage.gradient("u:1", new float[] {0.5f}, 3, 1, 0.9f, 10L);
        ShardMessage g =
                ShardMessageSerializer.INSTANCE.fromBytes(
                        ShardMessageSerializer.INSTANCE.toBytes(gradient));
        assertThat(g.isGradient()).isTrue();
        assertThat(g.contributions()).isEqualTo(3);

        ServingRequest request =
                new ServingRequest(new RecommendationRequest("r", "u", 10, 1L), new String[] {"x"});
        ModelUpdate update =
                ModelUpdateSerializer.INSTANCE.fromBytes(
                        ModelUpdateSerializer.INSTANCE.toBytes(ModelUpdate.of(request)));
        assertThat(update.request().request()).isEqualTo(request.request());

        RecommendationResult result =
                new RecommendationResult(
                        "r",
                        "u",
                        List.of(new RecommendationResult.ScoredItem("i", 1.5f)),
                        "model",
                        3,
                        4);
        assertThat(
                        RecommendationResultSerializer.INSTANCE.fromBytes(
                                RecommendationResultSerializer.INSTANCE.toBytes(result)))
                .isEqualTo(result);
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
