package io.streamrec.tools.quickstart;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

/**
 * How fast a replay trained, over its course: events/s in buckets of wall-clock time from the first
 * event sent, and over each half of the events. The replay's one events/s figure averages the JIT
 * compiler's warm-up in the first tens of seconds with the rest; these show the two apart.
 *
 * <p>Read from the committed reports' cumulative trained events ({@link
 * io.streamrec.eval.LatestReports#trainedEventsByTime}), one point per checkpoint, linear in
 * between, so the end is the first report that shows every event trained (the largest count): as
 * the replay's one figure, to a checkpoint interval. A point below an earlier one (reports read out
 * of order, or two serving subtasks reporting apart) counts as the earlier.
 *
 * @param bucketSeconds the width of each bucket of {@code eventsPerSecond}
 * @param eventsPerSecond trained events/s in bucket k, [k, k + 1) × {@code bucketSeconds} after the
 *     first event sent; the last bucket ends at the end, and may be narrower
 * @param firstHalf events/s from the first event sent until half of the events were trained
 * @param secondHalf events/s over the other half; NaN, as {@code firstHalf}, when none trained
 */
public record ThroughputOverTime(
        double bucketSeconds, double[] eventsPerSecond, double firstHalf, double secondHalf) {

    /** Nothing trained. */
    public static ThroughputOverTime none(double bucketSeconds) {
        return new ThroughputOverTime(bucketSeconds, new double[0], Double.NaN, Double.NaN);
    }

    /**
     * The second half ends at {@code endMillis} (the last result read, the headline figure's end)
     * where that is later than the report that showed the last event trained: a report is stamped
     * when serving took its checkpoint and read a checkpoint later, so the halves then make up the
     * headline's whole span.
     *
     * @param trainedByTime cumulative trained events by wall-clock time (epoch ms)
     * @param startMillis when the first event was sent (epoch ms)
     * @param endMillis when the last result was read (epoch ms); not later than the last report
     *     showing the final count, the halves end at that report
     */
    public static ThroughputOverTime of(
            SortedMap<Long, Long> trainedByTime,
            long startMillis,
            long endMillis,
            double bucketSeconds) {
        Curve curve = Curve.of(trainedByTime, startMillis);
        if (curve == null) {
            return none(bucketSeconds);
        }
        double total = curve.end();
        double endSeconds = curve.secondsWhen(total);
        double headlineEndSeconds = Math.max(endSeconds, (endMillis - startMillis) / 1000.0);
        double halfSeconds = curve.secondsWhen(total / 2);
        int buckets = (int) Math.ceil(endSeconds / bucketSeconds);
        double[] rates = new double[buckets];
        for (int k = 0; k < buckets; k++) {
            double from = k * bucketSeconds;
            double to = Math.min(endSeconds, from + bucketSeconds);
            rates[k] = (curve.at(to) - curve.at(from)) / (to - from);
        }
        return new ThroughputOverTime(
                bucketSeconds,
                rates,
                halfSeconds > 0 ? total / 2 / halfSeconds : Double.NaN,
                headlineEndSeconds > halfSeconds
                        ? total / 2 / (headlineEndSeconds - halfSeconds)
                        : Double.NaN);
    }

    /**
     * Events trained since the start by seconds since the start: {@code (0, 0)} first, then a point
     * per report after the start, up to the first that shows the final count.
     */
    private record Curve(double[] seconds, double[] events) {
        static Curve of(SortedMap<Long, Long> trainedByTime, long startMillis) {
            SortedMap<Long, Long> before = trainedByTime.headMap(startMillis + 1);
            long base = before.isEmpty() ? 0 : before.get(before.lastKey());
            SortedMap<Long, Long> after = trainedByTime.tailMap(startMillis + 1);
            // the total is the largest count, not the latest: two serving subtasks report apart, so
            // a later report can show fewer events than an earlier one
            long last = after.values().stream().mapToLong(Long::longValue).max().orElse(base);
            if (last <= base) {
                return null;
            }
            int n = 1;
            double[] seconds = new double[after.size() + 1];
            double[] events = new double[after.size() + 1];
            for (Map.Entry<Long, Long> e : after.entrySet()) {
                seconds[n] = (e.getKey() - startMillis) / 1000.0;
                events[n] = Math.max(events[n - 1], e.getValue() - base);
                n++;
                if (events[n - 1] >= last - base) {
                    break; // later reports of an idle job would only dilute the rates
                }
            }
            return new Curve(Arrays.copyOf(seconds, n), Arrays.copyOf(events, n));
        }

        double end() {
            return events[events.length - 1];
        }

        /** The events trained by {@code s} seconds, linear between points. */
        double at(double s) {
            for (int i = 1; i < seconds.length; i++) {
                if (s <= seconds[i]) {
                    double span = seconds[i] - seconds[i - 1];
                    double share = span > 0 ? (s - seconds[i - 1]) / span : 1;
                    return events[i - 1] + share * (events[i] - events[i - 1]);
                }
            }
            return end();
        }

        /** The first time {@link #at} reaches {@code count}, linear between points. */
        double secondsWhen(double count) {
            for (int i = 1; i < seconds.length; i++) {
                if (events[i] >= count) {
                    double gain = events[i] - events[i - 1];
                    double share = gain > 0 ? (count - events[i - 1]) / gain : 0;
                    return seconds[i - 1] + share * (seconds[i] - seconds[i - 1]);
                }
            }
            return seconds[seconds.length - 1];
        }
    }
}
