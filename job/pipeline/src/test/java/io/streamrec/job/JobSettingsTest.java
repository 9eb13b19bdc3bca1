package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.candidates.SimilarUsers;
import io.streamrec.config.InvalidOption;
import io.streamrec.kafka.JobTopics;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.model.PositiveWeights;
import io.streamrec.records.EventTimeGuard;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.records.ValidationOptions;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.testutils.logging.LoggerAuditingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class JobSettingsTest {

    @Test
    void theDefaultsAreInRange() {
        assertThatCode(() -> JobSettings.validate(new Configuration())).doesNotThrowAnyException();
    }

    /** With a clip norm the noise is scaled by it: infinite noise would be an infinite step. */
    @Test
    void anInfiniteNoiseMultiplierIsRefusedWithAClipNorm() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("ranker.clip-norm", "1", "ranker.dp-noise-multiplier", "Infinity"));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "option ranker.dp-noise-multiplier = Infinity is out of range: must be >= 0,"
                                + " finite");
    }

    @Test
    void robustTrainingOptionsReachTheRankerAndNoiseNeedsAClipNorm() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "ranker.clip-norm", "13",
                                "ranker.dp-noise-multiplier", "1.5",
                                "guard.user-events-per-hour", "10"));

        var ranker = new JobSettings(conf).serving().ranker();

        assertThat(ranker.clipNorm()).isEqualTo(13.0);
        assertThat(ranker.dpNoiseMultiplier()).isEqualTo(1.5);
        assertThat(ranker.floodLimit().eventsPerHour()).isEqualTo(10.0);
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of("ranker.dp-noise-multiplier", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ranker.dp-noise-multiplier");
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(Map.of("ranker.clip-norm", "-1"))))
                .hasMessageContaining("ranker.clip-norm");
    }

    @ParameterizedTest
    @CsvSource({
        "guard.user-events-per-hour, Infinity",
        "guard.user-events-per-hour, NaN",
        "guard.user-events-per-hour, -1",
        "guard.item-events-per-hour, Infinity",
        "guard.item-events-per-hour, NaN",
        "guard.item-burst, -1"
    })
    void aFloodRateThatIsNotAFiniteNumberIsRefusedNamingItsOption(String option, String value) {
        assertThatThrownBy(() -> JobSettings.validate(Configuration.fromMap(Map.of(option, value))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(option);
    }

    @Test
    void trainingNegativesReachTheRanker() {
        assertThat(new JobSettings(new Configuration()).serving().ranker().trainingNegatives())
                .isEqualTo(0.25);
        Configuration all = Configuration.fromMap(Map.of("ranker.training-negatives", "1"));
        assertThat(new JobSettings(all).serving().ranker().trainingNegatives()).isEqualTo(1.0);
    }

    @Test
    void similarUsersReachTheRanker() {
        assertThat(new JobSettings(new Configuration()).serving().ranker().similarUsers())
                .isEqualTo(SimilarUsers.EARLIER);
        Configuration both = Configuration.fromMap(Map.of("ranker.similar-users", "BOTH_WAYS"));
        assertThat(new JobSettings(both).serving().ranker().similarUsers())
                .isEqualTo(SimilarUsers.BOTH_WAYS);
    }

    @Test
    void trainingPassesReachTheRankerAndMustBeAtLeastOne() {
        assertThat(new JobSettings(new Configuration()).serving().ranker().trainingPasses())
                .isEqualTo(2);
        Configuration one = Configuration.fromMap(Map.of("ranker.training-passes", "1"));
        assertThat(new JobSettings(one).serving().ranker().trainingPasses()).isEqualTo(1);
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of("ranker.training-passes", "0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ranker.training-passes");
    }

    /** The scoring stage allocates its result queue at this size: a huge value fails by name. */
    @Test
    void scoringInFlightIsBounded() {
        for (String v : new String[] {"-1", "65537", String.valueOf(Integer.MAX_VALUE)}) {
            assertThatThrownBy(
                            () ->
                                    JobSettings.validate(
                                            Configuration.fromMap(
                                                    Map.of("ranker.scoring-in-flight", v))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ranker.scoring-in-flight");
        }
        JobSettings.validate(Configuration.fromMap(Map.of("ranker.scoring-in-flight", "65536")));
    }

    @Test
    void theFactorizationModelsSizeDefaultsByModel() {
        var ranker = new JobSettings(new Configuration()).model();
        var factorization =
                new JobSettings(Configuration.fromMap(Map.of("model.type", "BPR"))).model();
        var set =
                new JobSettings(
                                Configuration.fromMap(
                                        Map.of("model.dim", "32", "model.negatives", "4")))
                        .model();

        assertThat(ranker.dim()).isEqualTo(16);
        assertThat(ranker.negatives()).isEqualTo(1);
        assertThat(factorization.dim()).isEqualTo(32);
        assertThat(factorization.negatives()).isEqualTo(4);
        assertThat(set.dim()).isEqualTo(32);
        assertThat(set.negatives()).isEqualTo(4);
        for (String key : new String[] {"model.dim", "model.negatives"}) {
            assertThatThrownBy(() -> JobSettings.validate(Configuration.fromMap(Map.of(key, "0"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void workerBatchesDefaultByModelAndTheScorerStepsAtTheRankerBatchSize() {
        var ranker = new JobSettings(new Configuration());
        var factorization = new JobSettings(Configuration.fromMap(Map.of("model.type", "BPR")));
        var set =
                new JobSettings(
                        Configuration.fromMap(
                                Map.of(
                                        "worker.batch-size", "32",
                                        "worker.flush-interval", "20 ms",
                                        "ranker.batch-size", "16")));

        assertThat(ranker.worker().batchSize()).isEqualTo(256);
        assertThat(ranker.worker().flushIntervalMs()).isEqualTo(100);
        assertThat(ranker.serving().ranker().batchEvents()).isEqualTo(64);
        assertThat(factorization.worker().batchSize()).isEqualTo(64);
        assertThat(factorization.worker().flushIntervalMs()).isEqualTo(50);
        assertThat(set.worker().batchSize()).isEqualTo(32);
        assertThat(set.worker().flushIntervalMs()).isEqualTo(20);
        assertThat(set.serving().ranker().batchEvents()).isEqualTo(16);
        for (String key : new String[] {"worker.batch-size", "ranker.batch-size"}) {
            assertThatThrownBy(() -> JobSettings.validate(Configuration.fromMap(Map.of(key, "0"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void positiveWeightsAreReadFromTheEventWeightsAndRatingOptions() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "model.event-weights", "VIEW:0.5,purchase:3,click:0",
                                "model.rating-weighting", "linear",
                                "model.rating-max", "5"));

        PositiveWeights weights = new JobSettings(conf).positiveWeights();

        assertThat(weights.of(EventType.VIEW, 0f)).isEqualTo(0.5f);
        assertThat(weights.of(EventType.PURCHASE, 1f)).isEqualTo(3f);
        assertThat(weights.of(EventType.CLICK, 1f)).isEqualTo(0f);
        assertThat(weights.of(EventType.CART, 1f)).isEqualTo(1f);
        assertThat(weights.of(EventType.RATING, 4f)).isEqualTo(0.8f);
        assertThat(new JobSettings(conf).model().positiveWeights()).isEqualTo(weights);
    }

    @Test
    void kafkaPropertiesComeFromTheFileAndTheOptionWinsOverIt(@TempDir Path dir) throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("client.properties"),
                        "security.protocol=SASL_SSL\n"
                                + "sasl.mechanism=SCRAM-SHA-512\n"
                                + "config.providers=file\n"
                                + "sasl.jaas.config=${file:/run/secrets/kafka.properties:jaas}\n");
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "kafka.properties-file",
                                file.toString(),
                                "kafka.properties",
                                "sasl.mechanism:PLAIN"));

        Properties client = new JobSettings(conf).kafka().toProperties();

        assertThat(client)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                // a config provider's reference stays a reference: each client resolves it
                .containsEntry("sasl.jaas.config", "${file:/run/secrets/kafka.properties:jaas}")
                .containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(conf.toMap().toString()).doesNotContain("SCRAM");
    }

    @Test
    void anUnreadableKafkaPropertiesFileIsRejectedNamingTheOption(@TempDir Path dir) {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("kafka.properties-file", dir.resolve("absent").toString()));
        assertThatThrownBy(() -> JobSettings.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.properties-file")
                .hasMessageContaining("a readable properties file");
    }

    @Test
    void theDefaultWeighsEveryEventOne() {
        assertThat(new JobSettings(new Configuration()).positiveWeights())
                .isEqualTo(PositiveWeights.UNIFORM);
    }

    @Test
    void boundaryValuesAreAccepted() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "model.dim", "1",
                                "model.history-length", "0",
                                "model.recent-negative-fraction", "1.0",
                                "eval.sample-rate", "0",
                                "validation.dedupe-window", "0 ms",
                                "worker.flush-interval", "0 ms",
                                "optimizer.l2", "0",
                                "parallelism.shards", "128"));

        assertThatCode(() -> JobSettings.validate(conf)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "model.dim                      | 0       | >= 1",
                "model.negatives                | -1      | >= 1",
                "model.content-dim              | -3      | >= 0",
                "model.trend-half-life          | 0 ms    | at least 1 ms",
                // read in milliseconds: 500 micros would be 0 ms, a zero divisor or a switched-off
                // check
                "model.trend-half-life          | 500 micros | at least 1 ms",
                "eval.window                    | 500 micros | at least 1 ms",
                "validation.dedupe-window       | 500 micros | 0 or at least 1 ms",
                "validation.allowed-lateness    | 500 micros | 0 or at least 1 ms",
                "validation.max-future          | 500 micros | 0 or at least 1 ms",
                "worker.flush-interval          | 500 micros | 0 or at least 1 ms",
                "model.recent-negative-fraction | 1.5     | in [0, 1]",
                "model.rating-max               | 0       | > 0",
                "model.event-weights            | purchase:-1 | type:weight with a type of view, click, cart, purchase, rating and a weight in [0, 3.4028235E38]",
                "model.event-weights            | like:2  | type:weight with a type of view, click, cart, purchase, rating and a weight in [0, 3.4028235E38]",
                "model.event-weights            | view:1e39 | type:weight with a type of view, click, cart, purchase, rating and a weight in [0, 3.4028235E38]",
                "model.event-weights            | view:x  | type:weight with a type of view, click, cart, purchase, rating and a weight in [0, 3.4028235E38]",
                "eval.sample-rate               | -0.1    | in [0, 1]",
                "ranker.learn-sample-rate       | 0       | in (0, 1]",
                "ranker.training-negatives      | 0       | in (0, 1]",
                "ranker.training-negatives      | 1.5     | in (0, 1]",
                "eval.window                    | 0 s     | at least 1 ms",
                "optimizer.learning-rate        | 0       | > 0, finite",
                // Infinity would reach every row written to RocksDB and the model-updates topic
                "optimizer.learning-rate        | Infinity | > 0, finite",
                "optimizer.adagrad.initial-accumulator | Infinity | >= 0, finite",
                "optimizer.ftrl.l1              | 1e309   | >= 0, finite",
                "optimizer.l2                   | Infinity | >= 0, finite",
                "ranker.learning-rate           | -1      | > 0, finite",
                "ranker.learning-rate           | NaN     | > 0, finite",
                "optimizer.l2                   | -0.01   | >= 0, finite",
                "optimizer.ftrl.beta            | 0       | > 0, finite",
                "worker.batch-size              | 0       | 1..1048576",
                "worker.max-user-items          | 0       | 1..1048576",
                "worker.max-user-items          | 1048577 | 1..1048576",
                "parallelism.workers            | 0       | >= 1",
                "parallelism.shards-max         | 40000   | in [1, 32768]",
                "ps.cache-rows                  | -1      | >= 0",
                "kafka.bootstrap-servers        | ' '     | not empty",
                "privacy.user-id-key-file       | ' '     | a key file's path, not blank (unset: raw user ids)",
                "items.format                   | csv     | movietweetings, movielens-100k or movielens-csv",
                "items.charset                  | klingon | auto or a charset this JVM knows",
                "items.charset                  | UTF-16LE | a charset that writes a line end and ASCII as single bytes of their own (UTF-8, ISO-8859-1, windows-1252, ...): item files are split into lines at byte 0x0A, so convert a UTF-16 or UTF-32 file to UTF-8",
                "items.charset                  | UTF-16 | a charset that writes a line end and ASCII as single bytes of their own (UTF-8, ISO-8859-1, windows-1252, ...): item files are split into lines at byte 0x0A, so convert a UTF-16 or UTF-32 file to UTF-8",
                "items.charset                  | UTF-32BE | a charset that writes a line end and ASCII as single bytes of their own (UTF-8, ISO-8859-1, windows-1252, ...): item files are split into lines at byte 0x0A, so convert a UTF-16 or UTF-32 file to UTF-8",
                "items.charset                  | IBM037 | a charset that writes a line end and ASCII as single bytes of their own (UTF-8, ISO-8859-1, windows-1252, ...): item files are split into lines at byte 0x0A, so convert a UTF-16 or UTF-32 file to UTF-8",
                "results.delivery-guarantee     | none    | at-least-once or exactly-once (none could lose results)",
            })
    void anOutOfRangeValueFailsNamingTheOption(String key, String value, String rule) {
        Configuration conf = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option " + key + " = ")
                .hasMessageEndingWith("must be " + rule);
    }

    @Test
    void theLargestRowsWithTheirSlotsMustFitWhatACheckpointReaderAccepts() {
        // dense:W holds dim² weights and FTRL two slots per weight: 2,896² × 2 fits 2^24, 2,897²
        // not
        assertThatCode(() -> JobSettings.validate(ftrl("2896", "0"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> JobSettings.validate(ftrl("2897", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.dim = 2897")
                .hasMessageContaining("16785218");
        // dense:U holds content-dim × dim weights
        assertThatThrownBy(() -> JobSettings.validate(ftrl("64", "131073")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.content-dim = 131073");
        assertThatCode(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "model.dim", "4096",
                                                        "optimizer.type", "ADAGRAD",
                                                        "kafka.properties", LARGE_RECORDS))))
                .doesNotThrowAnyException();
    }

    /**
     * The largest rows travel whole as one model-updates record: with Kafka's default 1 MiB limit,
     * dense:W (dim² weights, as many AdaGrad slots) fits up to a dim of 361 (361² × 8 + 256 =
     * 1,042,824 bytes), not 363 (1,054,408); a larger max.request.size lets it through.
     */
    @Test
    void theLargestRowsMustFitTheProducersRecordLimit() {
        assertThatCode(() -> JobSettings.validate(bpr("361", Map.of()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> JobSettings.validate(bpr("363", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.dim = 363")
                .hasMessageContaining("about 1054408 bytes")
                .hasMessageContaining("max.request.size of 1048576");
        assertThatCode(
                        () ->
                                JobSettings.validate(
                                        bpr("363", Map.of("kafka.properties", LARGE_RECORDS))))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        bpr(
                                                "8",
                                                Map.of(
                                                        "kafka.properties",
                                                        "max.request.size:lots"))))
                .hasMessageStartingWith("option kafka.properties = lots is out of range");
    }

    /**
     * The sinks read transaction.timeout.ms as milliseconds where the job is built: '15min' failed
     * there with a bare NumberFormatException; it is refused at start, naming where it was set.
     */
    @Test
    void aTransactionTimeoutThatIsNotMillisecondsFailsNamingWhereItWasSet(@TempDir Path dir)
            throws Exception {
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "kafka.properties",
                                                        "transaction.timeout.ms:15min"))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option kafka.properties = 15min is out of range: must be"
                                + " transaction.timeout.ms in milliseconds, an integer > 0");
        Path file =
                Files.writeString(dir.resolve("client.properties"), "transaction.timeout.ms=0\n");
        assertThatThrownBy(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of("kafka.properties-file", file.toString()))))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("option kafka.properties-file = 0 is out of range");
        assertThatCode(
                        () ->
                                JobSettings.validate(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "kafka.properties",
                                                        "transaction.timeout.ms: 600000 "))))
                .doesNotThrowAnyException();
    }

    /** A producer limit far above any row the readers accept. */
    private static final String LARGE_RECORDS = "max.request.size:1073741824";

    private static Configuration bpr(String dim, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("model.type", "BPR");
        settings.put("model.dim", dim);
        settings.put("optimizer.type", "ADAGRAD");
        return Configuration.fromMap(settings);
    }

    private static Configuration ftrl(String dim, String contentDim) {
        return Configuration.fromMap(
                Map.of(
                        "model.dim", dim,
                        "model.content-dim", contentDim,
                        "optimizer.type", "FTRL",
                        "kafka.properties", LARGE_RECORDS));
    }

    @Test
    void aNegativeEvaluationSliceFailsNamingTheOption() {
        Configuration conf = new Configuration();
        conf.set(ServingOptions.EVALUATION_SLICE, Duration.ofMillis(-1));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .hasMessage(
                        "option serving.evaluation-slice = PT-0.001S is out of range: must be >= 0");
    }

    @Test
    void aNegativeDurationSetInCodeFailsNamingTheOption() {
        // from a string Flink parses no negative duration; from code one can be set
        Configuration conf = new Configuration();
        conf.set(ValidationOptions.ALLOWED_LATENESS, Duration.ofHours(-1));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .hasMessage(
                        "option validation.allowed-lateness = PT-1H is out of range: must be >= 0");
    }

    @Test
    void aDurationBeyondTheMillisecondsALongHoldsFailsNamingTheOption() {
        Configuration conf =
                Configuration.fromMap(Map.of("validation.max-future", "200000000000 d"));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option validation.max-future = ")
                .hasMessageEndingWith("must be at most 9223372036854775807 ms");
    }

    /**
     * 200000 d has a millisecond count but no nanosecond one, and serving reads the slice in ns.
     */
    @Test
    void anEvaluationSliceBeyondTheNanosecondsALongHoldsFailsNamingTheOption() {
        Configuration conf = Configuration.fromMap(Map.of("serving.evaluation-slice", "200000 d"));

        assertThatThrownBy(() -> new JobSettings(conf).serving())
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("option serving.evaluation-slice = ")
                .hasMessageEndingWith("must be at most 9223372036854775807 ns");
    }

    @Test
    void theShardsCannotOutnumberTheKeyGroups() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("parallelism.shards", "16", "parallelism.shards-max", "8"));

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .hasMessage(
                        "option parallelism.shards-max = 8 is out of range: must be >="
                                + " parallelism.shards");
    }

    @Test
    void twoTopicOptionsCannotNameOneTopic() {
        Configuration conf = new Configuration();
        conf.set(TopicOptions.RESULTS, "events");

        assertThatThrownBy(() -> JobSettings.validate(conf))
                .hasMessageStartingWith("option topic.results = events is out of range")
                .hasMessageContaining("topic.events");
    }

    @ParameterizedTest
    @CsvSource({"optimizer.type, SGD", "ranker.similar-users, SIDEWAYS"})
    void anUnparsableValueFailsNamingTheOption(String key, String value) {
        Configuration conf = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> JobSettings.validate(conf)).hasMessageContaining(key);
    }

    @Test
    void theTopicsAreTheirOptionsDefaultsUnlessSet() {
        assertThat(new JobSettings(new Configuration()).topics())
                .isEqualTo(
                        new JobTopics(
                                "events",
                                "requests",
                                "results",
                                "model-updates",
                                "items",
                                "item-catalog",
                                "eval-reports",
                                "dead-letters"));
    }

    @Test
    void eachTopicIsReadFromItsOwnOption() {
        Configuration conf = new Configuration();
        TopicOptions.ALL.forEach(topic -> conf.set(topic, "t-" + topic.key()));

        assertThat(new JobSettings(conf).topics())
                .isEqualTo(
                        new JobTopics(
                                "t-topic.events",
                                "t-topic.requests",
                                "t-topic.results",
                                "t-topic.model-updates",
                                "t-topic.items",
                                "t-topic.catalog",
                                "t-topic.eval-reports",
                                "t-topic.dead-letters"));
    }

    @Test
    void eachSinksTransactionalIdsStartWithTheJobsPrefix() {
        Configuration conf = new Configuration();
        conf.set(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX, "shop");
        conf.set(
                KafkaSinkOptions.TRANSACTION_NAMING_STRATEGY,
                TransactionNamingStrategy.INCREMENTING);

        SinkTransactions transactions = new JobSettings(conf).sinkTransactions();
        assertThat(transactions.idPrefixOf("results")).isEqualTo("shop-results");
        assertThat(transactions.naming()).isEqualTo(TransactionNamingStrategy.INCREMENTING);
        assertThat(new JobSettings(new Configuration()).sinkTransactions())
                .isEqualTo(new SinkTransactions("streamrec", TransactionNamingStrategy.POOLING));
    }

    @Test
    void theEventTimeGuardTakesTheMaxFutureAndTheAllowedLateness() throws Exception {
        Configuration conf = new Configuration();
        conf.set(ValidationOptions.MAX_FUTURE, Duration.ofSeconds(10));
        conf.set(ValidationOptions.ALLOWED_LATENESS, Duration.ofSeconds(60));
        EventTimeGuard<UserEvent> guard = new JobSettings(conf).eventTimeGuard();
        long now = 1_700_000_000_000L;

        assertThat(guard.check(stampedAt(now + 10_000), Long.MIN_VALUE, now))
                .isEqualTo(now + 10_000);
        assertThatThrownBy(() -> guard.check(stampedAt(now + 10_001), Long.MIN_VALUE, now))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("ahead of the clock");
        assertThat(guard.check(stampedAt(now - 60_000), now, now)).isEqualTo(now - 60_000);
        assertThatThrownBy(() -> guard.check(stampedAt(now - 60_001), now, now))
                .isInstanceOf(InvalidRecordException.class);
    }

    /** A batch's events travel in one evaluation marker, whose reader refuses more than 2^20. */
    @Test
    void aBatchSizeBeyondWhatAMarkerReaderTakesFailsNamingTheOption() {
        Configuration conf = new Configuration();
        conf.set(WorkerOptions.BATCH_SIZE, ReadBounds.MAX_LIST_LENGTH + 1);

        assertThatThrownBy(() -> new JobSettings(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker.batch-size");
        conf.set(WorkerOptions.BATCH_SIZE, ReadBounds.MAX_LIST_LENGTH);
        assertThat(new JobSettings(conf).worker().batchSize())
                .isEqualTo(ReadBounds.MAX_LIST_LENGTH);
    }

    @Test
    void theEventTimeGuardRefusesTimestampsBeforeTheEarliestOne() throws Exception {
        long now = 1_700_000_000_000L;
        EventTimeGuard<UserEvent> byDefault = new JobSettings(new Configuration()).eventTimeGuard();
        assertThatThrownBy(() -> byDefault.check(stampedAt(now / 1000), Long.MIN_VALUE, now))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not seconds");

        Configuration older = new Configuration();
        older.set(ValidationOptions.EARLIEST_TIMESTAMP, 0L);
        assertThat(new JobSettings(older).eventTimeGuard().check(stampedAt(1), Long.MIN_VALUE, now))
                .isEqualTo(1);
    }

    /**
     * Where the job's validation is the only reader of recommendation requests (the factorization
     * model without direct requests) it turns away one stamped further ahead than {@code
     * validation.max-future}; a minute ahead passes the option's 5-minute default, so only the
     * configured 10 s refuses it.
     */
    @Test
    void theJobsValidationBoundsRequestsByTheMaxFutureWhereItReadsThemAll() throws Exception {
        Configuration conf = new Configuration();
        conf.set(ValidationOptions.MAX_FUTURE, Duration.ofSeconds(10));
        conf.set(ModelOptions.TYPE, ModelType.BPR);
        RequestJsonCodec codec = new JobSettings(conf).requestCodec();
        long now = System.currentTimeMillis();

        assertThat(codec.parse(requestAt(now)).timestamp()).isEqualTo(now);
        assertThatThrownBy(() -> codec.parse(requestAt(now + 60_000)))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("future_timestamp"));
        assertThat(codec.parse(forgetAt(now + 86_400_000)).isForget()).isTrue();
    }

    /**
     * With direct requests serving answers recommendation requests and the job's validation passes
     * only forgets on: neither turns a request away by time (two clocks could disagree, and a
     * request serving answered would be dead-lettered, or one neither answered), and serving caps
     * the time at {@code validation.max-future} ahead ({@code DirectRequestDecoderTest}).
     */
    @Test
    void withDirectRequestsServingCapsARequestsTimeAndNothingTurnsItAway() throws Exception {
        Configuration conf = new Configuration();
        conf.set(ValidationOptions.MAX_FUTURE, Duration.ofSeconds(10));
        conf.set(ModelOptions.TYPE, ModelType.RANKER);
        conf.set(ServingOptions.DIRECT_REQUESTS, true);
        JobSettings settings = new JobSettings(conf);
        long aMinuteAhead = System.currentTimeMillis() + 60_000;

        assertThat(settings.directRequests().requestMaxFutureMs()).isEqualTo(10_000);
        assertThat(settings.requestCodec().parse(requestAt(aMinuteAhead)).timestamp())
                .isEqualTo(aMinuteAhead);
        assertThat(settings.directRequests().requestCodec().parse(requestAt(aMinuteAhead)))
                .isNotNull();
    }

    /**
     * A recommendation request stamped in seconds is refused as an event is, by the job's
     * validation and by serving reading requests itself alike (one reader answering what the other
     * dead-letters would be two verdicts); lowered, the bound lets older requests in.
     */
    @Test
    void requestsBeforeTheEarliestTimestampAreRefusedByEveryReader() throws Exception {
        long seconds = System.currentTimeMillis() / 1000;
        for (boolean direct : new boolean[] {false, true}) {
            Configuration conf = new Configuration();
            conf.set(ModelOptions.TYPE, direct ? ModelType.RANKER : ModelType.BPR);
            conf.set(ServingOptions.DIRECT_REQUESTS, direct);
            JobSettings settings = new JobSettings(conf);
            // serving reads requests itself only with direct requests on
            List<RequestJsonCodec> readers =
                    direct
                            ? List.of(
                                    settings.requestCodec(),
                                    settings.directRequests().requestCodec())
                            : List.of(settings.requestCodec());
            for (RequestJsonCodec codec : readers) {
                assertThatThrownBy(() -> codec.parse(requestAt(seconds)))
                        .as("direct %s", direct)
                        .isInstanceOfSatisfying(
                                InvalidRecordException.class,
                                e -> assertThat(e.reason()).isEqualTo("invalid_timestamp"));
            }
            conf.set(ValidationOptions.EARLIEST_TIMESTAMP, 0L);
            JobSettings older = new JobSettings(conf);
            assertThat(older.requestCodec().parse(requestAt(seconds)).timestamp())
                    .isEqualTo(seconds);
            if (direct) {
                assertThat(
                                older.directRequests()
                                        .requestCodec()
                                        .parse(requestAt(seconds))
                                        .timestamp())
                        .isEqualTo(seconds);
            }
        }
    }

    private static byte[] requestAt(long timestamp) {
        return RequestJsonCodec.toJson(new RecommendationRequest("r1", "u", 10, timestamp));
    }

    private static byte[] forgetAt(long timestamp) {
        return RequestJsonCodec.toJson(RecommendationRequest.forget("f1", "u", timestamp));
    }

    private static UserEvent stampedAt(long timestamp) {
        return new UserEvent("e", "u", "i", EventType.VIEW, 0f, timestamp);
    }

    @Test
    void theUserIdKeyFileIsOptional() {
        Configuration conf = new Configuration();
        conf.set(PrivacyOptions.USER_ID_KEY_FILE, "/run/secrets/user-id.key");

        assertThat(new JobSettings(new Configuration()).userIdKeyFile()).isEmpty();
        assertThat(new JobSettings(conf).userIdKeyFile()).contains("/run/secrets/user-id.key");
    }

    /**
     * A misspelled key is stored like any other and never read: the job names it in a warning.
     * Flink's options (parallelism.default shares the job's parallelism. prefix) are not reported.
     */
    @Test
    void aMisspelledOptionIsReportedAndFlinksAreNot() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "validation.max-futur", "1h",
                                "model.dim", "8",
                                "parallelism.default", "2",
                                "pipeline.name", "streamrec",
                                "kafka.properties.sasl.mechanism", "PLAIN"));

        assertThat(JobSettings.unknownOptions(conf)).containsExactly("validation.max-futur");
        assertThatCode(() -> new JobSettings(conf)).doesNotThrowAnyException();
    }

    @RegisterExtension
    private final LoggerAuditingExtension jobSettingsLog =
            new LoggerAuditingExtension(JobSettings.class, Level.WARN);

    /** A key of its own: each is warned about once per JVM, whichever test read it first. */
    @Test
    void aMisspelledOptionIsLoggedOnceAsAWarningNamingTheOneMeant() {
        Configuration conf = Configuration.fromMap(Map.of("validation.dedupe-max-idz", "8"));

        new JobSettings(conf);
        new JobSettings(conf);

        assertThat(jobSettingsLog.getMessages())
                .containsExactly(
                        "option validation.dedupe-max-idz is not a streamrec job option: nothing"
                                + " reads it (did you mean validation.dedupe-max-ids?)");
    }

    @Test
    void aStageWithoutItsParallelismTakesTheJobsAndTheShardsKeepTheirKeyGroups() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "parallelism.workers", "3",
                                "parallelism.serving", "2",
                                "parallelism.shards-max", "64"));
        JobSettings set = new JobSettings(conf);
        JobSettings unset = new JobSettings(new Configuration());

        assertThat(set.workerParallelism(5)).isEqualTo(3);
        assertThat(set.shardParallelism(5)).isEqualTo(5);
        assertThat(set.servingParallelism(5)).isEqualTo(2);
        assertThat(set.shardMaxParallelism()).isEqualTo(64);
        assertThat(unset.workerParallelism(5)).isEqualTo(5);
        assertThat(unset.servingParallelism(5)).isEqualTo(5);
        assertThat(unset.shardMaxParallelism()).isEqualTo(128);
    }

    @Test
    void theKafkaGroupCacheAndResultsGuaranteeDefaultUnlessSet() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "kafka.group-id", "shop",
                                "ps.cache-rows", "10",
                                "results.delivery-guarantee", "exactly-once"));
        JobSettings set = new JobSettings(conf);
        JobSettings unset = new JobSettings(new Configuration());

        assertThat(set.consumerGroup()).isEqualTo("shop");
        assertThat(set.psCacheRows()).isEqualTo(10);
        assertThat(set.resultsDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(unset.consumerGroup()).isEqualTo("streamrec");
        assertThat(unset.psCacheRows()).isEqualTo(1_000_000);
        assertThat(unset.resultsDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }
}
