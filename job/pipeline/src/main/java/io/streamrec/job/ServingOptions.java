package io.streamrec.job;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Serving's evaluation slice, direct requests and ANN index. Read in one place: {@code
 * JobSettings}.
 */
public final class ServingOptions {
    private ServingOptions() {}

    public static final ConfigOption<Duration> EVALUATION_SLICE =
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

    public static final ConfigOption<Boolean> DIRECT_REQUESTS =
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

    public static final ConfigOption<Integer> ANN_MIN_ITEMS =
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
}
