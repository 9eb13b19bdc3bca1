package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Copies of deploy scripts in a scratch repository, run with stub commands (a fake mvn, curl or
 * java that logs its arguments to {@link #calls()}) first on PATH: a script's code paths run
 * without a build, a broker or a Flink cluster.
 */
final class ScriptSandbox {
    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();

    final Path repo;
    private final Path bin;
    private final Path calls;

    /**
     * A scratch repository under {@code dir} holding copies of {@code files} (repository paths).
     */
    ScriptSandbox(Path dir, String... files) throws IOException {
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
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = "deploy/" + script;
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs the script to its end (at most 120 s). */
    Result run(Map<String, String> env, String script, String... args)
            throws IOException, InterruptedException {
        Process p = start(env, script, args);
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("deploy/" + script + " ended").isTrue();
        return new Result(p.exitValue(), output);
    }

    record Result(int exit, String output) {}
}
