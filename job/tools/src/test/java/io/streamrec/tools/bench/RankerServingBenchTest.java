package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.schema.ItemRecord;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class RankerServingBenchTest {
    private static final ItemCatalog REAL =
            new ItemCatalog(
                    IntStream.range(0, 20)
                            .mapToObj(
                                    i ->
                                            new ItemRecord(
                                                    "m" + i,
                                                    "movie " + i,
                                                    List.of(i % 2 == 0 ? "Drama" : "Comedy")))
                            .toList());

    @Test
    void answersEveryRequestWithARankingOfTheUsersCandidates() {
        try (RankerServingBench bench =
                RankerServingBench.synthetic(
                        REAL,
                        300,
                        200,
                        4,
                        new JobSettings(new Configuration()).model(),
                        7,
                        line -> {})) {
            assertThat(bench.items()).isEqualTo(300);
            assertThat(bench.events()).isEqualTo(800);

            RankerServingBench.Result result = bench.run(20, 100, 1);

            assertThat(result.latenciesMs()).hasSize(100);
            assertThat(Arrays.stream(result.latenciesMs()).min().orElseThrow()).isPositive();
            // the popularity sources alone return dozens; the user's own items are excluded
            assertThat(result.candidatesPerRequest()).isBetween(30.0, 300.0 - 1);
            assertThat(result.p50Ms()).isLessThanOrEqualTo(result.p99Ms());
            assertThat(result.p99Ms()).isLessThanOrEqualTo(result.maxMs());
            assertThat(result.requestsPerSecond()).isPositive();
        }
    }
}
