package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.EvaluationOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.ReplayRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

/**
 * Training throughput through the whole pipeline (Kafka, RocksDB, exactly-once checkpoints at the
 * runs' interval, {@link PipelineBench#checkpointInterval}) at parallelism 1 and 2, the same at
 * parallelism 2 evaluating a 10% sample, where the CPU goes, and the ratio to the in-process loop
 * when that section ran before. An untimed warm-up replay runs first, so that the first timed run
 * (p=1) does not alone pay for the JVM's first JIT compilation of the pipeline, which would lower
 * its rate, raise its CPU per event and so favour {@code p2_over_p1} and {@code
 * cpu_us_per_event_p2_over_p1}.
 */
final class PipelineSection extends ReplaySection {
    /** Events of the untimed warm-up replay at parallelism 2 (at most the run's events). */
    static final int WARM_UP_EVENTS = 20_000;

    private double peak = Double.NaN;

    PipelineSection(
            BenchReport report,
            PipelineBench pipeline,
            List<UserEvent> events,
            ItemCatalog catalog) {
        super(report, pipeline, events, catalog);
    }

    /** The median events/s at parallelism 2, once run; NaN before. */
    double peak() {
        return peak;
    }

    @Override
    void run() throws Exception {
        progress(
                "Training throughput through the whole pipeline (Kafka, RocksDB, checkpoints every "
                        + TimeUtils.formatWithHighestUnit(pipeline.checkpointInterval())
                        + ")");
        warmUp();
        double[] p1 = new double[repeats];
        double[] p2 = new double[repeats];
        double[] p2Serving = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            p1[r] = runAtFullSpeed("p=1 run " + (r + 1), 1).eventsPerSecond();
            double p1Cpu = total(pipeline.lastCpuMicrosPerEvent());
            ReplayRun.Result atP2 = runAtFullSpeed("p=2 run " + (r + 1), 2);
            p2[r] = atP2.eventsPerSecond();
            p2Serving[r] = atP2.trainingWindow().eventsPerSecond();
            if (r == 0) {
                cpuProfile(pipeline.lastCpuMicrosPerEvent(), p1Cpu);
                checkpointIntervals(atP2);
            }
        }
        measureSampledEvaluation();
        recordThroughput(p1, p2, p2Serving);
    }

    /** A timed run of all the events at full speed, every event evaluated. */
    private ReplayRun.Result runAtFullSpeed(String label, int parallelism) throws Exception {
        return pipeline.run(label, events, catalog, parallelism, 0, false, 0, new Configuration());
    }

    /** The runs' events/s at p=1 and p=2 and their ratio; p=2's median is the peak. */
    private void recordThroughput(double[] p1, double[] p2, double[] p2Serving) {
        Summary s1 = Summary.of(p1);
        Summary s2 = Summary.of(p2);
        report.figure("train_events_per_s_p1", s1, "events/s");
        // issue 11's train_events_per_s_p2 is the 10%-evaluated run's (measureSampledEvaluation);
        // before 2026-12-08 that key held this run's figure
        report.figure("train_events_per_s_p2_full_eval", s2, "events/s");
        // the figure as measured before 2026-12-04: serving's first to last trained event, which
        // leaves out the producer's start and the last commit
        report.figure("train_events_per_s_p2_serving_span", Summary.of(p2Serving), "events/s");
        report.result("p2_over_p1", s2.median() / s1.median());
        report.row("training throughput, p=1", "–", s1, "events/s");
        report.row("training throughput, p=2", ">= 100,000", s2, "events/s");
        report.row(
                "p=2 / p=1 (same run)", ">= 1.8", String.format("%.2f", s2.median() / s1.median()));
        compareToInProcessLoop(s2.median());
        peak = s2.median();
    }

    /**
     * An untimed replay of the first {@link #warmUpEvents} events at parallelism 2 before the timed
     * runs, its results discarded: the JIT compiles the pipeline's code in it rather than in the
     * first timed run. Most of the compilation, not all: a longer run still compiles more.
     */
    private void warmUp() throws Exception {
        int n = warmUpEvents(events.size());
        report.result("warm_up_events", n);
        if (n == 0) {
            return;
        }
        progress(
                "  warm-up (untimed, results discarded, so that JIT compilation is not all in p=1):");
        pipeline.run("warm-up", events.subList(0, n), catalog, 2, 0, false, 0, new Configuration());
    }

    /**
     * The warm-up's events for runs of {@code events}: {@link #WARM_UP_EVENTS}, or all if fewer.
     */
    static int warmUpEvents(int events) {
        return Math.min(WARM_UP_EVENTS, events);
    }

    /** Where the time goes: the same p=2 run evaluating a 10% sample of the events. */
    private void measureSampledEvaluation() throws Exception {
        Configuration sampled = new Configuration();
        sampled.set(EvaluationOptions.SAMPLE_RATE, 0.1);
        double[] p2Sampled = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            p2Sampled[r] =
                    pipeline.run(
                                    "p=2, 10% evaluated, run " + (r + 1),
                                    events,
                                    catalog,
                                    2,
                                    0,
                                    false,
                                    0,
                                    sampled)
                            .eventsPerSecond();
            if (r == 0) {
                sampledCpuProfile(pipeline.lastCpuMicrosPerEvent());
            }
        }
        // the throughput issue 11 sets its target on (eval.sample-rate 0.1), as its CPU per event
        report.figure("train_events_per_s_p2", Summary.of(p2Sampled), "events/s");
        report.row(
                "training throughput, p=2, eval.sample-rate=0.1",
                "–",
                Summary.of(p2Sampled),
                "events/s");
    }

    /**
     * CPU per event of the first 10%-evaluated run, under issue 11's name: the issue sets its
     * {@code pipeline_p2_cpu_us_per_event} target with {@code eval.sample-rate} 0.1. (Earlier
     * reports wrote this run's figure as {@code pipeline_p2_eval_sample_10pct_cpu_us_per_event} and
     * gave the name to the run evaluating every event, now {@code
     * pipeline_p2_full_eval_cpu_us_per_event}.)
     */
    private void sampledCpuProfile(Map<String, Double> microsPerEvent) {
        double total = stageDetails("pipeline_p2_cpu_us_per_event", microsPerEvent);
        report.result("pipeline_p2_cpu_us_per_event_total", total);
        report.row(
                "CPU per event, p=2, eval.sample-rate=0.1 (first run)",
                "<= 100",
                String.format("%.0f us", total));
        progress(
                "    CPU per event at p=2, 10% evaluated: "
                        + String.format("%.0f us (", total)
                        + stages(microsPerEvent)
                        + ")");
    }

    /** The stages' CPU per event in a line: "stage 12 us; other stage 3 us". */
    private static String stages(Map<String, Double> microsPerEvent) {
        StringBuilder line = new StringBuilder();
        microsPerEvent.forEach(
                (stage, micros) ->
                        line.append(
                                String.format(
                                        "%s%s %.0f us",
                                        line.length() > 0 ? "; " : "", stage, micros)));
        return line.toString();
    }

    /** The pipeline's share of the in-process loop's rate, when that section ran before. */
    private void compareToInProcessLoop(double p2) {
        OptionalDouble loop = report.result("inprocess_loop_events_per_s");
        if (loop.isEmpty()) {
            return;
        }
        report.result("pipeline_to_inprocess_ratio", p2 / loop.getAsDouble());
        report.row(
                "pipeline p=2 / in-process loop (training only)",
                ">= 0.3",
                String.format("%.3f", p2 / loop.getAsDouble()));
        OptionalDouble withEval = report.result("inprocess_loop_with_eval_events_per_s");
        if (withEval.isPresent()) {
            report.result("pipeline_to_inprocess_with_eval_ratio", p2 / withEval.getAsDouble());
        }
    }

    /**
     * How far apart checkpoints completed in the first p=2 run, at full speed, against the
     * configured interval (issue 11: p99 at most twice it): Flink's completion times of the
     * checkpoints that completed within the run's training window, read from its REST API. The p99
     * is nearest-rank, so with fewer than 100 intervals (a run has some 15-30) it is the largest
     * interval, the stricter reading of the target; the count is written beside it to say so.
     */
    private void checkpointIntervals(ReplayRun.Result run) {
        double p50 = run.checkpointIntervalSeconds(0.5);
        double p99 = run.checkpointIntervalSeconds(0.99);
        double max = run.checkpointIntervalSeconds(1.0);
        int n = run.checkpointIntervalsSeconds().length;
        report.result("checkpoint_interval_achieved_s_p50", p50);
        report.result("checkpoint_interval_achieved_s_p99", p99);
        report.result("checkpoint_interval_achieved_s_max", max);
        report.result("checkpoint_intervals_n", n);
        double configured = seconds(pipeline.checkpointInterval());
        report.result("checkpoint_interval_configured_s", configured);
        String measured =
                String.format(
                        "p50 %.2f s, p99 %.2f s%s, max %.2f s (%d intervals, %s)",
                        p50,
                        p99,
                        n < 100 ? " (the largest: under 100 intervals)" : "",
                        max,
                        n,
                        run.checkpoints().source().description);
        report.row(
                "checkpoint interval achieved at full speed, p=2 (configured " + configured + " s)",
                "p99 <= " + 2 * configured + " s",
                measured);
        progress("    checkpoints apart at full speed: " + measured);
    }

    private static double seconds(Duration interval) {
        return interval.toMillis() / 1000.0;
    }

    /**
     * Where the p=2 run evaluating every event spent its CPU, per event and stage (first run), and
     * its ratio to p=1's: both runs evaluate every event, so the ratio compares like with like.
     */
    private void cpuProfile(Map<String, Double> microsPerEvent, double p1Total) {
        double total = stageDetails("pipeline_p2_full_eval_cpu_us_per_event", microsPerEvent);
        String line = stages(microsPerEvent);
        report.result("pipeline_p2_full_eval_cpu_us_per_event_total", total);
        report.result("pipeline_p1_cpu_us_per_event_total", p1Total);
        report.result("cpu_us_per_event_p2_over_p1", total / p1Total);
        report.row(
                "CPU per event, p=2 / p=1, every event evaluated (first runs)",
                "<= 1.15",
                String.format("%.0f / %.0f us = %.2f", total, p1Total, total / p1Total));
        progress("    CPU per event at p=2, every event evaluated: " + line);
        report.note(
                String.format(
                        "CPU per event in the first p=2 pipeline run evaluating every event"
                                + " (after an untimed warm-up"
                                + " replay of "
                                + warmUpEvents(events.size())
                                + " events: JIT compilation partly included), first to last"
                                + " trained event (thread CPU time by stage; replay producer and embedded broker"
                                + " run in the same JVM): %s; total"
                                + " %.0f us, i.e. at most %,.0f events/s on 2 cores.",
                        line,
                        total,
                        2e6 / total));
    }
}
