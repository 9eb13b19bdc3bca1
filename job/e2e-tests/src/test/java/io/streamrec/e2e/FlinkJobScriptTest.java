package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/flink-job.sh against a stub Maven and a stub REST API (curl): what it uploads and submits,
 * and when it refuses to.
 */
class FlinkJobScriptTest {
    @TempDir Path dir;
    private ScriptSandbox sandbox;

    @BeforeEach
    void aCheckoutWithAnEarlierJar() throws Exception {
        sandbox = new ScriptSandbox(dir, "deploy/flink-job.sh", "deploy/lib.sh", "pom.xml");
        Path target = Files.createDirectories(sandbox.repo.resolve("job/pipeline/target"));
        Files.writeString(target.resolve("streamrec-job-0.1.0-SNAPSHOT-flink.jar"), "old");
        sandbox.stub(
                "curl",
                """
                case "${@: -1}" in
                  */jars/upload) echo '{"filename":"/tmp/flink-web/abc_streamrec-job.jar"}' ;;
                  */run) echo '{"jobid":"new-job"}' ;;
                  */jobs/old-job)
                    if [ -n "${OLD_JOB:-}" ]; then echo "$OLD_JOB"
                    else echo '{"errors":["Job old-job not found"]}'; fi ;;
                esac""");
    }

    @Test
    void aFailedBuildUploadsNothingAndFails() throws Exception {
        sandbox.stub("mvn", "echo 'COMPILATION ERROR'; exit 1");

        ScriptSandbox.Result submit = sandbox.run(Map.of(), "flink-job.sh", "submit", "-p", "2");

        assertThat(submit.exit()).as(submit.output()).isNotZero();
        assertThat(submit.output()).contains("COMPILATION ERROR");
        assertThat(sandbox.calls()).doesNotContain("jars/upload");
    }

    @Test
    void aJobSubmittedFromHereThatStillRunsIsNotSubmittedAgainWithoutForce() throws Exception {
        Path jobId = jobSubmittedEarlier();
        Map<String, String> running =
                Map.of("STREAMREC_SKIP_BUILD", "1", "OLD_JOB", "{\"state\":\"RESTARTING\"}");

        ScriptSandbox.Result submit = sandbox.run(running, "flink-job.sh", "submit");
        ScriptSandbox.Result resume =
                sandbox.run(running, "flink-job.sh", "resume", "-s", "file:///sp-1");

        for (ScriptSandbox.Result refused : new ScriptSandbox.Result[] {submit, resume}) {
            assertThat(refused.exit()).as(refused.output()).isNotZero();
            assertThat(refused.output()).contains("old-job", "RESTARTING", "--force");
        }
        assertThat(sandbox.calls()).doesNotContain("jars/upload");
        assertThat(Files.readString(jobId)).isEqualTo("old-job\n");

        ScriptSandbox.Result forced = sandbox.run(running, "flink-job.sh", "submit", "--force");
        assertThat(forced.exit()).as(forced.output()).isZero();
        assertThat(Files.readString(jobId)).isEqualTo("new-job\n");
    }

    @Test
    void aJobThatEndedOrThatTheClusterDoesNotKnowIsNoObstacle() throws Exception {
        Path jobId = jobSubmittedEarlier();

        ScriptSandbox.Result afterStop =
                sandbox.run(
                        Map.of("STREAMREC_SKIP_BUILD", "1", "OLD_JOB", "{\"state\":\"FINISHED\"}"),
                        "flink-job.sh",
                        "resume",
                        "-s",
                        "file:///sp-1");
        assertThat(afterStop.exit()).as(afterStop.output()).isZero();

        Files.writeString(jobId, "old-job\n");
        ScriptSandbox.Result unknown =
                sandbox.run(Map.of("STREAMREC_SKIP_BUILD", "1"), "flink-job.sh", "submit");
        assertThat(unknown.exit()).as(unknown.output()).isZero();
        assertThat(Files.readString(jobId)).isEqualTo("new-job\n");
    }

    /** A cluster deploy/flink-cluster.sh started on another REST port is the one it talks to. */
    @Test
    void theRestPortTheClusterWasStartedWithIsTheOneUsed() throws Exception {
        Path run = Files.createDirectories(sandbox.repo.resolve("target/flink/run"));
        Files.writeString(run.resolve("cluster-settings"), "rest-port=18081\nrpc-port=16123\n");

        ScriptSandbox.Result submit =
                sandbox.run(Map.of("STREAMREC_SKIP_BUILD", "1"), "flink-job.sh", "submit");

        assertThat(submit.exit()).as(submit.output()).isZero();
        assertThat(sandbox.calls()).contains("127.0.0.1:18081/jars/upload");
        assertThat(sandbox.calls()).doesNotContain(":8081/");
    }

    private Path jobSubmittedEarlier() throws Exception {
        Path run = Files.createDirectories(sandbox.repo.resolve("target/flink/run"));
        return Files.writeString(run.resolve("job.id"), "old-job\n");
    }
}
