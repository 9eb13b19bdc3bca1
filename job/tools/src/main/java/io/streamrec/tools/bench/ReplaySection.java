package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import java.util.List;
import java.util.Map;

/** A section that replays events through the whole pipeline ({@link PipelineBench}). */
abstract class ReplaySection extends BenchSection {
    protected final PipelineBench pipeline;
    protected final List<UserEvent> events;
    protected final ItemCatalog catalog;

    protected ReplaySection(
            BenchReport report,
            PipelineBench pipeline,
            List<UserEvent> events,
            ItemCatalog catalog) {
        super(report);
        this.pipeline = pipeline;
        this.events = events;
        this.catalog = catalog;
    }

    /**
     * Writes each stage's CPU per event and their total under {@code name}; returns the total. A
     * run that trained no event between the samples measured none: NaN, written as null.
     */
    protected double stageDetails(String name, Map<String, Double> microsPerEvent) {
        ObjectNode p = report.details(name);
        microsPerEvent.forEach((stage, micros) -> BenchReport.putNumber(p, stage, micros));
        double total = total(microsPerEvent);
        BenchReport.putNumber(p, "total", total);
        return total;
    }

    /** The sum of the stages' CPU per event. */
    protected static double total(Map<String, Double> microsPerEvent) {
        return microsPerEvent.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
