package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A job's completed checkpoints as Flink counted them: the answers of its REST API's {@code GET
 * /jobs/:jobid/checkpoints} ({@code CheckpointingStatistics}), accumulated by checkpoint id, since
 * each answer's {@code history} lists only the latest {@code web.checkpoints.history} (10)
 * checkpoints. Read often enough (every second against checkpoints every 1-2 s; the endpoint's
 * answer may be {@code rest.cache.checkpoint-statistics.timeout} old, 3 s by default), every
 * completed one is listed in some answer; {@link Checkpoints#unlisted} says how many were not.
 */
public final class CheckpointHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Consecutive unanswered connections, before any answer, after which reading stops. */
    private static final int UNREACHABLE_TRIES = 5;

    /** Where the count and the times come from. */
    public enum Source {
        FLINK_REST("flink_rest", "from Flink's REST API"),
        EVAL_REPORTS(
                "eval_reports",
                "from serving subtask 0's eval reports, one per report: Flink's REST API unread");

        /** The name in summary.json. */
        public final String key;

        /** The words in a printed line. */
        public final String description;

        Source(String key, String description) {
            this.key = key;
            this.description = description;
        }
    }

    /**
     * Completed checkpoints: how many, and when each completed (epoch ms, in checkpoint order).
     *
     * @param completionTimes Flink's {@code latest_ack_timestamp} of each listed completed
     *     checkpoint; under {@link Source#EVAL_REPORTS} the times of serving subtask 0's reports
     * @param unlisted completed checkpoints Flink counted that no answer's history listed, so
     *     {@link #completionTimes} lacks them
     */
    public record Checkpoints(
            Source source, long completed, List<Long> completionTimes, long unlisted) {
        public Checkpoints {
            completionTimes = List.copyOf(completionTimes);
        }

        /** The count and times of serving subtask 0's eval reports, one per report read. */
        public static Checkpoints fromReports(long reports, List<Long> reportTimes) {
            return new Checkpoints(Source.EVAL_REPORTS, reports, reportTimes, 0);
        }
    }

    private final NavigableMap<Long, Long> completedAt = new TreeMap<>();
    private long completed = -1;
    private final HttpClient http;
    private final URI uri;
    private int refused;

    /** A history to fill from {@link #add} alone (no REST endpoint). */
    CheckpointHistory() {
        this(null, null);
    }

    private CheckpointHistory(HttpClient http, URI uri) {
        this.http = http;
        this.uri = uri;
    }

    /** The history of job {@code jobId} from the REST endpoint at {@code restUrl}. */
    public static CheckpointHistory of(String restUrl, String jobId) {
        return new CheckpointHistory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
                URI.create(restUrl + "/jobs/" + jobId + "/checkpoints"));
    }

    /**
     * Reads the endpoint once and adds its answer. An error answer (the job not yet running) or a
     * failed connection is skipped; after {@value #UNREACHABLE_TRIES} failed connections in a row
     * with no answer ever, it stops reading: nothing listens there.
     */
    public void poll() throws InterruptedException {
        if (http == null || (completed < 0 && refused >= UNREACHABLE_TRIES)) {
            return;
        }
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(2))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            refused = 0;
            if (r.statusCode() == 200) {
                add(JSON.readTree(r.body()));
            }
        } catch (IOException e) {
            refused++;
        }
    }

    /** Takes in one answer of {@code GET /jobs/:jobid/checkpoints}. */
    void add(JsonNode answer) {
        JsonNode count = answer.path("counts").path("completed");
        if (!count.canConvertToLong()) {
            return;
        }
        completed = Math.max(completed, count.asLong());
        for (JsonNode c : answer.path("history")) {
            if ("COMPLETED".equals(c.path("status").asText())) {
                completedAt.put(c.path("id").asLong(), c.path("latest_ack_timestamp").asLong());
            }
        }
    }

    /** Whether Flink answered at least once. */
    public boolean answered() {
        return completed >= 0;
    }

    /** Flink's count and the listed checkpoints' completion times, if it answered. */
    public Checkpoints checkpoints() {
        if (!answered()) {
            throw new IllegalStateException("Flink's REST API never answered " + uri);
        }
        return new Checkpoints(
                Source.FLINK_REST,
                completed,
                List.copyOf(completedAt.values()),
                Math.max(0, completed - completedAt.size()));
    }
}
