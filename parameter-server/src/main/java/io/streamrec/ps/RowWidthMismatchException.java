package io.streamrec.ps;

/**
 * Rows or gradients of another width than this job's {@code model.dim} (and, for {@code dense:U},
 * {@code model.content-dim}) makes: state or messages written under other model settings.
 * Restarting cannot help, so operators fail the job without restarts on it.
 */
public final class RowWidthMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    RowWidthMismatchException(String what, int expectedWidth) {
        super(
                what
                        + ", this job's model.dim and model.content-dim make "
                        + expectedWidth
                        + ": it was written under another model.dim or model.content-dim (dense:U"
                        + " is content-dim x dim wide). Run with the settings it was written"
                        + " under, or start without its state.");
    }
}
