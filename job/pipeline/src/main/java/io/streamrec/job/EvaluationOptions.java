package io.streamrec.job;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Prequential evaluation: window, sample and reports. Read in one place: {@link JobSettings}. */
public final class EvaluationOptions {
    private EvaluationOptions() {}

    public static final ConfigOption<Duration> WINDOW =
            ConfigOptions.key("eval.window")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "Event-time window of the per-window quality figures. The latest 260"
                                    + " windows are kept apart; older ones fold into one earlier"
                                    + " total that the whole run's figures include.");

    public static final ConfigOption<Double> SAMPLE_RATE =
            ConfigOptions.key("eval.sample-rate")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Share of events evaluated prequentially (by event id): the model"
                                    + " ranks the event's item (among all items under BPR, among"
                                    + " the event's candidates under RANKER), as do the three"
                                    + " baselines; a sample keeps the quality figures at a fraction"
                                    + " of the cost.");

    public static final ConfigOption<Boolean> REPORT_OFF_TASK_THREAD =
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
}
