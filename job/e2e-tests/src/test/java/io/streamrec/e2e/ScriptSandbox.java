package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Copies of deploy scripts in a scratch repository, run with stub commands (a fake mvn, curl or
 * java that logs its arguments to {@link #calls()}) first on PATH: a script's code paths run
 * without a build, a broker or a Flink cluster.
 */
final class ScriptSandbox {
    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();

    /** How long {@link #run} lets a script run. */
    static final Duration RUN_LIMIT = Duration.ofSeconds(120);

    final Path repo;
    private final Path dir;
    private final Path bin;
    private final Path calls;

    /**
     * A scratch repository under {@code dir} holding copies of {@code files} (repository paths).
     */
    ScriptSandbox(Path dir, String... files) throws IOException {
        this.dir = dir;
        repo = Files.createDirectories(dir.resolve("repo"));
        bin = Files.createDirectories(dir.resolve("bin"));
        calls = dir.resolve("calls");
        Files.writeString(calls, "");
        for (String f : files) {
            Path target = repo.resolve(f);
            Files.createDirectories(target.getParent());
            Files.copy(ROOT.resolve(f), target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** A command {@code name} that appends "name args" to the calls, then runs {@code body}. */
    void stub(String name, String body) throws IOException {
        Path stub = bin.resolve(name);
        Files.writeString(
                stub,
                "#!/usr/bin/env bash\necho \"" + name + " $*\" >> '" + calls + "'\n" + body + "\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Every stub call so far, one a line. */
    String calls() throws IOException {
        return Files.readString(calls);
    }

    /** Starts {@code bash deploy/SCRIPT ARGS} in the scratch repository, stubs first on PATH. */
    Process start(Map<String, String> env, String script, String... args) throws IOException {
        return builder(env, script, args).start();
    }

    private ProcessBuilder builder(Map<String, String> env, String script, String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = "deploy/" + script;
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs the script to its end ({@link #RUN_LIMIT} at most). */
    Result run(Map<String, String> env, String script, String... args) throws Exception {
        return run(RUN_LIMIT, env, script, args);
    }

    /**
     * Runs the script to its end, or fails once it has run {@code limit}, its process tree
     * destroyed. Its output goes to a file, not a pipe: a child it leaves running (a daemon it
     * starts) holds a pipe open, and reading one to its end would wait for that child, past any
     * limit.
     */
    Result run(Duration limit, Map<String, String> env, String script, String... args)
            throws Exception {
        Path output = Files.createTempFile(dir, "output-", ".log");
        Process p = builder(env, script, args).redirectOutput(output.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            // the children first, while they are still the script's to find
            List<ProcessHandle> tree =
                    Stream.concat(p.descendants(), Stream.of(p.toHandle())).toList();
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : tree) {
                h.onExit().get(10, TimeUnit.SECONDS);
            }
            fail(
                    "deploy/%s did not end within %d s; its output: %s",
                    script, limit.toSeconds(), new String(Files.readAllBytes(output)));
        }
        return new Result(p.exitValue(), new String(Files.readAllBytes(output)));
    }

    record Result(int exit, String output) {}
}
