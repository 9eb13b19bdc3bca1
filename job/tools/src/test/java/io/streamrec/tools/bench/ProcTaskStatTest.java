package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcTaskStatTest {
    /** A real line of a JIT thread (fields cut after stime's neighbours), utime 1234, stime 56. */
    private static final String LINE =
            "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 4194368 5837 0 0 0 1234 56 0 0 20 0 30 0"
                    + " 12345\n";

    @Test
    void readsTheNameAndTheCpuTicks() {
        byte[] bytes = LINE.getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[4096];
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);

        assertThat(ProcTaskStat.comm(buffer, bytes.length)).isEqualTo("C2 CompilerThre");
        assertThat(ProcTaskStat.cpuTicks(buffer, bytes.length)).isEqualTo(1234 + 56);
    }

    @Test
    void aNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        byte[] bytes =
                "7 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 9 1 0 0".getBytes(StandardCharsets.US_ASCII);

        assertThat(ProcTaskStat.comm(bytes, bytes.length)).isEqualTo("a) b (c)");
        assertThat(ProcTaskStat.cpuTicks(bytes, bytes.length)).isEqualTo(10);
    }

    @Test
    void aLineCutShortHasNoTicks() {
        byte[] bytes = "7 (x) R 1 1".getBytes(StandardCharsets.US_ASCII);

        assertThat(ProcTaskStat.cpuTicks(bytes, bytes.length)).isEqualTo(-1);
        assertThat(ProcTaskStat.comm("no name".getBytes(), 7)).isNull();
    }

    @Test
    void theProcessesOwnTaskParses() throws Exception {
        byte[] bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/stat"));

        assertThat(ProcTaskStat.comm(bytes, bytes.length)).isNotEmpty();
        assertThat(ProcTaskStat.cpuTicks(bytes, bytes.length)).isGreaterThanOrEqualTo(0);
    }
}
