package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import java.util.List;

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
}
