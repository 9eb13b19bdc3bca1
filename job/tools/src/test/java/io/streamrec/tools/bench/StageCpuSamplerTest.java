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
        StageCpuSampler sampler = StageCpuSampler.start();
        long from = System.currentTimeMillis();
        // runs until it has had 0.3 s of CPU, however loaded the machine is
        Thread busy = new Thread(() -> spinFor(300_000_000L), "workers (1/1)#0");
        busy.start();
        busy.join();
        sampler.close(); // takes a last sample
        long to = System.currentTimeMillis();
        Map<String, Double> seconds = sampler.secondsByStage(from, to);
        // the thread had 0.3 s of CPU; what it used after the last sample while alive is lost
        assertThat(seconds.get("workers (examples, DJL, local row updates)"))
                .isGreaterThan(0.15)
                .isLessThanOrEqualTo(0.35);
        assertThat(sampler.sampledSeconds(from, to)).isGreaterThan(0.3).isLessThan(60);
    }

    @Test
    void coresBusyBySecondAddUpToTheCpuOfTheSecondsTheSamplesSpan() throws Exception {
        StageCpuSampler sampler = StageCpuSampler.start();
        long from = System.currentTimeMillis();
        Thread busy = new Thread(() -> spinFor(2_000_000_000L), "workers (1/1)#0");
        busy.start();
        busy.join();
        sampler.close();
        long to = System.currentTimeMillis();
        long firstSecond = from / 1000 - 10;
        double[] cores = sampler.coresBusyBySecond(firstSecond, to / 1000 + 10);

        // the ten seconds before the first sample and after the last are not measured
        assertThat(Arrays.copyOfRange(cores, 0, 10)).containsOnly(Double.NaN);
        assertThat(Arrays.copyOfRange(cores, cores.length - 10, cores.length))
                .containsOnly(Double.NaN);
        double[] measured = Arrays.stream(cores).filter(c -> !Double.isNaN(c)).toArray();
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(measured).isNotEmpty();
        assertThat(Arrays.stream(measured).boxed().toList())
                .allMatch(c -> c >= 0 && c <= processors * 1.25);
        // the thread's 2 s of CPU, less at most half a second of it at either end that no whole
        // second's samples span; each second measured counts one second of wall clock
        assertThat(Arrays.stream(measured).sum()).isGreaterThan(0.9);
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
