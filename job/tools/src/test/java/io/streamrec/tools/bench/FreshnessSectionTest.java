package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.tools.quickstart.ReplayRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessSectionTest {
    @Test
    void checkpointsAreListedOnTheClientRequestsClockWithinTheTrainingWindow() {
        ReplayRun.TrainingWindow window = new ReplayRun.TrainingWindow(100, 10_000, 20_000);

        // two serving subtasks' stamps, out of order, one before and one after the window
        List<String> csv =
                FreshnessSection.checkpointsCsv(
                        List.of(11_500L, 9_000L, 10_998L, 11_002L, 20_500L), window);

        assertThat(csv).containsExactly("checkpoint_ms", "998", "1002", "1500");
    }
}
