package io.streamrec.serving;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.ItemTextVectors;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.eval.EventSample;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.lifecycle.CloseAll;
import io.streamrec.ranking.CandidateFeatures;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.Feature;
import io.streamrec.ranking.FeatureFamily;
import io.streamrec.ranking.ListwiseScorer;
import io.streamrec.ranking.ScorerSettings;
import io.streamrec.worker.FloodLimit;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the learned ranker.
 *
 * @param learningRate AdaGrad learning rate of the scorer
 * @param switchedOff feature families left out (ablations)
 * @param itemTextVectors language-model vectors of the catalog items' texts, for the text-vector
 *     source and the TEXT features ({@code ranker.item-text-vectors})
 * @param clipNorm per-event gradient clipping of the scorer ({@code ranker.clip-norm}); 0: off
 * @param dpNoiseMultiplier DP-SGD noise ({@code ranker.dp-noise-multiplier}); 0: off
 * @param floodLimit the workers' per-user flood limit, for the privacy report's user-level bound
 * @param learnSampleRate share of events (by event id) the scorer learns from ({@code
 *     ranker.learn-sample-rate}); the statistics learn from every event
 * @param trainingPasses AdaGrad steps the scorer takes on each micro-batch's lists ({@code
 *     ranker.training-passes})
 * @param trainingNegatives share of each training list's negatives the scorer learns from ({@code
 *     ranker.training-negatives})
 * @param similarUsers which users an event makes similar in the candidate statistics ({@code
 *     ranker.similar-users})
 * @param batchEvents own events after which the scorer steps within a worker's micro-batch ({@code
 *     ranker.batch-size})
 * @param scoringInFlight events (and requests) whose second half, scores and training, a thread of
 *     their own may hold while the task thread prepares the next ones ({@code
 *     ranker.scoring-in-flight}); 0: the task thread does both
 * @param rebaseOffTaskThread whether a serving subtask builds its candidate statistics' new
 *     checkpoint bases on a thread of its own ({@code ranker.statistics-rebase-off-task-thread})
 * @param unseenCatalogCandidates whether content sources offer catalog items no event named yet
 *     ({@code ranker.unseen-catalog-candidates}; {@link CandidateSettings#unseenCatalogItems})
 */
public record RankerSettings(
        double learningRate,
        List<FeatureFamily> switchedOffFamilies,
        boolean itemTextVectors,
        double clipNorm,
        double dpNoiseMultiplier,
        FloodLimit floodLimit,
        double learnSampleRate,
        int trainingPasses,
        double trainingNegatives,
        SimilarUsers similarUsers,
        int batchEvents,
        int scoringInFlight,
        boolean rebaseOffTaskThread,
        boolean unseenCatalogCandidates)
        implements Serializable {
    /**
     * {@code ranker.batch-size}'s default: the batch the replay's figures were measured at ({@code
     * deploy/ranker-replay.sh --batch}; 256 costs 0.0023 HR@10 there).
     */
    public static final int DEFAULT_BATCH_EVENTS = 64;

    /**
     * {@code ranker.scoring-in-flight}'s default: enough to keep both threads busy when one event's
     * features take longer than the next one's (the replay held 64), while a request waits for at
     * most this many events' scores and steps ahead of it.
     */
    public static final int DEFAULT_SCORING_IN_FLIGHT = 32;

    public RankerSettings {
        switchedOffFamilies = List.copyOf(switchedOffFamilies);
        EventSample.checkRate(learnSampleRate, "learn sample rate");
        if (trainingPasses < 1) {
            throw new IllegalArgumentException(
                    "training passes must be at least 1: " + trainingPasses);
        }
        EventSample.checkRate(trainingNegatives, "training negatives share");
        Objects.requireNonNull(similarUsers, "similarUsers");
        if (batchEvents < 1) {
            throw new IllegalArgumentException("batch events must be at least 1: " + batchEvents);
        }
        if (scoringInFlight < 0) {
            throw new IllegalArgumentException(
                    "scoring in flight cannot be negative: " + scoringInFlight);
        }
        scorer(learningRate, clipNorm, dpNoiseMultiplier); // fails early on a bad combination
    }

    /** Settings from the defaults: {@link Builder} says which. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link RankerSettings}. Unset, the scorer's default learning rate, every feature
     * family, no item text vectors, no clipping, DP-SGD noise or flood limit, learning from every
     * event, {@link CandidateRanker#TRAINING_PASSES} passes on {@link
     * CandidateRanker#TRAINING_NEGATIVES} of the negatives, similar users as {@link
     * CandidateSettings#defaults()} makes them, steps every {@link #DEFAULT_BATCH_EVENTS} and
     * scoring on the task thread (the job's option runs it on a thread of its own: {@link
     * #DEFAULT_SCORING_IN_FLIGHT}), and the statistics' new checkpoint bases built on the task
     * thread (the job's option builds them on a thread of their own).
     */
    public static final class Builder {
        private double learningRate = ScorerSettings.defaults().learningRate();
        private List<FeatureFamily> switchedOff = List.of();
        private boolean itemTextVectors;
        private double clipNorm;
        private double dpNoiseMultiplier;
        private FloodLimit floodLimit = FloodLimit.OFF;
        private double learnSampleRate = 1.0;
        private int trainingPasses = CandidateRanker.TRAINING_PASSES;
        private double trainingNegatives = CandidateRanker.TRAINING_NEGATIVES;
        private SimilarUsers similarUsers = CandidateSettings.defaults().similarUsers();
        private int batchEvents = DEFAULT_BATCH_EVENTS;
        private int scoringInFlight;
        private boolean rebaseOffTaskThread;
        private boolean unseenCatalogCandidates = CandidateSettings.defaults().unseenCatalogItems();

        private Builder() {}

        public Builder learningRate(double rate) {
            this.learningRate = rate;
            return this;
        }

        public Builder switchedOff(List<FeatureFamily> families) {
            this.switchedOff = families;
            return this;
        }

        public Builder itemTextVectors(boolean on) {
            this.itemTextVectors = on;
            return this;
        }

        /** Per-event clipping, DP-SGD noise and the flood limit the privacy report assumes. */
        public Builder robustTraining(double clip, double noiseMultiplier, FloodLimit limit) {
            this.clipNorm = clip;
            this.dpNoiseMultiplier = noiseMultiplier;
            this.floodLimit = limit;
            return this;
        }

        /** The scorer learns from {@code rate} of the events. */
        public Builder learnSampleRate(double rate) {
            this.learnSampleRate = rate;
            return this;
        }

        /** The scorer takes {@code passes} steps on each micro-batch's lists. */
        public Builder trainingPasses(int passes) {
            this.trainingPasses = passes;
            return this;
        }

        /** The scorer learns from {@code share} of each training list's negatives. */
        public Builder trainingNegatives(double share) {
            this.trainingNegatives = share;
            return this;
        }

        /** Users made similar in the candidate statistics by {@code rule}. */
        public Builder similarUsers(SimilarUsers rule) {
            this.similarUsers = rule;
            return this;
        }

        /** The scorer steps after every {@code events} own events within a micro-batch. */
        public Builder batchEvents(int events) {
            this.batchEvents = events;
            return this;
        }

        /**
         * Scores and training on a thread of their own, at most {@code events} behind the task
         * thread; 0: on the task thread.
         */
        public Builder scoringInFlight(int events) {
            this.scoringInFlight = events;
            return this;
        }

        /**
         * New bases of the candidate statistics' checkpoints built on a thread of their own ({@code
         * true}) or on the task thread.
         */
        public Builder rebaseOffTaskThread(boolean on) {
            this.rebaseOffTaskThread = on;
            return this;
        }

        /** Catalog items no event named yet offered by the content sources ({@code on}) or not. */
        public Builder unseenCatalogCandidates(boolean on) {
            this.unseenCatalogCandidates = on;
            return this;
        }

        /** The settings, checked. */
        public RankerSettings build() {
            return new RankerSettings(
                    learningRate,
                    switchedOff,
                    itemTextVectors,
                    clipNorm,
                    dpNoiseMultiplier,
                    floodLimit,
                    learnSampleRate,
                    trainingPasses,
                    trainingNegatives,
                    similarUsers,
                    batchEvents,
                    scoringInFlight,
                    rebaseOffTaskThread,
                    unseenCatalogCandidates);
        }
    }

    /**
     * Empty candidate statistics over {@code catalog} under these settings, with MiniLM text
     * vectors when they are on.
     */
    public CandidateGenerator newStatistics(ItemCatalog catalog) {
        ItemTextVectors vectors = itemTextVectors ? ItemTextVectors.miniLm() : null;
        try {
            return new CandidateGenerator(candidates(), catalog, vectors);
        } catch (RuntimeException | Error e) {
            // loaded for the catalog: native memory no one else frees
            CloseAll.closeAfter(e, vectors == null ? null : vectors::closeEncoder);
            throw e;
        }
    }

    /**
     * A fresh ranker over {@code statistics} under these settings: serving's, and the benchmarks'
     * that time serving's code path.
     */
    public CandidateRanker newRanker(CandidateGenerator statistics) {
        ListwiseScorer scorer = new ListwiseScorer(Feature.COUNT, scorer(), Device.cpu());
        CandidateRanker ranker =
                new CandidateRanker(
                        statistics, new CandidateFeatures(statistics, switchedOff()), scorer);
        ranker.learnFrom(learnSampleRate);
        ranker.trainingPasses(trainingPasses);
        ranker.trainingNegatives(trainingNegatives);
        return ranker;
    }

    /**
     * The candidate statistics' settings: the defaults with these similar users and unseen catalog
     * items.
     */
    CandidateSettings candidates() {
        return CandidateSettings.defaults()
                .withSimilarUsers(similarUsers)
                .withUnseenCatalogItems(unseenCatalogCandidates);
    }

    Set<FeatureFamily> switchedOff() {
        return switchedOffFamilies.isEmpty()
                ? EnumSet.noneOf(FeatureFamily.class)
                : EnumSet.copyOf(switchedOffFamilies);
    }

    /** The scorer's settings: the defaults with these learning rate, clip norm and noise. */
    ScorerSettings scorer() {
        return scorer(learningRate, clipNorm, dpNoiseMultiplier);
    }

    private static ScorerSettings scorer(double rate, double clip, double noise) {
        return ScorerSettings.defaults()
                .withLearningRate(rate)
                .withClipNorm(clip)
                .withNoiseMultiplier(noise)
                .validated();
    }

    /**
     * The most events the flood limit lets one user contribute in a day (a full burst, then the
     * hourly rate), or 0 when it is off.
     */
    long floodBoundPerDay() {
        return floodLimit.isOn()
                ? floodLimit.burst() + (long) Math.ceil(24 * floodLimit.eventsPerHour())
                : 0;
    }
}
