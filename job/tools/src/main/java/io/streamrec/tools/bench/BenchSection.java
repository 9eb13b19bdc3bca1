package io.streamrec.tools.bench;

import io.streamrec.job.JobSettings;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * One section of the benchmark suite (in the manner of flink-benchmarks' StateBenchmarkBase: what
 * every benchmark shares): measures its figures {@code repeats} times and records them, with table
 * rows, notes and plots, in the suite's report.
 */
abstract class BenchSection {
    /** The job's default settings: what the suite measures. */
    protected final JobSettings defaults = new JobSettings(new Configuration());

    /**
     * The defaults of the factorization model alone ({@code model.type: BPR}), whose rows are wider
     * than the ranker's factorization feature's.
     */
    protected final JobSettings factorizationDefaults =
            new JobSettings(Configuration.fromMap(Map.of("model.type", "BPR")));

    protected final BenchReport report;
    protected final int repeats;

    protected BenchSection(BenchReport report) {
        this.report = report;
        this.repeats = report.repeats();
    }

    /** Runs the benchmark and records what it measured. */
    abstract void run() throws Exception;

    /** A line of the suite's progress log. */
    protected static void progress(String line) {
        BenchMain.progress(line);
    }

    /** A formatted line of the suite's progress log. */
    protected static void progress(String format, Object... args) {
        BenchMain.progress(String.format(format, args));
    }

    /** A size for figure names and labels: {@code 10k}, {@code 1m}. */
    protected static String sizeLabel(long n) {
        return n >= 1_000_000 ? (n / 1_000_000) + "m" : (n / 1000) + "k";
    }
}
