package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.offline.BaselineEvaluator;
import io.streamrec.tools.offline.BaselineEvaluator.WindowedHits;
import io.streamrec.tools.quickstart.ReplayRun;
import io.streamrec.tools.report.Charts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apache.flink.configuration.Configuration;

/**
 * Prequential quality: the full replay through the pipeline, against the baselines (popularity,
 * trending and co-occurrence blends of several half-lives) evaluated offline on the same stream.
 */
final class QualitySection extends ReplaySection {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final long[] HALF_LIVES = {HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY};
    private static final double[] LAMBDAS = {1.0, 3.0, 10.0};

    QualitySection(
            BenchReport report,
            PipelineBench pipeline,
            List<UserEvent> events,
            ItemCatalog catalog) {
        super(report, pipeline, events, catalog);
    }

    /** The best trending baseline, the best blend, and the best baseline of all. */
    record Leaders(String trending, String blend, String best) {
        static Leaders of(Map<String, WindowedHits> baselines) {
            String trending = highest(baselines, baselines.keySet(), "trending");
            String blend = highest(baselines, baselines.keySet(), "co-occurrence");
            String best = highest(baselines, List.of(trending, "popularity", blend), "");
            return new Leaders(trending, blend, best);
        }

        /** The first of {@code names} starting with {@code prefix} with the highest HR@10. */
        private static String highest(
                Map<String, WindowedHits> baselines, Iterable<String> names, String prefix) {
            String best = null;
            for (String name : names) {
                if (name.startsWith(prefix)
                        && (best == null
                                || baselines.get(name).hitRate() > baselines.get(best).hitRate())) {
                    best = name;
                }
            }
            return best;
        }

        List<String> plotted() {
            return List.of("popularity", trending, blend);
        }
    }

    @Override
    void run() throws Exception {
        progress("Quality: the full replay through the pipeline, baselines on the same stream");
        ReplayRun.Result run =
                pipeline.run("quality", events, catalog, 2, 0, false, 0, new Configuration());
        PrequentialCounts model = run.counts();
        Map<String, WindowedHits> baselines = evaluateBaselines();
        ObjectNode b = report.details("baselines_hr_at_10");
        baselines.forEach((name, hits) -> b.put(name, hits.hitRate()));
        Leaders leaders = Leaders.of(baselines);
        recordResults(model, baselines, leaders, run.eventsPerSecond());
        addRows(model, baselines, leaders);
        plotPerWindow(model, baselines, leaders);
    }

    private Map<String, WindowedHits> evaluateBaselines() {
        BaselineEvaluator baselines =
                new BaselineEvaluator(
                        catalog.ids(),
                        10,
                        defaults.serving().evalWindowMs(),
                        defaults.worker().maxUserItems(),
                        HALF_LIVES,
                        LAMBDAS);
        for (int i = 0; i < events.size(); i++) {
            baselines.accept(events.get(i));
            if ((i + 1) % 25_000 == 0) {
                progress("    baselines: %,d/%,d events", i + 1, events.size());
            }
        }
        return baselines.results();
    }

    private void recordResults(
            PrequentialCounts model,
            Map<String, WindowedHits> r,
            Leaders leaders,
            double eventsPerSecond) {
        double hr = model.hitRate(0);
        report.result("hr_at_10", hr);
        report.result("ndcg_at_10", model.ndcg(0));
        report.result("best_baseline_hr_at_10", r.get(leaders.best()).hitRate());
        report.result("best_baseline", leaders.best());
        report.result("hr_ratio_to_best_baseline", hr / r.get(leaders.best()).hitRate());
        report.result("popularity_hr_at_10", r.get("popularity").hitRate());
        report.result("trending_best_hr_at_10", r.get(leaders.trending()).hitRate());
        report.result("trending_best", leaders.trending());
        report.result("cooc_blend_best_hr_at_10", r.get(leaders.blend()).hitRate());
        report.result("cooc_blend_best", leaders.blend());
        report.result("quality_run_events_per_s", eventsPerSecond);
        ObjectNode inPipeline = report.details("in_pipeline_baselines_hr_at_10");
        inPipeline.put("popularity", model.hitRate(1));
        inPipeline.put("trending(1d)", model.hitRate(2));
        progress(
                "    model HR@10 %.4f (NDCG %.4f); popularity %.4f; best trending %s %.4f;"
                        + " best blend %s %.4f",
                hr,
                model.ndcg(0),
                r.get("popularity").hitRate(),
                leaders.trending(),
                r.get(leaders.trending()).hitRate(),
                leaders.blend(),
                r.get(leaders.blend()).hitRate());
    }

    private void addRows(PrequentialCounts model, Map<String, WindowedHits> r, Leaders leaders) {
        double hr = model.hitRate(0);
        double best = r.get(leaders.best()).hitRate();
        report.row(
                "HR@10 model (MovieTweetings 100K, prequential)",
                ">= 1.2 x best baseline",
                String.format("%.4f (%.2f x %s %.4f)", hr, hr / best, leaders.best(), best));
        report.row(
                String.format(
                        "NDCG@10 model / popularity / %s / %s",
                        leaders.trending(), leaders.blend()),
                "–",
                String.format(
                        "%.4f / %.4f / %.4f / %.4f",
                        model.ndcg(0),
                        r.get("popularity").ndcg(),
                        r.get(leaders.trending()).ndcg(),
                        r.get(leaders.blend()).ndcg()));
    }

    /** HR@10 per window of the model and the leading baselines, all on one chart. */
    private void plotPerWindow(
            PrequentialCounts model, Map<String, WindowedHits> r, Leaders leaders)
            throws Exception {
        TreeMap<Long, double[]> windows = new TreeMap<>(model.windows());
        List<Long> starts = new ArrayList<>(windows.keySet());
        List<String> labels = starts.stream().map(Charts::dayLabel).toList();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("model", perWindow(starts, t -> windows.get(t)[1] / windows.get(t)[0]));
        for (String name : leaders.plotted()) {
            TreeMap<Long, Double> w = r.get(name).hitRatePerWindow();
            series.put(name, perWindow(starts, t -> w.getOrDefault(t, Double.NaN)));
        }
        Charts.lines(
                report.plot("quality.png"),
                "Prequential HR@10 per week, MovieTweetings 100K",
                "HR@10",
                labels,
                series);
    }

    private static double[] perWindow(List<Long> starts, ToDoubleFunction<Long> f) {
        double[] v = new double[starts.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(starts.get(i));
        }
        return v;
    }
}
