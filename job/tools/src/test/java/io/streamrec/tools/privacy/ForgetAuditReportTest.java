package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the audit judges what it read from a savepoint and the topic. */
class ForgetAuditReportTest {
    private static final String USER = "u42";
    private static final List<String> KEPT = List.of("u7");
    private static final Set<String> WORKER_USERS = Set.of("u7");
    private static final Set<String> ROW_KEYS = Set.of("u:u7", "i:i1");

    /**
     * A job under model.type BPR from its start keeps no candidate statistics: the audit says so
     * and does not take the kept user's absence from none for a loss.
     */
    @Test
    void aSavepointWithoutStatisticsPassesAndSaysItHasNone() {
        ObjectNode report =
                ForgetAudit.report(
                        "file:///sp", USER, KEPT, WORKER_USERS, ROW_KEYS, List.of(), "tombstone");

        assertThat(report.get("findings")).isEmpty();
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(report.get("statistics_entries").asInt()).isZero();
        assertThat(report.get("statistics").asText())
                .isEqualTo("none: the job kept no candidate statistics (model.type BPR)");
        assertThat(report.get("result").asText()).isEqualTo("forgotten");
    }

    /**
     * Both at once: a BPR savepoint (no statistics) audited after the tombstone was compacted away
     * passes as leaving no record, the kept user judged by the workers and parameter server alone.
     */
    @Test
    void aSavepointWithoutStatisticsAndNoRecordLeftPassesAsNoRecord() {
        ObjectNode report =
                ForgetAudit.report(
                        "file:///sp", USER, KEPT, WORKER_USERS, ROW_KEYS, List.of(), "none");

        assertThat(report.get("findings")).as(report.toString()).isEmpty();
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(report.get("statistics").asText())
                .isEqualTo("none: the job kept no candidate statistics (model.type BPR)");
        assertThat(report.get("result").asText()).isEqualTo("no_record");
        assertThat(report.get("note").asText()).contains("check the id");
    }

    /** Where there are statistics, a kept user they do not know is still a finding. */
    @Test
    void statisticsWithoutTheKeptUserLoseIt() {
        List<String> facts = List.of(ForgetAudit.StatisticsFacts.ENTRY);

        ObjectNode report =
                ForgetAudit.report(
                        "file:///sp", USER, KEPT, WORKER_USERS, ROW_KEYS, facts, "tombstone");

        assertThat(report.get("findings").get(0).asText()).isEqualTo("statistics lost u7");
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("statistics").asText()).isEqualTo("checked");
        assertThat(report.get("result").asText()).isEqualTo("failed");
    }
}
