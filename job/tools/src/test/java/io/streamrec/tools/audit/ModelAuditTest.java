package io.streamrec.tools.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.LatestReports;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.DeadLetterJson;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.ModelOptions;
import io.streamrec.model.ModelConfig;
import io.streamrec.ps.RunLineage;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit of a small input that passes, then of the same input with one thing changed per test:
 * each check must name exactly what went wrong, and only that.
 */
class ModelAuditTest {
    private static final JobID FIRST = new JobID(1, 1);
    private static final JobID SECOND = new JobID(2, 2);
    private static final JobID AUDITED = new JobID(3, 3);

    // two items, one negative: every event trains both items and both attributes (as in
    // ExpectedContributionsTest), so each event touches the same 8 rows, 3 * 8 = 24 updates in all
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("A", "a", List.of("g1"), new float[0]),
                            new ItemRecord("B", "b", List.of("g2"), new float[0])));
    private static final ModelConfig MODEL = new ModelConfig(4, 1, 2, 86_400_000L, 7L);

    private final List<UserEvent> events =
            new ArrayList<>(
                    List.of(
                            event("e1", "u1", "A"),
                            event("e2", "u1", "B"),
                            event("e3", "u2", "A")));

    /** The rows a run without failures ends with, each at version 1. */
    private final Map<String, ParameterRow> rows = new HashMap<>();

    private final Map<String, Integer> answers = new HashMap<>(Map.of("req-1", 1, "req-2", 1));

    /** One rejected record that is no event: the job was right to dead-letter it. */
    private final List<String> deadLetters =
            new ArrayList<>(
                    List.of(
                            DeadLetterJson.of(
                                    "invalid_json",
                                    "not JSON",
                                    "events",
                                    "events",
                                    0,
                                    7L,
                                    "not json".getBytes(StandardCharsets.UTF_8))));

    /** The ranks of the one evaluated event: the model hits it, the baselines miss. */
    private int[] ranks = {0, -1, -1, -1};

    ModelAuditTest() {
        row("u:u1", 1, 2, 0);
        row("u:u2", 1, 1, 0);
        row("i:A", 1, 3, 2);
        row("i:B", 1, 3, 1);
        row("a:g1", 1, 3, 0);
        row("a:g2", 1, 3, 0);
        row("dense:W", 1, 3, 0);
        row("dense:c", 1, 3, 0);
        row("dense:phi", 1, 3, 0);
    }

    @Test
    void anInputAppliedExactlyOncePassesTheAudit() throws IOException {
        ObjectNode result = audit();

        assertThat(mismatches(result)).isEmpty();
        assertThat(ModelAudit.passed(result)).isTrue();
        assertThat(result.get("row_updates").asLong()).isEqualTo(24);
        assertThat(result.get("expected_row_updates").asLong()).isEqualTo(24);
        assertThat(result.get("rows_checked").asLong()).isEqualTo(9);
        assertThat(result.get("requests_answered").asLong()).isEqualTo(2);
        assertThat(result.get("dead_letters").asLong()).isEqualTo(1);
        assertThat(result.get("dead_lettered_accepted").asLong()).isZero();
    }

    @Test
    void aRowCounterOffByOneFailsTheRowCheck() throws IOException {
        row("i:B", 1, 4, 1); // one event applied twice to i:B only

        ObjectNode result = audit();

        assertThat(mismatches(result))
                .containsExactly(
                        "all row updates: expected 24, got 25",
                        "rows whose counters differ from a run without failures: expected 0, got 1");
        // as the audit's printed line shows it
        assertThat(result.toString())
                .contains("\"rows_counters_off_examples\":[\"i:B updates 4/3 positives 1/1\"]");
    }

    @Test
    void rowCountersOffInWaysThatCancelOutFailOnlyTheRowCheck() throws IOException {
        // an update counted on a:g1 instead of a:g2: every total still adds up
        row("a:g1", 1, 4, 0);
        row("a:g2", 1, 2, 0);

        assertThat(mismatches(audit()))
                .containsExactly(
                        "rows whose counters differ from a run without failures: expected 0, got 2");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 4})
    void aRowVersionOutsideOneToItsUpdatesFailsTheAudit(long version) throws IOException {
        row("a:g1", version, 3, 0);

        ObjectNode result = audit();

        assertThat(mismatches(result))
                .containsExactly("rows whose version is outside 1..updates: expected 0, got 1");
        assertThat(result.get("rows_versions_off").asLong()).isEqualTo(1);
    }

    @Test
    void aRequestAnsweredTwiceFailsTheAudit() throws IOException {
        answers.put("req-1", 2);

        ObjectNode result = audit();

        assertThat(mismatches(result))
                .containsExactly("requests answered more than once: expected 0, got 1");
        assertThat(result.get("requests_answered_twice").asLong()).isEqualTo(1);
    }

    @Test
    void aRequestNotAnsweredFailsTheAudit() throws IOException {
        answers.remove("req-2");

        assertThat(mismatches(audit())).containsExactly("requests answered: expected 2, got 1");
    }

    @Test
    void anAcceptedEventDeadLetteredFailsTheAudit() throws IOException {
        deadLetters.add(DeadLetterJson.ofEvent("flood", "too many", events.get(1)));

        ObjectNode result = audit();

        assertThat(mismatches(result))
                .containsExactly("accepted events dead-lettered: expected 0, got 1");
        assertThat(result.get("dead_letters").asLong()).isEqualTo(2);
        assertThat(result.get("dead_lettered_accepted").asLong()).isEqualTo(1);
    }

    @Test
    void aUserCounterOffFailsTheUserCheck() throws IOException {
        // u1's second event lost on its user row only; the totals and the row check see it too
        row("u:u1", 1, 1, 0);

        assertThat(mismatches(audit()))
                .containsExactly(
                        "user row updates: expected 3, got 2",
                        "all row updates: expected 24, got 23",
                        "users whose counter differs from their events: expected 0, got 1",
                        "rows whose counters differ from a run without failures: expected 0, got 1");
    }

    @Test
    void anInputWithAnItemOutsideTheCatalogFailsTheAudit() throws IOException {
        // the same rows, but e3's item C is unknown: no row's expected counters can be derived
        events.set(2, event("e3", "u2", "C"));

        ObjectNode result = audit();

        assertThat(mismatches(result))
                .containsExactly(
                        "expected row counts not derivable: an event's item is not in the catalog"
                                + " (items.path), so no row's counters were checked");
        assertThat(result.has("rows_checked")).isFalse();
    }

    @Test
    void aModelNotBeatingPopularityFailsTheAudit() throws IOException {
        ranks = new int[] {0, 0, -1, -1};

        assertThat(mismatches(audit()))
                .containsExactly("model HR@10 1.0000 does not beat popularity 1.0000");
    }

    @Test
    void theLineageTakesEarlierRunsUpToTheirRestoredCheckpointAndAllOfTheAuditedRun() {
        RunLineage lineage =
                ModelAudit.lineage(AUDITED.toHexString(), FIRST + ":5," + SECOND + ":2");

        assertThat(lineage.accepts(stampedRow(FIRST, 5))).isTrue();
        assertThat(lineage.accepts(stampedRow(FIRST, 6))).isFalse();
        assertThat(lineage.accepts(stampedRow(SECOND, 3))).isFalse();
        assertThat(lineage.accepts(stampedRow(AUDITED, 99))).isTrue();
        assertThat(lineage.accepts(stampedRow(new JobID(), 1))).isFalse();
    }

    @Test
    void withoutARunEveryRowIsTaken() {
        assertThat(ModelAudit.lineage("", "")).isNull();
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

    /**
     * Under {@code privacy.user-id-key-file} the rows are keyed by pseudonym: the audit reads the
     * raw events and must count each user under the pseudonym the job gives it (until 2026-12-07
     * every user was "off").
     */
    @Test
    void underTheJobsUserIdKeyUsersAreCountedByTheirPseudonyms(@TempDir Path dir)
            throws IOException {
        Path keyFile = dir.resolve("user-id.key");
        Files.write(keyFile, new byte[UserPseudonyms.MIN_KEY_BYTES]);
        Configuration conf = new Configuration();
        conf.set(PrivacyOptions.USER_ID_KEY_FILE, keyFile.toString());
        ModelAudit audit = new ModelAudit(conf, "req-", 2, null);
        List<UserEvent> read = new ArrayList<>();
        EventJsonCodec codec = new EventJsonCodec();
        for (UserEvent e : events) {
            audit.takeEvent(codec, codec.toJson(e), read, new HashSet<>());
        }
        UserPseudonyms pseudonyms = UserPseudonyms.fromKeyFile(keyFile);
        rows.remove("u:u1");
        rows.remove("u:u2");
        row("u:" + pseudonyms.of("u1"), 1, 2, 0);
        row("u:" + pseudonyms.of("u2"), 1, 1, 0);

        ObjectNode result = audit(audit, read);

        assertThat(mismatches(result)).isEmpty();
        assertThat(result.get("users").asLong()).isEqualTo(2);
    }

    /**
     * With {@code model.recent-negative-fraction} drawing negatives from the workers' rings of
     * recent positives, which hold what the users' events interleaved into at each worker, the
     * input alone does not decide which items an event trains: the per-row check is skipped, and
     * said so, while the checks that do not depend on negatives still run.
     */
    @Test
    void negativesFromRecentPositivesSkipThePerRowCheckAndSayWhy() throws IOException {
        Configuration conf = new Configuration();
        conf.set(ModelOptions.RECENT_NEGATIVE_FRACTION, 0.5); // MODEL's one negative: from the ring
        // a ring that held A when e3 (an event of A) drew: its negative fell back to B; as a
        // larger catalog would show it, one item row more and one less than uniform draws
        row("i:A", 1, 2, 2);
        row("i:B", 1, 4, 1);

        ObjectNode result = audit(new ModelAudit(conf, "req-", 2, null), events);

        assertThat(mismatches(result)).isEmpty();
        assertThat(result.has("rows_checked")).isFalse();
        assertThat(result.get("rows_not_checked").asText())
                .contains("model.recent-negative-fraction");

        // a lost event still fails the checks that remain
        row("u:u1", 1, 1, 0);
        assertThat(mismatches(audit(new ModelAudit(conf, "req-", 2, null), events)))
                .contains("user row updates: expected 3, got 2");
    }

    /** The audit of this test's input, as {@code ModelAudit} runs it after reading Kafka. */
    private ObjectNode audit() throws IOException {
        return audit(new ModelAudit(new Configuration(), "req-", 2, null), events);
    }

    private ObjectNode audit(ModelAudit audit, List<UserEvent> events) throws IOException {
        ModelAudit.DeadLetters dead = new ModelAudit.DeadLetters();
        deadLetters.forEach(d -> dead.add(d.getBytes(StandardCharsets.UTF_8)));
        PrequentialCounts counts = new PrequentialCounts(0);
        counts.record(0L, ranks);
        LatestReports reports = new LatestReports();
        reports.add(
                new EvalReportCodec.Report(
                        counts,
                        1,
                        events.size(),
                        1,
                        1_000L,
                        new EvalReportCodec.Throughput(0, 0, 0),
                        new LatencyHistogram()));
        return audit.audit(
                events,
                audit.expected(events, CATALOG, MODEL, 1_000),
                rows,
                answers,
                reports,
                dead);
    }

    private void row(String key, long version, long updates, long positives) {
        rows.put(
                key,
                new ParameterRow(
                        key, new float[4], new float[4], version, updates, positives, 0f, 0L));
    }

    private static List<String> mismatches(ObjectNode result) {
        List<String> list = new ArrayList<>();
        result.get("mismatches").forEach((JsonNode m) -> list.add(m.asText()));
        return list;
    }

    private static UserEvent event(String id, String user, String item) {
        return new UserEvent(id, user, item, EventType.RATING, 1f, 1L);
    }

    private static ParameterRow stampedRow(JobID job, long checkpoint) {
        return new ParameterRow("u:1", new float[1], new float[1], 1, 1, 0, 0f, 0L)
                .stamped(new RunCheckpoint(job, checkpoint));
    }
}
