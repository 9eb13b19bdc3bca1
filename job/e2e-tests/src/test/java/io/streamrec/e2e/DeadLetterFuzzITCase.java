package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.job.JobSettings;
import io.streamrec.job.ModelOptions;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.tools.quickstart.ReplayRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyHostileRecordIsDeadLetteredAndValidTrafficIsUnaffected() throws Exception {
        PlantedStream stream = new PlantedStream(4, 30, 40, 3000, 5L);
        long newest = stream.events.get(stream.events.size() - 1).timestamp();
        List<Hostile> hostile = hostileRecords(10_000, new Random(17), newest);
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
                        .interleave(hostile.stream().map(Hostile::record).toList())
                        .timeout(Duration.ofMinutes(5))
                        .build()) {
            result = run.run(List.of(), false);
        }
        assertThat(result.deadLetters()).isEqualTo(hostile.size());
        assertThat(result.counts().events()).isEqualTo(stream.events.size());
        assertThat(result.trainedEvents()).isEqualTo(stream.events.size());
        // each family under its own reason, the re-sent valid events (duplicate_event) among
        // them: totals alone would let a hostile record through for a valid event turned away
        Map<String, Integer> expectedReasons = new TreeMap<>();
        hostile.forEach(h -> expectedReasons.merge(h.reason(), 1, Integer::sum));
        assertThat(expectedReasons).hasSize(13).containsEntry("duplicate_event", 200);
        assertThat(result.deadLetterReasons()).isEqualTo(expectedReasons);
        // and record by record: the dead letters are the hostile records, each under its reason
        Map<String, Integer> expected = new HashMap<>();
        hostile.forEach(
                h -> expected.merge(h.reason() + " " + base64(h.record()), 1, Integer::sum));
        Map<String, Integer> lettered = deadLetters(conf);
        assertThat(difference(expected, lettered))
                .as("hostile records (reason, payload) not dead-lettered so")
                .isEmpty();
        assertThat(difference(lettered, expected))
                .as("dead letters (reason, payload) of no hostile record")
                .isEmpty();
    }

    /** A hostile record and the reason it must be dead-lettered with. */
    record Hostile(byte[] record, String reason) {}

    /**
     * Every committed dead letter of the run as "reason payload_base64", counted (the payload in
     * full: the largest hostile record is far below the 256 KiB a dead letter keeps).
     */
    private static Map<String, Integer> deadLetters(Configuration conf) throws Exception {
        JobSettings settings = new JobSettings(conf);
        Map<String, Integer> letters = new HashMap<>();
        try (var reader =
                CommittedReader.open(
                        settings.kafka().toProperties(), settings.topics().deadLetters(), true)) {
            CommittedReader.catchUp(
                    reader,
                    timeout -> {
                        int n = 0;
                        for (var r : reader.poll(timeout)) {
                            JsonNode letter;
                            try {
                                letter = MAPPER.readTree(r.value());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            assertThat(letter.has("payload_truncated")).isFalse();
                            letters.merge(
                                    letter.path("reason").asText()
                                            + " "
                                            + letter.path("payload_base64").asText(),
                                    1,
                                    Integer::sum);
                            n++;
                        }
                        return n;
                    });
        }
        return letters;
    }

    /**
     * What {@code a} counts beyond {@code b}, each entry cut to 120 characters, 10 at most: a
     * readable failure.
     */
    private static List<String> difference(Map<String, Integer> a, Map<String, Integer> b) {
        return a.entrySet().stream()
                .filter(e -> e.getValue() > b.getOrDefault(e.getKey(), 0))
                .map(
                        e ->
                                (e.getValue() - b.getOrDefault(e.getKey(), 0))
                                        + " x "
                                        + e.getKey()
                                                .substring(0, Math.min(120, e.getKey().length())))
                .sorted()
                .limit(10)
                .toList();
    }

    private static String base64(byte[] record) {
        return Base64.getEncoder().encodeToString(record);
    }

    /**
     * Replaces {@code n} evenly spread hostile records with copies of a valid event that has
     * already been sent by the time the copy goes out (the replay spreads hostile record j after
     * event j * events / hostile): well-formed and timely, so only deduplication can catch them.
     */
    static void addDuplicates(List<Hostile> hostile, PlantedStream stream, int n) {
        io.streamrec.records.EventJsonCodec codec = new io.streamrec.records.EventJsonCodec();
        int step = hostile.size() / n;
        for (int d = 0; d < n; d++) {
            int j = d * step + step / 2;
            int sent = (int) ((long) j * stream.events.size() / hostile.size()) - 1;
            hostile.set(
                    j,
                    new Hostile(
                            codec.toJson(stream.events.get(Math.max(0, sent))), "duplicate_event"));
        }
    }

    /** The reason of the family of hostile record {@code i} written as JSON text. */
    private static String reason(int i) {
        return switch (i % 12) {
            case 1 -> "unparseable_json";
            case 2 -> "not_an_object";
            case 3 -> "missing_field";
            case 4 -> "wrong_type";
            case 5 -> "invalid_id";
            case 6 -> "unknown_event_type";
            case 7 -> "non_finite_number";
            case 8 -> "invalid_timestamp";
            case 9 -> "future_timestamp";
            case 10 -> "too_late";
            case 11 -> "oversized_payload";
            default -> throw new IllegalArgumentException("family " + i % 12 + " is not text");
        };
    }

    /**
     * Records that can never be valid events, drawn from a dozen families of mistakes, each with
     * the reason of its family.
     */
    static List<Hostile> hostileRecords(int n, Random random, long newest) {
        List<Hostile> out = new ArrayList<>(n);
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
                    out.add(new Hostile(bytes, "unparseable_json"));
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
                        out.add(new Hostile(new byte[0], "empty_payload"));
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
            out.add(new Hostile(json.getBytes(StandardCharsets.UTF_8), reason(i)));
        }
        return out;
    }
}
