package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.ReplayRun;
import io.streamrec.tools.report.Charts;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.flink.configuration.Configuration;

/**
 * Freshness at a paced load (half of peak when the pipeline section measured it): events stamped
 * with the time the pace schedules them at (their due time, not their send time: a producer that
 * falls behind adds its lag), so the serving side's event-time lag is how long an event takes to
 * reach serving from when it was due; and the latency of requests sent meanwhile, from when each
 * was due (its event's due time, likewise) up to the result being written (before the checkpoint
 * that makes it visible to a read_committed client: deploy/kafka-smoke.sh measures that).
 */
final class FreshnessSection extends ReplaySection {
    /** Client requests a second beside each run, half through the gateway, half through Kafka. */
    private static final double CLIENT_REQUESTS_PER_S = 10.0;

    private final double rate;

    /** What {@link #rate} is, as the report names it: half of peak, or a pace given or default. */
    private final String load;

    private final double[] p50;
    private final double[] p90;
    private final double[] p99;
    private final double[] max;

    /** Each run's achieved load: events/s over its training window. */
    private final double[] achieved;

    /** Request due -> result written (CreateTime) latencies of every run's requests. */
    private final LatencyHistogram e2e = new LatencyHistogram();

    /** Requests timed at a client (gateway, Kafka directly) during every run's training window. */
    private final LatencySamples clientGateway = new LatencySamples();

    private final LatencySamples clientKafka = new LatencySamples();
    private final LatencySamples clientKafkaServed = new LatencySamples();
    private final LatencySamples clientGatewayWarm = new LatencySamples();
    private final LatencySamples clientKafkaWarm = new LatencySamples();
    private long clientUnanswered;

    private LatencyHistogram lastRun;
    private SortedMap<Long, LatencyHistogram> lastRunBySecond;

    /** The process's cores busy in each second of {@link #lastRunBySecond}'s span. */
    private double[] lastRunCoresBusy;

    FreshnessSection(
            BenchReport report,
            PipelineBench pipeline,
            List<UserEvent> events,
            ItemCatalog catalog,
            double rate,
            String load) {
        super(report, pipeline, events, catalog);
        this.rate = rate;
        this.load = load;
        this.p50 = new double[repeats];
        this.p90 = new double[repeats];
        this.p99 = new double[repeats];
        this.max = new double[repeats];
        this.achieved = new double[repeats];
    }

    @Override
    void run() throws Exception {
        progress(
                "Freshness at %s (%,.0f events/s requested), events stamped with their due time at"
                        + " that pace",
                load, rate);
        for (int r = 0; r < repeats; r++) {
            measure(r);
        }
        report.figure("freshness_ms_p50", Summary.of(p50), "ms");
        report.figure("freshness_ms_p90", Summary.of(p90), "ms");
        report.figure("freshness_ms_p99", Summary.of(p99), "ms");
        report.figure("freshness_ms_max", Summary.of(max), "ms");
        // the load the runs achieved (their training windows' events/s, median), and the pace
        // asked for: a producer or pipeline that falls behind achieves less
        Summary load = Summary.of(achieved);
        report.result("freshness_load_events_per_s", load.median());
        report.result("freshness_load_requested_events_per_s", rate);
        report.row(
                "freshness runs' load, achieved (training window) / requested",
                "–",
                String.format("%,.0f / %,.0f events/s", load.median(), rate));
        progress("    load achieved %,.0f events/s of %,.0f requested", load.median(), rate);
        recordEndToEnd();
        recordClients();
        report.details("freshness_ms")
                .put(
                        "what",
                        "serving's histogram of event due (its stamp, the pace's schedule) ->"
                                + " serving uses the row: each percentile is the upper edge of"
                                + " its bucket (20 a decade), up to 12% above the value");
        report.row(
                "freshness p50 (event due -> serving uses it; a bucket's upper edge, up to 12%"
                        + " above)",
                "–", Summary.of(p50), "ms");
        report.row(
                "freshness p99 (a bucket's upper edge, up to 12% above)",
                "<= 500 ms", Summary.of(p99), "ms");
        plotLastRun();
    }

    private void measure(int r) throws Exception {
        ReplayRun.Result run =
                pipeline.run(
                        "freshness run " + (r + 1),
                        events,
                        catalog,
                        2,
                        rate,
                        true,
                        100,
                        new Configuration(),
                        CLIENT_REQUESTS_PER_S);
        LatencyHistogram f = run.freshness();
        lastRunBySecond = run.freshnessBySecond();
        lastRunCoresBusy =
                lastRunBySecond.isEmpty()
                        ? new double[0]
                        : pipeline.lastCoresBusyBySecond(
                                lastRunBySecond.firstKey(), lastRunBySecond.lastKey());
        achieved[r] = run.trainingWindow().eventsPerSecond();
        if (r == 0) {
            // the rate CPU per event was divided by: the training window's
            cpuAtThisLoad(achieved[r]);
        }
        e2e.addAll(run.requestLatency());
        addClientLatency(r, run);
        p50[r] = quantile(f, 0.5);
        p90[r] = quantile(f, 0.9);
        p99[r] = quantile(f, 0.99);
        max[r] = max(f);
        lastRun = f;
        progress(
                "    %,d samples at %,.0f events/s achieved (%,.0f requested): p50 %.0f ms, p90 %.0f"
                        + " ms, p99 %.0f ms, max %.0f ms (percentiles: their buckets' upper edges)",
                f.count(), achieved[r], rate, p50[r], p90[r], p99[r], max[r]);
    }

    /**
     * Pools run {@code r}'s client latencies and writes its requests and serving's checkpoints: on
     * the same clock, whether slow requests cluster (start-up, a checkpoint) or spread.
     */
    private void addClientLatency(int r, ReplayRun.Result run) throws Exception {
        PipelineBench.ClientLatency client = pipeline.lastClientLatency();
        clientGateway.addAll(client.gateway());
        clientKafka.addAll(client.kafka());
        clientKafkaServed.addAll(client.kafkaServed());
        clientGatewayWarm.addAll(client.gatewayWarm());
        clientKafkaWarm.addAll(client.kafkaWarm());
        clientUnanswered += client.unanswered();
        Files.write(report.dataFile("client-requests-run" + (r + 1) + ".csv"), client.csv());
        Files.write(
                report.dataFile("checkpoints-run" + (r + 1) + ".csv"),
                checkpointsCsv(run.servingCheckpointTimes(), run.trainingWindow()));
    }

    /**
     * The first run's CPU per event by stage, and the cores it kept busy on average: at a paced
     * load each event costs more than at full speed (smaller batches, a Kafka request per few
     * events), so "half of peak" may keep the cores nearly full, and any extra work then queues.
     */
    private void cpuAtThisLoad(double eventsPerSecond) {
        double total = stageDetails("freshness_cpu_us_per_event", pipeline.lastCpuMicrosPerEvent());
        double cores = total * eventsPerSecond / 1e6;
        report.result("freshness_cpu_us_per_event_total", total);
        report.result("freshness_cores_busy", cores);
        String measured =
                String.format(
                        "%.0f us per event, %.2f of %d cores busy",
                        total, cores, Runtime.getRuntime().availableProcessors());
        report.row("CPU at the freshness runs' load (first run)", "–", measured);
        progress("    CPU at %,.0f events/s: %s", eventsPerSecond, measured);
    }

    void recordEndToEnd() {
        report.result("e2e_request_ms_p50", quantile(e2e, 0.5));
        report.result("e2e_request_ms_p99", quantile(e2e, 0.99));
        ObjectNode details = report.details("e2e_request_ms").put("requests", e2e.count());
        BenchReport.putNumber(details, "p90", quantile(e2e, 0.9));
        // NaN without a request: the empty histogram's max is 0
        BenchReport.putNumber(details, "max", max(e2e));
        details.put(
                "what",
                "request due (the time the pace schedules the event it follows at, so a"
                        + " producer that falls behind adds its lag) -> result written to"
                        + " the results topic (the record's CreateTime, the job's clock),"
                        + " a request every 100"
                        + " events in the freshness runs ("
                        + load
                        + "), all runs pooled; a reader sees the result at once under"
                        + " at-least-once results (the default), at the next checkpoint"
                        + " under exactly-once: the client rows time what a reader sees;"
                        + " each percentile is the upper edge of its histogram bucket (20"
                        + " a decade), up to 12% above the value");
        report.row(
                "request due -> result written by the job (CreateTime) at "
                        + load
                        + ", all runs pooled, p50 / p99 (buckets' upper edges, up to 12% above)",
                "–",
                String.format(
                        "%.0f / %.0f ms (%d requests)",
                        quantile(e2e, 0.5), quantile(e2e, 0.99), e2e.count()));
    }

    void recordClients() {
        recordClientResults();
        recordClientDetails();
        recordClientRows();
        recordWarmAndServedClientRows();
    }

    private void recordClientResults() {
        report.result("client_request_ms_p50", quantile(clientGateway, 0.5));
        report.result("client_request_ms_p99", quantile(clientGateway, 0.99));
        report.result("kafka_client_request_ms_p50", quantile(clientKafka, 0.5));
        report.result("kafka_client_request_ms_p99", quantile(clientKafka, 0.99));
        report.result("client_request_ms_p99_warm", quantile(clientGatewayWarm, 0.99));
        report.result("kafka_client_request_ms_p99_warm", quantile(clientKafkaWarm, 0.99));
        report.result("kafka_client_served_ms_p50", quantile(clientKafkaServed, 0.5));
        report.result("kafka_client_served_ms_p99", quantile(clientKafkaServed, 0.99));
    }

    private void recordClientDetails() {
        ObjectNode details =
                report.details("client_request_ms")
                        .put("gateway_requests", clientGateway.count())
                        .put("kafka_requests", clientKafka.count())
                        .put("unanswered", clientUnanswered);
        // NaN without a request: null, as every figure not measured
        BenchReport.putNumber(details, "gateway_max", clientGateway.maxMs());
        BenchReport.putNumber(details, "kafka_max", clientKafka.maxMs());
        details.put(
                "what",
                "a client sends a request and holds its result, one at a time, "
                        + CLIENT_REQUESTS_PER_S
                        + " a second alternating GET /recommendations through an"
                        + " in-process gateway and a request written to the requests"
                        + " topic with the result read uncommitted; each timed from when"
                        + " it was due on that schedule (a stall delays every request due"
                        + " during it), one without a result counted at 10 s or more;"
                        + " only requests due in each freshness run's training window ("
                        + load
                        + "), all runs pooled, percentiles exact (nearest rank)");
    }

    /** The client requests' rows, through the gateway and through Kafka. */
    private void recordClientRows() {
        report.row(
                "client request -> result in hand at "
                        + load
                        + ", through the gateway, all runs pooled, p50 / p99",
                "p99 <= 50 ms",
                String.format(
                        "%.0f / %.0f ms (%d requests, %d unanswered in all)",
                        quantile(clientGateway, 0.5),
                        quantile(clientGateway, 0.99),
                        clientGateway.count(),
                        clientUnanswered));
        report.row(
                "client request -> result in hand at "
                        + load
                        + ", through Kafka, all runs pooled, p50 / p99",
                "–",
                String.format(
                        "%.0f / %.0f ms (%d requests)",
                        quantile(clientKafka, 0.5),
                        quantile(clientKafka, 0.99),
                        clientKafka.count()));
    }

    /** The same after the warm-up, and the Kafka requests' time until serving answered them. */
    private void recordWarmAndServedClientRows() {
        report.row(
                "the same after the first "
                        + PipelineBench.CLIENT_WARM_UP_S
                        + " s of each run (JIT, first rows), gateway p50 / p99, Kafka p50 / p99",
                "p99 <= 50 ms",
                String.format(
                        "%.0f / %.0f ms (%d), %.0f / %.0f ms (%d)",
                        quantile(clientGatewayWarm, 0.5),
                        quantile(clientGatewayWarm, 0.99),
                        clientGatewayWarm.count(),
                        quantile(clientKafkaWarm, 0.5),
                        quantile(clientKafkaWarm, 0.99),
                        clientKafkaWarm.count()));
        report.row(
                "of which, through Kafka, request due -> serving answered it (the result's servedAt;"
                        + " the rest is the result's way out), p50 / p99",
                "–",
                String.format(
                        "%.0f / %.0f ms",
                        quantile(clientKafkaServed, 0.5), quantile(clientKafkaServed, 0.99)));
    }

    /** The distribution of the last run, expanded from its buckets for the CDF plot. */
    private void plotLastRun() throws Exception {
        List<Double> samples = new ArrayList<>();
        lastRun.distribution()
                .forEach(
                        (ms, count) -> {
                            for (long i = 0; i < count; i++) {
                                samples.add(ms);
                            }
                        });
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Charts.cdf(
                report.plot("freshness.png"),
                String.format("Freshness at %,.0f events/s (event due -> serving replica)", rate),
                Map.of("freshness", sorted));
        plotLastRunOverTime();
    }

    /**
     * The last run's freshness p50 and p99 second by second (the samples each second's reports
     * brought): whether the tail is a steady spread or a few stalls that build a backlog.
     */
    private void plotLastRunOverTime() throws Exception {
        if (lastRunBySecond.isEmpty()) {
            return;
        }
        long first = lastRunBySecond.firstKey();
        int seconds = Math.toIntExact(lastRunBySecond.lastKey() - first + 1);
        List<String> labels = new ArrayList<>();
        double[] p50 = new double[seconds];
        double[] p99 = new double[seconds];
        for (int s = 0; s < seconds; s++) {
            labels.add(s + " s");
            LatencyHistogram h = lastRunBySecond.get(first + s);
            // a second without reports, or whose reports brought no samples, is a gap
            p50[s] = h == null ? Double.NaN : quantile(h, 0.5);
            p99[s] = h == null ? Double.NaN : quantile(h, 0.99);
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("p50", p50);
        series.put("p99", p99);
        Charts.lines(
                report.plot("freshness-over-time.png"),
                String.format("Freshness at %,.0f events/s, second by second", rate),
                "ms",
                labels,
                series);
        plotCoresBusy(labels);
    }

    /**
     * The last run's cores busy over the seconds of {@link #plotLastRunOverTime}: where freshness
     * climbs while the cores are full, work is queueing for them.
     */
    private void plotCoresBusy(List<String> labels) throws Exception {
        double[] available = new double[labels.size()];
        Arrays.fill(available, Runtime.getRuntime().availableProcessors());
        Map<String, double[]> cores = new LinkedHashMap<>();
        cores.put("busy", lastRunCoresBusy);
        cores.put("available", available);
        Charts.lines(
                report.plot("cores-busy-over-time.png"),
                String.format(
                        "Cores the process kept busy at %,.0f events/s, the same seconds", rate),
                "cores",
                labels,
                cores);
    }

    /**
     * The histogram's {@code q}-quantile; NaN without samples, so that a run that measured nothing
     * reads as such (null in results.json, NaN in the table), never as 0 ms against a target: the
     * upper edge of its bucket, up to 12% above the value.
     */
    private static double quantile(LatencyHistogram h, double q) {
        return h.count() == 0 ? Double.NaN : h.quantileMs(q);
    }

    /** The largest latency; NaN, not measured, without one (an empty histogram's max is 0). */
    private static double max(LatencyHistogram h) {
        return h.count() == 0 ? Double.NaN : h.maxMs();
    }

    private static double quantile(LatencySamples samples, double q) {
        return samples.quantileMs(q);
    }

    /**
     * The times serving subtasks took a checkpoint (their eval report's time) within the training
     * window, as {@code checkpoint_ms} since its start: the clock of the client requests' CSV.
     */
    static List<String> checkpointsCsv(List<Long> checkpointTimes, ReplayRun.TrainingWindow w) {
        List<String> lines = new ArrayList<>();
        lines.add("checkpoint_ms");
        checkpointTimes.stream()
                .filter(t -> t >= w.firstMillis() && t <= w.lastMillis())
                .sorted()
                .forEach(t -> lines.add(Long.toString(t - w.firstMillis())));
        return lines;
    }
}
