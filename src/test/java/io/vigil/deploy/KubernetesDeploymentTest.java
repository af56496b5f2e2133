package io.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import io.vigil.config.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes example ({@code deploy/k8s/vigil-deployment.yaml}) holds only fields the Flink
 * Kubernetes operator's {@code FlinkDeployment} (v1beta1) documents, with values from its enums,
 * runs Vigil's entry point on a job spec that the same manifest ships, and that job spec is valid.
 * No cluster is needed: a typo in a field name would otherwise only show when an operator refuses
 * the resource.
 */
class KubernetesDeploymentTest {

    private static final Path FILE = Path.of("deploy/k8s/vigil-deployment.yaml");

    /** {@code FlinkDeploymentSpec} fields, per the operator's CRD reference. */
    private static final Set<String> SPEC = Set.of("image", "imagePullPolicy", "serviceAccount", "flinkVersion",
            "ingress", "podTemplate", "flinkConfiguration", "logConfiguration", "jobManager", "taskManager", "job",
            "restartNonce", "mode");
    /** {@code JobSpec} fields. */
    private static final Set<String> JOB = Set.of("jarURI", "parallelism", "entryClass", "args", "state",
            "savepointTriggerNonce", "initialSavepointPath", "checkpointTriggerNonce", "upgradeMode",
            "allowNonRestoredState", "savepointRedeployNonce", "autoscalerResetNonce");
    /** {@code JobManagerSpec} / {@code TaskManagerSpec} fields, and {@code Resource}. */
    private static final Set<String> MANAGER = Set.of("resource", "replicas", "podTemplate");
    private static final Set<String> RESOURCE = Set.of("cpu", "memory", "ephemeralStorage");

    private static List<JsonNode> documents() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(Files.readString(FILE))) {
            while (it.hasNext()) {
                docs.add(it.next());
            }
        }
        return docs;
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = n.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void theFlinkDeploymentUsesOnlyDocumentedFieldsAndValues() throws Exception {
        JsonNode d = documents().stream().filter(n -> n.path("kind").asText().equals("FlinkDeployment")).findFirst()
                .orElseThrow();
        assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(d.path("metadata").path("name").asText()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        JsonNode spec = d.path("spec");
        assertThat(SPEC).containsAll(keys(spec));
        assertThat(JOB).containsAll(keys(spec.path("job")));
        for (String m : List.of("jobManager", "taskManager")) {
            assertThat(MANAGER).as(m).containsAll(keys(spec.path(m)));
            assertThat(RESOURCE).as(m).containsAll(keys(spec.path(m).path("resource")));
            assertThat(spec.path(m).path("resource").path("memory").asText()).as(m).matches("\\d+[mg]");
        }
        assertThat(spec.path("mode").asText()).isIn("native", "standalone");
        assertThat(spec.path("job").path("upgradeMode").asText()).isIn("stateless", "last-state", "savepoint");
        assertThat(spec.path("job").path("state").asText()).isIn("running", "suspended");
        // the Flink version this build is made for (pom: 2.2.x)
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        spec.path("flinkConfiguration").fields().forEachRemaining(e ->
                assertThat(e.getValue().isTextual()).as("flinkConfiguration values are strings: %s", e.getKey()).isTrue());
    }

    @Test
    void itRunsVigilOnTheJobSpecItShipsAndThatSpecIsValid() throws Exception {
        List<JsonNode> docs = documents();
        JsonNode job = docs.stream().filter(n -> n.path("kind").asText().equals("FlinkDeployment")).findFirst()
                .orElseThrow().path("spec").path("job");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.vigil.job.VigilCli");
        List<String> args = new ArrayList<>();
        job.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith("run", "--job");
        Path jobFile = Path.of(args.get(2));
        // the job file comes from a ConfigMap mounted at its folder
        JsonNode pod = docs.get(0).path("spec").path("podTemplate").path("spec");
        String volume = null;
        for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) {
            if (jobFile.getParent().toString().equals(m.path("mountPath").asText())) {
                volume = m.path("name").asText();
            }
        }
        assertThat(volume).as("a volume mounted at %s", jobFile.getParent()).isNotNull();
        String configMap = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                configMap = v.path("configMap").path("name").asText();
            }
        }
        String name = configMap;
        JsonNode cm = docs.stream().filter(n -> n.path("kind").asText().equals("ConfigMap")
                && n.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
        String yaml = cm.path("data").path(jobFile.getFileName().toString()).asText();
        assertThat(yaml).isNotBlank();
        // every environment variable the spec references is set on the container
        List<String> env = new ArrayList<>();
        pod.path("containers").get(0).path("env").forEach(e -> env.add(e.path("name").asText()));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{(\\w+)").matcher(yaml);
        while (m.find()) {
            assertThat(env).as("env of the job spec's ${%s}", m.group(1)).contains(m.group(1));
        }
        Map<String, String> fakeEnv = new java.util.HashMap<>();
        env.forEach(e -> fakeEnv.put(e, "x"));
        JobSpec spec = JobSpec.parse(yaml, fakeEnv);
        assertThat(spec.kafka().properties()).containsKey("sasl.jaas.config");
    }
}
