package io.streamrec.tools.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.config.CommandLine;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatestReports;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.PseudonymizeUsers;
import io.streamrec.job.JobSettings;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.RunLineage;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RunCheckpoint;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Checks from the outside, reading only Kafka, that a running (or stopped) streamrec job applied
 * every event of its {@code events} topic exactly once and answered every request exactly once:
 *
 * <ul>
 *   <li>every user row's update counter equals that user's number of events (one contribution per
 *       event), the {@code dense:W} counter and the sum of positives equal the number of events;
 *   <li>the sum of all rows' update counters equals {@link ExpectedContributions} of the input, and
 *       so does every row's update and positive counter (what a run without failures ends with;
 *       versions are not, docs/architecture.md, "Exactly-once model evolution": each is between 1
 *       and the row's updates);
 *   <li>every request id with the given prefix is in {@code results} exactly once (read_committed);
 *   <li>no event the input makes valid and new is in {@code dead-letters};
 *   <li>the model's prequential HR@10 beats all-time popularity's.
 * </ul>
 *
 * <p>It reads the events alone, not forget requests: where a forget falls among its user's events
 * is decided at the worker, not in Kafka, so it audits runs without forgets (the cluster smoke and
 * the fault campaign send none; {@link ExpectedContributions} applies forgets given in order).
 *
 * <p>After a restore from an older checkpoint the topic also holds rows of the abandoned run; with
 * {@code --run} (the audited job's JobID) and {@code --lineage} (the earlier runs its state
 * descends from, each with its last checkpoint in it) the audit takes only the rows the job's own
 * replicas take ({@link RunLineage}).
 *
 * <p>It waits (up to {@code --timeout-s}) for the job to catch up, then prints one JSON line with
 * the figures and the mismatches, and exits non-zero on any. Usage: {@code ModelAudit
 * -Dkafka.bootstrap-servers=... -Ditems.path=... [--requests-prefix P --requests N] [--run J
 * --lineage J1:C1,J2:C2] [--timeout-s T]}.
 */
public final class ModelAudit {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("ModelAudit")
                    .value("requests-prefix", "P", "request ids that must be answered start with P")
                    .value("requests", "N", "how many such requests there are (default 0)")
                    .value(
                            "timeout-s",
                            "T",
                            "seconds to wait for the job to catch up (default 120)")
                    .value("rows-off", "FILE", "write every row whose counters are off to FILE")
                    .value(
                            "results-cuts",
                            "P:O,.../...",
                            "results offsets per partition at each restore of an older checkpoint"
                                    + " (the abandoned run answered up to there)")
                    .value("run", "J", "JobID of the audited job: take only its lineage's rows")
                    .value(
                            "lineage",
                            "J1:C1,...",
                            "earlier runs the job's state descends from, each with its last"
                                    + " checkpoint in it (with --run)")
                    .options("the job's options (bootstrap servers, topics, items.path, ...)")
                    // a day; beyond a long's nanoseconds Duration.toNanos would throw
                    .range("timeout-s", 0, 86_400)
                    .range("requests", 0, Integer.MAX_VALUE);

    private final JobSettings settings;
    private final Properties kafka;
    private final String requestsPrefix;
    private final int expectedRequests;
    private final RunLineage lineage;

    /** User ids as the job sees them: pseudonyms under the job's user id key, else raw. */
    private final UnaryOperator<String> users;

    private String rowsOffFile;

    /** Per restore of an older checkpoint, the results end offset of each partition then. */
    List<Map<Integer, Long>> resultsCuts = List.of();

    /** Per request id, its answers in each stretch of results between cuts. */
    private final Map<String, Map<Integer, Integer>> answersPerStretch = new HashMap<>();

    /** Per event key, how often the input repeats it after its first copy. */
    private final Map<String, Long> inputRepeats = new HashMap<>();

    ModelAudit(
            Configuration conf, String requestsPrefix, int expectedRequests, RunLineage lineage) {
        this.settings = new JobSettings(conf);
        this.kafka = settings.kafka().toProperties();
        this.requestsPrefix = requestsPrefix;
        this.expectedRequests = expectedRequests;
        this.lineage = lineage;
        this.users = users(settings.userIdKeyFile());
    }

    /**
     * The job's pseudonyms with {@code privacy.user-id-key-file} (the rows and the workers' dead
     * letters name users by them, and negatives are seeded by them), raw ids without.
     */
    private static UnaryOperator<String> users(Optional<String> keyFile) {
        if (keyFile.isEmpty()) {
            return UnaryOperator.identity();
        }
        try {
            return UserPseudonyms.fromKeyFile(Path.of(keyFile.get()))::of;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the audit needs the job's user id key to find its users' rows: "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@code 0:12,1:34/0:56,1:78}: two cuts, each an offset per results partition. */
    static List<Map<Integer, Long>> resultsCuts(String spec) {
        List<Map<Integer, Long>> cuts = new ArrayList<>();
        for (String cut : spec.split("/")) {
            if (cut.isBlank()) {
                continue;
            }
            Map<Integer, Long> offsets = new HashMap<>();
            for (String entry : cut.split(",")) {
                String[] partitionAndOffset = entry.trim().split(":");
                offsets.put(
                        Integer.parseInt(partitionAndOffset[0]),
                        Long.parseLong(partitionAndOffset[1]));
            }
            cuts.add(offsets);
        }
        return cuts;
    }

    /** The stretch of results (between cuts) an offset of a partition is in. */
    int stretch(int partition, long offset) {
        int stretch = 0;
        for (Map<Integer, Long> cut : resultsCuts) {
            if (offset >= cut.getOrDefault(partition, Long.MAX_VALUE)) {
                stretch++;
            }
        }
        return stretch;
    }

    /** The lineage from {@code --run J --lineage J1:C1,J2:C2}; null without {@code --run}. */
    static RunLineage lineage(String run, String earlier) {
        if (run.isEmpty()) {
            return null;
        }
        List<RunCheckpoint> stored = new ArrayList<>();
        for (String entry : earlier.split(",")) {
            if (!entry.isBlank()) {
                String[] jobAndCheckpoint = entry.trim().split(":");
                stored.add(
                        new RunCheckpoint(
                                JobID.fromHexString(jobAndCheckpoint[0]),
                                Long.parseLong(jobAndCheckpoint[1])));
            }
        }
        return RunLineage.of(JobID.fromHexString(run), stored, !stored.isEmpty());
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        ModelAudit audit =
                new ModelAudit(
                        cli.options(),
                        cli.value("requests-prefix", ""),
                        cli.intValue("requests", 0),
                        lineage(cli.value("run", ""), cli.value("lineage", "")));
        audit.rowsOffFile = cli.value("rows-off").orElse(null);
        audit.resultsCuts = resultsCuts(cli.value("results-cuts", ""));
        ObjectNode result = audit.run(Duration.ofSeconds(cli.longValue("timeout-s", 120)));
        System.out.println(result);
        System.exit(passed(result) ? 0 : 1);
    }

    ObjectNode run(Duration timeout) throws Exception {
        List<UserEvent> events = readEvents();
        Expected expected =
                expected(
                        events,
                        settings.catalog(),
                        settings.model(),
                        settings.worker().maxUserItems());
        long n = events.size();

        Map<String, ParameterRow> rows = new HashMap<>();
        Consumer<ParameterRow> latest = keepingLatest(rows);
        Consumer<ParameterRow> taken = lineage == null ? latest : lineage.filter(latest);
        Map<String, Integer> answers = new HashMap<>();
        LatestReports reports = new LatestReports();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ModelRowFeed feed = new ModelRowFeed(kafka, settings.topics().modelUpdates());
                KafkaConsumer<byte[], byte[]> results =
                        CommittedReader.open(kafka, settings.topics().results(), true);
                KafkaConsumer<byte[], byte[]> evalReports =
                        CommittedReader.open(kafka, settings.topics().evalReports(), true)) {
            while (true) {
                feed.catchUp(taken);
                CommittedReader.catchUp(results, t -> readResults(results, t, answers));
                CommittedReader.catchUp(evalReports, t -> readReports(evalReports, t, reports));
                Totals totals = Totals.of(rows);
                boolean caughtUp =
                        totals.userUpdates >= n
                                && totals.denseW >= n
                                && (!expected.computable() || totals.updates >= expected.updates())
                                && answers.size() >= expectedRequests;
                if (caughtUp || System.nanoTime() > deadline) {
                    return audit(events, expected, rows, answers, reports, readDeadLetters());
                }
                Thread.sleep(500); // the job commits what it applied once per checkpoint
            }
        }
    }

    /** What {@code events} imply under the job's settings. */
    Expected expected(
            List<UserEvent> events, ItemCatalog catalog, ModelConfig model, int maxUserItems) {
        double recent = settings.worker().recentNegativeFraction();
        if (!ExpectedContributions.derivable(model, recent)) {
            return Expected.notDerivable(
                    events,
                    "model.recent-negative-fraction "
                            + recent
                            + " draws negatives from the workers' recent positives, which depend"
                            + " on how users' events interleaved at each worker: no row's"
                            + " counters but the users' and dense:W's follow from the input");
        }
        return Expected.of(events, catalog, model, maxUserItems);
    }

    /** Keeps each row's latest version in {@code rows}; a tombstone removes its row. */
    private static Consumer<ParameterRow> keepingLatest(Map<String, ParameterRow> rows) {
        return r -> {
            if (r.isTombstone()) {
                rows.remove(r.key()); // a forgotten user's row
            } else {
                rows.merge(r.key(), r, (a, b) -> a.version() >= b.version() ? a : b);
            }
        };
    }

    /** Every check on what was read; apart from the reading so that tests can drive it. */
    ObjectNode audit(
            List<UserEvent> events,
            Expected expected,
            Map<String, ParameterRow> rows,
            Map<String, Integer> answers,
            LatestReports reports,
            DeadLetters deadLetters)
            throws java.io.IOException {
        ObjectNode out = report(events, expected, rows, answers, reports);
        checkRows(out, expected.rows(), rows);
        checkDeadLetters(out, events, deadLetters);
        return out;
    }

    private ObjectNode report(
            List<UserEvent> events,
            Expected expected,
            Map<String, ParameterRow> rows,
            Map<String, Integer> answers,
            LatestReports reports) {
        long n = events.size();
        Totals totals = Totals.of(rows);
        AnswerCounts answered = answerCounts(answers);
        PrequentialCounts quality = reports.merged();
        List<String> mismatches = new ArrayList<>();
        checkTotals(mismatches, totals, n, expected);
        check(
                mismatches,
                "users whose counter differs from their events",
                usersOff(expected.perUser(), rows),
                0);
        checkAnswers(mismatches, answered);
        checkQuality(mismatches, quality);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("events", n);
        out.put("users", expected.perUser().size());
        out.put("rows", rows.size());
        putTotals(out, totals, expected.updates());
        if (expected.notCheckedWhy() != null) {
            out.put("rows_not_checked", expected.notCheckedWhy());
        }
        putAnswers(out, answered);
        putQuality(out, quality);
        out.set("mismatches", MAPPER.valueToTree(mismatches));
        return out;
    }

    /** Every event counted once in its user's row, in {@code dense:W} and in the rows' sum. */
    private static void checkTotals(
            List<String> mismatches, Totals totals, long events, Expected expected) {
        check(mismatches, "user row updates", totals.userUpdates, events);
        check(mismatches, "dense:W updates", totals.denseW, events);
        check(mismatches, "positives", totals.positives, events);
        if (expected.computable()) {
            check(mismatches, "all row updates", totals.updates, expected.updates());
        } else if (expected.notCheckedWhy() == null) {
            // no per-row check can run: say so rather than pass on the totals alone
            mismatches.add(
                    "expected row counts not derivable: an event's item is not in the catalog"
                            + " (items.path), so no row's counters were checked");
        }
    }

    /** Users whose row is missing or counts other than their events. */
    private static long usersOff(Map<String, Long> perUser, Map<String, ParameterRow> rows) {
        return perUser.entrySet().stream()
                .filter(
                        e -> {
                            ParameterRow r = rows.get(e.getKey());
                            return r == null || r.updates() != e.getValue();
                        })
                .count();
    }

    /** How the audited requests were answered. */
    private record AnswerCounts(long answered, long twice, long againAfterRestore) {}

    private AnswerCounts answerCounts(Map<String, Integer> answers) {
        long answered =
                answers.keySet().stream().filter(id -> id.startsWith(requestsPrefix)).count();
        long twice = answers.values().stream().filter(c -> c > 1).count();
        // answered before a restore of an older checkpoint and again after it: the abandoned run's
        // committed answers stay, and the restored run reads the request again
        long againAfterRestore =
                answersPerStretch.values().stream()
                        .filter(stretches -> stretches.size() > 1)
                        .count();
        return new AnswerCounts(answered, twice, againAfterRestore);
    }

    private void checkAnswers(List<String> mismatches, AnswerCounts answered) {
        if (expectedRequests > 0) {
            check(mismatches, "requests answered", answered.answered(), expectedRequests);
        }
        check(mismatches, "requests answered more than once", answered.twice(), 0);
    }

    private static void checkQuality(List<String> mismatches, PrequentialCounts quality) {
        double model = quality.hitRate(0);
        double popularity = quality.hitRate(1);
        if (!(model > popularity)) {
            mismatches.add(
                    String.format(
                            "model HR@10 %.4f does not beat popularity %.4f", model, popularity));
        }
    }

    private static void putTotals(ObjectNode out, Totals totals, long expectedUpdates) {
        out.put("user_row_updates", totals.userUpdates);
        out.put("dense_w_updates", totals.denseW);
        out.put("positives", totals.positives);
        out.put("row_updates", totals.updates);
        out.put("expected_row_updates", expectedUpdates);
    }

    private static void putAnswers(ObjectNode out, AnswerCounts answered) {
        out.put("requests_answered", answered.answered());
        out.put("requests_answered_twice", answered.twice());
        out.put("requests_answered_again_after_older_checkpoint", answered.againAfterRestore());
    }

    private static void putQuality(ObjectNode out, PrequentialCounts quality) {
        out.put("evaluated_events", quality.events());
        out.put("hr_at_10_model", quality.hitRate(0));
        out.put("hr_at_10_popularity", quality.hitRate(1));
        out.put("hr_at_10_trending", quality.hitRate(2));
    }

    /**
     * Every row's counters against the expected ones, every version between 1 and the row's
     * updates.
     */
    private void checkRows(
            ObjectNode out,
            Map<String, ExpectedContributions.Counters> expected,
            Map<String, ParameterRow> rows)
            throws java.io.IOException {
        if (expected.isEmpty()) {
            return;
        }
        Set<String> keys = new HashSet<>(expected.keySet());
        keys.addAll(rows.keySet());
        RowsOff off = rowsOff(keys, expected, rows);
        if (rowsOffFile != null) {
            java.nio.file.Files.write(java.nio.file.Path.of(rowsOffFile), off.lines());
        }
        List<String> mismatches = mismatches(out);
        check(
                mismatches,
                "rows whose counters differ from a run without failures",
                off.counters(),
                0);
        check(mismatches, "rows whose version is outside 1..updates", off.versions(), 0);
        out.put("rows_checked", keys.size());
        out.put("rows_counters_off", off.counters());
        out.putPOJO("rows_counters_off_examples", off.examples());
        out.put("rows_versions_off", off.versions());
        out.put("rows_of_abandoned_runs", lineage == null ? 0 : lineage.abandonedRows());
        out.set("mismatches", MAPPER.valueToTree(mismatches));
    }

    /**
     * The rows whose counters are off (a line for each, the first five as examples) and how many
     * have a version outside 1..updates.
     */
    private record RowsOff(
            long counters, long versions, List<String> examples, List<String> lines) {}

    private static RowsOff rowsOff(
            Set<String> keys,
            Map<String, ExpectedContributions.Counters> expected,
            Map<String, ParameterRow> rows) {
        long versionsOff = 0;
        List<String> examples = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String key : keys) {
            ExpectedContributions.Counters want =
                    expected.getOrDefault(key, new ExpectedContributions.Counters(0, 0));
            ParameterRow row = rows.get(key);
            long updates = row == null ? 0 : row.updates();
            long positives = row == null ? 0 : row.positives();
            if (updates != want.updates() || positives != want.positives()) {
                lines.add(rowOffLine(key, want, row, updates, positives));
                if (examples.size() < 5) {
                    examples.add(rowOffExample(key, want, updates, positives));
                }
            }
            if (row != null && updates > 0 && (row.version() < 1 || row.version() > updates)) {
                versionsOff++;
            }
        }
        return new RowsOff(lines.size(), versionsOff, examples, lines);
    }

    /** A row whose counters are off, as {@code --rows-off} lists it. */
    private static String rowOffLine(
            String key,
            ExpectedContributions.Counters want,
            ParameterRow row,
            long updates,
            long positives) {
        return String.join(
                " ",
                key,
                "updates",
                updates + "/" + want.updates(),
                "positives",
                positives + "/" + want.positives(),
                "version",
                row == null ? "-" : Long.toString(row.version()),
                "stamp",
                row == null ? "-" : String.valueOf(row.stamp()));
    }

    /** A row whose counters are off, as the result's examples show it. */
    private static String rowOffExample(
            String key, ExpectedContributions.Counters want, long updates, long positives) {
        return key
                + " updates "
                + updates
                + "/"
                + want.updates()
                + " positives "
                + positives
                + "/"
                + want.positives();
    }

    /**
     * Dead letters of valid events: an event id may be dead-lettered only as often as the input
     * repeats it (a duplicate), never the copy the job accepts.
     */
    private void checkDeadLetters(ObjectNode out, List<UserEvent> events, DeadLetters dead) {
        long accepted =
                events.stream()
                        .map(ModelAudit::key)
                        .filter(k -> dead.of(k) > inputRepeats.getOrDefault(k, 0L))
                        .count();
        List<String> mismatches = mismatches(out);
        check(mismatches, "accepted events dead-lettered", accepted, 0);
        out.put("dead_letters", dead.total);
        out.put("dead_lettered_accepted", accepted);
        out.set("mismatches", MAPPER.valueToTree(mismatches));
    }

    private DeadLetters readDeadLetters() {
        DeadLetters dead = new DeadLetters(users);
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedReader.open(kafka, settings.topics().deadLetters(), true)) {
            CommittedReader.catchUp(
                    consumer,
                    t -> {
                        long read = 0;
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(t)) {
                            read++;
                            dead.add(r.value());
                        }
                        return read;
                    });
        }
        return dead;
    }

    /** The dead letters read: per event (user and event id) how many, and how many in all. */
    static final class DeadLetters {
        private final EventJsonCodec codec = new EventJsonCodec();
        private final Map<String, Long> perEvent = new HashMap<>();
        private final UnaryOperator<String> users;
        private long total;

        DeadLetters() {
            this(UnaryOperator.identity());
        }

        /** Dead letters of a job that names users as {@code users} does. */
        DeadLetters(UnaryOperator<String> users) {
            this.users = users;
        }

        /** One dead letter, as the dead-letters topic holds it ({@code DeadLetterJson}). */
        void add(byte[] value) {
            total++;
            try {
                JsonNode letter = MAPPER.readTree(value);
                String payload = letter.path("payload").asText("");
                UserEvent e = codec.parse(payload.getBytes(StandardCharsets.UTF_8));
                // validation's dead letters keep the input as it came (an offset in it, raw
                // ids); the workers' carry the event as they had it (-1, the job's ids)
                if (letter.path("offset").asLong(-1) >= 0) {
                    e = withUser(e, users.apply(e.userId()));
                }
                perEvent.merge(key(e), 1L, Long::sum);
            } catch (InvalidRecordException | java.io.IOException e) {
                // not an event, or an invalid one: the job was right to reject it
            }
        }

        private long of(String key) {
            return perEvent.getOrDefault(key, 0L);
        }
    }

    /**
     * What the input implies: each user row's events and, where the catalog holds every event's
     * item, every row's counters and their sum (-1 where it does not: nothing to compare rows to).
     */
    record Expected(
            Map<String, Long> perUser,
            Map<String, ExpectedContributions.Counters> rows,
            long updates,
            String notCheckedWhy) {
        /** Each user's events, and no row's counters: {@code why} says why they are not checked. */
        static Expected notDerivable(List<UserEvent> events, String why) {
            return new Expected(perUser(events), Map.of(), -1, why);
        }

        private static Map<String, Long> perUser(List<UserEvent> events) {
            Map<String, Long> perUser = new TreeMap<>();
            events.forEach(e -> perUser.merge(RowKeys.user(e.userId()), 1L, Long::sum));
            return perUser;
        }

        static Expected of(
                List<UserEvent> events, ItemCatalog catalog, ModelConfig model, int maxUserItems) {
            Map<String, Long> perUser = perUser(events);
            if (!ExpectedContributions.coveredBy(events, catalog)) {
                return new Expected(perUser, Map.of(), -1, null);
            }
            Map<String, ExpectedContributions.Counters> rows =
                    ExpectedContributions.perRow(events, catalog, model, maxUserItems);
            long updates =
                    rows.values().stream().mapToLong(ExpectedContributions.Counters::updates).sum();
            return new Expected(perUser, rows, updates, null);
        }

        boolean computable() {
            return updates >= 0;
        }
    }

    private static UserEvent withUser(UserEvent e, String user) {
        return user.equals(e.userId()) ? e : PseudonymizeUsers.EVENTS.withUserId(e, user);
    }

    private static String key(UserEvent e) {
        return e.userId() + "\u0000" + e.eventId();
    }

    private static List<String> mismatches(ObjectNode out) {
        List<String> list = new ArrayList<>();
        out.get("mismatches").forEach(m -> list.add(m.asText()));
        return list;
    }

    /** Whether an audit's result has no mismatches. */
    static boolean passed(ObjectNode result) {
        return result.get("mismatches").isEmpty();
    }

    private static void check(List<String> mismatches, String what, long actual, long expected) {
        if (actual != expected) {
            mismatches.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** Every valid event in the events topic, per partition in offset order, duplicates dropped. */
    private List<UserEvent> readEvents() {
        EventJsonCodec codec = new EventJsonCodec();
        List<UserEvent> events = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        inputRepeats.clear();
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedReader.open(kafka, settings.topics().events(), true)) {
            CommittedReader.catchUp(
                    consumer,
                    t -> {
                        long read = 0;
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(t)) {
                            read++;
                            takeEvent(codec, r.value(), events, seen);
                        }
                        return read;
                    });
        }
        return events;
    }

    /** One record of the events topic: added to {@code events} if valid and new. */
    void takeEvent(EventJsonCodec codec, byte[] value, List<UserEvent> events, Set<String> seen) {
        try {
            UserEvent parsed = codec.parse(value);
            // the job pseudonymizes right after validation: rows, negatives and the workers'
            // dead letters are of the pseudonym
            UserEvent e = withUser(parsed, users.apply(parsed.userId()));
            // the worker drops a repeated event id per user
            if (seen.add(key(e))) {
                events.add(e);
            } else {
                inputRepeats.merge(key(e), 1L, Long::sum);
            }
        } catch (InvalidRecordException e) {
            // dead-lettered by the job, not trained
        }
    }

    private long readResults(
            KafkaConsumer<byte[], byte[]> consumer,
            Duration timeout,
            Map<String, Integer> answers) {
        long read = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            read++;
            try {
                String id = MAPPER.readTree(r.value()).path("requestId").asText();
                if (id.startsWith(requestsPrefix)) {
                    int count =
                            answersPerStretch
                                    .computeIfAbsent(id, k -> new HashMap<>())
                                    .merge(stretch(r.partition(), r.offset()), 1, Integer::sum);
                    answers.merge(id, count, Math::max);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable result at offset " + r.offset(), e);
            }
        }
        return read;
    }

    private static long readReports(
            KafkaConsumer<byte[], byte[]> consumer, Duration timeout, LatestReports reports) {
        long read = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            read++;
            try {
                reports.add(EvalReportCodec.decode(new String(r.value(), StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable report at offset " + r.offset(), e);
            }
        }
        return read;
    }

    /** Sums over the latest version of every row. */
    private record Totals(long userUpdates, long denseW, long positives, long updates) {
        static Totals of(Map<String, ParameterRow> rows) {
            long users = 0;
            long positives = 0;
            long all = 0;
            for (ParameterRow r : rows.values()) {
                if (RowKeys.isUser(r.key())) {
                    users += r.updates();
                }
                positives += r.positives();
                all += r.updates();
            }
            ParameterRow w = rows.get(RowKeys.DENSE_W);
            return new Totals(users, w == null ? 0 : w.updates(), positives, all);
        }
    }
}
