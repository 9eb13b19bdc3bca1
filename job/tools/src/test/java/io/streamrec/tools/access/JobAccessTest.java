package io.streamrec.tools.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The job's principal gets what the job and gateway use, by name, and nothing wholesale. */
class JobAccessTest {
    private static final List<AclBinding> GRANTS =
            JobAccess.grants(
                    new JobSettings(
                            Configuration.fromMap(
                                    Map.of(
                                            "topic.results", "r1",
                                            "kafka.group-id", "g1",
                                            "kafka.transactional-id-prefix", "tx1"))),
                    "User:streamrec");

    private static List<String> granted(ResourceType type, String name) {
        return GRANTS.stream()
                .filter(b -> b.pattern().resourceType() == type && b.pattern().name().equals(name))
                .map(b -> b.entry().operation().name())
                .sorted()
                .toList();
    }

    /** Without --principal: the usage (exit 2), not an IllegalArgumentException stack trace. */
    @Test
    void aMissingPrincipalIsAUsageError() {
        assertThatThrownBy(() -> JobAccess.ARGUMENTS.parse("-Dkafka.bootstrap-servers=k:9092"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--principal is required");
        assertThatThrownBy(() -> JobAccess.ARGUMENTS.parse("--principal", " "))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--principal is blank");
    }

    @Test
    void topicsGetTheOperationsTheirStagesUse() {
        assertThat(granted(ResourceType.TOPIC, "events"))
                .containsExactly("DESCRIBE", "READ", "WRITE");
        // nothing of the job or the gateway writes the catalog's input
        assertThat(granted(ResourceType.TOPIC, "items")).containsExactly("DESCRIBE", "READ");
        assertThat(granted(ResourceType.TOPIC, "model-updates"))
                .containsExactly("DESCRIBE", "READ", "WRITE");
        assertThat(granted(ResourceType.TOPIC, "r1")).containsExactly("DESCRIBE", "READ", "WRITE");
        // pooled transactional ids: the sinks list their topics' producers at every start
        assertThat(granted(ResourceType.TOPIC, "eval-reports"))
                .containsExactly("DESCRIBE", "READ", "WRITE");
        assertThat(granted(ResourceType.TOPIC, "dead-letters"))
                .containsExactly("DESCRIBE", "READ", "WRITE");
        assertThat(granted(ResourceType.GROUP, "g1")).containsExactly("READ");
        assertThat(granted(ResourceType.TRANSACTIONAL_ID, "tx1"))
                .containsExactly("DESCRIBE", "WRITE");
    }

    /** The whole list, as docs/kafka-security.md states it: one grant more or less shows. */
    @Test
    void grantsExactlyWhatTheJobAndGatewayUse() {
        List<String> topics = new java.util.ArrayList<>();
        for (String topic :
                List.of(
                        "events",
                        "requests",
                        "model-updates",
                        "item-catalog",
                        "r1",
                        "eval-reports",
                        "dead-letters")) {
            for (String operation : List.of("DESCRIBE", "READ", "WRITE")) {
                topics.add("TOPIC LITERAL " + topic + " " + operation);
            }
        }
        // the job only reads the catalog's input topic
        topics.add("TOPIC LITERAL items DESCRIBE");
        topics.add("TOPIC LITERAL items READ");
        List<String> expected = new java.util.ArrayList<>(topics);
        expected.add("GROUP PREFIXED g1 READ");
        expected.add("TRANSACTIONAL_ID PREFIXED tx1 WRITE");
        expected.add("TRANSACTIONAL_ID PREFIXED tx1 DESCRIBE");

        assertThat(GRANTS)
                .extracting(
                        b ->
                                b.pattern().resourceType()
                                        + " "
                                        + b.pattern().patternType()
                                        + " "
                                        + b.pattern().name()
                                        + " "
                                        + b.entry().operation())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void outputsAreOnlyWrittenWithATransactionalIdPerCheckpoint() {
        List<AclBinding> grants =
                JobAccess.grants(
                        new JobSettings(
                                Configuration.fromMap(
                                        Map.of(
                                                "kafka.transaction-naming-strategy",
                                                "incrementing"))),
                        "User:streamrec");

        assertThat(grants)
                .filteredOn(b -> b.pattern().name().equals("eval-reports"))
                .extracting(b -> b.entry().operation())
                .containsExactlyInAnyOrder(AclOperation.DESCRIBE, AclOperation.WRITE);
    }

    @Test
    void nothingIsGrantedWholesale() {
        assertThat(GRANTS)
                .allSatisfy(
                        b -> {
                            assertThat(b.entry().principal()).isEqualTo("User:streamrec");
                            assertThat(b.entry().operation()).isNotEqualTo(AclOperation.ALL);
                            assertThat(b.pattern().name()).isNotEqualTo("*");
                            assertThat(b.pattern().resourceType())
                                    .isNotEqualTo(ResourceType.CLUSTER);
                        });
        assertThat(GRANTS)
                .filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC)
                .allSatisfy(
                        b -> assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL));
    }
}
