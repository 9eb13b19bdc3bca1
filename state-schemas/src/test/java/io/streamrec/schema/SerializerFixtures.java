package io.streamrec.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.JobID;

/**
 * The expected records of every committed serializer fixture. When a serializer's schema version
 * goes up, add an entry for the new version (and write its files once); keep the old entries, with
 * the values today's reader gives for the old bytes (old fields as written, new fields at their
 * defaults).
 */
final class SerializerFixtures {
    private SerializerFixtures() {}

    private static final UserEvent CLICK =
            new UserEvent(
                    "ev-1", "user-ü", "item-1", EventType.CLICK, Float.NaN, 1_600_000_000_123L);
    private static final UserEvent RATING =
            new UserEvent("ev-2", "u2", "item-2", EventType.RATING, 4.5f, 1_600_000_060_000L);
    private static final EvalMarker MARKER =
            new EvalMarker(
                    -7_123_456_789L,
                    4,
                    List.of(CLICK, RATING),
                    List.of(new String[] {}, new String[] {"item-0", "item-1"}));
    private static final RecommendationRequest REQUEST =
            new RecommendationRequest("req-1", "user-ü", 10, 1_600_000_000_500L);
    private static final ServingRequest SERVING_REQUEST =
            new ServingRequest(REQUEST, new String[] {"item-1", "item-2"});
    private static final ParameterRow ITEM_ROW =
            new ParameterRow(
                    "i:item-1",
                    new float[] {0.25f, -1.5f, Float.MIN_VALUE},
                    new float[] {0.01f, 0.02f, 0.03f},
                    42L,
                    97L,
                    13L,
                    3.75f,
                    1_600_000_060_000L);

    /** An item row whose latest positives span 1_599_999_990_000..1_600_000_060_000 ms. */
    private static final ParameterRow ITEM_ROW_WITH_OLDEST =
            new ParameterRow(
                    "i:item-1",
                    new float[] {0.25f, -1.5f, Float.MIN_VALUE},
                    new float[] {0.01f, 0.02f, 0.03f},
                    42L,
                    97L,
                    13L,
                    3.75f,
                    1_600_000_060_000L,
                    1_599_999_990_000L);

    private static final ParameterRow SERVING_ROW =
            new ParameterRow("u:u2", new float[] {1f, -0f}, new float[] {}, 1L, 1L, 0L, 0f, 0L);

    private static final RunCheckpoint STAMP =
            new RunCheckpoint(new JobID(0x0123456789abcdefL, 0xfedcba9876543210L), 7L);

    static final List<SerializerFixture<?>> ALL =
            List.of(
                    new SerializerFixture<>(
                            "UserEvent",
                            1,
                            UserEventSerializer.INSTANCE,
                            List.of(
                                    new UserEvent(
                                            "ev-0", "u0", "item-0", EventType.VIEW, Float.NaN, 0L),
                                    CLICK,
                                    new UserEvent("ev-3", "u3", "item-3", EventType.CART, 1f, 1L),
                                    new UserEvent(
                                            "ev-4",
                                            "u4",
                                            "item-4",
                                            EventType.PURCHASE,
                                            -2f,
                                            Long.MAX_VALUE),
                                    RATING)),
                    new SerializerFixture<>(
                            "ParameterRow",
                            1,
                            ParameterRowSerializer.INSTANCE,
                            List.of(ITEM_ROW, SERVING_ROW)),
                    new SerializerFixture<>(
                            "ParameterRow",
                            2,
                            ParameterRowSerializer.INSTANCE,
                            List.of(ITEM_ROW.stamped(STAMP), SERVING_ROW)),
                    new SerializerFixture<>(
                            "ParameterRow",
                            3,
                            ParameterRowSerializer.INSTANCE,
                            List.of(
                                    ITEM_ROW_WITH_OLDEST.stamped(STAMP),
                                    ITEM_ROW_WITH_OLDEST,
                                    SERVING_ROW,
                                    ParameterRow.tombstone("u:u2"))),
                    new SerializerFixture<>(
                            "RunCheckpoint",
                            1,
                            RunCheckpointSerializer.INSTANCE,
                            List.of(STAMP, new RunCheckpoint(new JobID(0L, 0L), 0L))),
                    new SerializerFixture<>(
                            "EvalMarker",
                            1,
                            EvalMarkerSerializer.INSTANCE,
                            List.of(MARKER, new EvalMarker(0L, 1, List.of(), List.of()))),
                    new SerializerFixture<>(
                            "EvalMarker",
                            2,
                            EvalMarkerSerializer.INSTANCE,
                            List.of(MARKER, EvalMarker.forget(-5L, 3, "user-ü"))),
                    new SerializerFixture<>(
                            "ShardMessage",
                            1,
                            ShardMessageSerializer.INSTANCE,
                            List.of(
                                    ShardMessage.gradient(
                                            "i:item-1",
                                            new float[] {0.5f, -0.125f},
                                            3,
                                            2,
                                            1.75f,
                                            1_600_000_060_000L),
                                    ShardMessage.marker("shard-0", MARKER),
                                    ShardMessage.request("shard-1", SERVING_REQUEST))),
                    new SerializerFixture<>(
                            "ShardMessage",
                            2,
                            ShardMessageSerializer.INSTANCE,
                            List.of(
                                    ShardMessage.gradient(
                                            "i:item-1",
                                            new float[] {0.5f, -0.125f},
                                            3,
                                            2,
                                            1.75f,
                                            1_600_000_060_000L,
                                            1_599_999_990_000L),
                                    ShardMessage.gradient("u:u2", new float[] {1f}, 1, 0, 0f, 0L),
                                    ShardMessage.marker("shard-0", MARKER),
                                    ShardMessage.request("shard-1", SERVING_REQUEST))),
                    new SerializerFixture<>(
                            "ModelUpdate",
                            1,
                            ModelUpdateSerializer.INSTANCE,
                            List.of(
                                    ModelUpdate.of(ITEM_ROW),
                                    ModelUpdate.of(MARKER),
                                    ModelUpdate.of(SERVING_REQUEST))),
                    new SerializerFixture<>(
                            "RawRecord",
                            1,
                            RawRecordSerializer.INSTANCE,
                            List.of(
                                    new RawRecord(
                                            "events",
                                            1,
                                            123_456_789_012L,
                                            "{\"eventId\":\"ev-1\"}"
                                                    .getBytes(StandardCharsets.UTF_8)),
                                    new RawRecord("items", 0, 0L, new byte[0]),
                                    new RawRecord("requests", 2, 7L, null))),
                    new SerializerFixture<>(
                            "ItemRecord",
                            1,
                            ItemRecordSerializer.INSTANCE,
                            List.of(
                                    new ItemRecord(
                                            "item-1",
                                            "Amélie (2001)",
                                            List.of("Comedy", "Romance"),
                                            new float[] {1f, 0f, -1f}),
                                    new ItemRecord("item-2", "", List.of()))),
                    new SerializerFixture<>(
                            "RecommendationRequest",
                            1,
                            RecommendationRequestSerializer.INSTANCE,
                            List.of(REQUEST)),
                    new SerializerFixture<>(
                            "RecommendationResult",
                            1,
                            RecommendationResultSerializer.INSTANCE,
                            List.of(
                                    new RecommendationResult(
                                            "req-1",
                                            "user-ü",
                                            List.of(
                                                    new RecommendationResult.ScoredItem(
                                                            "item-3", 2.5f),
                                                    new RecommendationResult.ScoredItem(
                                                            "item-4", -0.75f)),
                                            "model",
                                            1234L,
                                            1_600_000_000_900L),
                                    new RecommendationResult(
                                            "req-2", "nobody", List.of(), "cold-start", 0L, 1L))),
                    new SerializerFixture<>(
                            "ServingRequest",
                            1,
                            ServingRequestSerializer.INSTANCE,
                            List.of(
                                    SERVING_REQUEST,
                                    new ServingRequest(
                                            new RecommendationRequest("req-2", "u0", 1, 0L),
                                            new String[] {}))));
}
