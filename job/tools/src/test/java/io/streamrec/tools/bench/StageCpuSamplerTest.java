package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageCpuSamplerTest {
    @Test
    void groupsThreadsByTheNamesFlinkKafkaAndTheJvmGiveThem() {
        assertThat(StageCpuSampler.stageOf("workers (1/2)#0")).startsWith("workers");
        assertThat(
                        StageCpuSampler.stageOf(
                                "serving -> (results: Writer -> results: Committer) (2/2)#0"))
                .startsWith("serving");
        assertThat(StageCpuSampler.stageOf("Source: events -> validate events (1/2)#0"))
                .startsWith("events source");
        // the fetcher of that source is a Kafka client, not the source task
        assertThat(
                        StageCpuSampler.stageOf(
                                "Source Data Fetcher for Source: events -> validate events (1/2)#0"))
                .startsWith("Kafka clients");
        assertThat(StageCpuSampler.stageOf("kafka-producer-network-thread | producer-1"))
                .startsWith("Kafka clients");
        assertThat(StageCpuSampler.stageOf("data-plane-kafka-request-handler-0"))
                .startsWith("Kafka broker");
        assertThat(StageCpuSampler.stageOf("main")).isEqualTo("other Java threads");
        assertThat(StageCpuSampler.nativeGroupOf("C2 CompilerThre")).contains("JIT");
        assertThat(StageCpuSampler.nativeGroupOf("rocksdb:low")).startsWith("RocksDB");
        assertThat(StageCpuSampler.nativeGroupOf("workers (1/2)#0")).isNull();
    }

    @Test
    void measuresTheCpuOfABusyThreadInsideTheAskedWindow() throws Exception {
        Sampled run = sampledWhileAWorkerSpins(300_000_000L);
        long from = run.from();
        long to = run.to();
        Map<String, Double> seconds = run.sampler().secondsByStage(from, to);
        // the thread had 0.3 s of CPU, all of it before a sample it lived to see
        assertThat(seconds.get("workers (examples, DJL, local row updates)"))
                .isGreaterThanOrEqualTo(0.3)
                .isLessThanOrEqualTo(0.35);
        assertThat(run.sampler().sampledSeconds(from, to)).isGreaterThan(0.3).isLessThan(60);
    }

    @Test
    void coresBusyBySecondAddUpToTheCpuOfTheSecondsTheSamplesSpan() throws Exception {
        Sampled run = sampledWhileAWorkerSpins(3_000_000_000L);
        double[] cores =
                run.sampler().coresBusyBySecond(run.from() / 1000 - 10, run.to() / 1000 + 10);

        // the ten seconds before the first sample and after the last are not measured
        assertThat(Arrays.copyOfRange(cores, 0, 10)).containsOnly(Double.NaN);
        assertThat(Arrays.copyOfRange(cores, cores.length - 10, cores.length))
                .containsOnly(Double.NaN);
        double[] measured = Arrays.stream(cores).filter(c -> !Double.isNaN(c)).toArray();
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(measured).isNotEmpty();
        assertThat(Arrays.stream(measured).boxed().toList())
                .allMatch(c -> c >= 0 && c <= processors * 1.25);
        // the thread's 3 s of CPU, less at most half a second of it at either end that no whole
        // second's samples span (more where sampling stalls on a loaded host); each second
        // measured counts one second of wall clock
        assertThat(Arrays.stream(measured).sum()).isGreaterThan(0.9);
    }

    /** A closed sampler, and the wall-clock times just before and after what it sampled. */
    private record Sampled(StageCpuSampler sampler, long from, long to) {}

    /**
     * Samples while a thread named as a worker burns {@code cpuNanos} of CPU (however loaded the
     * machine is) and lives on until a sample taken after that (the CPU a thread used after its
     * last sample is not seen once it has ended), then closes the sampler.
     */
    private static Sampled sampledWhileAWorkerSpins(long cpuNanos) throws InterruptedException {
        StageCpuSampler sampler = StageCpuSampler.start();
        long from = System.currentTimeMillis();
        Thread busy =
                new Thread(
                        () -> {
                            spinFor(cpuNanos);
                            // the second sample after the spin read the thread's CPU after it
                            awaitASampleAfter(
                                    sampler,
                                    awaitASampleAfter(sampler, System.currentTimeMillis()));
                        },
                        "workers (1/1)#0");
        busy.start();
        busy.join();
        sampler.close();
        return new Sampled(sampler, from, System.currentTimeMillis());
    }

    /**
     * Waits, up to a minute, until {@code sampler} has sampled after {@code millis}; returns when
     * its latest sample was taken.
     */
    private static long awaitASampleAfter(StageCpuSampler sampler, long millis) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sampler.latestSampleMillis() <= millis && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5); // polling the sampler's own 100 ms clock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return sampler.latestSampleMillis();
    }

    /** Burns CPU on this thread until it has had {@code nanos} of it, however loaded the host. */
    private static void spinFor(long nanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double x = 0;
        while (threads.getCurrentThreadCpuTime() < nanos) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(x + 1);
            }
        }
        if (x < 0) {
            throw new AssertionError();
        }
    }
}
