package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.job.StreamrecMain;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.worker.GpuAssignment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files are parsed and checked against what the job relies on: the Kubernetes
 * manifests (Flink operator, Strimzi) as YAML, the cluster configurations with Flink's own loader.
 */
class DeploymentManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = repositoryRoot();

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/k8s"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("deploy/k8s not found above the working directory");
        }
        return p;
    }

    private static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it =
                YAML.readerFor(JsonNode.class).readValues(ROOT.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found =
                docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    /** Every {@code ConfigOption} of the job, by key. */
    private static Map<String, ConfigOption<?>> jobOptions() {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            options.put(o.key(), o);
        }
        return options;
    }

    @Test
    void flinkDeploymentRunsWithTheRuntimeDefaults() throws Exception {
        JsonNode deployment =
                only(documents("deploy/k8s/flink-deployment.yaml"), "FlinkDeployment");
        Map<String, String> k8s = new java.util.HashMap<>();
        deployment
                .path("spec")
                .path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> k8s.put(e.getKey(), e.getValue().asText()));
        Map<String, String> cluster = Configuration.fromMap(k8s).toMap();
        // the same checkpoint and restart settings as the embedded default and flink-conf/
        RuntimeDefaults.checkpointsAndRestarts()
                .toMap()
                .forEach(
                        (key, value) ->
                                assertThat(cluster.get(key))
                                        .as("flink-deployment.yaml " + key)
                                        .isEqualTo(value));
    }

    @Test
    void flinkDeploymentRunsTheJobJarOnGpuTaskManagers() throws Exception {
        JsonNode deployment =
                only(documents("deploy/k8s/flink-deployment.yaml"), "FlinkDeployment");
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        JsonNode spec = deployment.path("spec");
        JsonNode job = spec.path("job");
        assertThat(job.path("entryClass").asText()).isEqualTo(StreamrecMain.class.getName());
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("parallelism").asInt()).isPositive();

        // the jar the job names is the one the image puts there
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile.gpu"));
        String jarPath = job.path("jarURI").asText().replaceFirst("^local://", "");
        assertThat(dockerfile).contains("streamrec-job-0.1.0-SNAPSHOT-flink.jar " + jarPath);
        assertThat(Files.readString(ROOT.resolve("pom.xml")))
                .contains("<version>0.1.0-SNAPSHOT</version>");

        // every argument is a job option the job knows
        Map<String, ConfigOption<?>> options = jobOptions();
        Map<String, String> args = new HashMap<>();
        for (JsonNode a : job.path("args")) {
            String arg = a.asText();
            assertThat(arg).startsWith("-D").contains("=");
            args.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        assertThat(options.keySet()).containsAll(args.keySet());

        // it reaches the Strimzi cluster's bootstrap service on its plain listener
        JsonNode kafka = only(documents("deploy/k8s/kafka.yaml"), "Kafka");
        JsonNode listener = kafka.path("spec").path("kafka").path("listeners").get(0);
        assertThat(args.get(KafkaOptions.BOOTSTRAP_SERVERS.key()))
                .isEqualTo(
                        kafka.path("metadata").path("name").asText()
                                + "-kafka-bootstrap:"
                                + listener.path("port").asInt());
        assertThat(listener.path("tls").asBoolean()).isFalse();

        // savepoint upgrades need a savepoint directory; exactly-once needs RocksDB + checkpoints
        Configuration flink = new Configuration();
        spec.path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> flink.setString(e.getKey(), e.getValue().asText()));
        assertThat(flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isNotBlank();
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(RuntimeDefaults.CHECKPOINT_INTERVAL);
        // the operator starts the job from the image's jar: no jar needs uploading through REST
        assertThat(flink.get(WebOptions.SUBMIT_ENABLE)).isFalse();

        // one GPU per pod, announced to Flink as the external resource the workers look up
        assertThat(flink.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST))
                .containsExactly(GpuAssignment.RESOURCE_NAME);
        String gpu = "external-resource." + GpuAssignment.RESOURCE_NAME + ".";
        assertThat(flink.getString(gpu + "driver-factory.class", ""))
                .isEqualTo("org.apache.flink.externalresource.gpu.GPUDriverFactory");
        assertThat(flink.getString(gpu + "kubernetes.config-key", "")).isEqualTo("nvidia.com/gpu");
        JsonNode container =
                spec.path("taskManager").path("podTemplate").path("spec").path("containers").get(0);
        assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
        assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asText())
                .isEqualTo(flink.getString(gpu + "amount", ""));
        assertThat(flink.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(1);
        // the operator ignores job.parallelism where TaskManager replicas are set
        assertThat(spec.path("taskManager").has("replicas")).isFalse();

        // the operator never reads the image's config.yaml: the module flags must be here
        assertThat(flink.getString("env.java.opts.all", "").split(" "))
                .as("the pods' JVMs carry pom.xml's jvm.add-opens list, --add-modules aside")
                .contains(
                        java.util.Arrays.stream(jvmAddOpens())
                                .filter(f -> !f.startsWith("--add-modules"))
                                .toArray(String[]::new));
    }

    @Test
    void strimziTopicsCoverEveryTopicOfTheJob() throws Exception {
        List<JsonNode> topics = documents("deploy/k8s/topics.yaml");
        String cluster =
                only(documents("deploy/k8s/kafka.yaml"), "Kafka")
                        .path("metadata")
                        .path("name")
                        .asText();
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode t : topics) {
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .isEqualTo(cluster);
            byName.put(t.path("metadata").path("name").asText(), t);
        }
        List<String> jobTopics = new ArrayList<>();
        for (ConfigOption<?> o : jobOptions().values()) {
            if (o.key().startsWith("topic.")) {
                jobTopics.add((String) o.defaultValue());
            }
        }
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(jobTopics);
        // the feedback loop and the catalog are read as "latest value per key"
        for (String compacted :
                List.of(
                        TopicOptions.MODEL_UPDATES.defaultValue(),
                        TopicOptions.CATALOG.defaultValue())) {
            assertThat(
                            byName.get(compacted)
                                    .path("spec")
                                    .path("config")
                                    .path("cleanup.policy")
                                    .asText())
                    .as(compacted)
                    .isEqualTo("compact");
        }
        // as TopicSetup creates it: an item's updates apply in the order they were written only
        // on one partition, whatever key the producer gave them
        assertThat(
                        byName.get(TopicOptions.ITEMS.defaultValue())
                                .path("spec")
                                .path("partitions")
                                .asInt())
                .isEqualTo(1);
    }

    @Test
    void clusterConfigurationsLoadWithFlink(@TempDir Path dir) throws Exception {
        Configuration gpu = load(dir.resolve("gpu"), "flink-conf/config.yaml");
        Configuration cpu = load(dir.resolve("cpu"), "flink-conf/config-cpu.yaml");
        for (Configuration c : List.of(gpu, cpu)) {
            assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
            assertThat(c.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
            assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                    .isEqualTo(RuntimeDefaults.CHECKPOINT_INTERVAL);
            assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isNotBlank();
            assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isNotBlank();
            assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY))
                    .isEqualTo("exponential-delay");
            assertThat(c.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION)).isBetween(0.1f, 0.9f);
            assertThat(c.getString("env.java.opts.all", "").split(" "))
                    .as("the cluster JVMs carry pom.xml's one jvm.add-opens list")
                    .contains(jvmAddOpens())
                    .contains("-Dai.djl.offline=true");
            assertThat(c.getString("metrics.reporter.prom.factory.class", ""))
                    .endsWith("PrometheusReporterFactory");
            assertThat(c.getString("metrics.reporter.prom.port", ""))
                    .as("a port for each of a host's JVMs")
                    .matches("\\d+-\\d+");
        }
        assertThat(gpu.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST))
                .containsExactly(GpuAssignment.RESOURCE_NAME);
        assertThat(cpu.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST)).isEmpty();
    }

    /**
     * deploy/flink-job.sh uploads its jar through REST, which the cluster of config-cpu.yaml serves
     * on localhost; a configuration serving REST on other interfaces takes no jar uploads.
     */
    @Test
    void onlyAClusterServingRestOnLoopbackTakesJarUploads(@TempDir Path dir) throws Exception {
        Configuration gpu = load(dir.resolve("gpu"), "flink-conf/config.yaml");
        Configuration cpu = load(dir.resolve("cpu"), "flink-conf/config-cpu.yaml");

        assertThat(gpu.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(gpu.get(WebOptions.SUBMIT_ENABLE)).isFalse();
        assertThat(cpu.get(RestOptions.BIND_ADDRESS)).isEqualTo("localhost");
        assertThat(cpu.get(WebOptions.SUBMIT_ENABLE)).isTrue();
    }

    /** The GPU image's build context is the repository root: only what the image copies is sent. */
    @Test
    void dockerIgnoreLeavesInOnlyWhatTheGpuImageCopies() throws Exception {
        List<String> copied =
                Files.readAllLines(ROOT.resolve("deploy/docker/Dockerfile.gpu")).stream()
                        .filter(l -> l.startsWith("COPY ") && !l.contains("--from="))
                        .map(l -> "!" + l.split(" +")[1])
                        .toList();
        List<String> ignore =
                Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .toList();

        assertThat(copied).isNotEmpty();
        assertThat(ignore.get(0)).isEqualTo("*");
        assertThat(ignore.subList(1, ignore.size())).containsExactlyInAnyOrderElementsOf(copied);
    }

    /** The one list of JVM module flags (pom.xml's jvm.add-opens; deploy/lib.sh reads it too). */
    private static String[] jvmAddOpens() throws IOException {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("<jvm.add-opens>([^<]+)</jvm.add-opens>")
                        .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("pom.xml defines jvm.add-opens").isTrue();
        String[] flags = m.group(1).trim().split(" ");
        assertThat(flags).contains("--add-opens=java.base/java.util=ALL-UNNAMED");
        return flags;
    }

    private static Configuration load(Path dir, String file) throws IOException {
        Files.createDirectories(dir);
        Files.copy(ROOT.resolve(file), dir.resolve("config.yaml"));
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }
}
