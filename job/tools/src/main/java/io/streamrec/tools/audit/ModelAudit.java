package io.streamrec.tools.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatestReports;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.CommittedReader;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.InvalidRecordException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.UserEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
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
 *   <li>the sum of all rows' update counters equals {@link ExpectedContributions} of the input;
 *   <li>every request id with the given prefix is in {@code results} exactly once (read_committed);
 *   <li>the model's prequential HR@10 beats all-time popularity's.
 * </ul>
 *
 * It waits (up to {@code --timeout-s}) for the job to catch up, then prints one JSON line with the
 * figures and the mismatches, and exits non-zero on any. Usage: {@code ModelAudit
 * -Dkafka.bootstrap-servers=... -Ditems.path=... [--requests-prefix P --requests N] [--timeout-s
 * T]}.
 */
public final class ModelAudit {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("ModelAudit")
                    .value("requests-prefix", "P", "request ids that must be answered start with P")
                    .value("requests", "N", "how many such requests there are (default 0)")
                    .value(
                            "timeout-s",
                            "T",
                            "seconds to wait for the job to catch up (default 120)")
                    .options("the job's options (bootstrap servers, topics, items.path, ...)");

    private final JobSettings settings;
    private final Properties kafka;
    private final String requestsPrefix;
    private final int expectedRequests;

    private ModelAudit(Configuration conf, String requestsPrefix, int expectedRequests) {
        this.settings = new JobSettings(conf);
        this.kafka = settings.kafka().toProperties();
        this.requestsPrefix = requestsPrefix;
        this.expectedRequests = expectedRequests;
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        ModelAudit audit =
                new ModelAudit(
                        cli.options(),
                        cli.value("requests-prefix", ""),
                        cli.intValue("requests", 0));
        ObjectNode result = audit.run(Duration.ofSeconds(cli.longValue("timeout-s", 120)));
        System.out.println(result);
        System.exit(result.get("mismatches").isEmpty() ? 0 : 1);
    }

    ObjectNode run(Duration timeout) throws Exception {
        List<UserEvent> events = readEvents();
        ItemCatalog catalog = settings.catalog();
        ModelConfig model = settings.model();
        Map<String, Long> perUser = new TreeMap<>();
        events.forEach(e -> perUser.merge(RowKeys.user(e.userId()), 1L, Long::sum));
        boolean computable = ExpectedContributions.coveredBy(events, catalog);
        long expectedUpdates =
                computable ? ExpectedContributions.count(events, catalog, model) : -1;
        long n = events.size();

        Map<String, ParameterRow> rows = new HashMap<>();
        Map<String, Integer> answers = new HashMap<>();
        LatestReports reports = new LatestReports();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ModelRowFeed feed =
                        new ModelRowFeed(
                                kafka, settings.get(StreamrecOptions.MODEL_UPDATES_TOPIC));
                KafkaConsumer<byte[], byte[]> results =
                        CommittedReader.open(
                                kafka, settings.get(StreamrecOptions.RESULTS_TOPIC), true);
                KafkaConsumer<byte[], byte[]> evalReports =
                        CommittedReader.open(
                                kafka, settings.get(StreamrecOptions.EVAL_REPORTS_TOPIC), true)) {
            while (true) {
                feed.catchUp(
                        r -> rows.merge(r.key(), r, (a, b) -> a.version() >= b.version() ? a : b));
                CommittedReader.catchUp(results, t -> readResults(results, t, answers));
                CommittedReader.catchUp(evalReports, t -> readReports(evalReports, t, reports));
                Totals totals = Totals.of(rows);
                boolean caughtUp =
                        totals.userUpdates >= n
                                && totals.denseW >= n
                                && (!computable || totals.updates >= expectedUpdates)
                                && answers.size() >= expectedRequests;
                if (caughtUp || System.nanoTime() > deadline) {
                    return report(events, perUser, expectedUpdates, rows, answers, reports);
                }
                Thread.sleep(500); // the job commits what it applied once per checkpoint
            }
        }
    }

    private ObjectNode report(
            List<UserEvent> events,
            Map<String, Long> perUser,
            long expectedUpdates,
            Map<String, ParameterRow> rows,
            Map<String, Integer> answers,
            LatestReports reports) {
        long n = events.size();
        Totals totals = Totals.of(rows);
        List<String> mismatches = new ArrayList<>();
        check(mismatches, "user row updates", totals.userUpdates, n);
        check(mismatches, "dense:W updates", totals.denseW, n);
        check(mismatches, "positives", totals.positives, n);
        if (expectedUpdates >= 0) {
            check(mismatches, "all row updates", totals.updates, expectedUpdates);
        }
        long usersOff =
                perUser.entrySet().stream()
                        .filter(
                                e -> {
                                    ParameterRow r = rows.get(e.getKey());
                                    return r == null || r.updates() != e.getValue();
                                })
                        .count();
        check(mismatches, "users whose counter differs from their events", usersOff, 0);
        long answered =
                answers.keySet().stream().filter(id -> id.startsWith(requestsPrefix)).count();
        long twice = answers.values().stream().filter(c -> c > 1).count();
        if (expectedRequests > 0) {
            check(mismatches, "requests answered", answered, expectedRequests);
        }
        check(mismatches, "requests answered more than once", twice, 0);
        PrequentialCounts quality = reports.merged();
        double model = quality.hitRate(0);
        double popularity = quality.hitRate(1);
        if (!(model > popularity)) {
            mismatches.add(
                    String.format(
                            "model HR@10 %.4f does not beat popularity %.4f", model, popularity));
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("events", n);
        out.put("users", perUser.size());
        out.put("rows", rows.size());
        out.put("user_row_updates", totals.userUpdates);
        out.put("dense_w_updates", totals.denseW);
        out.put("positives", totals.positives);
        out.put("row_updates", totals.updates);
        out.put("expected_row_updates", expectedUpdates);
        out.put("requests_answered", answered);
        out.put("requests_answered_twice", twice);
        out.put("evaluated_events", quality.events());
        out.put("hr_at_10_model", model);
        out.put("hr_at_10_popularity", popularity);
        out.put("hr_at_10_trending", quality.hitRate(2));
        out.putPOJO("mismatches", mismatches);
        return out;
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
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedReader.open(kafka, settings.get(StreamrecOptions.EVENTS_TOPIC), true)) {
            CommittedReader.catchUp(
                    consumer,
                    t -> {
                        long read = 0;
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(t)) {
                            read++;
                            try {
                                UserEvent e = codec.parse(r.value());
                                // the worker drops a repeated event id per user
                                if (seen.add(e.userId() + "\u0000" + e.eventId())) {
                                    events.add(e);
                                }
                            } catch (InvalidRecordException e) {
                                // dead-lettered by the job, not trained
                            }
                        }
                        return read;
                    });
        }
        return events;
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
                    answers.merge(id, 1, Integer::sum);
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
