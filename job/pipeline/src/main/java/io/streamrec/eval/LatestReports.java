package io.streamrec.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The job's quality so far from its eval-reports topic: each serving subtask reports its cumulative
 * counts at every checkpoint, so the latest report of each subtask of the latest parallelism adds
 * up to the whole (after a rescale the old subtasks' counts live on in the new ones). A job that
 * comes back to a parallelism it ran at before (2, then 1, then 2) starts that parallelism's
 * reports afresh: the first run's reports at it would otherwise count again beside the new ones.
 */
public final class LatestReports {
    private final Map<Integer, Map<Integer, EvalReportCodec.Report>> byParallelism =
            new HashMap<>();
    private int currentParallelism = -1;
    private long currentTime = Long.MIN_VALUE;

    /** Per parallelism, the time before which its reports belong to an earlier run at it. */
    private final Map<Integer, Long> staleBefore = new HashMap<>();

    private long reports;
    private long checkpoints;
    private final List<Long> checkpointTimes = new ArrayList<>();
    private final TreeMap<Long, LatencyHistogram> freshnessBySecond = new TreeMap<>();
    private final TreeMap<Long, Long> trainedByTime = new TreeMap<>();

    public void add(EvalReportCodec.Report report) {
        Map<Integer, EvalReportCodec.Report> latest =
                byParallelism.computeIfAbsent(report.parallelism(), p -> new HashMap<>());
        if (report.time() >= currentTime
                && currentParallelism != -1
                && report.parallelism() != currentParallelism) {
            // the job restarted at another parallelism: every report of an earlier run at this one
            // is older than the run just ended
            staleBefore.put(report.parallelism(), currentTime);
            latest.values().removeIf(r -> r.time() < currentTime);
        }
        boolean stale =
                report.time() < staleBefore.getOrDefault(report.parallelism(), Long.MIN_VALUE);
        EvalReportCodec.Report before = latest.get(report.counts().subtask());
        if (!stale && (before == null || report.time() > before.time())) {
            // a subtask that restarted records its samples afresh
            LatencyHistogram recent =
                    before == null || report.freshness().count() < before.freshness().count()
                            ? report.freshness()
                            : report.freshness().since(before.freshness());
            freshnessBySecond
                    .computeIfAbsent(report.time() / 1000, s -> new LatencyHistogram())
                    .addAll(recent);
        }
        if (!stale && (before == null || report.time() >= before.time())) {
            latest.put(report.counts().subtask(), report);
        }
        if (report.time() >= currentTime) {
            currentTime = report.time();
            currentParallelism = report.parallelism();
        }
        trainedByTime.put(report.time(), trainedEvents());
        reports++;
        // every subtask reports once per completed checkpoint, and there is always a subtask 0
        if (report.counts().subtask() == 0) {
            checkpoints++;
            checkpointTimes.add(report.time());
        }
    }

    public long reports() {
        return reports;
    }

    /** Checkpoints the job completed while it was read: the reports of subtask 0. */
    public long checkpoints() {
        return checkpoints;
    }

    /**
     * When serving subtask 0 wrote each report read, in order: one per completed checkpoint, taken
     * as the checkpoint's barrier passed serving (the last stage before the sinks).
     */
    public List<Long> checkpointTimes() {
        return List.copyOf(checkpointTimes);
    }

    /**
     * Events the parameter server has trained on, as the latest reports saw them: each subtask
     * reports its own users' share, so the latest report of each subtask of the latest parallelism
     * adds up to the whole.
     */
    public long trainedEvents() {
        return current().stream().mapToLong(EvalReportCodec.Report::trainedEvents).sum();
    }

    /**
     * {@link #trainedEvents()} as each report read left it, by the report's wall-clock time (epoch
     * ms): the training progress over time, one point per report. With several subtasks a report
     * read out of order, or a rescale before every new subtask reported, can leave a point below an
     * earlier one.
     */
    public SortedMap<Long, Long> trainedEventsByTime() {
        return Collections.unmodifiableSortedMap(trainedByTime);
    }

    /** The latest report of each subtask of the latest parallelism. */
    public Collection<EvalReportCodec.Report> current() {
        return byParallelism.getOrDefault(currentParallelism, Map.of()).values();
    }

    /** The counts of all subtasks of the latest parallelism, merged. */
    public PrequentialCounts merged() {
        PrequentialCounts all = new PrequentialCounts(0);
        current().forEach(r -> all.addAll(r.counts()));
        return all;
    }

    /** Events evaluated so far: {@code merged().events()} without the merge. */
    public long evaluatedEvents() {
        return current().stream().mapToLong(r -> r.counts().events()).sum();
    }

    /** The freshness samples of all subtasks of the latest parallelism, merged. */
    public LatencyHistogram freshness() {
        LatencyHistogram all = new LatencyHistogram();
        current().forEach(r -> all.addAll(r.freshness()));
        return all;
    }

    /**
     * The freshness samples of every subtask by the second (epoch seconds) of the report that
     * brought them: each report adds what its subtask recorded since its previous one, so a stall
     * shows as the seconds whose samples lag, which the whole run's percentiles hide.
     */
    public SortedMap<Long, LatencyHistogram> freshnessBySecond() {
        return Collections.unmodifiableSortedMap(freshnessBySecond);
    }

    /**
     * The trained events of all subtasks of the latest parallelism, from the first subtask's first
     * to the last one's latest (first {@link Long#MAX_VALUE} and last 0 while none trained).
     */
    public EvalReportCodec.Throughput throughput() {
        long events = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (EvalReportCodec.Report r : current()) {
            EvalReportCodec.Throughput t = r.throughput();
            if (t.events() > 0) {
                events += t.events();
                first = Math.min(first, t.firstMillis());
                last = Math.max(last, t.lastMillis());
            }
        }
        return new EvalReportCodec.Throughput(events, first, last);
    }
}
