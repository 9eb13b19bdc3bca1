package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.LatestReports;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecJob;
import io.streamrec.job.TopicSetup;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * Replays a history of events through the streamrec job and collects what it learned: produces the
 * events to the events topic (in order, optionally paced), follows the committed evaluation reports
 * until every valid event has been evaluated and trained, asks for a few example recommendations,
 * optionally reads the final parameter rows, and cancels the job.
 */
public final class ReplayRun implements AutoCloseable {
    /** The width of {@link Result#throughputOverTime}'s buckets. */
    static final double THROUGHPUT_BUCKET_SECONDS = 2.0;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Configuration conf;
    private final JobSettings settings;
    private final List<UserEvent> events;
    private final ItemCatalog catalog;
    private final Function<Configuration, StreamExecutionEnvironment> environment;
    private final UnaryOperator<DataStream<UserEvent>> interceptor;
    private final double eventsPerSecond;
    private final Duration timeout;
    private final Consumer<String> progress;
    private final List<byte[]> hostile;
    private final int requestEvery;
    private final boolean wallClockTimestamps;
    private volatile JobClient job;

    private ReplayRun(Builder b) {
        this.conf = b.conf;
        this.settings = new JobSettings(b.conf);
        this.events = b.events;
        this.catalog = b.catalog;
        this.environment = b.environment;
        this.interceptor = b.interceptor;
        this.eventsPerSecond = b.eventsPerSecond;
        this.timeout = b.timeout;
        this.progress = b.progress;
        this.hostile = b.hostile;
        this.wallClockTimestamps = b.wallClockTimestamps;
        this.requestEvery = b.requestEvery;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a replay. */
    public static final class Builder {
        private Configuration conf = new Configuration();
        private List<UserEvent> events = List.of();
        private ItemCatalog catalog = ItemCatalog.empty();
        private Function<Configuration, StreamExecutionEnvironment> environment =
                StreamExecutionEnvironment::getExecutionEnvironment;
        private UnaryOperator<DataStream<UserEvent>> interceptor = UnaryOperator.identity();
        private double eventsPerSecond;
        private Duration timeout = Duration.ofMinutes(30);
        private Consumer<String> progress = s -> {};
        private List<byte[]> hostile = List.of();
        private int requestEvery;
        private boolean wallClockTimestamps;

        /**
         * Raw records to mix into the event stream, spread evenly between the events (for fuzzing
         * the dead-letter path); each must be rejected by the job.
         */
        public Builder interleave(List<byte[]> hostile) {
            this.hostile = hostile;
            return this;
        }

        /**
         * Sends a recommendation request for the event's user after every {@code n}-th event, timed
         * from that event's due time ({@link Result#requestLatency}).
         */
        public Builder requestEvery(int n) {
            this.requestEvery = n;
            return this;
        }

        public Builder configuration(Configuration conf) {
            this.conf = conf;
            return this;
        }

        /**
         * Stamps each event with the wall clock instead of its recorded time, so the serving side's
         * event-time lag is the freshness: when paced, the time the pace schedules the event at
         * (its due time, so a producer that falls behind adds its lag instead of hiding it),
         * otherwise the time it is sent.
         */
        public Builder wallClockTimestamps(boolean wallClock) {
            this.wallClockTimestamps = wallClock;
            return this;
        }

        public Builder events(List<UserEvent> events) {
            this.events = events;
            return this;
        }

        public Builder catalog(ItemCatalog catalog) {
            this.catalog = catalog;
            return this;
        }

        public Builder environment(Function<Configuration, StreamExecutionEnvironment> env) {
            this.environment = env;
            return this;
        }

        public Builder interceptEvents(UnaryOperator<DataStream<UserEvent>> interceptor) {
            this.interceptor = interceptor;
            return this;
        }

        /** Replay pace; 0 (default) produces as fast as possible. */
        public Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public ReplayRun build() {
            return new ReplayRun(this);
        }
    }

    /**
     * What a replay measured.
     *
     * @param eventsPerSecond trained events over the time from the first event sent to the
     *     committed reports showing every valid event trained and evaluated (the first event in to
     *     the last result out; {@link #trainingWindow} is serving's span alone)
     * @param freshnessBySecond the freshness samples by the second (epoch) of the report that
     *     brought them ({@link LatestReports#freshnessBySecond})
     * @param throughputOverTime trained events/s over the replay's course, from the first event
     *     sent
     * @param checkpoints the checkpoints Flink completed until the replay's end, from its REST API
     *     (the count and each one's completion), or else one per report of serving subtask 0
     * @param requestLatency each request's first result: from when the request was due (the due
     *     time of the event it follows, as events are stamped when paced) to the result written
     *     (its CreateTime)
     * @param servingCheckpointTimes when serving subtask 0 wrote each report read: when a
     *     checkpoint's barrier passed serving ({@link LatestReports#checkpointTimes})
     */
    public record Result(
            PrequentialCounts counts,
            long producedEvents,
            long deadLetters,
            long trainedEvents,
            double eventsPerSecond,
            double wallSeconds,
            CheckpointHistory.Checkpoints checkpoints,
            Map<String, List<String>> examples,
            Map<String, String> exampleReasons,
            Map<String, ParameterRow> finalRows,
            Map<String, Integer> resultsPerRequest,
            Map<String, Integer> deadLetterReasons,
            LatencyHistogram requestLatency,
            LatencyHistogram freshness,
            TrainingWindow trainingWindow,
            List<Long> servingCheckpointTimes,
            SortedMap<Long, LatencyHistogram> freshnessBySecond,
            ThroughputOverTime throughputOverTime) {

        /** Completed checkpoints: Flink's count, or the reports' where its REST API was unread. */
        public int checkpointsCompleted() {
            return Math.toIntExact(checkpoints.completed());
        }

        /**
         * Seconds between consecutive completed checkpoints that completed within the training
         * window: the checkpoint interval the job achieved while it trained.
         */
        public double[] checkpointIntervalsSeconds() {
            List<Long> inWindow =
                    checkpoints.completionTimes().stream()
                            .filter(
                                    t ->
                                            t >= trainingWindow.firstMillis()
                                                    && t <= trainingWindow.lastMillis())
                            .sorted()
                            .toList();
            double[] out = new double[Math.max(0, inWindow.size() - 1)];
            for (int i = 0; i < out.length; i++) {
                out[i] = (inWindow.get(i + 1) - inWindow.get(i)) / 1000.0;
            }
            return out;
        }

        /**
         * The {@code quantile} (nearest rank) of {@link #checkpointIntervalsSeconds()}; NaN with no
         * interval.
         */
        public double checkpointIntervalSeconds(double quantile) {
            double[] sorted = checkpointIntervalsSeconds();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(quantile * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /** Trained events and the wall-clock span from the first to the last, over all subtasks. */
    public record TrainingWindow(long events, long firstMillis, long lastMillis) {
        static TrainingWindow of(EvalReportCodec.Throughput t) {
            return new TrainingWindow(t.events(), t.firstMillis(), t.lastMillis());
        }

        /** NaN (not measured) where the window spans no time: one trained event, or none. */
        public double eventsPerSecond() {
            return perSecond(events, (lastMillis - firstMillis) / 1000.0);
        }
    }

    /** {@code events} over {@code seconds}; NaN, not measured, where no time passed. */
    static double perSecond(long events, double seconds) {
        return seconds > 0 ? events / seconds : Double.NaN;
    }

    /**
     * Runs the replay.
     *
     * @param exampleUsers users to ask for recommendations after the replay
     * @param readFinalRows whether to read every committed parameter row at the end
     */
    public Result run(List<String> exampleUsers, boolean readFinalRows) throws Exception {
        TopicSetup.createTopics(conf, 2, 1);
        StreamExecutionEnvironment env = environment.apply(withRestEndpoint(conf));
        StreamrecJob.builder()
                .configuration(conf)
                .catalog(catalog)
                .interceptEvents(interceptor)
                .build()
                .addTo(env);
        long start = System.nanoTime();
        SubmittedJob submitted = SubmittedJob.submit(env, "streamrec replay");
        job = submitted.client();
        progress.accept("Submitted job " + job.getJobID());
        CheckpointHistory flink = checkpointHistory(submitted);
        ReplayProducer producer = producer();
        Committed committed = followUntilTrained(producer, flink);
        double wall = (System.nanoTime() - start) / 1e9;
        flink.poll(); // the count at the replay's end
        CheckpointHistory.Checkpoints checkpoints =
                flink.answered()
                        ? flink.checkpoints()
                        : CheckpointHistory.Checkpoints.fromReports(
                                committed.reports.checkpoints(),
                                committed.reports.checkpointTimes());
        return result(committed, producer, wall, checkpoints, exampleUsers, readFinalRows);
    }

    /** Flink's checkpoint statistics over the job's REST endpoint, where it has one. */
    private CheckpointHistory checkpointHistory(SubmittedJob submitted) {
        return submitted
                .restAddress()
                .map(rest -> CheckpointHistory.of(rest.toString(), job.getJobID().toString()))
                .orElseGet(CheckpointHistory::new);
    }

    private ReplayProducer producer() {
        return new ReplayProducer(
                settings.kafka().toProperties(),
                settings.topics().events(),
                settings.topics().requests(),
                events,
                hostile,
                eventsPerSecond,
                requestEvery,
                wallClockTimestamps);
    }

    /**
     * {@code conf} with the REST endpoint of the MiniCluster a local environment starts: unless
     * {@code conf} names a port or range ({@code rest.bind-port}, or {@code rest.port}), it binds a
     * free port of its own choosing, which {@link SubmittedJob} reads back from the MiniCluster.
     * Unless {@code conf} says otherwise, the endpoint's checkpoint statistics are at most 100 ms
     * old instead of 3 s ({@code rest.cache.checkpoint-statistics.timeout}), so the count read at
     * the replay's end is that moment's.
     */
    static Configuration withRestEndpoint(Configuration conf) {
        Configuration withRest = new Configuration(conf);
        if (!withRest.contains(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT)) {
            withRest.set(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT, Duration.ofMillis(100));
        }
        if (!withRest.contains(RestOptions.BIND_PORT)) {
            withRest.set(RestOptions.BIND_PORT, "0");
        }
        return withRest;
    }

    /**
     * Follows the committed reports and dead letters, starts the producer once the pipeline runs,
     * and returns when every valid event has been produced, evaluated and trained.
     */
    private Committed followUntilTrained(ReplayProducer producer, CheckpointHistory flink)
            throws Exception {
        Committed committed = new Committed();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextCheckpointsPoll = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> reports =
                        committedReader(settings.topics().evalReports());
                KafkaConsumer<byte[], byte[]> dead =
                        committedReader(settings.topics().deadLetters())) {
            while (true) {
                committed.readReports(reports.poll(Duration.ofMillis(200)));
                if (System.nanoTime() >= nextCheckpointsPoll) {
                    // every second, well within the 10 checkpoints Flink's history lists
                    flink.poll();
                    nextCheckpointsPoll = System.nanoTime() + 1_000_000_000L;
                }
                startOnceReady(producer, committed);
                committed.readDeadLetters(dead.poll(Duration.ZERO));
                throwIfProducerFailed(producer);
                if (producer.done() && committed.complete()) {
                    committed.lastResultNanos = System.nanoTime();
                    return committed;
                }
                committed.printProgress(producer.produced());
                throwIfEndedOrLate(committed, deadline);
            }
        }
    }

    /**
     * Starts the producer at the first committed report, which means every task is running and
     * checkpoints complete: start-up is not part of the replay.
     */
    private void startOnceReady(ReplayProducer producer, Committed committed) {
        if (!producer.started() && committed.reports.reports() > 0) {
            progress.accept("Pipeline ready (first checkpoint committed); replaying");
            committed.firstSentNanos = System.nanoTime();
            committed.firstSentMillis = System.currentTimeMillis();
            producer.start();
        }
    }

    private static void throwIfProducerFailed(ReplayProducer producer) {
        if (producer.failure() != null) {
            throw new IllegalStateException(
                    "the replay could not write a record to Kafka, so the run cannot"
                            + " complete: "
                            + producer.failure(),
                    producer.failure());
        }
    }

    private void throwIfEndedOrLate(Committed committed, long deadline) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("job ended early: " + status);
        }
        if (System.nanoTime() > deadline) {
            throw committed.timedOut();
        }
    }

    /** The replay's figures, once the examples and every request's results are in. */
    private Result result(
            Committed committed,
            ReplayProducer producer,
            double wall,
            CheckpointHistory.Checkpoints checkpoints,
            List<String> exampleUsers,
            boolean readFinalRows)
            throws Exception {
        LatestReports reports = committed.reports;
        TrainingWindow window = TrainingWindow.of(reports.throughput());
        double replaySeconds = (committed.lastResultNanos - committed.firstSentNanos) / 1e9;
        Map<String, List<String>> examples = new LinkedHashMap<>();
        Map<String, String> exampleReasons = new LinkedHashMap<>();
        if (!exampleUsers.isEmpty()) {
            requestExamples(exampleUsers, examples, exampleReasons);
        }
        RequestResults requests = awaitRequestResults(producer);
        return new Result(
                reports.merged(),
                events.size(),
                committed.deadLetters,
                reports.trainedEvents(),
                perSecond(reports.trainedEvents(), replaySeconds),
                wall,
                checkpoints,
                examples,
                exampleReasons,
                readFinalRows ? finalRows() : new HashMap<>(),
                requests.perRequest(),
                committed.deadLetterReasons,
                requests.latency(),
                reports.freshness(),
                window,
                reports.checkpointTimes(),
                reports.freshnessBySecond(),
                throughputOverTime(committed));
    }

    /** The results each request got, and how long they took; none without requests. */
    private record RequestResults(Map<String, Integer> perRequest, LatencyHistogram latency) {}

    private RequestResults awaitRequestResults(ReplayProducer producer) throws Exception {
        Map<String, Integer> resultsPerRequest = new HashMap<>();
        LatencyHistogram requestLatency = new LatencyHistogram();
        if (!producer.requestDueMillis().isEmpty()) {
            resultsPerRequest = awaitResults(producer.requestDueMillis(), requestLatency);
        }
        return new RequestResults(resultsPerRequest, requestLatency);
    }

    /** Trained events over the replay, from the first event in to the last result out. */
    private static ThroughputOverTime throughputOverTime(Committed committed) {
        return ThroughputOverTime.of(
                committed.reports.trainedEventsByTime(),
                committed.firstSentMillis,
                committed.firstSentMillis
                        + (committed.lastResultNanos - committed.firstSentNanos) / 1_000_000,
                THROUGHPUT_BUCKET_SECONDS);
    }

    /** What the job has committed while the replay runs: its reports and its dead letters. */
    private final class Committed {
        final LatestReports reports = new LatestReports();
        final Map<String, Integer> deadLetterReasons = new TreeMap<>();
        long deadLetters;

        /** When the producer started: the first event in. */
        long firstSentNanos;

        /** {@link #firstSentNanos} on the wall clock (epoch ms) that reports are stamped with. */
        long firstSentMillis;

        /**
         * When the committed reports first showed every valid event trained and evaluated: the last
         * result out, to the poll's 200 ms.
         */
        long lastResultNanos;

        private long lastPrinted = -1;
        private long nextPrint;

        void readReports(ConsumerRecords<byte[], byte[]> records) throws IOException {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                reports.add(EvalReportCodec.decode(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }

        void readDeadLetters(ConsumerRecords<byte[], byte[]> records) throws IOException {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                deadLetters++;
                deadLetterReasons.merge(
                        MAPPER.readTree(r.value()).path("reason").asText(), 1, Integer::sum);
            }
        }

        /** Events the job should accept: all but those it dead-lettered. */
        long valid() {
            return events.size() + hostile.size() - deadLetters;
        }

        boolean complete() {
            long valid = valid();
            return reports.evaluatedEvents() >= expectedEvaluated(valid)
                    && reports.trainedEvents() >= valid;
        }

        /** A line per new committed report, or every 10 s while waiting. */
        void printProgress(long produced) {
            long evaluated = reports.evaluatedEvents();
            if (evaluated == lastPrinted && System.nanoTime() <= nextPrint) {
                return;
            }
            lastPrinted = evaluated;
            nextPrint = System.nanoTime() + 10_000_000_000L;
            PrequentialCounts c = reports.merged();
            progress.accept(
                    String.format(
                            "  replay: produced %,d/%,d  evaluated %,d  trained %,d  dead-letters %,d"
                                    + "  HR@10 model %.4f  popularity %.4f  trending %.4f",
                            produced,
                            events.size(),
                            evaluated,
                            reports.trainedEvents(),
                            deadLetters,
                            c.hitRate(0),
                            c.hitRate(1),
                            c.hitRate(2)));
        }

        IllegalStateException timedOut() {
            return new IllegalStateException(
                    "replay timed out after "
                            + timeout
                            + ": evaluated "
                            + reports.evaluatedEvents()
                            + ", trained "
                            + reports.trainedEvents()
                            + " of "
                            + valid());
        }
    }

    /** Asks for a top 5 of each user and collects the answers (for up to 2 minutes). */
    private void requestExamples(
            List<String> users, Map<String, List<String>> examples, Map<String, String> reasons)
            throws Exception {
        Map<String, String> requestUser = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer =
                ReplayProducer.open(settings.kafka().toProperties())) {
            for (String user : users) {
                String id = "example-" + user + "-" + System.nanoTime();
                requestUser.put(id, user);
                producer.send(
                        RequestJsonCodec.producerRecord(
                                settings.topics().requests(),
                                new RecommendationRequest(
                                        id, user, 5, System.currentTimeMillis())));
            }
        }
        try (KafkaConsumer<byte[], byte[]> results = committedReader(settings.topics().results())) {
            readResultsUntil(
                    results,
                    () -> examples.size() >= requestUser.size(),
                    (appendMillis, result) -> {
                        String user = requestUser.get(result.get("requestId").asText());
                        if (user != null) {
                            List<String> items = new ArrayList<>();
                            result.get("items").forEach(i -> items.add(i.get("itemId").asText()));
                            examples.put(user, items);
                            reasons.put(user, result.get("reason").asText());
                        }
                    });
        }
    }

    /**
     * Counts the committed results per request id until every id has one (or 2 minutes pass), and
     * records each first result's latency: from the time the request was due ({@link
     * ReplayProducer#requestDueMillis}: a producer that falls behind adds its lag) to the job's
     * producer writing the result (its CreateTime), through Kafka both ways. A read_committed
     * reader sees the result once the next checkpoint commits it, on average half a checkpoint
     * interval later.
     */
    private Map<String, Integer> awaitResults(
            Map<String, Long> requestDueMillis, LatencyHistogram latency) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> results = committedReader(settings.topics().results())) {
            readResultsUntil(
                    results,
                    () -> counts.keySet().containsAll(requestDueMillis.keySet()),
                    (appendMillis, result) -> {
                        String id = result.get("requestId").asText();
                        Long due = requestDueMillis.get(id);
                        if (counts.merge(id, 1, Integer::sum) == 1 && due != null) {
                            latency.record(Math.max(0, appendMillis - due));
                        }
                    });
            // read on to the end the topic has now: a duplicate written before every id had its
            // first result is counted, however slowly the reads come back
            Map<TopicPartition, Long> end = results.endOffsets(results.assignment());
            readResultsUntil(
                    results,
                    () ->
                            end.entrySet().stream()
                                    .allMatch(e -> results.position(e.getKey()) >= e.getValue()),
                    (appendMillis, result) ->
                            counts.merge(result.get("requestId").asText(), 1, Integer::sum));
        }
        return counts;
    }

    /** What to do with each committed result: its append time (CreateTime) and its JSON. */
    private interface ResultHandler {
        void accept(long appendMillis, JsonNode result);
    }

    /** Hands committed results to {@code handler} until {@code done} or 2 minutes pass. */
    private static void readResultsUntil(
            KafkaConsumer<byte[], byte[]> results, BooleanSupplier done, ResultHandler handler)
            throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            readResults(results, Duration.ofMillis(200), handler);
        }
    }

    private static void readResults(
            KafkaConsumer<byte[], byte[]> results, Duration timeout, ResultHandler handler)
            throws IOException {
        for (ConsumerRecord<byte[], byte[]> r : results.poll(timeout)) {
            handler.accept(r.timestamp(), MAPPER.readTree(r.value()));
        }
    }

    /** The latest version of every committed parameter row. */
    private Map<String, ParameterRow> finalRows() {
        Map<String, ParameterRow> rows = new HashMap<>();
        try (ModelRowFeed feed =
                new ModelRowFeed(
                        settings.kafka().toProperties(), settings.topics().modelUpdates())) {
            feed.catchUp(
                    r -> {
                        if (r.isTombstone()) {
                            rows.remove(r.key()); // a forgotten user's row
                        } else {
                            rows.merge(r.key(), r, (a, b) -> a.version() >= b.version() ? a : b);
                        }
                    });
        }
        return rows;
    }

    private KafkaConsumer<byte[], byte[]> committedReader(String topic) {
        return CommittedReader.open(settings.kafka().toProperties(), topic, true);
    }

    /** Evaluated events to wait for: all valid ones, or the sample of them that is evaluated. */
    private long expectedEvaluated(long valid) {
        ServingSettings serving = settings.serving();
        if (serving.evalSampleRate() >= 1.0) {
            return valid;
        }
        return events.stream().filter(e -> serving.evaluates(e.eventId())).count();
    }

    /** Cancels the job if it is still running. */
    @Override
    public void close() throws Exception {
        JobClient client = job;
        if (client != null && !client.getJobStatus().get().isGloballyTerminalState()) {
            client.cancel().get();
            // the cancel is acknowledged before the tasks stop: wait for them, so that nothing
            // still writes checkpoint files when the caller removes the directory
            try {
                client.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException cancelled) {
                // the job ended cancelled, as asked
            }
        }
    }
}
