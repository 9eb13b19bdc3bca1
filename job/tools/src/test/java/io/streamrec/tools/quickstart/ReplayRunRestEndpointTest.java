package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/** Where the replay finds the REST endpoint of the MiniCluster its job runs on. */
class ReplayRunRestEndpointTest {
    /** Holds the test job's one record until the test has read the REST endpoint. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    /**
     * Another process that takes the port the replay's configuration names, between the
     * configuration and the MiniCluster's start, neither stops the MiniCluster nor misleads the
     * replay: the endpoint binds a port of its own and the replay reads that one back.
     */
    @Test
    void theEndpointTheMiniClusterBoundIsReadBackFromIt() throws Exception {
        Configuration conf = ReplayRun.withRestEndpoint(new Configuration());
        try (ServerSocket otherProcess = takeThePortNamedIn(conf)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            env.fromSequence(1, 1)
                    .map(
                            n -> {
                                RELEASE.await();
                                return n;
                            })
                    .sinkTo(new DiscardingSink<>());

            SubmittedJob submitted = SubmittedJob.submit(env, "rest endpoint test");

            JobClient job = submitted.client();
            try {
                URI rest = submitted.restAddress().orElseThrow();
                HttpResponse<String> answer =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                rest + "/jobs/" + job.getJobID()))
                                                .timeout(Duration.ofSeconds(10))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains(job.getJobID().toString());
            } finally {
                RELEASE.countDown();
                job.getJobExecutionResult().get();
            }
        }
    }

    @Test
    void withoutAPortTheEndpointPicksOneAndTheStatisticsAreKeptFresh() {
        Configuration conf = ReplayRun.withRestEndpoint(new Configuration());

        assertThat(conf.get(RestOptions.BIND_PORT)).isEqualTo("0");
        assertThat(conf.get(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT))
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aPortOrRangeTheConfigurationNamesIsKept() {
        Configuration restPort = new Configuration();
        restPort.setString("rest.port", "8089");
        restPort.set(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT, Duration.ofSeconds(3));
        Configuration withRest = ReplayRun.withRestEndpoint(restPort);
        assertThat(withRest.get(RestOptions.BIND_PORT)).isEqualTo("8089");
        assertThat(withRest.get(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(3));

        Configuration range = new Configuration();
        range.setString("rest.bind-port", "50100-50200");
        assertThat(ReplayRun.withRestEndpoint(range).get(RestOptions.BIND_PORT))
                .isEqualTo("50100-50200");
    }

    /** A socket on the one port {@code conf} names for the endpoint; null where it names none. */
    private static ServerSocket takeThePortNamedIn(Configuration conf) throws Exception {
        String named = conf.get(RestOptions.BIND_PORT);
        if (named.matches("\\d+") && Integer.parseInt(named) != 0) {
            return new ServerSocket(Integer.parseInt(named));
        }
        return null;
    }
}
