package io.streamrec.e2e;

import io.streamrec.eval.EvalReportCodec;
import io.streamrec.job.JobSettings;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What a run of the job commits from the moment this reader opens, read with {@code
 * read_committed}: the latest evaluation report of each serving subtask and the latest value of
 * every parameter row (the model-updates topic).
 */
final class CommittedOutput implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> reports;
    private final KafkaConsumer<byte[], byte[]> rowUpdates;
    private final Map<Integer, EvalReportCodec.Report> latestReports = new HashMap<>();
    private final Map<String, ParameterRow> rows = new HashMap<>();

    CommittedOutput(Configuration conf) {
        JobSettings settings = new JobSettings(conf);
        this.reports =
                CommittedReader.open(
                        settings.kafka().toProperties(), settings.topics().evalReports(), false);
        this.rowUpdates =
                CommittedReader.open(
                        settings.kafka().toProperties(), settings.topics().modelUpdates(), false);
    }

    /** Reads what has been committed since the last call. */
    void poll() throws IOException {
        for (ConsumerRecord<byte[], byte[]> r : reports.poll(Duration.ofMillis(100))) {
            EvalReportCodec.Report report =
                    EvalReportCodec.decode(new String(r.value(), StandardCharsets.UTF_8));
            latestReports.put(report.counts().subtask(), report);
        }
        for (ConsumerRecord<byte[], byte[]> r : rowUpdates.poll(Duration.ofMillis(100))) {
            if (r.value() == null) {
                continue; // a tombstone of the compacted topic
            }
            ParameterRow row = ParameterRowSerializer.INSTANCE.fromBytes(r.value());
            rows.merge(row.key(), row, (a, b) -> a.version() >= b.version() ? a : b);
        }
    }

    /** Events evaluated over all serving subtasks, as of their latest committed reports. */
    long evaluated() {
        return latestReports.values().stream().mapToLong(r -> r.counts().events()).sum();
    }

    /** The latest committed value of every row committed since this reader opened. */
    Map<String, ParameterRow> rows() {
        return rows;
    }

    /**
     * Whether the row of every user of {@code events} counts exactly that user's events there: each
     * shard commits its own transaction, so the dense row's shard may be read before another's.
     */
    boolean countsEveryUser(List<UserEvent> events) {
        return eventsPerUserRow(events).entrySet().stream()
                .allMatch(u -> updates(u.getKey()) == u.getValue());
    }

    /** The events of each user's row among {@code events}, by row key. */
    static Map<String, Long> eventsPerUserRow(List<UserEvent> events) {
        Map<String, Long> perUser = new TreeMap<>();
        events.forEach(e -> perUser.merge(RowKeys.user(e.userId()), 1L, Long::sum));
        return perUser;
    }

    /** The update counter of a row, 0 if none has been committed. */
    long updates(String key) {
        ParameterRow row = rows.get(key);
        return row == null ? 0 : row.updates();
    }

    @Override
    public void close() {
        reports.close(Duration.ofSeconds(5));
        rowUpdates.close(Duration.ofSeconds(5));
    }
}
