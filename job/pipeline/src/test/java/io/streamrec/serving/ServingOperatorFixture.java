package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/** The small model and catalog the serving operator's harness tests run on. */
final class ServingOperatorFixture {
    private ServingOperatorFixture() {}

    static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);
    static final ModelRowInitializer INIT = new ModelRowInitializer(MODEL);
    static final int ITEMS = 30;

    /** Items i0 .. i29, without attributes. */
    static final ItemCatalog CATALOG =
            new ItemCatalog(
                    IntStream.range(0, ITEMS)
                            .mapToObj(i -> new ItemRecord("i" + i, "item " + i, List.of()))
                            .toList());

    /** The factorization model, a 1-day trend half-life, every event evaluated, no ANN. */
    static final ServingSettings BPR = new ServingSettings(86_400_000L, 1.0, Integer.MAX_VALUE);

    /** A user's row at {@code version}, with its initial weights. */
    static ParameterRow userRow(String user, long version) {
        return new ParameterRow(
                RowKeys.user(user),
                INIT.initialWeights(RowKeys.user(user)),
                new float[0],
                version,
                version,
                0L,
                0f,
                0L);
    }

    /** The reason of the answer to a request of {@code user} ("model", "cold-start", ...). */
    static String reasonFor(
            OneInputStreamOperatorTestHarness<ModelUpdate, RecommendationResult> h, String user)
            throws Exception {
        h.processElement(
                new StreamRecord<>(
                        ModelUpdate.of(
                                new ServingRequest(
                                        new RecommendationRequest("r-" + user, user, 2, 5L),
                                        new String[0]))));
        List<RecommendationResult> out = h.extractOutputValues();
        return out.get(out.size() - 1).reason();
    }
}
