package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.EvalReportCodec;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.CommittedReader;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.EventJsonCodec;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.RequestJsonCodec;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecJob;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.job.TopicSetup;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays a history of events through the streamrec job and collects what it learned: produces the
 * events to the events topic (in order, optionally paced), follows the committed evaluation reports
 * until every valid event has been evaluated and trained, asks for a few example recommendations,
 * optionally reads the final parameter rows, and cancels the job.
 */
public final class ReplayRun implements AutoCloseable {
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
    private final List<String> requestIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Long> requestSentMillis =
            new java.util.concurrent.ConcurrentHashMap<>();
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

        /** Sends a recommendation request for the event's user after every {@code n}-th event. */
        public Builder requestEvery(int n) {
            this.requestEvery = n;
            return this;
        }

        public Builder configuration(Configuration conf) {
            this.conf = conf;
            return this;
        }

        /**
         * Stamps each event with the wall clock when it is sent instead of its recorded time, so
         * event time is append time and the serving side's event-time lag is the freshness.
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

    /** What a replay measured. */
    public record Result(
            PrequentialCounts counts,
            long producedEvents,
            long deadLetters,
            long trainedEvents,
            double eventsPerSecond,
            double wallSeconds,
            int checkpointsCompleted,
            Map<String, List<String>> examples,
            Map<String, String> exampleReasons,
            Map<String, ParameterRow> finalRows,
            Map<String, Integer> resultsPerRequest,
            Map<String, Integer> deadLetterReasons,
            LatencyHistogram requestLatency,
            LatencyHistogram freshness,
            TrainingWindow trainingWindow) {}

    /** Trained events and the wall-clock span from the first to the last, over all subtasks. */
    public record TrainingWindow(long events, long firstMillis, long lastMillis) {
        public double eventsPerSecond() {
            return lastMillis > firstMillis ? events * 1000.0 / (lastMillis - firstMillis) : 0.0;
        }
    }

    /**
     * Runs the replay.
     *
     * @param exampleUsers users to ask for recommendations after the replay
     * @param readFinalRows whether to read every committed parameter row at the end
     */
    public Result run(List<String> exampleUsers, boolean readFinalRows) throws Exception {
        TopicSetup.createTopics(conf, 2, 1);
        StreamExecutionEnvironment env = environment.apply(conf);
        StreamrecJob.builder()
                .configuration(conf)
                .catalog(catalog)
                .interceptEvents(interceptor)
                .build()
                .addTo(env);
        long start = System.nanoTime();
        job = env.executeAsync("streamrec replay");
        progress.accept("Submitted job " + job.getJobID());

        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(() -> produce(produced), "replay-producer");
        producer.setDaemon(true);
        boolean producerStarted = false;

        Map<Integer, EvalReportCodec.Report> latest = new HashMap<>();
        long deadLetters = 0;
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        int checkpoints = 0;
        long nextProgress = 0;
        long lastPrinted = -1;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> reports =
                        committedReader(StreamrecOptions.EVAL_REPORTS_TOPIC);
                KafkaConsumer<byte[], byte[]> dead =
                        committedReader(StreamrecOptions.DEAD_LETTERS_TOPIC)) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : reports.poll(Duration.ofMillis(200))) {
                    EvalReportCodec.Report report =
                            EvalReportCodec.decode(new String(r.value(), StandardCharsets.UTF_8));
                    latest.put(report.counts().subtask(), report);
                    if (report.counts().subtask() == 0) {
                        checkpoints++;
                    }
                }
                if (!producerStarted && !latest.isEmpty()) {
                    producerStarted = true;
                    // the first committed report means every task is running and checkpoints
                    // complete: start the replay now, so start-up is not part of it
                    progress.accept("Pipeline ready (first checkpoint committed); replaying");
                    producer.start();
                }
                for (ConsumerRecord<byte[], byte[]> r : dead.poll(Duration.ZERO)) {
                    deadLetters++;
                    reasons.merge(
                            MAPPER.readTree(r.value()).path("reason").asText(), 1, Integer::sum);
                }
                long evaluated = evaluated(latest);
                long trained = trained(latest);
                long valid = events.size() + hostile.size() - deadLetters;
                boolean producerDone = producerStarted && !producer.isAlive();
                if (producerDone && evaluated >= expectedEvaluated(valid) && trained >= valid) {
                    break;
                }
                // a line per new committed report, or every 10 s while waiting
                if (evaluated != lastPrinted || System.nanoTime() > nextProgress) {
                    lastPrinted = evaluated;
                    nextProgress = System.nanoTime() + 10_000_000_000L;
                    PrequentialCounts c = merged(latest);
                    progress.accept(
                            String.format(
                                    "  replay: produced %,d/%,d  evaluated %,d  trained %,d  dead-letters %,d"
                                            + "  HR@10 model %.4f  popularity %.4f  trending %.4f",
                                    produced.get(),
                                    events.size(),
                                    evaluated,
                                    trained,
                                    deadLetters,
                                    c.hitRate(0),
                                    c.hitRate(1),
                                    c.hitRate(2)));
                }
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException("job ended early: " + status);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "replay timed out after "
                                    + timeout
                                    + ": evaluated "
                                    + evaluated
                                    + ", trained "
                                    + trained
                                    + " of "
                                    + valid);
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        TrainingWindow window = trainingWindow(latest);
        Map<String, List<String>> examples = new LinkedHashMap<>();
        Map<String, String> exampleReasons = new LinkedHashMap<>();
        if (!exampleUsers.isEmpty()) {
            requestExamples(exampleUsers, examples, exampleReasons);
        }
        Map<String, Integer> resultsPerRequest = new HashMap<>();
        LatencyHistogram requestLatency = new LatencyHistogram();
        if (!requestIds.isEmpty()) {
            resultsPerRequest = awaitResults(requestIds, requestLatency);
        }
        LatencyHistogram freshness = new LatencyHistogram();
        latest.values().forEach(r -> freshness.addAll(r.freshness()));
        Map<String, ParameterRow> rows = new HashMap<>();
        if (readFinalRows) {
            try (ModelRowFeed feed =
                    new ModelRowFeed(
                            settings.kafka().toProperties(),
                            settings.get(StreamrecOptions.MODEL_UPDATES_TOPIC))) {
                feed.catchUp(
                        r -> rows.merge(r.key(), r, (a, b) -> a.version() >= b.version() ? a : b));
            }
        }
        return new Result(
                merged(latest),
                events.size(),
                deadLetters,
                trained(latest),
                window.eventsPerSecond(),
                wall,
                checkpoints,
                examples,
                exampleReasons,
                rows,
                resultsPerRequest,
                reasons,
                requestLatency,
                freshness,
                window);
    }

    private void produce(AtomicLong produced) {
        Properties props = settings.kafka().toProperties();
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("enable.idempotence", "true");
        EventJsonCodec codec = new EventJsonCodec();
        String topic = settings.get(StreamrecOptions.EVENTS_TOPIC);
        long begin = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            String requestsTopic = settings.get(StreamrecOptions.REQUESTS_TOPIC);
            int nextHostile = 0;
            for (int i = 0; i < events.size(); i++) {
                UserEvent e = events.get(i);
                if (wallClockTimestamps) {
                    e =
                            new UserEvent(
                                    e.eventId(),
                                    e.userId(),
                                    e.itemId(),
                                    e.type(),
                                    e.value(),
                                    System.currentTimeMillis());
                }
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                e.userId().getBytes(StandardCharsets.UTF_8),
                                codec.toJson(e)));
                long hostileDue = (long) hostile.size() * (i + 1) / events.size();
                for (; nextHostile < hostileDue; nextHostile++) {
                    producer.send(new ProducerRecord<>(topic, hostile.get(nextHostile)));
                }
                if (requestEvery > 0 && (i + 1) % requestEvery == 0) {
                    String id = "replay-r" + (i + 1);
                    requestIds.add(id);
                    requestSentMillis.put(id, System.currentTimeMillis());
                    producer.send(
                            RequestJsonCodec.producerRecord(
                                    requestsTopic,
                                    new RecommendationRequest(id, e.userId(), 10, e.timestamp())));
                }
                long n = produced.incrementAndGet();
                if (eventsPerSecond > 0) {
                    long due = begin + (long) (n * 1e9 / eventsPerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requestExamples(
            List<String> users, Map<String, List<String>> examples, Map<String, String> reasons)
            throws Exception {
        Properties props = settings.kafka().toProperties();
        Map<String, String> requestUser = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String user : users) {
                String id = "example-" + user + "-" + System.nanoTime();
                requestUser.put(id, user);
                producer.send(
                        RequestJsonCodec.producerRecord(
                                settings.get(StreamrecOptions.REQUESTS_TOPIC),
                                new RecommendationRequest(
                                        id, user, 5, System.currentTimeMillis())));
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (KafkaConsumer<byte[], byte[]> results =
                committedReader(StreamrecOptions.RESULTS_TOPIC)) {
            while (requestUser.size() > examples.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    JsonNode node = MAPPER.readTree(r.value());
                    String user = requestUser.get(node.get("requestId").asText());
                    if (user == null) {
                        continue;
                    }
                    List<String> items = new ArrayList<>();
                    node.get("items").forEach(i -> items.add(i.get("itemId").asText()));
                    examples.put(user, items);
                    reasons.put(user, node.get("reason").asText());
                }
            }
        }
    }

    /**
     * Counts the committed results per request id until every id has one (or 2 minutes pass), and
     * records each first result's latency: from the request's send to the job's producer writing
     * the result (its CreateTime), through Kafka both ways. A read_committed reader sees the result
     * once the next checkpoint commits it, on average half a checkpoint interval later.
     */
    private Map<String, Integer> awaitResults(List<String> ids, LatencyHistogram latency)
            throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (KafkaConsumer<byte[], byte[]> results =
                committedReader(StreamrecOptions.RESULTS_TOPIC)) {
            while (System.nanoTime() < deadline && !counts.keySet().containsAll(ids)) {
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    String id = MAPPER.readTree(r.value()).get("requestId").asText();
                    Long sent = requestSentMillis.get(id);
                    if (counts.merge(id, 1, Integer::sum) == 1 && sent != null) {
                        // the result's append time (CreateTime, set by the job's producer)
                        latency.record(Math.max(0, r.timestamp() - sent));
                    }
                }
            }
            // one more read: a duplicate committed after the last id would show up here
            for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofSeconds(2))) {
                counts.merge(MAPPER.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private KafkaConsumer<byte[], byte[]> committedReader(
            org.apache.flink.configuration.ConfigOption<String> topicOption) {
        return CommittedReader.open(
                settings.kafka().toProperties(), settings.get(topicOption), true);
    }

    /** The span from the first to the last trained event, over all serving subtasks. */
    private static TrainingWindow trainingWindow(Map<Integer, EvalReportCodec.Report> latest) {
        long events = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (EvalReportCodec.Report r : latest.values()) {
            EvalReportCodec.Throughput t = r.throughput();
            if (t.events() > 0) {
                events += t.events();
                first = Math.min(first, t.firstMillis());
                last = Math.max(last, t.lastMillis());
            }
        }
        return new TrainingWindow(events, first, last);
    }

    /** Evaluated events to wait for: all valid ones, or the sample of them that is evaluated. */
    private long expectedEvaluated(long valid) {
        ServingSettings serving = settings.serving();
        if (serving.evalSampleRate() >= 1.0) {
            return valid;
        }
        return events.stream().filter(e -> serving.evaluates(e.eventId())).count();
    }

    private static long evaluated(Map<Integer, EvalReportCodec.Report> latest) {
        return latest.values().stream().mapToLong(r -> r.counts().events()).sum();
    }

    private static long trained(Map<Integer, EvalReportCodec.Report> latest) {
        // every serving subtask sees every row, so each reports the same training progress
        return latest.values().stream()
                .mapToLong(EvalReportCodec.Report::trainedEvents)
                .max()
                .orElse(0);
    }

    private static PrequentialCounts merged(Map<Integer, EvalReportCodec.Report> latest) {
        PrequentialCounts all = new PrequentialCounts(-1);
        latest.values().forEach(r -> all.addAll(r.counts()));
        return all;
    }

    /** Cancels the job if it is still running. */
    @Override
    public void close() throws Exception {
        JobClient client = job;
        if (client != null && !client.getJobStatus().get().isGloballyTerminalState()) {
            client.cancel().get();
        }
    }
}
