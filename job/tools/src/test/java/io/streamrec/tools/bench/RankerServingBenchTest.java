package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.schema.ItemRecord;
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
    void answersEveryRequestFromTheCandidatesOfATrainedRanker() {
        JobSettings job = new JobSettings(new Configuration());
        // more events than the bench trains on: the first ones only update the statistics
        int users = 40;
        int eventsPerUser = 150;
        try (RankerServingBench bench =
                RankerServingBench.synthetic(
                        REAL,
                        300,
                        users,
                        eventsPerUser,
                        job.model(),
                        job.serving().ranker(),
                        7,
                        line -> {})) {
            assertThat(bench.events())
                    .isEqualTo(users * eventsPerUser)
                    .isGreaterThan(RankerServingBench.TRAINED_EVENTS);

            RankerServingBench.Result result = bench.run(20, 100, 1);

            assertThat(result.latenciesMs()).hasSize(100);
            // every request is ranked over the popularity sources' items at least, and never over
            // the whole catalog: a user's own items are excluded
            assertThat(result.fewestCandidates()).isGreaterThanOrEqualTo(10);
            assertThat(result.candidatesPerRequest()).isLessThan(300.0);
        }
    }
}
