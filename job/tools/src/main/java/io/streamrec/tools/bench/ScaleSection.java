package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Parameter rows per TaskManager with RocksDB in one slot: load time, heap, full and incremental
 * checkpoints, and restore, for each row count.
 */
final class ScaleSection extends BenchSection {
    private final Path workDir;
    private final List<Long> rowCounts;

    ScaleSection(BenchReport report, Path workDir, List<Long> rowCounts) {
        super(report);
        this.workDir = workDir;
        this.rowCounts = rowCounts;
    }

    @Override
    void run() throws Exception {
        progress("Parameter rows per TaskManager (RocksDB, one slot)");
        ScaleBench bench = new ScaleBench(workDir, BenchMain::progress);
        for (long rows : rowCounts) {
            // the factorization model's rows, the wider ones (32 floats): comparable with earlier
            // runs, and the larger case for a TaskManager
            record(sizeLabel(rows), bench.run(rows, factorizationDefaults));
        }
    }

    private void record(String label, ScaleBench.Result r) {
        putDetails(label, r);
        report.result("scale_full_checkpoint_s_" + label, r.fullCheckpointSeconds());
        report.result("scale_incremental_checkpoint_s_" + label, r.incrementalCheckpointSeconds());
        report.result("scale_restore_s_" + label, r.restoreSeconds());
        report.result("scale_heap_mb_" + label, r.heapUsedBytes() / 1e6);
        progress(
                "    %s rows: loaded in %.0f s, heap +%.0f MB; full checkpoint %.0f MB in %.1f s;"
                        + " incremental %.0f MB (state %.0f MB) in %.1f s; restore %.1f s",
                label,
                r.loadSeconds(),
                r.heapUsedBytes() / 1e6,
                r.fullCheckpointBytes() / 1e6,
                r.fullCheckpointSeconds(),
                r.incrementalCheckpointBytes() / 1e6,
                r.incrementalStateBytes() / 1e6,
                r.incrementalCheckpointSeconds(),
                r.restoreSeconds());
        addRow(label, r);
    }

    private void putDetails(String label, ScaleBench.Result r) {
        ObjectNode s = report.details("scale_" + label);
        s.put("rows", r.rows());
        s.put("load_seconds", r.loadSeconds());
        s.put("heap_used_bytes", r.heapUsedBytes());
        s.put("full_checkpoint_bytes", r.fullCheckpointBytes());
        s.put("full_checkpoint_seconds", r.fullCheckpointSeconds());
        s.put("incremental_checkpoint_bytes", r.incrementalCheckpointBytes());
        s.put("incremental_state_bytes", r.incrementalStateBytes());
        s.put("incremental_checkpoint_seconds", r.incrementalCheckpointSeconds());
        s.put("restore_seconds", r.restoreSeconds());
    }

    private void addRow(String label, ScaleBench.Result r) {
        report.row(
                String.format(
                        "%s rows x %d dims: full / incremental checkpoint, restore",
                        label, factorizationDefaults.model().dim()),
                "–",
                String.format(
                        "%.0f MB in %.1f s / %.0f MB in %.1f s, restore %.1f s (heap +%.0f MB)",
                        r.fullCheckpointBytes() / 1e6,
                        r.fullCheckpointSeconds(),
                        r.incrementalCheckpointBytes() / 1e6,
                        r.incrementalCheckpointSeconds(),
                        r.restoreSeconds(),
                        r.heapUsedBytes() / 1e6));
    }
}
