package io.streamrec.job;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the repository root, found by walking up from the working directory. */
final class RepositoryFiles {
    private RepositoryFiles() {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("flink-conf"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("flink-conf/ not found above the working directory");
        }
        return p;
    }
}
