package io.streamrec.ps;

/**
 * Rows or gradients of another width than this job's {@code model.dim} makes: state or messages
 * written under another {@code model.dim}. Restarting cannot help, so operators fail the job
 * without restarts on it.
 */
public final class RowWidthMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    RowWidthMismatchException(String what, int expectedWidth) {
        super(
                what
                        + ", this job's model.dim makes "
                        + expectedWidth
                        + ": it was written under another model.dim. Run with the model.dim it"
                        + " was written under, or start without its state.");
    }
}
