package io.streamrec.ingest;

import java.io.IOException;

/**
 * An input file (item catalog, ratings) whose content cannot be used. The message names the file
 * and the line and says what to change, so a command line prints it as it is (one line, exit 2)
 * instead of a stack trace.
 */
public class InputFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public InputFileException(String message) {
        super(message);
    }
}
