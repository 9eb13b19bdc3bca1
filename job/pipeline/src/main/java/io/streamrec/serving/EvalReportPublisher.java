package io.streamrec.serving;

import io.streamrec.concurrent.NamedThreadExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes serving's eval reports, one per checkpoint. Encoding one (a JSON document of about 160
 * KB at the bundled data: 260 windows, the covered ids) and writing it took the task thread p50 11
 * ms, up to 50 ms, at every checkpoint, while requests waited. Off the task thread ({@code
 * eval.report-off-task-thread}) a report is encoded on a thread of its own from copies taken at the
 * barrier and handed back to the task thread, which emits it: it then goes out in the next
 * checkpoint's transaction, an interval later. Reports are cumulative, so a reader that takes the
 * latest loses nothing by that.
 *
 * <p>Reports are emitted in the order they were taken. A report taken while another is being
 * encoded waits, and a newer one taken meanwhile replaces it: one report is encoded at a time and
 * at most one waits, so a slow encoding cannot pile up copies of the counts. One emitted at once
 * ({@link #publishNow}, the last report at the end of input) supersedes any taken before it and not
 * out yet: those are dropped, so the latest report out is always the newest.
 *
 * <p>Not thread-safe: every method but the encoding runs on the task thread, and so do the
 * hand-backs, through the executor the task gives ({@code taskThread}, its mailbox).
 */
final class EvalReportPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvalReportPublisher.class);

    private final Consumer<String> emit;
    private final Executor taskThread;
    private final ExecutorService encoder; // null: encoded on the task thread
    private long taken;
    private long emitted;
    private boolean closed;

    private EvalReportPublisher(
            Consumer<String> emit, Executor taskThread, ExecutorService encoder) {
        this.emit = emit;
        this.taskThread = taskThread;
        this.encoder = encoder;
    }

    /** Encodes and emits each report on the caller's thread, when it is taken. */
    static EvalReportPublisher onTaskThread(Consumer<String> emit) {
        return new EvalReportPublisher(emit, Runnable::run, null);
    }

    /**
     * Encodes each report on a daemon thread named {@code threadName} and emits it through {@code
     * taskThread}.
     */
    static EvalReportPublisher offTaskThread(
            String threadName, Executor taskThread, Consumer<String> emit) {
        return new EvalReportPublisher(
                emit, taskThread, NamedThreadExecutor.newestOnly(threadName));
    }

    /** Whether {@link #publish} encodes on another thread: its encoding must then read copies. */
    boolean encodesOffTaskThread() {
        return encoder != null;
    }

    /**
     * Takes a report. {@code encoding} must read only copies: it runs on another thread while the
     * task goes on.
     */
    void publish(Supplier<String> encoding) {
        if (encoder == null) {
            publishNow(encoding);
            return;
        }
        long report = ++taken;
        // after close the executor drops it without a word (its policy drops, never refuses)
        encoder.execute(() -> handBack(encode(report, encoding)));
    }

    /** Encodes and emits a report now, dropping those taken before it that are not out yet. */
    void publishNow(Supplier<String> encoding) {
        emitted = ++taken;
        emit.accept(encoding.get());
    }

    private Runnable encode(long report, Supplier<String> encoding) {
        try {
            String json = encoding.get();
            return () -> emitIfNewest(report, json);
        } catch (Throwable e) { // an Error too: it would end this thread and lose reports quietly
            // fails the task as the encoding failed it on the task thread, unless no longer wanted
            return () -> {
                if (isNewest(report)) {
                    throw new IllegalStateException(
                            "Encoding eval report " + report + " failed", e);
                }
            };
        }
    }

    private void handBack(Runnable onTaskThread) {
        try {
            taskThread.execute(onTaskThread);
        } catch (RuntimeException closing) {
            LOG.debug("Eval report not handed back: the task is closing", closing);
        }
    }

    private void emitIfNewest(long report, String json) {
        if (isNewest(report)) {
            emitted = report;
            emit.accept(json);
        }
    }

    /** Whether {@code report} would go out: nothing newer is out and the publisher is open. */
    private boolean isNewest(long report) {
        return !closed && report > emitted;
    }

    /** Stops encoding; reports still being encoded are not emitted. */
    @Override
    public void close() {
        closed = true;
        if (encoder != null) {
            encoder.shutdownNow();
        }
    }
}
