package io.streamrec.tools.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.LatestReports;
import io.streamrec.ps.RunLineage;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ModelAuditTest {
    private static final JobID FIRST = new JobID(1, 1);
    private static final JobID SECOND = new JobID(2, 2);
    private static final JobID AUDITED = new JobID(3, 3);

    private static ParameterRow row(JobID job, long checkpoint) {
        return new ParameterRow("u:1", new float[1], new float[1], 1, 1, 0, 0f, 0L)
                .stamped(new RunCheckpoint(job, checkpoint));
    }

    @Test
    void theLineageTakesEarlierRunsUpToTheirRestoredCheckpointAndAllOfTheAuditedRun() {
        RunLineage lineage =
                ModelAudit.lineage(AUDITED.toHexString(), FIRST + ":5," + SECOND + ":2");

        assertThat(lineage.accepts(row(FIRST, 5))).isTrue();
        assertThat(lineage.accepts(row(FIRST, 6))).isFalse();
        assertThat(lineage.accepts(row(SECOND, 3))).isFalse();
        assertThat(lineage.accepts(row(AUDITED, 99))).isTrue();
        assertThat(lineage.accepts(row(new JobID(), 1))).isFalse();
    }

    @Test
    void withoutARunEveryRowIsTaken() {
        assertThat(ModelAudit.lineage("", "")).isNull();
    }

    @Test
    void aMismatchFailsTheAudit() {
        // no rows at all: the user's one event was never applied
        ObjectNode result = reportOfOneEventAndNoRows();

        assertThat(result.get("mismatches")).isNotEmpty();
        assertThat(ModelAudit.passed(result)).isFalse();
    }

    @Test
    void anInputWhoseRowsCannotBeDerivedFailsTheAudit() {
        // expected updates -1: item A is not in the catalog, so no row could be checked
        ObjectNode result = reportOfOneEventAndNoRows();

        assertThat(result.get("mismatches"))
                .anySatisfy(m -> assertThat(m.asText()).startsWith("expected row counts not"));
    }

    /** The audit of user u1's one event on item A, outside the catalog, with no rows read. */
    private static ObjectNode reportOfOneEventAndNoRows() {
        ModelAudit audit = new ModelAudit(new Configuration(), "", 0, null);
        List<UserEvent> events = List.of(new UserEvent("e1", "u1", "A", EventType.RATING, 1f, 1L));
        return audit.report(
                events, Map.of("u:u1", 1L), -1, Map.of(), Map.of(), new LatestReports());
    }

    @Test
    void resultsAreSplitIntoStretchesAtEachRestoreOfAnOlderCheckpoint() {
        ModelAudit audit = new ModelAudit(new Configuration(), "", 0, null);
        audit.resultsCuts = ModelAudit.resultsCuts("0:10,1:20/0:30,1:40");

        assertThat(audit.stretch(0, 9)).isZero();
        assertThat(audit.stretch(0, 10)).isEqualTo(1);
        assertThat(audit.stretch(1, 19)).isZero();
        assertThat(audit.stretch(1, 45)).isEqualTo(2);
        assertThat(audit.stretch(2, 1000)).isZero();
    }
}
