package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The untimed warm-up before the timed pipeline runs stays short however long the runs are. */
class PipelineSectionTest {

    @Test
    void theWarmUpIsTwentyThousandEventsOrAllOfAShorterRun() {
        assertThat(PipelineSection.warmUpEvents(100_000)).isEqualTo(20_000);
        assertThat(PipelineSection.warmUpEvents(1_000_000)).isEqualTo(20_000);
        assertThat(PipelineSection.warmUpEvents(15_000)).isEqualTo(15_000);
        assertThat(PipelineSection.warmUpEvents(0)).isZero();
    }
}
