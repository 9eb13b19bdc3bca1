package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.job.StreamrecOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class QuickstartJobConfigurationTest {
    @Test
    void servingRunsAsOneSubtaskUnlessAFlagSaysOtherwise() {
        Configuration defaults = QuickstartMain.jobConfiguration("b:9092", new Configuration());

        assertThat(defaults.get(StreamrecOptions.SERVING_PARALLELISM)).isEqualTo(1);
        assertThat(defaults.getOptional(StreamrecOptions.WORKER_PARALLELISM)).isEmpty();
        assertThat(defaults.get(StreamrecOptions.BOOTSTRAP_SERVERS)).isEqualTo("b:9092");

        Configuration flags = new Configuration();
        flags.set(StreamrecOptions.SERVING_PARALLELISM, 2);
        assertThat(
                        QuickstartMain.jobConfiguration("b:9092", flags)
                                .get(StreamrecOptions.SERVING_PARALLELISM))
                .isEqualTo(2);
    }
}
