package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.job.ModelOptions;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 generated hostile records (200 of them re-sent valid events) mixed into valid traffic
 * through a real broker: every one is dead-lettered with a reason, the job never restarts (restarts
 * are switched off, so any failure would end it), and every valid event is evaluated and trained.
 */
class DeadLetterFuzzITCase {
    @RegisterExtension
    static final StreamrecClusterExtension CLUSTERS = new StreamrecClusterExtension();

    @TempDir Path checkpoints;

    @Test
    void everyHostileRecordIsDeadLetteredAndValidTrafficIsUnaffected() throws Exception {
        PlantedStream stream = new PlantedStream(4, 30, 40, 3000, 5L);
        long newest = stream.events.get(stream.events.size() - 1).timestamp();
        List<byte[]> hostile = hostileRecords(10_000, new Random(17), newest);
        addDuplicates(hostile, stream, 200);
        Configuration conf = CLUSTERS.runConfiguration("fuzz", checkpoints);
        conf.set(ModelOptions.DIM, 8);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        ReplayRun.Result result;
        try (ReplayRun run =
                ReplayRun.builder()
                        .configuration(conf)
                        .events(stream.events)
                        .catalog(stream.catalog)
                        .environment(StreamExecutionEnvironment::getExecutionEnvironment)
                        .interleave(hostile)
                        .timeout(Duration.ofMinutes(5))
                        .build()) {
            result = run.run(List.of(), false);
        }
        assertThat(result.deadLetters()).isEqualTo(hostile.size());
        assertThat(result.counts().events()).isEqualTo(stream.events.size());
        assertThat(result.trainedEvents()).isEqualTo(stream.events.size());
        Map<String, Integer> reasons = result.deadLetterReasons();
        assertThat(reasons.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(hostile.size());
        // the re-sent valid events, caught by deduplication alone (the other records are
        // malformed), and not under some other reason
        assertThat(reasons).containsEntry("duplicate_event", 200);
        assertThat(reasons)
                .doesNotContainKey("")
                .containsKeys(
                        "unparseable_json",
                        "not_an_object",
                        "missing_field",
                        "wrong_type",
                        "invalid_id",
                        "unknown_event_type",
                        "non_finite_number",
                        "invalid_timestamp",
                        "future_timestamp",
                        "too_late",
                        "oversized_payload",
                        "empty_payload");
    }

    /**
     * Replaces {@code n} evenly spread hostile records with copies of a valid event that has
     * already been sent by the time the copy goes out (the replay spreads hostile record j after
     * event j * events / hostile): well-formed and timely, so only deduplication can catch them.
     */
    static void addDuplicates(List<byte[]> hostile, PlantedStream stream, int n) {
        io.streamrec.records.EventJsonCodec codec = new io.streamrec.records.EventJsonCodec();
        int step = hostile.size() / n;
        for (int d = 0; d < n; d++) {
            int j = d * step + step / 2;
            int sent = (int) ((long) j * stream.events.size() / hostile.size()) - 1;
            hostile.set(j, codec.toJson(stream.events.get(Math.max(0, sent))));
        }
    }

    /** Records that can never be valid events, drawn from a dozen families of mistakes. */
    static List<byte[]> hostileRecords(int n, Random random, long newest) {
        List<byte[]> out = new ArrayList<>(n);
        String base =
                "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"%s\",\"timestamp\":%s%s}";
        for (int i = 0; i < n; i++) {
            String id = "fz" + i;
            String json;
            switch (i % 12) {
                case 0: // random bytes that start like JSON and break
                    byte[] bytes = new byte[1 + random.nextInt(200)];
                    random.nextBytes(bytes);
                    bytes[0] = '{';
                    bytes[bytes.length - 1] = (byte) (random.nextBoolean() ? ',' : '\\');
                    out.add(bytes);
                    continue;
                case 1: // truncated valid event
                    String full = String.format(base, id, "u1", "c0i1", "click", newest, "");
                    json = full.substring(0, 1 + random.nextInt(full.length() - 2));
                    break;
                case 2:
                    json = random.nextBoolean() ? "[1,2,3]" : "\"just a string " + i + "\"";
                    break;
                case 3: // a field missing
                    json =
                            String.format(
                                    "{\"eventId\":\"%s\",\"userId\":\"u1\",\"type\":\"view\",\"timestamp\":%d}",
                                    id, newest);
                    break;
                case 4: // wrong types
                    json = String.format(base, id, "u1", "c0i1", "click", "\"yesterday\"", "");
                    break;
                case 5: // ids with forbidden characters or too long
                    String bad =
                            random.nextBoolean()
                                    ? "user " + i
                                    : "x".repeat(129 + random.nextInt(50));
                    json = String.format(base, id, bad, "c0i1", "click", newest, "");
                    break;
                case 6:
                    json = String.format(base, id, "u1", "c0i1", "teleport" + i, newest, "");
                    break;
                case 7:
                    json =
                            String.format(
                                    base, id, "u1", "c0i1", "rating", newest, ",\"value\":1e999");
                    break;
                case 8: // not positive, or in seconds (before validation.earliest-timestamp)
                    long stamp = random.nextBoolean() ? -random.nextInt(1000) - 1 : newest / 1000;
                    json = String.format(base, id, "u1", "c0i1", "view", stamp, "");
                    break;
                case 9: // a year in the future
                    json =
                            String.format(
                                    base,
                                    id,
                                    "u1",
                                    "c0i1",
                                    "view",
                                    System.currentTimeMillis() + 365L * 86_400_000L,
                                    "");
                    break;
                case 10: // far older than the allowed lateness
                    long month = 30L * 86_400_000L;
                    json = String.format(base, id, "u1", "c0i1", "view", newest - month - i, "");
                    break;
                default:
                    if (i % 120 != 11) { // keep the oversized ones few: they are 70 KB each
                        out.add(new byte[0]);
                        continue;
                    }
                    json =
                            String.format(
                                    base,
                                    id,
                                    "u1",
                                    "c0i1",
                                    "view",
                                    newest,
                                    ",\"pad\":\"" + "y".repeat(70_000) + "\"");
            }
            out.add(json.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
