package io.streamrec.job;

import io.streamrec.feeds.KafkaSettings;
import io.streamrec.ingest.EventTimeGuard;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.PositiveWeights;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.FtrlProximalUpdater;
import io.streamrec.ps.RowOptimizer;
import io.streamrec.ranking.ScoringStage;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.DirectRequestSettings;
import io.streamrec.serving.ModelType;
import io.streamrec.serving.RankerSettings;
import io.streamrec.serving.ServingSettings;
import io.streamrec.worker.FloodLimit;
import io.streamrec.worker.WorkerSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The one place that reads the job's configuration into typed settings. It rejects out-of-range
 * options when it is created, with a message that names the option, so a wrong value fails the job
 * (or quickstart, gateway, tool) at start instead of deep inside an operator.
 */
public final class JobSettings {
    /**
     * Workers' micro-batches when {@code worker.batch-size} and {@code worker.flush-interval} are
     * unset. Under the ranker the workers' factorization only feeds one feature, and batches of up
     * to 256 events, flushed every 100 ms, cut the workers' CPU per event by about a third
     * (BENCHMARKS, fourteenth session) at no cost in HR@10, the serving scorer stepping every
     * {@code ranker.batch-size} events regardless. The factorization model alone loses HR@10 with
     * them (0.2008 to 0.1803 in the quickstart), so it keeps 64 events and 50 ms.
     */
    static final int RANKER_WORKER_BATCH = 256;

    static final Duration RANKER_WORKER_FLUSH = Duration.ofMillis(100);
    static final int FACTORIZATION_WORKER_BATCH = 64;
    static final Duration FACTORIZATION_WORKER_FLUSH = Duration.ofMillis(50);

    /**
     * The factorization model's size when {@code model.dim} and {@code model.negatives} are unset.
     * Under the ranker it only feeds one feature, which switched off costs no measurable HR@10
     * (BENCHMARKS, ninth and fifteenth sessions); 16 dimensions and one negative per positive touch
     * fewer and narrower parameter rows per event, and cut the pipeline's CPU per event at 10%
     * evaluated by a fifth in three alternating pairs, at the same HR@10 (BENCHMARKS, thirty-fifth
     * session). The factorization model alone keeps 32 and 4.
     */
    static final int RANKER_DIM = 16;

    static final int RANKER_NEGATIVES = 1;
    static final int FACTORIZATION_DIM = 32;
    static final int FACTORIZATION_NEGATIVES = 4;

    /** Kafka's producer default {@code max.request.size}. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /**
     * A model-updates record beside its floats: key, run stamp, counters, batch framing; a measured
     * stamped dense row took 79 bytes.
     */
    static final long RECORD_OVERHEAD_BYTES = 256;

    private final ReadableConfig conf;

    public JobSettings(ReadableConfig conf) {
        this.conf = conf;
        checkModelAndOptimizer();
        checkWorkersAndServing();
        checkKafkaAndData();
    }

    /** Fails with an {@link IllegalArgumentException} naming the first out-of-range option. */
    public static void validate(ReadableConfig conf) {
        new JobSettings(conf);
    }

    /** The names of the job's topics. */
    public JobTopics topics() {
        return new JobTopics(
                conf.get(StreamrecOptions.EVENTS_TOPIC),
                conf.get(StreamrecOptions.REQUESTS_TOPIC),
                conf.get(StreamrecOptions.RESULTS_TOPIC),
                conf.get(StreamrecOptions.MODEL_UPDATES_TOPIC),
                conf.get(StreamrecOptions.ITEMS_TOPIC),
                conf.get(StreamrecOptions.CATALOG_TOPIC),
                conf.get(StreamrecOptions.EVAL_REPORTS_TOPIC),
                conf.get(StreamrecOptions.DEAD_LETTERS_TOPIC));
    }

    /**
     * The consumer group of the job's sources, whose committed offsets a new source starts from.
     */
    public String consumerGroup() {
        return conf.get(StreamrecOptions.GROUP_ID);
    }

    /** How the job's exactly-once sinks name their transactions. */
    public SinkTransactions sinkTransactions() {
        return new SinkTransactions(
                conf.get(StreamrecOptions.TRANSACTIONAL_ID_PREFIX),
                conf.get(StreamrecOptions.TRANSACTION_NAMING_STRATEGY));
    }

    /** How the results are written: at least once or in the checkpoint's transaction. */
    public DeliveryGuarantee resultsDeliveryGuarantee() {
        return conf.get(StreamrecOptions.RESULTS_DELIVERY_GUARANTEE);
    }

    /**
     * The check of an event's timestamp against the wall clock ({@code validation.max-future}) and
     * its partition's newest accepted one ({@code validation.allowed-lateness}).
     */
    public EventTimeGuard<UserEvent> eventTimeGuard() {
        return new EventTimeGuard<>(
                UserEvent::timestamp,
                conf.get(StreamrecOptions.MAX_FUTURE).toMillis(),
                conf.get(StreamrecOptions.ALLOWED_LATENESS).toMillis());
    }

    /**
     * The file of the key user ids are pseudonymised with ({@code privacy.user-id-key-file}), read
     * where it is used (each TaskManager, the gateway); empty: user ids stay raw.
     */
    public Optional<String> userIdKeyFile() {
        return conf.getOptional(StreamrecOptions.USER_ID_KEY_FILE);
    }

    /**
     * The workers' (and the sources' and validation's) parallelism, else {@code jobParallelism}.
     */
    public int workerParallelism(int jobParallelism) {
        return parallelism(StreamrecOptions.WORKER_PARALLELISM, jobParallelism);
    }

    /** The number of parameter-server shards, else {@code jobParallelism}. */
    public int shardParallelism(int jobParallelism) {
        return parallelism(StreamrecOptions.SHARD_PARALLELISM, jobParallelism);
    }

    /** The parameter server's key groups: the most shards it can be rescaled to. */
    public int shardMaxParallelism() {
        return conf.get(StreamrecOptions.SHARD_MAX_PARALLELISM);
    }

    /** Serving's parallelism, else {@code jobParallelism}. */
    public int servingParallelism(int jobParallelism) {
        return parallelism(StreamrecOptions.SERVING_PARALLELISM, jobParallelism);
    }

    private int parallelism(ConfigOption<Integer> option, int jobParallelism) {
        return conf.getOptional(option).orElse(jobParallelism);
    }

    /** The rows a parameter-server subtask keeps in its write-back cache. */
    public int psCacheRows() {
        return conf.get(StreamrecOptions.PS_CACHE_ROWS);
    }

    /**
     * Bootstrap servers and client properties: those of {@code kafka.properties-file}, then {@code
     * kafka.properties} over them.
     */
    public KafkaSettings kafka() {
        Map<String, String> properties = new TreeMap<>(kafkaPropertiesFile());
        properties.putAll(conf.get(StreamrecOptions.KAFKA_PROPERTIES));
        return new KafkaSettings(conf.get(StreamrecOptions.BOOTSTRAP_SERVERS), properties);
    }

    private Map<String, String> kafkaPropertiesFile() {
        Optional<String> file = conf.getOptional(StreamrecOptions.KAFKA_PROPERTIES_FILE);
        if (file.isEmpty()) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file.get()), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw outOfRange(
                    StreamrecOptions.KAFKA_PROPERTIES_FILE,
                    file.get(),
                    "a readable properties file (" + e + ")");
        }
        Map<String, String> properties = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> properties.put(k, p.getProperty(k)));
        return properties;
    }

    public ModelConfig model() {
        return new ModelConfig(
                conf.getOptional(StreamrecOptions.DIM)
                        .orElse(ranker() ? RANKER_DIM : FACTORIZATION_DIM),
                conf.getOptional(StreamrecOptions.NEGATIVES)
                        .orElse(ranker() ? RANKER_NEGATIVES : FACTORIZATION_NEGATIVES),
                conf.get(StreamrecOptions.HISTORY_LENGTH),
                conf.get(StreamrecOptions.TREND_HALF_LIFE).toMillis(),
                conf.get(StreamrecOptions.SEED),
                conf.get(StreamrecOptions.CONTENT_DIM),
                positiveWeights());
    }

    /** How much each event counts as a positive, from model.event-weights and rating-*. */
    public PositiveWeights positiveWeights() {
        Map<EventType, Double> byType = new EnumMap<>(EventType.class);
        for (Map.Entry<String, String> e : conf.get(StreamrecOptions.EVENT_WEIGHTS).entrySet()) {
            EventType type = EventType.parse(e.getKey());
            Double weight = parseWeight(e.getValue());
            if (type == null || weight == null) {
                throw outOfRange(
                        StreamrecOptions.EVENT_WEIGHTS,
                        e.getKey() + ":" + e.getValue(),
                        "type:weight with a type of view, click, cart, purchase, rating and a"
                                + " weight in [0, "
                                + Float.MAX_VALUE
                                + "]");
            }
            byType.put(type, weight);
        }
        return new PositiveWeights(
                byType,
                conf.get(StreamrecOptions.RATING_WEIGHTING)
                        == StreamrecOptions.RatingWeighting.LINEAR,
                conf.get(StreamrecOptions.RATING_MAX));
    }

    private static Double parseWeight(String text) {
        try {
            double weight = Double.parseDouble(text.trim());
            return weight >= 0 && weight <= Float.MAX_VALUE ? weight : null; // a float in the loss
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public RowOptimizer optimizer() {
        double lr = conf.get(StreamrecOptions.LEARNING_RATE);
        switch (conf.get(StreamrecOptions.OPTIMIZER)) {
            case FTRL:
                return new FtrlProximalUpdater(
                        lr,
                        conf.get(StreamrecOptions.FTRL_BETA),
                        conf.get(StreamrecOptions.FTRL_L1),
                        conf.get(StreamrecOptions.L2));
            default:
                return new AdagradUpdater(
                        lr, conf.get(StreamrecOptions.ADAGRAD_INITIAL_ACCUMULATOR), 1e-8);
        }
    }

    public FrequencyAdaptiveL2 l2() {
        return new FrequencyAdaptiveL2(conf.get(StreamrecOptions.L2));
    }

    public ServingSettings serving() {
        return new ServingSettings(
                conf.get(StreamrecOptions.EVAL_WINDOW).toMillis(),
                conf.get(StreamrecOptions.EVAL_SAMPLE_RATE),
                conf.get(StreamrecOptions.SERVING_ANN_MIN_ITEMS),
                conf.get(StreamrecOptions.MODEL_TYPE),
                RankerSettings.builder()
                        .learningRate(conf.get(StreamrecOptions.RANKER_LEARNING_RATE))
                        .switchedOff(conf.get(StreamrecOptions.RANKER_SWITCHED_OFF))
                        .itemTextVectors(conf.get(StreamrecOptions.RANKER_ITEM_TEXT_VECTORS))
                        .robustTraining(
                                conf.get(StreamrecOptions.RANKER_CLIP_NORM),
                                conf.get(StreamrecOptions.RANKER_DP_NOISE_MULTIPLIER),
                                userFlood())
                        .learnSampleRate(conf.get(StreamrecOptions.RANKER_LEARN_SAMPLE_RATE))
                        .trainingPasses(conf.get(StreamrecOptions.RANKER_TRAINING_PASSES))
                        .trainingNegatives(conf.get(StreamrecOptions.RANKER_TRAINING_NEGATIVES))
                        .similarUsers(conf.get(StreamrecOptions.RANKER_SIMILAR_USERS))
                        .unseenCatalogCandidates(
                                conf.get(StreamrecOptions.RANKER_UNSEEN_CATALOG_CANDIDATES))
                        .batchEvents(conf.get(StreamrecOptions.RANKER_BATCH_SIZE))
                        .scoringInFlight(conf.get(StreamrecOptions.RANKER_SCORING_IN_FLIGHT))
                        .rebaseOffTaskThread(
                                conf.get(StreamrecOptions.RANKER_STATISTICS_REBASE_OFF_TASK_THREAD))
                        .build(),
                conf.get(StreamrecOptions.SERVING_EVALUATION_SLICE).toNanos(),
                conf.get(StreamrecOptions.EVAL_REPORT_OFF_TASK_THREAD));
    }

    /**
     * Whether serving reads recommendation requests from the topic itself: {@code
     * serving.direct-requests} under the learned ranker only.
     */
    public DirectRequestSettings directRequests() {
        boolean on = conf.get(StreamrecOptions.SERVING_DIRECT_REQUESTS) && ranker();
        return on
                ? new DirectRequestSettings(
                        true, topics().requests(), consumerGroup(), userIdKeyFile().orElse(null))
                : DirectRequestSettings.OFF;
    }

    private boolean ranker() {
        return conf.get(StreamrecOptions.MODEL_TYPE) == ModelType.RANKER;
    }

    public WorkerSettings worker() {
        return new WorkerSettings(
                conf.getOptional(StreamrecOptions.BATCH_SIZE)
                        .orElse(ranker() ? RANKER_WORKER_BATCH : FACTORIZATION_WORKER_BATCH),
                conf.getOptional(StreamrecOptions.FLUSH_INTERVAL)
                        .orElse(ranker() ? RANKER_WORKER_FLUSH : FACTORIZATION_WORKER_FLUSH)
                        .toMillis(),
                conf.get(StreamrecOptions.LOCAL_UPDATES),
                conf.get(StreamrecOptions.PREFER_GPU),
                conf.get(StreamrecOptions.MAX_USER_ITEMS),
                conf.get(StreamrecOptions.RECENT_NEGATIVE_FRACTION),
                conf.get(StreamrecOptions.RECENT_POSITIVES),
                conf.get(StreamrecOptions.DEDUPE_WINDOW).toMillis(),
                conf.get(StreamrecOptions.DEDUPE_MAX_IDS),
                userFlood());
    }

    /** The workers' per-user flood limit. */
    private FloodLimit userFlood() {
        return floodLimit(StreamrecOptions.USER_EVENTS_PER_HOUR, StreamrecOptions.USER_BURST);
    }

    /** The item flood guard's limit ({@link FloodLimit#OFF}: no guard stage). */
    public FloodLimit itemFlood() {
        return floodLimit(StreamrecOptions.ITEM_EVENTS_PER_HOUR, StreamrecOptions.ITEM_BURST);
    }

    /** A flood limit from its two options; a bad value fails naming them. */
    private FloodLimit floodLimit(ConfigOption<Double> rate, ConfigOption<Integer> burst) {
        try {
            return new FloodLimit(conf.get(rate), conf.get(burst));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    rate.key() + " / " + burst.key() + ": " + e.getMessage(), e);
        }
    }

    /** The item catalog from {@code items.path}, or an empty one. */
    public ItemCatalog catalog() {
        return conf.getOptional(StreamrecOptions.ITEMS_PATH)
                .map(
                        p -> {
                            try {
                                return ItemCatalog.read(
                                        Path.of(p),
                                        ItemFormat.parse(conf.get(StreamrecOptions.ITEMS_FORMAT)),
                                        itemsCharset(conf.get(StreamrecOptions.ITEMS_CHARSET)));
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot read items " + p, e);
                            }
                        })
                .orElseGet(ItemCatalog::empty);
    }

    /** The charset {@code items.charset} names, or null for detection ("auto"). */
    public static java.nio.charset.Charset itemsCharset(String name) {
        if (name.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw outOfRange(
                    StreamrecOptions.ITEMS_CHARSET, name, "auto or a charset this JVM knows");
        }
    }

    private void checkModelAndOptimizer() {
        atLeast(StreamrecOptions.DIM, 1);
        atLeast(StreamrecOptions.NEGATIVES, 1);
        atLeast(StreamrecOptions.HISTORY_LENGTH, 0);
        atLeast(StreamrecOptions.CONTENT_DIM, 0);
        positiveDuration(StreamrecOptions.TREND_HALF_LIFE);
        share(StreamrecOptions.RECENT_NEGATIVE_FRACTION);
        check(StreamrecOptions.RATING_MAX, v -> v > 0 && !v.isInfinite(), "> 0");
        conf.get(StreamrecOptions.RATING_WEIGHTING); // an unknown name fails here, naming the key
        positiveWeights();
        check(StreamrecOptions.LEARNING_RATE, v -> v > 0, "> 0");
        nonNegativeNumber(StreamrecOptions.ADAGRAD_INITIAL_ACCUMULATOR);
        // 0 would let FTRL's falling L2 inflate the weights that get no gradient, without bound
        check(StreamrecOptions.FTRL_BETA, v -> v > 0 && !v.isInfinite(), "> 0, finite");
        nonNegativeNumber(StreamrecOptions.FTRL_L1);
        nonNegativeNumber(StreamrecOptions.L2);
        conf.get(StreamrecOptions.OPTIMIZER); // an unknown name fails here, naming the key
        checkLargestRowIsReadable();
        checkLargestRowFitsARecord();
        check(StreamrecOptions.RANKER_LEARNING_RATE, v -> v > 0 && !v.isInfinite(), "> 0, finite");
        check(StreamrecOptions.RANKER_CLIP_NORM, v -> v >= 0 && !v.isInfinite(), ">= 0, finite");
        nonNegativeNumber(StreamrecOptions.RANKER_DP_NOISE_MULTIPLIER);
        positiveShare(StreamrecOptions.RANKER_LEARN_SAMPLE_RATE);
        check(StreamrecOptions.RANKER_TRAINING_PASSES, v -> v >= 1, "at least 1");
        positiveShare(StreamrecOptions.RANKER_TRAINING_NEGATIVES);
        conf.get(StreamrecOptions.RANKER_SIMILAR_USERS); // an unknown name fails here, naming it
        atLeast(StreamrecOptions.RANKER_BATCH_SIZE, 1);
        // the stage's result queue is allocated at this size up front
        check(
                StreamrecOptions.RANKER_SCORING_IN_FLIGHT,
                v -> v >= 0 && v <= ScoringStage.MAX_IN_FLIGHT,
                "0.." + ScoringStage.MAX_IN_FLIGHT);
        if (conf.get(StreamrecOptions.RANKER_DP_NOISE_MULTIPLIER) > 0
                && conf.get(StreamrecOptions.RANKER_CLIP_NORM) == 0) {
            throw outOfRange(
                    StreamrecOptions.RANKER_DP_NOISE_MULTIPLIER,
                    conf.get(StreamrecOptions.RANKER_DP_NOISE_MULTIPLIER),
                    "0 unless ranker.clip-norm is > 0 (the noise is scaled by the clip norm)");
        }
    }

    private void checkWorkersAndServing() {
        atLeast(StreamrecOptions.BATCH_SIZE, 1);
        nonNegativeDuration(StreamrecOptions.FLUSH_INTERVAL);
        // a user's items travel in evaluation markers and requests, which readers bound
        check(
                StreamrecOptions.MAX_USER_ITEMS,
                v -> v >= 1 && v <= ReadBounds.MAX_LIST_LENGTH,
                "1.." + ReadBounds.MAX_LIST_LENGTH);
        atLeast(StreamrecOptions.RECENT_POSITIVES, 1);
        atLeast(StreamrecOptions.WORKER_PARALLELISM, 1);
        atLeast(StreamrecOptions.SHARD_PARALLELISM, 1);
        atLeast(StreamrecOptions.SERVING_PARALLELISM, 1);
        // Flink's upper bound on max parallelism (key groups)
        check(StreamrecOptions.SHARD_MAX_PARALLELISM, v -> v >= 1 && v <= 32768, "in [1, 32768]");
        conf.getOptional(StreamrecOptions.SHARD_PARALLELISM)
                .ifPresent(
                        shards ->
                                check(
                                        StreamrecOptions.SHARD_MAX_PARALLELISM,
                                        max -> max >= shards,
                                        ">= " + StreamrecOptions.SHARD_PARALLELISM.key()));
        atLeast(StreamrecOptions.PS_CACHE_ROWS, 0);
        atLeast(StreamrecOptions.SERVING_ANN_MIN_ITEMS, 0);
        positiveDuration(StreamrecOptions.EVAL_WINDOW);
        share(StreamrecOptions.EVAL_SAMPLE_RATE);
        userFlood(); // each fails naming its options: a rate of Infinity would quarantine for good
        itemFlood();
    }

    private void checkKafkaAndData() {
        notBlank(StreamrecOptions.BOOTSTRAP_SERVERS);
        notBlank(StreamrecOptions.GROUP_ID);
        notBlank(StreamrecOptions.TRANSACTIONAL_ID_PREFIX);
        conf.get(StreamrecOptions.TRANSACTION_NAMING_STRATEGY); // an unknown name fails here
        check(
                StreamrecOptions.RESULTS_DELIVERY_GUARANTEE,
                g -> g != DeliveryGuarantee.NONE,
                "at-least-once or exactly-once (none could lose results)");
        conf.get(StreamrecOptions.KAFKA_PROPERTIES);
        kafkaPropertiesFile();
        itemsCharset(conf.get(StreamrecOptions.ITEMS_CHARSET));
        Map<String, String> optionByTopic = new HashMap<>();
        for (ConfigOption<String> topic : StreamrecOptions.TOPICS) {
            notBlank(topic);
            String other = optionByTopic.putIfAbsent(conf.get(topic), topic.key());
            if (other != null) {
                throw outOfRange(topic, conf.get(topic), "a topic of its own, not " + other + "'s");
            }
        }
        nonNegativeDuration(StreamrecOptions.MAX_FUTURE);
        nonNegativeDuration(StreamrecOptions.ALLOWED_LATENESS);
        nonNegativeDuration(StreamrecOptions.DEDUPE_WINDOW);
        check(StreamrecOptions.DEDUPE_MAX_IDS, v -> v >= 4, "at least 4");
        String format = conf.get(StreamrecOptions.ITEMS_FORMAT);
        try {
            ItemFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw outOfRange(
                    StreamrecOptions.ITEMS_FORMAT,
                    format,
                    "movietweetings, movielens-100k or movielens-csv");
        }
    }

    private <T> void check(ConfigOption<T> option, Predicate<T> valid, String rule) {
        // options without a default are checked only when set
        (option.hasDefaultValue() ? Optional.of(conf.get(option)) : conf.getOptional(option))
                .ifPresent(
                        value -> {
                            if (!valid.test(value)) {
                                throw outOfRange(option, value, rule);
                            }
                        });
    }

    /**
     * The largest parameter rows, {@code dense:W} (dim²) and {@code dense:U} (content-dim × dim),
     * with their optimizer slots, must fit the vectors a checkpoint's reader accepts: a longer row
     * would be written and never restored.
     */
    private void checkLargestRowIsReadable() {
        long largest = largestRowWeights() * slotsPerWeight(); // the slots' vector, the longer
        if (largest > ReadBounds.MAX_VECTOR_LENGTH) {
            throw new IllegalArgumentException(
                    largestRowOptions()
                            + " are out of range: the rows dense:W (dim²) and dense:U (content-dim"
                            + " × dim) with their optimizer slots must hold at most "
                            + ReadBounds.MAX_VECTOR_LENGTH
                            + " floats; they would hold "
                            + largest);
        }
    }

    /** Weights of the largest rows, dense:W (dim²) and dense:U (content-dim × dim). */
    private long largestRowWeights() {
        ModelConfig model = model();
        return Math.max((long) model.dim() * model.dim(), (long) model.contentDim() * model.dim());
    }

    /** The options that size the largest rows, as the messages about them name them. */
    private String largestRowOptions() {
        ModelConfig model = model();
        return "options model.dim = "
                + model.dim()
                + " and model.content-dim = "
                + model.contentDim()
                + " (optimizer.type "
                + conf.get(StreamrecOptions.OPTIMIZER)
                + ")";
    }

    /** Optimizer slots per weight: AdaGrad's accumulator, FTRL's z and n. */
    private long slotsPerWeight() {
        return conf.get(StreamrecOptions.OPTIMIZER) == StreamrecOptions.OptimizerType.FTRL ? 2 : 1;
    }

    /**
     * The largest rows travel whole, weights and slots, as one model-updates record at every
     * checkpoint: past the producer's {@code max.request.size} each checkpoint's flush fails the
     * task, and every restart flushes the same row again.
     */
    private void checkLargestRowFitsARecord() {
        long limit = producerRecordLimit();
        long bytes = 4 * largestRowWeights() * (1 + slotsPerWeight()) + RECORD_OVERHEAD_BYTES;
        if (bytes > limit) {
            throw new IllegalArgumentException(
                    largestRowOptions()
                            + " make the rows dense:W / dense:U, weights and slots, a"
                            + " model-updates record of about "
                            + bytes
                            + " bytes, over the producer's max.request.size of "
                            + limit
                            + ": raise max.request.size (kafka.properties or"
                            + " kafka.properties-file) and the model-updates topic's"
                            + " max.message.bytes, or lower model.dim");
        }
    }

    /** Kafka's producer default, 1 MiB, unless the job's Kafka properties set another. */
    private long producerRecordLimit() {
        String set = kafka().toProperties().getProperty("max.request.size");
        if (set == null) {
            return DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Long.parseLong(set.trim());
        } catch (NumberFormatException e) {
            // from kafka.properties or, below it, kafka.properties-file
            ConfigOption<?> from =
                    conf.get(StreamrecOptions.KAFKA_PROPERTIES).containsKey("max.request.size")
                            ? StreamrecOptions.KAFKA_PROPERTIES
                            : StreamrecOptions.KAFKA_PROPERTIES_FILE;
            throw outOfRange(from, set, "max.request.size in bytes");
        }
    }

    private void atLeast(ConfigOption<Integer> option, int min) {
        check(option, v -> v >= min, ">= " + min);
    }

    private void nonNegativeNumber(ConfigOption<Double> option) {
        check(option, v -> v >= 0, ">= 0");
    }

    private void share(ConfigOption<Double> option) {
        check(option, v -> v >= 0 && v <= 1, "in [0, 1]");
    }

    /** A share that must keep something: in (0, 1]. */
    private void positiveShare(ConfigOption<Double> option) {
        check(option, v -> v > 0 && v <= 1, "in (0, 1]");
    }

    private void positiveDuration(ConfigOption<Duration> option) {
        check(option, d -> d.compareTo(Duration.ZERO) > 0, "> 0");
    }

    private void nonNegativeDuration(ConfigOption<Duration> option) {
        check(option, d -> !d.isNegative(), ">= 0");
    }

    private void notBlank(ConfigOption<String> option) {
        check(option, s -> !s.isBlank(), "not empty");
    }

    private static IllegalArgumentException outOfRange(
            ConfigOption<?> option, Object value, String rule) {
        return new IllegalArgumentException(
                "option " + option.key() + " = " + value + " is out of range: must be " + rule);
    }
}
