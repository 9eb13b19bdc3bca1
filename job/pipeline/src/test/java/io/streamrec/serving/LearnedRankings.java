package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;

/** Learned rankings for tests: an empty catalog, a small factorization model beside it. */
final class LearnedRankings {
    private static final ModelConfig CONFIG = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);

    private LearnedRankings() {}

    static LearnedRanking of(RankerSettings settings) {
        ItemCatalog catalog = ItemCatalog.empty();
        return new LearnedRanking(
                new ServingModel(CONFIG, new ModelRowInitializer(CONFIG), catalog),
                settings,
                catalog,
                CONFIG.trendHalfLifeMs());
    }
}
