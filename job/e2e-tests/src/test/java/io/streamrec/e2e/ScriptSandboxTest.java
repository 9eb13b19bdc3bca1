package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ScriptSandbox#run}'s limit holds whatever a script leaves running. */
class ScriptSandboxTest {
    @TempDir Path dir;

    /**
     * A script that ends, leaving a child that holds its output open (a daemon it starts), is done
     * when it ends, not when the child is.
     */
    @Test
    void aScriptIsDoneWhenItEndsThoughAChildKeepsItsOutputOpen() throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(dir);
        Path child = dir.resolve("child.pid");
        script(sandbox, "echo started\nsleep 300 &\necho $! > '" + child + "'\necho done\n");
        try {
            ScriptSandbox.Result result =
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(60),
                            () -> sandbox.run(Map.of(), "leaves-a-child.sh"));
            assertThat(result.exit()).isZero();
            assertThat(result.output()).isEqualTo("started\ndone\n");
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(child).strip()))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A script still running at the limit fails the run, and it and its children are ended. */
    @Test
    void aScriptPastTheLimitFailsAndItsProcessTreeIsEnded() throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(dir);
        Path pids = dir.resolve("pids");
        script(sandbox, "sleep 300 &\necho \"$$ $!\" > '" + pids + "'\necho waiting\nwait\n");
        assertThatThrownBy(() -> sandbox.run(Duration.ofSeconds(2), Map.of(), "leaves-a-child.sh"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not end within 2 s")
                .hasMessageContaining("waiting");
        for (String pid : Files.readString(pids).strip().split(" ")) {
            assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive))
                    .as("process %s", pid)
                    .isEmpty();
        }
    }

    private static void script(ScriptSandbox sandbox, String body) throws Exception {
        Path script = sandbox.repo.resolve("deploy/leaves-a-child.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, body);
    }
}
