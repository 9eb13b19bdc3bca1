package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;

/** Where the replay finds the REST endpoint of the MiniCluster its job runs on. */
class ReplayRunRestPortTest {
    @Test
    void withoutAPortAFreeOneIsSetAndTheStatisticsAreKeptFresh() throws Exception {
        Configuration conf = new Configuration();

        int port = ReplayRun.restPort(conf).orElseThrow();

        assertThat(port).isPositive();
        assertThat(conf.get(RestOptions.BIND_PORT)).isEqualTo(Integer.toString(port));
        assertThat(conf.get(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT))
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aPortTheConfigurationNamesIsKept() throws Exception {
        Configuration restPort = new Configuration();
        restPort.setString("rest.port", "8089");
        restPort.set(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT, Duration.ofSeconds(3));
        assertThat(ReplayRun.restPort(restPort)).hasValue(8089);
        assertThat(restPort.get(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT))
                .isEqualTo(Duration.ofSeconds(3));

        Configuration range = new Configuration();
        range.setString("rest.bind-port", "50100-50200");
        assertThat(ReplayRun.restPort(range)).isEmpty();
    }
}
