package io.streamrec.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * The job's quality so far from its eval-reports topic: each serving subtask reports its cumulative
 * counts at every checkpoint, so the latest report of each subtask of the latest parallelism adds
 * up to the whole (after a rescale the old subtasks' counts live on in the new ones).
 */
public final class LatestReports {
    private final Map<Integer, Map<Integer, EvalReportCodec.Report>> byParallelism =
            new HashMap<>();
    private int currentParallelism = -1;
    private long currentTime = Long.MIN_VALUE;
    private long trainedEvents;
    private long reports;

    public void add(EvalReportCodec.Report report) {
        byParallelism
                .computeIfAbsent(report.parallelism(), p -> new HashMap<>())
                .merge(report.counts().subtask(), report, (a, b) -> b.time() >= a.time() ? b : a);
        if (report.time() >= currentTime) {
            currentTime = report.time();
            currentParallelism = report.parallelism();
        }
        trainedEvents = Math.max(trainedEvents, report.trainedEvents());
        reports++;
    }

    public long reports() {
        return reports;
    }

    /** Events the parameter server has trained on, as the newest report saw it. */
    public long trainedEvents() {
        return trainedEvents;
    }

    /** The counts of all subtasks of the latest parallelism, merged. */
    public PrequentialCounts merged() {
        PrequentialCounts all = new PrequentialCounts(0);
        byParallelism
                .getOrDefault(currentParallelism, Map.of())
                .values()
                .forEach(r -> all.addAll(r.counts()));
        return all;
    }
}
