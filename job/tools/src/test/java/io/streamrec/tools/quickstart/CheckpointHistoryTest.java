package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Flink's completed checkpoints from its REST API's answers. The two samples are answers of {@code
 * GET /jobs/:jobid/checkpoints} from Flink 2.2.1 during a quickstart run, about 12 s apart: the
 * first lists checkpoints 1-10 (10 in progress), the second 7-16 (16 in progress), each the latest
 * 10.
 */
class CheckpointHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode answer(int n) throws IOException {
        try (InputStream in =
                CheckpointHistoryTest.class.getResourceAsStream(
                        "checkpoints-answer-" + n + ".json")) {
            return JSON.readTree(in);
        }
    }

    @Test
    void takesFlinksCountAndEachCompletedCheckpointsLastAcknowledgement() throws Exception {
        CheckpointHistory history = new CheckpointHistory();
        assertThat(history.answered()).isFalse();

        history.add(answer(1));

        CheckpointHistory.Checkpoints c = history.checkpoints();
        assertThat(c.source()).isEqualTo(CheckpointHistory.Source.FLINK_REST);
        assertThat(c.completed()).isEqualTo(9); // counts.completed; 2 failed, 1 in progress
        assertThat(c.completionTimes())
                .containsExactly(
                        1796620587977L,
                        1796620589907L,
                        1796620593721L,
                        1796620594897L,
                        1796620596267L,
                        1796620598457L,
                        1796620600850L,
                        1796620602501L,
                        1796620604598L);
        assertThat(c.unlisted()).isZero();
    }

    /**
     * An answer lists the latest 10 only: alone, the second leaves 6 completed checkpoints out;
     * after the first, every one is listed once, and the one in progress earlier has its
     * completion.
     */
    @Test
    void accumulatesTheAnswersByCheckpointId() throws Exception {
        CheckpointHistory second = new CheckpointHistory();
        second.add(answer(2));
        assertThat(second.checkpoints().completed()).isEqualTo(15);
        assertThat(second.checkpoints().completionTimes()).hasSize(9);
        assertThat(second.checkpoints().unlisted()).isEqualTo(6);

        CheckpointHistory both = new CheckpointHistory();
        both.add(answer(1));
        both.add(answer(2));
        CheckpointHistory.Checkpoints c = both.checkpoints();
        assertThat(c.completed()).isEqualTo(15);
        assertThat(c.unlisted()).isZero();
        assertThat(c.completionTimes()).hasSize(15).isSorted();
        // checkpoint 10: in progress in the first answer (last ack ...605710), completed later
        assertThat(c.completionTimes().get(9)).isEqualTo(1796620606375L);
    }

    /** A failed checkpoint in the history and an error answer (no counts) add nothing. */
    @Test
    void failedCheckpointsAndErrorAnswersAddNothing() throws Exception {
        CheckpointHistory history = new CheckpointHistory();
        history.add(JSON.readTree("{\"errors\":[\"Job not found\"]}"));
        assertThat(history.answered()).isFalse();

        history.add(
                JSON.readTree(
                        "{\"counts\":{\"restored\":0,\"total\":2,\"in_progress\":0,"
                                + "\"completed\":1,\"failed\":1},\"history\":["
                                + "{\"className\":\"failed\",\"id\":2,\"status\":\"FAILED\","
                                + "\"trigger_timestamp\":3000,\"latest_ack_timestamp\":3100,"
                                + "\"failure_timestamp\":3200,\"failure_message\":\"declined\"},"
                                + "{\"className\":\"completed\",\"id\":1,"
                                + "\"status\":\"COMPLETED\",\"trigger_timestamp\":1000,"
                                + "\"latest_ack_timestamp\":1500}]}"));

        assertThat(history.checkpoints().completed()).isEqualTo(1);
        assertThat(history.checkpoints().completionTimes()).containsExactly(1500L);
    }

    /** Reads the endpoint; skips its error answers until the job's statistics are there. */
    @Test
    void pollsTheRestEndpointAndSkipsErrorAnswers() throws Exception {
        byte[] sample = JSON.writeValueAsBytes(answer(1));
        AtomicInteger calls = new AtomicInteger();
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/jobs/abc/checkpoints",
                exchange -> {
                    boolean ready = calls.incrementAndGet() > 1;
                    byte[] body =
                            ready
                                    ? sample
                                    : "{\"errors\":[\"not yet\"]}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
        try {
            CheckpointHistory history =
                    CheckpointHistory.of(
                            "http://127.0.0.1:" + server.getAddress().getPort(), "abc");
            history.poll();
            assertThat(history.answered()).isFalse();
            history.poll();
            assertThat(history.checkpoints().completed()).isEqualTo(9);
        } finally {
            server.stop(0);
        }
    }

    /** Where nothing listens, it stops trying after a few refused connections. */
    @Test
    void nothingListeningLeavesItUnanswered() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CheckpointHistory history = CheckpointHistory.of("http://127.0.0.1:" + port, "abc");
        for (int i = 0; i < 10; i++) {
            history.poll();
        }
        assertThat(history.answered()).isFalse();
    }
}
