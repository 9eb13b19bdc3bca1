package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import java.util.List;

/**
 * The in-process loop (single thread, no Flink, no Kafka): what the training code does per event
 * with nothing around it, with and without the prequential evaluation, and where its time goes.
 */
final class LoopSection extends BenchSection {
    private final List<UserEvent> events;
    private final ItemCatalog catalog;

    LoopSection(BenchReport report, List<UserEvent> events, ItemCatalog catalog) {
        super(report);
        this.events = events;
        this.catalog = catalog;
    }

    @Override
    void run() {
        progress("In-process loop (single thread, no Flink, no Kafka)");
        double[] train = new double[repeats];
        double[] withEval = new double[repeats];
        InProcessLoop.Result profile = null;
        // warm-up: engine load and JIT compilation are not part of the figure (nor is each
        // run's construction of its trainer: InProcessLoop times the replay only)
        InProcessLoop.run(
                events.subList(0, Math.min(events.size(), 5000)), catalog, defaults, true);
        for (int r = 0; r < repeats; r++) {
            train[r] = InProcessLoop.run(events, catalog, defaults, false).eventsPerSecond();
            profile = InProcessLoop.run(events, catalog, defaults, true);
            withEval[r] = profile.eventsPerSecond();
            progress(
                    "    run %d: %,.0f events/s training only, %,.0f events/s with evaluation",
                    r + 1, train[r], withEval[r]);
        }
        report.figure("inprocess_loop_events_per_s", Summary.of(train), "events/s");
        report.figure("inprocess_loop_with_eval_events_per_s", Summary.of(withEval), "events/s");
        recordProfile(profile);
        report.row("in-process loop, training only (1 thread)", "–", Summary.of(train), "events/s");
        report.row(
                "in-process loop, training + evaluation (1 thread)",
                "–",
                Summary.of(withEval),
                "events/s");
    }

    /** Where an event's time went in the last run with evaluation. */
    private void recordProfile(InProcessLoop.Result profile) {
        ObjectNode p = report.details("inprocess_profile_us_per_event");
        p.put("examples_and_sampling", profile.examplesMicros());
        p.put("djl_forward_backward", profile.gradientMicros());
        p.put("row_updates", profile.rowUpdateMicros());
        p.put("prequential_evaluation", profile.evaluationMicros());
        report.note(
                String.format(
                        "Per event in the in-process loop (last run with evaluation): examples and"
                                + " sampling %.1f us, DJL forward/backward %.1f us, row updates"
                                + " (parameter server and the worker's replica) %.1f us,"
                                + " prequential evaluation (ranking the event's item among all"
                                + " %,d items for the model, popularity and trending, and"
                                + " serving's replica taking the updated rows) %.1f us.",
                        profile.examplesMicros(),
                        profile.gradientMicros(),
                        profile.rowUpdateMicros(),
                        catalog.size(),
                        profile.evaluationMicros()));
    }
}
