package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CPU per event from each stage's CPU seconds and the events trained between the samples. */
class PipelineBenchTest {

    @Test
    void cpuPerEventIsEachStagesCpuOverTheEventsTrained() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("workers", 2.0);
        seconds.put("serving", 0.5);

        assertThat(PipelineBench.microsPerEvent(seconds, 1_000_000))
                .containsExactly(Map.entry("workers", 2.0), Map.entry("serving", 0.5));
    }

    /**
     * No event trained between the samples (a window of one event, or none: its rate is NaN, or the
     * samples span no time): CPU per event is not measured, NaN, never Infinity.
     */
    @Test
    void cpuPerEventWithoutAnEventTrainedIsNotMeasured() {
        Map<String, Double> seconds = Map.of("workers", 2.0);

        assertThat(PipelineBench.microsPerEvent(seconds, 0).get("workers")).isNaN();
        assertThat(PipelineBench.microsPerEvent(seconds, -0.0).get("workers")).isNaN();
        assertThat(PipelineBench.microsPerEvent(seconds, Double.NaN).get("workers")).isNaN();
    }
}
