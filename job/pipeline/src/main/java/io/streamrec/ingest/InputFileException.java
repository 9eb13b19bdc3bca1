package io.streamrec.ingest;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

    public InputFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * What to throw for {@code e}, raised opening or reading {@code file}: an InputFileException
     * naming the file and why, where that is the file's fault (missing, not readable, a directory,
     * a path through a non-directory), else {@code e} itself (a disk error is no usage error).
     */
    public static IOException unreadable(Path file, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (Files.isDirectory(file)) {
            // Linux opens a directory and fails its first read with a plain "Is a directory"
            reason = "it is a directory, not a file";
        } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason();
        } else {
            return e;
        }
        return new InputFileException(file + " cannot be read: " + reason, e);
    }
}
