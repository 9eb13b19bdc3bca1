package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
        Thread busy =
                new Thread(
                        () -> {
                            // runs until it has had 0.3 s of CPU, however loaded the machine is
                            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                            double x = 0;
                            while (threads.getCurrentThreadCpuTime() < 300_000_000L) {
                                for (int i = 0; i < 10_000; i++) {
                                    x += Math.sqrt(x + 1);
                                }
                            }
                            if (x < 0) {
                                throw new AssertionError();
                            }
                        },
                        "workers (1/1)#0");
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
}
