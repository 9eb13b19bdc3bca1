package io.streamrec.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a pipeline run's CPU goes: samples every thread's CPU time while the run lasts and groups
 * it by what the thread does (Flink names task threads after their operator chain). A thread that
 * ends during the run counts up to its last sample. GC, JIT and RocksDB's background threads are
 * read from /proc on Linux; what no thread accounts for is the process total less the threads' sum.
 * Samples every 100 ms and keeps them, so a window inside the run (e.g. from the first to the last
 * trained event) can be asked for.
 */
public final class StageCpuSampler implements AutoCloseable {
    private static final long SAMPLE_MILLIS = 100;

    /** How far a sample may lie from a second's bound for {@link #coresBusyBySecond} to use it. */
    private static final long SPAN_SLACK_MILLIS = 5 * SAMPLE_MILLIS;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> baseline = new HashMap<>();
    private final Map<Long, Long> latest = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final List<Snapshot> snapshots = new java.util.ArrayList<>();

    /** The JVM's own and RocksDB's threads (no Java thread objects), by Linux task id. */
    private final Map<Long, Long> nativeBaseline = new HashMap<>();

    private final Map<Long, Long> nativeLatest = new HashMap<>();
    private final Map<Long, String> nativeNames = new HashMap<>();

    /**
     * Tasks that are not native threads of interest (Java threads and others), never read again.
     */
    private final java.util.Set<Long> javaThreadTasks = new java.util.HashSet<>();

    private final byte[] statBuffer = new byte[4096];
    private static final java.io.File TASKS = new java.io.File("/proc/self/task");
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    private final long processStart;
    private final Thread sampler;
    private volatile boolean running = true;

    /** CPU seconds per stage since the start, and of the whole process, at a wall-clock time. */
    private record Snapshot(long millis, Map<String, Double> byStage, double process) {}

    private StageCpuSampler() {
        threads.setThreadCpuTimeEnabled(true);
        processStart = os.getProcessCpuTime();
        sample(true);
        sampler = new Thread(this::loop, "stage-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    public static StageCpuSampler start() {
        return new StageCpuSampler();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sample(false);
        }
    }

    private synchronized void sample(boolean first) {
        long[] ids = threads.getAllThreadIds();
        for (long id : ids) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu < 0 || !named(id)) {
                continue;
            }
            if (first) {
                baseline.put(id, cpu);
            }
            latest.put(id, cpu);
        }
        Map<String, Double> byStage = new HashMap<>();
        for (Map.Entry<Long, Long> e : latest.entrySet()) {
            double seconds = (e.getValue() - baseline.getOrDefault(e.getKey(), 0L)) / 1e9;
            byStage.merge(stageOf(names.get(e.getKey())), seconds, Double::sum);
        }
        readNativeThreads(first);
        for (Map.Entry<Long, Long> e : nativeLatest.entrySet()) {
            long ticks = e.getValue() - nativeBaseline.getOrDefault(e.getKey(), 0L);
            byStage.merge(nativeNames.get(e.getKey()), ticks / TICKS_PER_SECOND, Double::sum);
        }
        snapshots.add(
                new Snapshot(
                        System.currentTimeMillis(),
                        byStage,
                        (os.getProcessCpuTime() - processStart) / 1e9));
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample(false);
    }

    /**
     * CPU seconds per stage between two wall-clock times (the samples nearest inside them; start up
     * and shut down outside them are left out), largest first, ending with the part no Java thread
     * accounts for.
     */
    public synchronized Map<String, Double> secondsByStage(long fromMillis, long toMillis) {
        Snapshot from = sampleAtOrBefore(fromMillis);
        Snapshot to = sampleAtOrBefore(toMillis);
        Map<String, Double> byStage = new HashMap<>();
        double threadsTotal = 0;
        for (Map.Entry<String, Double> e : to.byStage().entrySet()) {
            double seconds = e.getValue() - from.byStage().getOrDefault(e.getKey(), 0.0);
            byStage.put(e.getKey(), seconds);
            threadsTotal += seconds;
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        byStage.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put(
                "rest of the process (other native threads)",
                Math.max(0, to.process() - from.process() - threadsTotal));
        return sorted;
    }

    /**
     * Cores the whole process kept busy in each wall-clock second from {@code fromSecond} to {@code
     * toSecond} (epoch seconds, both included): its CPU time between the last samples at or before
     * the second's start and end, over the time between them; NaN where either sample lies more
     * than {@link #SPAN_SLACK_MILLIS} from its bound (before the first sample, after the last, or
     * where sampling stalled). Where a paced run's cores are full, its work queues.
     */
    public synchronized double[] coresBusyBySecond(long fromSecond, long toSecond) {
        double[] cores = new double[Math.toIntExact(toSecond - fromSecond + 1)];
        for (int s = 0; s < cores.length; s++) {
            long start = (fromSecond + s) * 1000;
            Snapshot a = sampleAtOrBefore(start);
            Snapshot b = sampleAtOrBefore(start + 1000);
            boolean spans =
                    b.millis() > a.millis()
                            && Math.abs(a.millis() - start) <= SPAN_SLACK_MILLIS
                            && Math.abs(b.millis() - (start + 1000)) <= SPAN_SLACK_MILLIS;
            cores[s] =
                    spans
                            ? (b.process() - a.process()) / ((b.millis() - a.millis()) / 1e3)
                            : Double.NaN;
        }
        return cores;
    }

    /** The wall-clock span between the samples {@link #secondsByStage} would use, in seconds. */
    public synchronized double sampledSeconds(long fromMillis, long toMillis) {
        return (sampleAtOrBefore(toMillis).millis() - sampleAtOrBefore(fromMillis).millis()) / 1e3;
    }

    /** When the latest sample was taken (epoch ms). */
    synchronized long latestSampleMillis() {
        return snapshots.get(snapshots.size() - 1).millis();
    }

    /** The last sample taken at or before a time, or the first sample if none was. */
    private Snapshot sampleAtOrBefore(long millis) {
        Snapshot found = snapshots.get(0);
        for (Snapshot s : snapshots) {
            if (s.millis() <= millis) {
                found = s;
            }
        }
        return found;
    }

    /**
     * Whether the thread's name is known, asking the JVM only for a thread not seen before: a
     * {@link ThreadInfo} per thread and sample would be garbage enough to add GC pauses to the run
     * being measured.
     */
    private boolean named(long id) {
        if (names.containsKey(id)) {
            return true;
        }
        ThreadInfo info = threads.getThreadInfo(id, 0);
        if (info == null) {
            return false;
        }
        names.put(id, info.getThreadName());
        return true;
    }

    /**
     * Reads the CPU ticks of the process's GC, JIT and RocksDB threads from /proc (Linux); Java
     * threads are measured through the JVM instead. Elsewhere, their time stays in the remainder. A
     * task's name is read once: afterwards only the native threads' stat files are read, into one
     * reused buffer, so sampling every 100 ms makes almost no garbage (reading every task's file as
     * a string did: a quarter of a freshness run's allocations, and GC pauses in its latency).
     */
    private void readNativeThreads(boolean first) {
        String[] tasks = TASKS.list();
        if (tasks == null) {
            return;
        }
        for (String task : tasks) {
            long tid = Long.parseLong(task);
            if (javaThreadTasks.contains(tid)) {
                continue;
            }
            int length = readStat(task);
            if (length < 0) {
                continue; // the thread ended
            }
            String group = nativeNames.get(tid);
            if (group == null) {
                String comm = ProcTaskStat.comm(statBuffer, length);
                group = comm == null ? null : nativeGroupOf(comm);
                if (group == null) {
                    javaThreadTasks.add(tid);
                    continue;
                }
                nativeNames.put(tid, group);
            }
            long ticks = ProcTaskStat.cpuTicks(statBuffer, length);
            if (ticks < 0) {
                continue;
            }
            if (first) {
                nativeBaseline.put(tid, ticks);
            }
            nativeLatest.put(tid, ticks);
        }
    }

    /** The task's stat file into {@link #statBuffer}: its length, or -1 if it cannot be read. */
    private int readStat(String task) {
        try (java.io.FileInputStream in =
                new java.io.FileInputStream("/proc/self/task/" + task + "/stat")) {
            return in.readNBytes(statBuffer, 0, statBuffer.length);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The group of a thread the JVM does not expose as a Java thread, or null for the others. */
    static String nativeGroupOf(String comm) {
        if (comm.startsWith("GC Thread")
                || comm.startsWith("G1 ")
                || comm.startsWith("VM Thread")
                || comm.startsWith("VM Periodic")) {
            return "JVM garbage collection";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JVM JIT compilers";
        }
        if (comm.startsWith("rocksdb")) {
            return "RocksDB background threads (flush, compaction)";
        }
        return null;
    }

    /**
     * Stages by the start of their threads' names (Flink names task threads after their operator
     * chain), tried in order: the first match wins.
     */
    private static final List<Map.Entry<String, List<String>>> STAGES =
            List.of(
                    Map.entry("workers (examples, DJL, local row updates)", List.of("workers")),
                    Map.entry(
                            "parameter server (RocksDB rows, model-updates writer)",
                            List.of("parameter-server")),
                    Map.entry(
                            "serving + prequential evaluation, results writer", List.of("serving")),
                    Map.entry("events source + validation", List.of("Source: events")),
                    Map.entry("other sources (requests, catalog)", List.of("Source:")),
                    Map.entry(
                            "Kafka clients (replay producer, job's readers and writers)",
                            List.of(
                                    "replay-producer",
                                    "kafka-producer-network-thread",
                                    "kafka-coordinator",
                                    "Kafka Fetcher",
                                    "Source Data Fetcher",
                                    "consumer")),
                    Map.entry(
                            "Kafka broker (embedded)",
                            List.of(
                                    "data-plane-kafka",
                                    "kafka-",
                                    "broker-",
                                    "controller-",
                                    "raft",
                                    "quorum",
                                    "ExpirationReaper",
                                    "transaction",
                                    "group-coordinator",
                                    "share-coordinator",
                                    "LogDirFailureHandler")),
                    Map.entry(
                            "Flink runtime (checkpoints, RPC, network flushers)",
                            List.of(
                                    "flink-",
                                    "jobmanager",
                                    "Checkpoint",
                                    "AsyncOperations",
                                    "pool-",
                                    "Flink",
                                    "OutputFlusher",
                                    "mini-cluster")));

    /** The stage a thread works for, from the name Flink, Kafka or the replay gives it. */
    static String stageOf(String thread) {
        for (Map.Entry<String, List<String>> stage : STAGES) {
            for (String prefix : stage.getValue()) {
                if (thread.startsWith(prefix)) {
                    return stage.getKey();
                }
            }
        }
        return "other Java threads";
    }
}
