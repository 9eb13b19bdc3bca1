package io.streamrec.job;

import io.streamrec.config.DurationOptions;
import io.streamrec.config.InvalidOption;
import io.streamrec.config.KnownOptions;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.ingest.TextFileLines;
import io.streamrec.kafka.JobTopics;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.PositiveWeights;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.FtrlProximalUpdater;
import io.streamrec.ps.RowOptimizer;
import io.streamrec.ranking.ScoringStage;
import io.streamrec.records.EventTimeGuard;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.records.ValidationOptions;
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
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(JobSettings.class);

    /**
     * The job's options; parallelism.* is Flink's too ({@code parallelism.default}), so a
     * misspelling there goes unreported.
     */
    private static final List<ConfigOption<?>> ALL_OPTIONS = StreamrecOptions.all();

    private static final KnownOptions OPTIONS =
            new KnownOptions(
                    "streamrec job", ALL_OPTIONS, List.of(CoreOptions.DEFAULT_PARALLELISM));

    private final ReadableConfig conf;

    public JobSettings(ReadableConfig conf) {
        this.conf = conf;
        // before the checks, which may fail on what the misspelled key was meant to set
        OPTIONS.newWarnings(conf).forEach(LOG::warn); // once per key: built more than once
        ALL_OPTIONS.forEach(o -> DurationOptions.checkFitsMillis(conf, o));
        DurationOptions.checkFitsNanos(conf, ServingOptions.EVALUATION_SLICE); // serving() reads ns
        checkModelAndOptimizer();
        checkWorkersAndServing();
        checkKafkaAndData();
    }

    /** Fails with an {@link IllegalArgumentException} naming the first out-of-range option. */
    public static void validate(ReadableConfig conf) {
        new JobSettings(conf);
    }

    /**
     * The keys under the job's prefixes ({@code model.}, {@code topic.}, ...) that name none of its
     * options, misspelled most likely: the job warns about each, as Flink's options arrive as
     * {@code -D} too and unknown keys cannot all be refused.
     */
    static List<String> unknownOptions(ReadableConfig conf) {
        return OPTIONS.unknownKeys(conf);
    }

    /** The names of the job's topics. */
    public JobTopics topics() {
        return JobTopics.from(conf);
    }

    /**
     * The consumer group of the job's sources, whose committed offsets a new source starts from.
     */
    public String consumerGroup() {
        return conf.get(KafkaOptions.GROUP_ID);
    }

    /** How the job's exactly-once sinks name their transactions. */
    public SinkTransactions sinkTransactions() {
        return new SinkTransactions(
                conf.get(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX),
                conf.get(KafkaSinkOptions.TRANSACTION_NAMING_STRATEGY));
    }

    /** How the results are written: at least once or in the checkpoint's transaction. */
    public DeliveryGuarantee resultsDeliveryGuarantee() {
        return conf.get(KafkaSinkOptions.RESULTS_DELIVERY_GUARANTEE);
    }

    /**
     * The check of an event's timestamp against a fixed earliest time ({@code
     * validation.earliest-timestamp}), the wall clock ({@code validation.max-future}) and its
     * partition's newest accepted one ({@code validation.allowed-lateness}).
     */
    public EventTimeGuard<UserEvent> eventTimeGuard() {
        return new EventTimeGuard<>(
                UserEvent::timestamp,
                conf.get(ValidationOptions.EARLIEST_TIMESTAMP),
                conf.get(ValidationOptions.MAX_FUTURE).toMillis(),
                conf.get(ValidationOptions.ALLOWED_LATENESS).toMillis());
    }

    /**
     * How the job's validation reads requests: a recommendation request at most {@code
     * validation.max-future} ahead of the wall clock, as events, where it is the only reader (and
     * never before {@code validation.earliest-timestamp}, a setting both readers apply alike); with
     * {@code serving.direct-requests} on, serving answers recommendation requests and caps their
     * time itself ({@link DirectRequestSettings#requestCodec}), and validation passes only forgets
     * on, so turning one away by a second clock would dead-letter a request serving answered.
     */
    public RequestJsonCodec requestCodec() {
        return directRequests().enabled()
                ? RequestJsonCodec.unbounded(conf.get(ValidationOptions.EARLIEST_TIMESTAMP))
                : new RequestJsonCodec(
                        conf.get(ValidationOptions.EARLIEST_TIMESTAMP),
                        conf.get(ValidationOptions.MAX_FUTURE).toMillis());
    }

    /**
     * The file of the key user ids are pseudonymised with ({@code privacy.user-id-key-file}), read
     * where it is used (each TaskManager, the gateway); empty: user ids stay raw.
     */
    public Optional<String> userIdKeyFile() {
        return PrivacyOptions.userIdKeyFile(conf);
    }

    /**
     * The workers' (and the sources' and validation's) parallelism, else {@code jobParallelism}.
     */
    public int workerParallelism(int jobParallelism) {
        return parallelism(ParallelismOptions.WORKERS, jobParallelism);
    }

    /**
     * The number of parameter-server shards, else {@code jobParallelism}; fails naming {@code
     * parallelism.shards-max} when that is below it. Set, {@code parallelism.shards} is checked
     * against it at construction; unset, the shards take the job's parallelism ({@code -p}), known
     * only where the job is built.
     */
    public int shardParallelism(int jobParallelism) {
        int shards = parallelism(ParallelismOptions.SHARDS, jobParallelism);
        int max = shardMaxParallelism();
        if (max < shards) {
            throw outOfRange(
                    ParallelismOptions.SHARDS_MAX,
                    max,
                    ">= the parameter server's shards, "
                            + shards
                            + " ("
                            + ParallelismOptions.SHARDS.key()
                            + ", else the job's parallelism)");
        }
        return shards;
    }

    /** The parameter server's key groups: the most shards it can be rescaled to. */
    public int shardMaxParallelism() {
        return conf.get(ParallelismOptions.SHARDS_MAX);
    }

    /** Serving's parallelism, else {@code jobParallelism}. */
    public int servingParallelism(int jobParallelism) {
        return parallelism(ParallelismOptions.SERVING, jobParallelism);
    }

    private int parallelism(ConfigOption<Integer> option, int jobParallelism) {
        return conf.getOptional(option).orElse(jobParallelism);
    }

    /** The rows a parameter-server subtask keeps in its write-back cache. */
    public int psCacheRows() {
        return conf.get(ParameterServerOptions.CACHE_ROWS);
    }

    /**
     * Bootstrap servers and client properties: those of {@code kafka.properties-file}, then {@code
     * kafka.properties} over them.
     */
    public KafkaSettings kafka() {
        return KafkaSettings.from(conf);
    }

    public ModelConfig model() {
        return new ModelConfig(
                conf.getOptional(ModelOptions.DIM)
                        .orElse(ranker() ? RANKER_DIM : FACTORIZATION_DIM),
                conf.getOptional(ModelOptions.NEGATIVES)
                        .orElse(ranker() ? RANKER_NEGATIVES : FACTORIZATION_NEGATIVES),
                conf.get(ModelOptions.HISTORY_LENGTH),
                conf.get(ModelOptions.TREND_HALF_LIFE).toMillis(),
                conf.get(ModelOptions.SEED),
                conf.get(ModelOptions.CONTENT_DIM),
                positiveWeights());
    }

    /** How much each event counts as a positive, from model.event-weights and rating-*. */
    public PositiveWeights positiveWeights() {
        Map<EventType, Double> byType = new EnumMap<>(EventType.class);
        for (Map.Entry<String, String> e : conf.get(ModelOptions.EVENT_WEIGHTS).entrySet()) {
            EventType type = EventType.parse(e.getKey());
            Double weight = parseWeight(e.getValue());
            if (type == null || weight == null) {
                throw outOfRange(
                        ModelOptions.EVENT_WEIGHTS,
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
                conf.get(ModelOptions.RATING_WEIGHTING) == ModelOptions.RatingWeighting.LINEAR,
                conf.get(ModelOptions.RATING_MAX));
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
        double lr = conf.get(OptimizerOptions.LEARNING_RATE);
        switch (conf.get(OptimizerOptions.TYPE)) {
            case FTRL:
                return new FtrlProximalUpdater(
                        lr,
                        conf.get(OptimizerOptions.FTRL_BETA),
                        conf.get(OptimizerOptions.FTRL_L1),
                        conf.get(OptimizerOptions.L2));
            default:
                return new AdagradUpdater(
                        lr, conf.get(OptimizerOptions.ADAGRAD_INITIAL_ACCUMULATOR), 1e-8);
        }
    }

    public FrequencyAdaptiveL2 l2() {
        return new FrequencyAdaptiveL2(conf.get(OptimizerOptions.L2));
    }

    public ServingSettings serving() {
        return new ServingSettings(
                conf.get(EvaluationOptions.WINDOW).toMillis(),
                conf.get(EvaluationOptions.SAMPLE_RATE),
                conf.get(ServingOptions.ANN_MIN_ITEMS),
                conf.get(ModelOptions.TYPE),
                RankerSettings.builder()
                        .learningRate(conf.get(RankerOptions.LEARNING_RATE))
                        .switchedOff(conf.get(RankerOptions.SWITCHED_OFF))
                        .itemTextVectors(conf.get(RankerOptions.ITEM_TEXT_VECTORS))
                        .robustTraining(
                                conf.get(RankerOptions.CLIP_NORM),
                                conf.get(RankerOptions.DP_NOISE_MULTIPLIER),
                                userFlood())
                        .learnSampleRate(conf.get(RankerOptions.LEARN_SAMPLE_RATE))
                        .trainingPasses(conf.get(RankerOptions.TRAINING_PASSES))
                        .trainingNegatives(conf.get(RankerOptions.TRAINING_NEGATIVES))
                        .similarUsers(conf.get(RankerOptions.SIMILAR_USERS))
                        .unseenCatalogCandidates(conf.get(RankerOptions.UNSEEN_CATALOG_CANDIDATES))
                        .batchEvents(conf.get(RankerOptions.BATCH_SIZE))
                        .scoringInFlight(conf.get(RankerOptions.SCORING_IN_FLIGHT))
                        .rebaseOffTaskThread(
                                conf.get(RankerOptions.STATISTICS_REBASE_OFF_TASK_THREAD))
                        .build(),
                conf.get(ServingOptions.EVALUATION_SLICE).toNanos(),
                conf.get(EvaluationOptions.REPORT_OFF_TASK_THREAD));
    }

    /**
     * Whether serving reads recommendation requests from the topic itself: {@code
     * serving.direct-requests} under the learned ranker only.
     */
    public DirectRequestSettings directRequests() {
        boolean on = conf.get(ServingOptions.DIRECT_REQUESTS) && ranker();
        return on
                ? new DirectRequestSettings(
                        true,
                        topics().requests(),
                        consumerGroup(),
                        userIdKeyFile().orElse(null),
                        conf.get(ValidationOptions.MAX_FUTURE).toMillis(),
                        conf.get(ValidationOptions.EARLIEST_TIMESTAMP))
                : DirectRequestSettings.OFF;
    }

    private boolean ranker() {
        return conf.get(ModelOptions.TYPE) == ModelType.RANKER;
    }

    public WorkerSettings worker() {
        return new WorkerSettings(
                conf.getOptional(WorkerOptions.BATCH_SIZE)
                        .orElse(ranker() ? RANKER_WORKER_BATCH : FACTORIZATION_WORKER_BATCH),
                conf.getOptional(WorkerOptions.FLUSH_INTERVAL)
                        .orElse(ranker() ? RANKER_WORKER_FLUSH : FACTORIZATION_WORKER_FLUSH)
                        .toMillis(),
                conf.get(WorkerOptions.LOCAL_UPDATES),
                conf.get(WorkerOptions.PREFER_GPU),
                conf.get(WorkerOptions.MAX_USER_ITEMS),
                conf.get(ModelOptions.RECENT_NEGATIVE_FRACTION),
                conf.get(WorkerOptions.RECENT_POSITIVES),
                conf.get(ValidationOptions.DEDUPE_WINDOW).toMillis(),
                conf.get(ValidationOptions.DEDUPE_MAX_IDS),
                userFlood());
    }

    /** The workers' per-user flood limit. */
    private FloodLimit userFlood() {
        return floodLimit(GuardOptions.USER_EVENTS_PER_HOUR, GuardOptions.USER_BURST);
    }

    /** The item flood guard's limit ({@link FloodLimit#OFF}: no guard stage). */
    public FloodLimit itemFlood() {
        return floodLimit(GuardOptions.ITEM_EVENTS_PER_HOUR, GuardOptions.ITEM_BURST);
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
        return conf.getOptional(CatalogOptions.PATH)
                .map(
                        p -> {
                            try {
                                return ItemCatalog.read(
                                        Path.of(p),
                                        ItemFormat.parse(conf.get(CatalogOptions.FORMAT)),
                                        itemsCharset(conf.get(CatalogOptions.CHARSET)));
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
        java.nio.charset.Charset charset;
        try {
            charset = java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw outOfRange(CatalogOptions.CHARSET, name, "auto or a charset this JVM knows");
        }
        // refused here, before the job starts, rather than as an undecodable line 2 at read
        if (!TextFileLines.splitsLinesAtByte0A(charset)) {
            throw outOfRange(CatalogOptions.CHARSET, name, TextFileLines.LINE_SPLITTING_CHARSET);
        }
        return charset;
    }

    private void checkModelAndOptimizer() {
        atLeast(ModelOptions.DIM, 1);
        atLeast(ModelOptions.NEGATIVES, 1);
        atLeast(ModelOptions.HISTORY_LENGTH, 0);
        atLeast(ModelOptions.CONTENT_DIM, 0);
        positiveMillis(ModelOptions.TREND_HALF_LIFE);
        share(ModelOptions.RECENT_NEGATIVE_FRACTION);
        check(ModelOptions.RATING_MAX, v -> v > 0 && !v.isInfinite(), "> 0");
        conf.get(ModelOptions.RATING_WEIGHTING); // an unknown name fails here, naming the key
        positiveWeights();
        check(OptimizerOptions.LEARNING_RATE, v -> v > 0 && !v.isInfinite(), "> 0, finite");
        nonNegativeNumber(OptimizerOptions.ADAGRAD_INITIAL_ACCUMULATOR);
        // 0 would let FTRL's falling L2 inflate the weights that get no gradient, without bound
        check(OptimizerOptions.FTRL_BETA, v -> v > 0 && !v.isInfinite(), "> 0, finite");
        nonNegativeNumber(OptimizerOptions.FTRL_L1);
        nonNegativeNumber(OptimizerOptions.L2);
        conf.get(OptimizerOptions.TYPE); // an unknown name fails here, naming the key
        checkLargestRowIsReadable();
        checkLargestRowFitsARecord();
        check(RankerOptions.LEARNING_RATE, v -> v > 0 && !v.isInfinite(), "> 0, finite");
        check(RankerOptions.CLIP_NORM, v -> v >= 0 && !v.isInfinite(), ">= 0, finite");
        nonNegativeNumber(RankerOptions.DP_NOISE_MULTIPLIER);
        positiveShare(RankerOptions.LEARN_SAMPLE_RATE);
        check(RankerOptions.TRAINING_PASSES, v -> v >= 1, "at least 1");
        positiveShare(RankerOptions.TRAINING_NEGATIVES);
        conf.get(RankerOptions.SIMILAR_USERS); // an unknown name fails here, naming it
        atLeast(RankerOptions.BATCH_SIZE, 1);
        // the stage's result queue is allocated at this size up front
        check(
                RankerOptions.SCORING_IN_FLIGHT,
                v -> v >= 0 && v <= ScoringStage.MAX_IN_FLIGHT,
                "0.." + ScoringStage.MAX_IN_FLIGHT);
        if (conf.get(RankerOptions.DP_NOISE_MULTIPLIER) > 0
                && conf.get(RankerOptions.CLIP_NORM) == 0) {
            throw outOfRange(
                    RankerOptions.DP_NOISE_MULTIPLIER,
                    conf.get(RankerOptions.DP_NOISE_MULTIPLIER),
                    "0 unless ranker.clip-norm is > 0 (the noise is scaled by the clip norm)");
        }
    }

    private void checkWorkersAndServing() {
        // a batch's events travel in one evaluation marker, whose reader bounds its list
        check(
                WorkerOptions.BATCH_SIZE,
                v -> v >= 1 && v <= ReadBounds.MAX_LIST_LENGTH,
                "1.." + ReadBounds.MAX_LIST_LENGTH);
        nonNegativeMillis(WorkerOptions.FLUSH_INTERVAL);
        nonNegativeDuration(ServingOptions.EVALUATION_SLICE);
        // a user's items travel in evaluation markers and requests, which readers bound
        check(
                WorkerOptions.MAX_USER_ITEMS,
                v -> v >= 1 && v <= ReadBounds.MAX_LIST_LENGTH,
                "1.." + ReadBounds.MAX_LIST_LENGTH);
        atLeast(WorkerOptions.RECENT_POSITIVES, 1);
        atLeast(ParallelismOptions.WORKERS, 1);
        atLeast(ParallelismOptions.SHARDS, 1);
        atLeast(ParallelismOptions.SERVING, 1);
        // Flink's upper bound on max parallelism (key groups)
        check(ParallelismOptions.SHARDS_MAX, v -> v >= 1 && v <= 32768, "in [1, 32768]");
        conf.getOptional(ParallelismOptions.SHARDS)
                .ifPresent(
                        shards ->
                                check(
                                        ParallelismOptions.SHARDS_MAX,
                                        max -> max >= shards,
                                        ">= " + ParallelismOptions.SHARDS.key()));
        atLeast(ParameterServerOptions.CACHE_ROWS, 0);
        atLeast(ServingOptions.ANN_MIN_ITEMS, 0);
        positiveMillis(EvaluationOptions.WINDOW);
        share(EvaluationOptions.SAMPLE_RATE);
        userFlood(); // each fails naming its options: a rate of Infinity would quarantine for good
        itemFlood();
    }

    private void checkKafkaAndData() {
        kafka();
        checkTransactionTimeout();
        notBlank(KafkaOptions.GROUP_ID);
        notBlank(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX);
        conf.get(KafkaSinkOptions.TRANSACTION_NAMING_STRATEGY); // an unknown name fails here
        check(
                KafkaSinkOptions.RESULTS_DELIVERY_GUARANTEE,
                g -> g != DeliveryGuarantee.NONE,
                "at-least-once or exactly-once (none could lose results)");
        itemsCharset(conf.get(CatalogOptions.CHARSET));
        topics();
        ValidationOptions.maxFuture(conf);
        userIdKeyFile();
        nonNegativeMillis(ValidationOptions.ALLOWED_LATENESS);
        nonNegativeMillis(ValidationOptions.DEDUPE_WINDOW);
        check(ValidationOptions.DEDUPE_MAX_IDS, v -> v >= 4, "at least 4");
        String format = conf.get(CatalogOptions.FORMAT);
        try {
            ItemFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw outOfRange(
                    CatalogOptions.FORMAT,
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
                + conf.get(OptimizerOptions.TYPE)
                + ")";
    }

    /** Optimizer slots per weight: AdaGrad's accumulator, FTRL's z and n. */
    private long slotsPerWeight() {
        return conf.get(OptimizerOptions.TYPE) == OptimizerOptions.OptimizerType.FTRL ? 2 : 1;
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
            throw outOfRange(
                    kafkaPropertySetBy("max.request.size"), set, "max.request.size in bytes");
        }
    }

    /**
     * The exactly-once sinks' {@code transaction.timeout.ms}, where the Kafka properties set it, is
     * read as milliseconds where the job is built ({@link KafkaConnectors#transactionTimeout}), and
     * Kafka reads it as an int the broker refuses at 0 or less: '15min' would fail there with a
     * NumberFormatException naming no option.
     */
    private void checkTransactionTimeout() {
        String set = kafka().toProperties().getProperty("transaction.timeout.ms");
        if (set == null) {
            return;
        }
        int ms;
        try {
            ms = Integer.parseInt(set.trim());
        } catch (NumberFormatException e) {
            ms = 0;
        }
        if (ms <= 0) {
            throw outOfRange(
                    kafkaPropertySetBy("transaction.timeout.ms"),
                    set,
                    "transaction.timeout.ms in milliseconds, an integer > 0");
        }
    }

    /** The option a client property came from: kafka.properties or, below it, its file. */
    private ConfigOption<?> kafkaPropertySetBy(String key) {
        return conf.get(KafkaOptions.PROPERTIES).containsKey(key)
                ? KafkaOptions.PROPERTIES
                : KafkaOptions.PROPERTIES_FILE;
    }

    private void atLeast(ConfigOption<Integer> option, int min) {
        check(option, v -> v >= min, ">= " + min);
    }

    /** Finite too: an infinite rate or penalty would reach every row the job writes. */
    private void nonNegativeNumber(ConfigOption<Double> option) {
        check(option, v -> v >= 0 && !v.isInfinite(), ">= 0, finite");
    }

    private void share(ConfigOption<Double> option) {
        check(option, v -> v >= 0 && v <= 1, "in [0, 1]");
    }

    /** A share that must keep something: in (0, 1]. */
    private void positiveShare(ConfigOption<Double> option) {
        check(option, v -> v > 0 && v <= 1, "in (0, 1]");
    }

    /**
     * A duration read in milliseconds where 0 is invalid: {@code 500 micros} would read as 0 ms, a
     * zero divisor or a half-life of nothing.
     */
    private void positiveMillis(ConfigOption<Duration> option) {
        check(option, d -> d.compareTo(Duration.ofMillis(1)) >= 0, "at least 1 ms");
    }

    /**
     * A duration read in milliseconds where 0 means something (off, at once): a value under a
     * millisecond would silently read as 0, so it is refused.
     */
    private void nonNegativeMillis(ConfigOption<Duration> option) {
        nonNegativeDuration(option);
        DurationOptions.checkZeroOrAtLeastOneMilli(conf, option);
    }

    private void nonNegativeDuration(ConfigOption<Duration> option) {
        check(option, d -> !d.isNegative(), ">= 0");
    }

    private void notBlank(ConfigOption<String> option) {
        check(option, s -> !s.isBlank(), "not empty");
    }

    private static IllegalArgumentException outOfRange(
            ConfigOption<?> option, Object value, String rule) {
        return new InvalidOption(option, value, rule);
    }
}
