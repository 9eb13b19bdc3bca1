package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.kafka.CommittedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's reader of the results topic: its own thread, the consumer's only user, completes
 * the waiting request each result answers. Results are read uncommitted, as soon as serving writes
 * them: an answer is a read of the model and needs no commit, and a requestId answered twice (after
 * a failover) is answered with the first.
 */
final class ResultsListener {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsListener.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a request is answered, and {@code /health} says, once the reader has stopped. */
    static final String STOPPED = "results reader stopped; see the gateway log";

    /** What {@code UserPseudonyms} makes: {@code p-} and 22 base64url characters. */
    private static final Pattern PSEUDONYM = Pattern.compile("p-[A-Za-z0-9_-]{22}");

    private final Consumer<byte[], byte[]> results;
    private final String topic;

    /** How often the topic's partitions are listed again for partitions added since. */
    private final Duration partitionCheck;

    private final JobUserNames users;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    /** A request waiting for its result: the user it asked for and the answer to come. */
    private record Pending(String userId, CompletableFuture<String> result) {}

    /**
     * @param results a reader of every partition of {@code topic}, from its end: only results of
     *     requests made from now on matter
     */
    ResultsListener(
            Consumer<byte[], byte[]> results,
            String topic,
            Duration partitionCheck,
            JobUserNames users) {
        this.results = results;
        this.topic = topic;
        this.partitionCheck = partitionCheck;
        this.users = users;
        this.reader = new Thread(this::readResults, "gateway-results");
        reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    /** Whether results are still read: false once the reader has stopped, on an error or closed. */
    boolean isAlive() {
        return reader.isAlive();
    }

    /** Whether the reader has ended, waiting for it up to {@code within}. */
    boolean ended(Duration within) throws InterruptedException {
        reader.join(within.toMillis());
        return !reader.isAlive();
    }

    /**
     * The answer to come for {@code requestId}, asked for {@code userId}: completed by its result,
     * with the user id as asked for. Whoever completes it otherwise (a timeout) calls {@link
     * #stopWaiting} once it is done.
     */
    CompletableFuture<String> expect(String requestId, String userId) {
        CompletableFuture<String> result = new CompletableFuture<>();
        pending.put(requestId, new Pending(userId, result));
        return result;
    }

    /** Stops waiting for {@code requestId}'s result. */
    void stopWaiting(String requestId) {
        pending.remove(requestId);
    }

    /** Lets the reader end after the poll in progress. */
    void stop() {
        running = false;
    }

    /** Ends the poll in progress: the reader closes its consumer and ends. */
    void close() {
        results.wakeup();
    }

    private void readResults() {
        try {
            long lastPartitionCheck = System.nanoTime();
            while (running) {
                if (System.nanoTime() - lastPartitionCheck >= partitionCheck.toNanos()) {
                    assignAddedPartitions();
                    lastPartitionCheck = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    answer(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The results reader stopped: recommendation requests now get 503", e);
        } finally {
            results.close(Duration.ofSeconds(2));
        }
    }

    /** Completes the request {@code r} answers, if one waits and the result is for its user. */
    private void answer(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            // the job writes none, but anyone who may write the topic can
            LOG.warn("Result without a value at offset {}: skipped", r.offset());
            return;
        }
        try {
            JsonNode result = MAPPER.readTree(r.value());
            String requestId = result.path("requestId").asText();
            Pending p = pending.get(requestId);
            if (p != null && isFor(result, p.userId(), r.offset())) {
                String answer = asAskedFor(result, r.value(), p.userId());
                pending.remove(requestId, p);
                p.result().complete(answer);
            }
        } catch (IOException | RuntimeException e) {
            // one record, whatever is wrong with it, must not end the reader
            LOG.warn("Unreadable result at offset {}: {}", r.offset(), e.toString());
        }
    }

    /**
     * Assigns the partitions added to the results topic since the last look, from their beginning
     * (results written there since are for requests waiting now), as serving's request fetcher does
     * ({@link CommittedReader#assignAddedPartitions}). A listing that fails (no broker answers, an
     * authorization error) is tried again at the next look, rather than ending the reader.
     */
    private void assignAddedPartitions() {
        try {
            List<TopicPartition> added =
                    CommittedReader.assignAddedPartitions(results, topic, Duration.ofSeconds(10));
            if (!added.isEmpty()) {
                LOG.info("Reading partitions {} added to {}, from their beginning", added, topic);
            }
        } catch (WakeupException e) {
            throw e; // closing
        } catch (KafkaException e) {
            LOG.warn("Could not list the partitions of {}: {}", topic, e.toString());
        }
    }

    /**
     * Whether a result carrying a waiting request's id answers that request's user, or the user's
     * pseudonym (checked exactly with the job's key; without it, any pseudonym passes, since a job
     * with {@code privacy.user-id-key-file} names every user by one). Anyone who may write the
     * results topic could send another user's items under a waiting id; such a result is skipped,
     * and the request waits on for its own.
     */
    private boolean isFor(JsonNode result, String userId, long offset) {
        String answered = result.path("userId").asText();
        boolean pseudonym =
                users.hasKey()
                        ? answered.equals(users.of(userId))
                        : PSEUDONYM.matcher(answered).matches();
        if (answered.equals(userId) || pseudonym) {
            return true;
        }
        LOG.warn(
                "Result {} at offset {} is not for the user its request asked for: skipped",
                result.path("requestId").asText(),
                offset);
        return false;
    }

    /**
     * The result with the user id the client asked for: a job with {@code privacy.user-id-key-file}
     * answers under the user's pseudonym, which the gateway maps back (it knows which user each of
     * its request ids was for). The reader has parsed it already.
     */
    private static String asAskedFor(JsonNode result, byte[] body, String userId)
            throws IOException {
        if (result instanceof ObjectNode o && !userId.equals(o.path("userId").asText())) {
            o.put("userId", userId);
            return MAPPER.writeValueAsString(o);
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
