package io.streamrec.tools.access;

import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.SinkTransactions;
import io.streamrec.kafka.JobTopics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Grants a principal the Kafka ACLs the streamrec job and gateway need, and nothing else: read the
 * input topics, write the outputs (and read them where the sinks pool their transactional ids),
 * read and write the model-updates and item-catalog topics (the job's own feeds), read results (the
 * gateway), its consumer group and transactional ids (by prefix). Runs as an administrator ({@code
 * kafka.properties-file} of a super user); the topic names, group id and transactional-id prefix
 * are the job's options.
 *
 * <pre>
 * java io.streamrec.tools.access.JobAccess --principal User:streamrec \
 *     -Dkafka.bootstrap-servers=... -Dkafka.properties-file=admin.properties
 * </pre>
 */
public final class JobAccess {
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("JobAccess")
                    .value("principal", "User:NAME", "whom to grant (required)")
                    // refused by parseOrExit with the usage, exit 2, not a stack trace
                    .required("principal")
                    .nonBlank("principal")
                    .options("the job's options, and the admin's kafka.properties-file");

    private JobAccess() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        String principal = cli.value("principal").orElseThrow(); // required
        JobSettings settings = new JobSettings(cli.options());
        List<AclBinding> grants = grants(settings, principal);
        try (Admin admin = Admin.create(settings.kafka().toProperties())) {
            admin.createAcls(grants).all().get();
        }
        System.out.println("Granted " + principal + " " + grants.size() + " ACLs");
    }

    /** The ACLs of {@code principal} for the job of {@code settings}. */
    static List<AclBinding> grants(JobSettings settings, String principal) {
        List<AclBinding> acls = new ArrayList<>();
        JobTopics topics = settings.topics();
        for (String input : List.of(topics.events(), topics.requests())) {
            // read by the job, written by the gateway
            topic(acls, principal, input, AclOperation.READ, AclOperation.WRITE);
        }
        // read by the job only: the catalog's publisher writes it under a principal of its own
        topic(acls, principal, topics.items(), AclOperation.READ);
        for (String feed : List.of(topics.modelUpdates(), topics.catalog())) {
            topic(acls, principal, feed, AclOperation.READ, AclOperation.WRITE);
        }
        // results are also read by the gateway; reports and dead letters as outputOperations says
        topic(acls, principal, topics.results(), AclOperation.READ, AclOperation.WRITE);
        SinkTransactions transactions = settings.sinkTransactions();
        for (String output : List.of(topics.evalReports(), topics.deadLetters())) {
            topic(acls, principal, output, outputOperations(transactions));
        }
        acls.add(
                allow(
                        new ResourcePattern(
                                ResourceType.GROUP, settings.consumerGroup(), PatternType.PREFIXED),
                        principal,
                        AclOperation.READ));
        ResourcePattern transactionalIds =
                new ResourcePattern(
                        ResourceType.TRANSACTIONAL_ID,
                        transactions.idPrefix(),
                        PatternType.PREFIXED);
        acls.add(allow(transactionalIds, principal, AclOperation.WRITE));
        acls.add(allow(transactionalIds, principal, AclOperation.DESCRIBE));
        return acls;
    }

    /**
     * Write; and read where the sinks pool their transactional ids: at every start they find the
     * transactions to abort among their topics' producers (DescribeProducers), which Kafka
     * authorizes as READ on the topic.
     */
    private static AclOperation[] outputOperations(SinkTransactions transactions) {
        return transactions.naming() == TransactionNamingStrategy.POOLING
                ? new AclOperation[] {AclOperation.WRITE, AclOperation.READ}
                : new AclOperation[] {AclOperation.WRITE};
    }

    private static void topic(
            List<AclBinding> acls, String principal, String name, AclOperation... operations) {
        ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
        acls.add(allow(topic, principal, AclOperation.DESCRIBE));
        for (AclOperation operation : operations) {
            acls.add(allow(topic, principal, operation));
        }
    }

    private static AclBinding allow(
            ResourcePattern resource, String principal, AclOperation operation) {
        return new AclBinding(
                resource,
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
