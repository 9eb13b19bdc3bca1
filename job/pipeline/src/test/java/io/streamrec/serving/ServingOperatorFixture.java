package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.schema.ItemRecord;
import java.util.List;
import java.util.stream.IntStream;

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
}
