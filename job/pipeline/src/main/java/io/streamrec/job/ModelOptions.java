package io.streamrec.job;

import io.streamrec.serving.ModelType;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Which model the job trains, and the factorization model's shape and event weights. Read in one
 * place: {@code JobSettings}.
 */
public final class ModelOptions {
    private ModelOptions() {}

    /** Whether a rating event's value scales its weight as a positive. */
    public enum RatingWeighting {
        NONE,
        LINEAR
    }

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

    public static final ConfigOption<ModelType> TYPE =
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
}
