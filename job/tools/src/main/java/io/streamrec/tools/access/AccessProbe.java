package io.streamrec.tools.access;

import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Tries one Kafka operation as the principal of {@code kafka.properties-file} and prints what the
 * broker said: {@code read TOPIC} (poll partition 0 from the beginning, read_committed), {@code
 * write TOPIC} (produce one record), or {@code count TOPIC} (committed records of every partition);
 * or {@code controller HOST:PORT}: describe the cluster through the KRaft controller listener as an
 * anonymous client, without the principal's credentials, as any local process could. Prints {@code
 * denied}, {@code allowed} or the count; exits 0 unless the probe itself failed otherwise. A read
 * the broker did not answer (unreachable, a login still pending) prints {@code unknown} and exits
 * {@value #EXIT_UNKNOWN}.
 */
public final class AccessProbe {
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("AccessProbe")
                    .value("read", "TOPIC", "try to read TOPIC")
                    .value("write", "TOPIC", "try to write one record to TOPIC")
                    .value("count", "TOPIC", "count TOPIC's committed records")
                    .value(
                            "controller",
                            "HOST:PORT",
                            "try to describe the cluster through the controller, anonymously")
                    .options("kafka.bootstrap-servers and the principal's kafka.properties-file");

    /** A probe the broker did not answer: neither allowed nor denied. */
    static final String UNKNOWN = "unknown";

    /** The exit status of a probe that got no answer. */
    static final int EXIT_UNKNOWN = 3;

    private AccessProbe() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        Properties kafka = new JobSettings(cli.options()).kafka().toProperties();
        if (cli.value("read").isPresent()) {
            String read = read(kafka, cli.value("read").get());
            System.out.println(read);
            if (read.equals(UNKNOWN)) {
                System.exit(EXIT_UNKNOWN);
            }
        } else if (cli.value("write").isPresent()) {
            System.out.println(write(kafka, cli.value("write").get()));
        } else if (cli.value("count").isPresent()) {
            System.out.println(count(kafka, cli.value("count").get()));
        } else if (cli.value("controller").isPresent()) {
            System.out.println(controller(cli.value("controller").get()));
        } else {
            throw new IllegalArgumentException("one of --read, --write, --count, --controller");
        }
    }

    static String read(Properties kafka, String topic) {
        return read(kafka, topic, Duration.ofSeconds(10));
    }

    /**
     * {@code allowed} only on the broker's word: it answered the partition's start offset (so it is
     * reachable and took the login) and then a fetch of it without an error (a fetch is authorized
     * before anything else, and the next poll throws a partition's authorization error). {@code
     * denied} on an authorization error; {@code unknown} when no answer came within {@code timeout}
     * (a poll that returns nothing proves nothing: no broker, a handshake pending).
     */
    static String read(Properties kafka, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(consumer.assignment());
            consumer.position(partition, timeout);
            while (fetchResponses(consumer) == 0) {
                if (System.nanoTime() > deadline) {
                    return UNKNOWN;
                }
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.poll(Duration.ZERO); // throws the answered fetch's error, if it had one
            return "allowed";
        } catch (AuthorizationException e) {
            return "denied";
        } catch (TimeoutException e) {
            return UNKNOWN;
        }
    }

    /**
     * The fetch responses the consumer has received ({@code fetch-total}); fails where the client
     * has no such metric, rather than call every read unknown.
     */
    static double fetchResponses(KafkaConsumer<?, ?> consumer) {
        return consumer.metrics().entrySet().stream()
                .filter(
                        m ->
                                m.getKey().name().equals("fetch-total")
                                        && m.getKey()
                                                .group()
                                                .equals("consumer-fetch-manager-metrics"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue())
                .reduce(Double::sum)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "the Kafka consumer has no fetch-total metric"));
    }

    static String write(Properties kafka, String topic) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "probe".getBytes(StandardCharsets.UTF_8)))
                    .get();
            return "allowed";
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                return "denied";
            }
            throw new IllegalStateException("writing " + topic + " failed: " + e.getCause(), e);
        } catch (AuthorizationException e) {
            return "denied";
        }
    }

    /**
     * Describes the cluster through {@code controller} with no credentials: {@code allowed} where
     * the listener answers anonymous clients (which, with {@code User:ANONYMOUS} as super user, may
     * then change ACLs), {@code denied} where it closes the connection or refuses the login (the
     * caller checks that the port is open, since a closed port also gets no answer).
     */
    static String controller(String controller) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controller);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get();
            return "allowed";
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException
                    || e.getCause() instanceof TimeoutException) {
                return "denied";
            }
            throw new IllegalStateException(
                    "probing " + controller + " failed: " + e.getCause(), e);
        }
    }

    static long count(Properties kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long n = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                n += consumer.poll(Duration.ofMillis(500)).count();
            }
            return n;
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(Properties kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
