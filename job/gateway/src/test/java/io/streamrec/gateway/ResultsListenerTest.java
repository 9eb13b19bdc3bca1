package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The results reader on a mock results topic, without Kafka or HTTP. */
class ResultsListenerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TopicPartition RESULTS = new TopicPartition("results", 0);

    private static MockConsumer<byte[], byte[]> resultsTopic() {
        return MockResultsTopic.assignedAtItsEnd(RESULTS.topic(), 1);
    }

    private static ConsumerRecord<byte[], byte[]> result(long offset, String json) {
        return new ConsumerRecord<>(
                RESULTS.topic(),
                RESULTS.partition(),
                offset,
                null,
                json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Under a waiting id, a result for another user, one without a value and one that is not JSON
     * are skipped; a pseudonym (without the job's key, any) answers, under the user id asked for.
     */
    @Test
    void onlyAResultForTheUserAskedForAnswersAndItCarriesThatUsersId() throws Exception {
        MockConsumer<byte[], byte[]> consumer = resultsTopic();
        ResultsListener listener =
                new ResultsListener(
                        consumer, RESULTS.topic(), Duration.ofDays(1), JobUserNames.from(null));
        listener.start();
        try {
            CompletableFuture<String> answer = listener.expect("gw-1", "a");
            consumer.addRecord(result(0, "{\"requestId\":\"gw-1\",\"userId\":\"b\",\"n\":0}"));
            consumer.addRecord(
                    new ConsumerRecord<>(RESULTS.topic(), RESULTS.partition(), 1, null, null));
            consumer.addRecord(result(2, "not json"));
            consumer.addRecord(
                    result(
                            3,
                            "{\"requestId\":\"gw-1\",\"userId\":\"p-AbCdEfGhIjKlMnOpQrStUv\",\"n\":3}"));

            JsonNode answered = MAPPER.readTree(answer.get(10, TimeUnit.SECONDS));

            assertThat(answered.path("userId").asText()).isEqualTo("a");
            assertThat(answered.path("n").asInt()).isEqualTo(3);
        } finally {
            listener.stop();
            listener.close();
        }
        assertThat(listener.ended(Duration.ofSeconds(10))).isTrue();
        assertThat(consumer.closed()).isTrue();
    }
}
