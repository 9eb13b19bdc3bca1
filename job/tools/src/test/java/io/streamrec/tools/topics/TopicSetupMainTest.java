package io.streamrec.tools.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.job.TopicSetup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link TopicSetupMain} prints of an existing topic unlike the job's. */
class TopicSetupMainTest {

    @Test
    void eachMismatchIsAWarningLineNamingTheTopicWhatItHasAndWhatTheJobAsks() {
        assertThat(
                        TopicSetupMain.warnings(
                                List.of(
                                        new TopicSetup.Mismatch(
                                                "events", "1 partition", "asks for 2", false))))
                .containsExactly(
                        "WARNING: topic events has 1 partition, the job asks for 2; left as it is");
    }
}
