package io.vigil.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.config.JobSpec;
import io.vigil.job.VigilCli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * Checks docker-compose.yml against the project without a Docker engine: the images against .env
 * and pom.xml, the job jar and main class, the submitted job file and its topics, the generator's
 * arguments (parsed by the CLI itself), ports, mounts, volumes and Prometheus' scrape targets
 * against Flink's reporter. {@link #problems} lists every disagreement; none means the file agrees.
 */
final class ComposeCheck {

    /** The files the check reads, as text, so a test can change one and see the check fail. */
    record Inputs(Path root, String compose, String env, String pom, String flinkConfig, String prometheus) {

        static Inputs read(Path root) throws IOException {
            return new Inputs(root, text(root.resolve("docker-compose.yml")), text(root.resolve(".env")),
                    text(root.resolve("pom.xml")), text(root.resolve("conf/config.yaml")),
                    text(root.resolve("conf/prometheus.yml")));
        }

        private static String text(Path p) throws IOException {
            return Files.readString(p, StandardCharsets.UTF_8);
        }
    }

    static final String FLINK_SERVICES = "jobmanager taskmanager submit generator flink-volumes";
    static final String KAFKA_SERVICES = "kafka topics";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Inputs in;
    private final List<String> problems = new ArrayList<>();
    private Map<String, String> env;
    private JsonNode services;
    private Map<String, String> flink;

    private ComposeCheck(Inputs in) {
        this.in = in;
    }

    static List<String> problems(Inputs in) {
        ComposeCheck c = new ComposeCheck(in);
        try {
            c.run();
        } catch (Exception e) {
            c.problems.add("could not check: " + e);
        }
        return c.problems;
    }

    private void run() throws Exception {
        env = parseEnv(in.env());
        JsonNode compose = YAML.readTree(interpolate(in.compose()));
        services = compose.path("services");
        flink = flatten(YAML.readTree(in.flinkConfig()));
        for (String s : (KAFKA_SERVICES + " " + FLINK_SERVICES + " prometheus").split(" ")) {
            if (!services.has(s)) {
                problems.add("service " + s + " is missing");
            }
        }
        if (!problems.isEmpty()) {
            return;
        }
        images();
        jar();
        submit();
        generator();
        ports();
        bindMountsAndVolumes(compose.path("volumes"));
        flinkContainers();
        prometheus();
    }

    // ---------------------------------------------------------------------------------------------

    private void images() throws Exception {
        Document pom = pom();
        String flinkVersion = xpath(pom, "/project/properties/flink.version");
        String kafkaVersion = xpath(pom, "/project/properties/kafka.version");
        expect("FLINK_IMAGE in .env", env.get("FLINK_IMAGE"), "flink:" + flinkVersion + "-java17");
        expect("KAFKA_IMAGE in .env", env.get("KAFKA_IMAGE"), "apache/kafka:" + kafkaVersion);
        String prom = env.getOrDefault("PROMETHEUS_IMAGE", "");
        if (!prom.matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+")) {
            problems.add("PROMETHEUS_IMAGE in .env is not a pinned prom/prometheus release: " + prom);
        }
        for (String s : FLINK_SERVICES.split(" ")) {
            expect(s + ": image", services.path(s).path("image").asText(), env.get("FLINK_IMAGE"));
        }
        for (String s : KAFKA_SERVICES.split(" ")) {
            expect(s + ": image", services.path(s).path("image").asText(), env.get("KAFKA_IMAGE"));
        }
        expect("prometheus: image", services.path("prometheus").path("image").asText(), prom);
    }

    /** The shaded jar: {@code target/<artifactId>-<version>.jar} (or the pom's finalName). */
    private String jarName() throws Exception {
        Document pom = pom();
        String finalName = xpath(pom, "/project/build/finalName");
        return (finalName.isEmpty()
                ? xpath(pom, "/project/artifactId") + "-" + xpath(pom, "/project/version") : finalName) + ".jar";
    }

    private String mainClass() throws Exception {
        return xpath(pom(), "//transformer[contains(@implementation,'ManifestResourceTransformer')]/mainClass");
    }

    private void jar() throws Exception {
        expect("VIGIL_JAR in .env", env.get("VIGIL_JAR"), jarName());
        expect("main class of the shaded jar (pom.xml)", mainClass(), VigilCli.class.getName());
    }

    private void submit() throws Exception {
        List<String> cmd = words(services.path("submit").path("command"));
        int jarAt = cmd.indexOf("run") >= 0 && cmd.get(0).equals("flink") ? cmd.indexOf("run") + 1 : -1;
        while (jarAt > 0 && jarAt < cmd.size() && cmd.get(jarAt).startsWith("-")) {
            jarAt += cmd.get(jarAt).equals("-d") ? 1 : 2; // flink run's own options
        }
        if (jarAt <= 0 || jarAt >= cmd.size()) {
            problems.add("submit: command is not `flink run ... <jar> run --job <file>`: " + cmd);
            return;
        }
        Path jar = hostPath("submit", cmd.get(jarAt));
        expect("submit: job jar on the host", String.valueOf(jar), String.valueOf(in.root().resolve("target").resolve(jarName())));
        List<String> program = cmd.subList(jarAt + 1, cmd.size());
        if (program.isEmpty() || !program.get(0).equals("run")) {
            problems.add("submit: the jar's program arguments do not start with `run`: " + program);
            return;
        }
        CommandLine.ParseResult parsed = parse("submit", program);
        if (parsed == null) {
            return;
        }
        String job = option(parsed, "--job");
        Path hostJob = job == null ? null : hostPath("submit", job);
        if (hostJob == null || !hostJob.startsWith(in.root().resolve("jobs")) || !Files.isRegularFile(hostJob)) {
            problems.add("submit: job file " + job + " is not a file under jobs/ (host: " + hostJob + ")");
            return;
        }
        JobSpec spec = JobSpec.load(hostJob);
        Map<String, Integer> topics = topics();
        List<String> needed = new ArrayList<>(spec.kafka().inputTopics());
        needed.add(spec.kafka().anomalyTopic());
        needed.add(spec.kafka().deadLetterTopic());
        if (spec.kafka().cleanedTopic() != null && !spec.kafka().cleanedTopic().isBlank()) {
            needed.add(spec.kafka().cleanedTopic());
        }
        for (String t : needed) {
            if (!topics.containsKey(t)) {
                problems.add("topics: does not create " + t + ", a topic of " + job + " (creates " + topics.keySet() + ")");
            }
        }
        jobSpec = spec;
    }

    private JobSpec jobSpec;

    private void generator() throws Exception {
        List<String> entry = words(services.path("generator").path("entrypoint"));
        List<String> cmd = new ArrayList<>(entry);
        cmd.addAll(words(services.path("generator").path("command")));
        int cp = cmd.indexOf("-cp");
        int main = cmd.indexOf(mainClass());
        if (cmd.isEmpty() || !cmd.get(0).equals("java") || cp < 0 || main < 0) {
            problems.add("generator: not `java -cp <job jar>... " + mainClass() + " publish ...`, the main class: " + cmd);
            return;
        }
        String jarEntry = cmd.get(cp + 1).split(":")[0];
        expect("generator: job jar on the host", String.valueOf(hostPath("generator", jarEntry)),
                String.valueOf(in.root().resolve("target").resolve(jarName())));
        List<String> program = cmd.subList(main + 1, cmd.size());
        if (program.isEmpty() || !program.get(0).equals("publish")) {
            problems.add("generator: does not run `publish`: " + program);
            return;
        }
        CommandLine.ParseResult parsed = parse("generator", program);
        if (parsed == null || jobSpec == null) {
            return;
        }
        if (!parsed.subcommand().hasMatchedOption("--synthetic")) {
            problems.add("generator: publishes no synthetic fleet (--synthetic): " + program);
        }
        String topic = option(parsed, "--topic");
        if (topic == null || !jobSpec.kafka().inputTopics().contains(topic)) {
            problems.add("generator: publishes to " + topic + ", not an input topic of the job " + jobSpec.kafka().inputTopics());
        }
        expect("generator: --bootstrap", option(parsed, "--bootstrap"), jobSpec.kafka().bootstrapServers());
        // the job's (and the generator's) bootstrap address is the broker's in-network listener
        String advertised = environment("kafka").getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
        if (!Arrays.asList(advertised.replaceAll("[A-Z_]+://", "").split(",")).contains(jobSpec.kafka().bootstrapServers())) {
            problems.add("the job's bootstrap servers " + jobSpec.kafka().bootstrapServers()
                    + " are not an advertised listener of kafka: " + advertised);
        }
    }

    private void ports() {
        Map<Integer, String> byHostPort = new HashMap<>();
        for (Map.Entry<String, JsonNode> s : services.properties()) {
            for (int[] p : ports(s.getValue())) {
                String other = byHostPort.put(p[0], s.getKey());
                if (other != null) {
                    problems.add("host port " + p[0] + " is published by both " + other + " and " + s.getKey());
                }
            }
        }
        int rest = Integer.parseInt(flink.getOrDefault("rest.port", "8081"));
        if (ports(services.path("jobmanager")).stream().noneMatch(p -> p[1] == rest)) {
            problems.add("jobmanager: does not publish rest.port " + rest + " of conf/config.yaml");
        }
        Map<String, String> kafka = environment("kafka");
        Matcher ext = Pattern.compile("EXTERNAL://([^,:]+):(\\d+)").matcher(kafka.getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
        if (!ext.find()) {
            problems.add("kafka: no EXTERNAL advertised listener for clients on the host");
        } else {
            int port = Integer.parseInt(ext.group(2));
            if (ports(services.path("kafka")).stream().noneMatch(p -> p[0] == port && p[1] == port)
                    || !kafka.getOrDefault("KAFKA_LISTENERS", "").contains("EXTERNAL://:" + port)) {
                problems.add("kafka: the EXTERNAL listener's port " + port + " is not the one it listens on and publishes");
            }
        }
    }

    private void bindMountsAndVolumes(JsonNode declaredVolumes) {
        for (Map.Entry<String, JsonNode> s : services.properties()) {
            for (String[] m : mounts(s.getValue())) {
                String source = m[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    Path host = in.root().resolve(source).normalize();
                    if (!Files.exists(host)) {
                        problems.add(s.getKey() + ": bind-mounted host path " + source + " does not exist");
                    }
                } else if (!declaredVolumes.has(source)) {
                    problems.add(s.getKey() + ": volume " + source + " is not declared under volumes:");
                }
            }
        }
    }

    /** JobManager and TaskManager: the configuration, the RPC address, checkpoints and savepoints in volumes. */
    private void flinkContainers() {
        for (String s : List.of("jobmanager", "taskmanager")) {
            JsonNode svc = services.path(s);
            String conf = null;
            for (String[] m : mounts(svc)) {
                if (Path.of(in.root().resolve(m[0]).normalize().toString()).equals(in.root().resolve("conf"))) {
                    conf = m[1];
                }
            }
            String entry = String.join(" ", words(svc.path("entrypoint")));
            if (conf == null || !(conf.equals("/opt/flink/conf") || entry.contains(conf + "/config.yaml"))) {
                problems.add(s + ": does not start with conf/config.yaml (mounted at " + conf + ", entrypoint " + entry + ")");
            }
            expect(s + ": JOB_MANAGER_RPC_ADDRESS (the image's entry point writes it into the configuration)",
                    environment(s).get("JOB_MANAGER_RPC_ADDRESS"), flink.get("jobmanager.rpc.address"));
            for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
                String dir = flink.getOrDefault(key, "").replaceFirst("^file://", "");
                boolean inVolume = false;
                for (String[] m : mounts(svc)) {
                    boolean named = !(m[0].startsWith(".") || m[0].startsWith("/"));
                    inVolume |= named && !dir.isEmpty() && (dir + "/").startsWith(m[1].replaceAll("/*$", "/"));
                }
                if (!inVolume) {
                    problems.add(s + ": " + key + " (" + dir + ") is not in a named volume");
                }
            }
        }
        expect("jobmanager: hostname (jobmanager.rpc.address)", services.path("jobmanager").path("hostname").asText(),
                flink.get("jobmanager.rpc.address"));
    }

    private void prometheus() throws IOException {
        expect("metrics.reporter.prom.factory.class in conf/config.yaml", flink.get("metrics.reporter.prom.factory.class"),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String port = flink.getOrDefault("metrics.reporter.prom.port", "9249");
        boolean mounted = false;
        for (String[] m : mounts(services.path("prometheus"))) {
            mounted |= in.root().resolve(m[0]).normalize().equals(in.root().resolve("conf/prometheus.yml"))
                    && m[1].equals("/etc/prometheus/prometheus.yml");
        }
        if (!mounted) {
            problems.add("prometheus: conf/prometheus.yml is not mounted as /etc/prometheus/prometheus.yml");
        }
        Set<String> scraped = new LinkedHashSet<>();
        for (JsonNode job : YAML.readTree(in.prometheus()).path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    String[] hp = t.asText().split(":");
                    scraped.add(hp[0]);
                    if (hp.length != 2 || !hp[1].equals(port)) {
                        problems.add("prometheus.yml: target " + t.asText() + " is not on the reporter's port " + port);
                    }
                }
            }
            for (JsonNode dns : job.path("dns_sd_configs")) {
                if (!dns.path("port").asText().equals(port)) {
                    problems.add("prometheus.yml: " + dns.path("names") + " are scraped on port "
                            + dns.path("port").asText() + ", not the reporter's port " + port);
                }
                dns.path("names").forEach(n -> scraped.add(n.asText()));
            }
        }
        for (String s : List.of("jobmanager", "taskmanager")) {
            if (!scraped.contains(s)) {
                problems.add("prometheus.yml: " + s + " is not scraped (targets: " + scraped + ")");
            }
        }
        for (String host : scraped) {
            if (!services.has(host)) {
                problems.add("prometheus.yml: scrapes " + host + ", which is no service");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private CommandLine.ParseResult parse(String service, List<String> args) {
        try {
            return new CommandLine(new VigilCli()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            problems.add(service + ": the CLI rejects the arguments " + args + ": " + e.getMessage());
            return null;
        }
    }

    private static String option(CommandLine.ParseResult parsed, String name) {
        CommandLine.ParseResult sub = parsed.subcommand();
        return sub != null && sub.hasMatchedOption(name) ? String.valueOf((Object) sub.matchedOptionValue(name, null)) : null;
    }

    /** Name and partitions of the topics service's TOPICS ("name:partitions ..."). */
    private Map<String, Integer> topics() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String t : environment("topics").getOrDefault("TOPICS", "").trim().split("\\s+")) {
            String[] np = t.split(":");
            if (np.length == 2 && np[1].matches("[1-9]\\d*")) {
                topics.put(np[0], Integer.parseInt(np[1]));
            } else if (!t.isEmpty()) {
                problems.add("topics: " + t + " is not name:partitions");
            }
        }
        return topics;
    }

    /** The host path a container path of a service lies in, through its bind mounts (null if none). */
    private Path hostPath(String service, String containerPath) {
        String best = null;
        String source = null;
        for (String[] m : mounts(services.path(service))) {
            boolean bind = m[0].startsWith(".") || m[0].startsWith("/");
            if (bind && (containerPath.equals(m[1]) || containerPath.startsWith(m[1] + "/"))
                    && (best == null || m[1].length() > best.length())) {
                best = m[1];
                source = m[0];
            }
        }
        if (best == null) {
            return null;
        }
        String rest = containerPath.substring(best.length()).replaceFirst("^/", "");
        Path host = in.root().resolve(source).normalize();
        return rest.isEmpty() ? host : host.resolve(rest).normalize();
    }

    /** [source, target] of each volume entry (short or long syntax). */
    private static List<String[]> mounts(JsonNode service) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.isTextual()) {
                String[] parts = v.asText().split(":");
                out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : parts[0]});
            } else {
                out.add(new String[] {v.path("source").asText(), v.path("target").asText()});
            }
        }
        return out;
    }

    /** [host port, container port] of each published port (short or long syntax). */
    private static List<int[]> ports(JsonNode service) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            if (p.isTextual()) {
                String[] parts = p.asText().replaceFirst("/(tcp|udp)$", "").split(":");
                if (parts.length >= 2) {
                    out.add(new int[] {Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1])});
                }
            } else if (p.has("published")) {
                out.add(new int[] {p.path("published").asInt(), p.path("target").asInt()});
            }
        }
        return out;
    }

    private Map<String, String> environment(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode e = services.path(service).path("environment");
        if (e.isObject()) {
            e.properties().forEach(x -> out.put(x.getKey(), x.getValue().asText()));
        } else {
            e.forEach(x -> {
                String[] kv = x.asText().split("=", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        return out;
    }

    private static List<String> words(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.addAll(Arrays.asList(node.asText().trim().split("\\s+")));
        } else {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    /** What compose does with the file's text: ${NAME} from .env, $$ to $; an unknown name is a problem. */
    private String interpolate(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1) == null) {
                value = "$";
            } else {
                value = env.get(m.group(1));
                if (value == null) {
                    problems.add("variable ${" + m.group(1) + "} is not defined in .env");
                    value = "";
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.trim();
            if (!line.isEmpty() && !line.startsWith("#") && line.contains("=")) {
                env.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim());
            }
        }
        return env;
    }

    /** Flink's view of config.yaml: nested keys joined with dots. */
    private static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, node.asText());
        }
    }

    private Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(in.pom().getBytes(StandardCharsets.UTF_8)));
    }

    private static String xpath(Document doc, String expr) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expr, doc).trim();
    }

    private void expect(String what, String actual, String expected) {
        if (expected == null || !expected.equals(actual)) {
            problems.add(what + " is " + actual + ", expected " + expected);
        }
    }
}
