package io.vigil.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that deploy and stop a job, over {@code java.net.http}: the
 * same API a managed cluster, a docker compose cluster or the local cluster of
 * {@code ./vigil cluster start} exposes, so one client serves all of them.
 *
 * <ul>
 *   <li>{@code POST /jars/upload} (multipart, field {@code jarfile}) and {@code POST /jars/:id/run}
 *       ({@code entryClass}, {@code programArgsList}, {@code savepointPath},
 *       {@code allowNonRestoredState}): the JobManager runs the jar's {@code main()} and submits what
 *       it builds; {@code DELETE /jars/:id} afterwards, since the submitted job keeps its own copy;
 *   <li>{@code POST /jobs/:id/stop} and {@code GET /jobs/:id/savepoints/:trigger}: stop with a
 *       savepoint, polled until the savepoint is complete;
 *   <li>{@code GET /overview}, {@code /jobs/overview}, {@code /jobs/:id}: state for status output and waits.
 * </ul>
 *
 * <p>A request the cluster refuses throws {@link RestException} with the cluster's own explanation
 * (the innermost cause of the stack trace Flink sends back), not just the status code.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");

    /** A job as {@code /jobs/overview} lists it. */
    public record JobSummary(String id, String name, String state, long startTime) {
        /** Whether the job can still run (not finished, cancelled or failed). */
        public boolean active() {
            return !TERMINAL.contains(state);
        }
    }

    /** The cluster refused a request, or answered with something other than what was asked. */
    public static final class RestException extends ClusterException {
        private static final long serialVersionUID = 1L;

        RestException(String message) {
            super(message);
        }

        RestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI base;
    private final HttpClient http;

    /** A client of the REST endpoint at {@code baseUrl}, e.g. {@code http://localhost:8081}. */
    public FlinkRestClient(String baseUrl) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        // HTTP/1.1: Flink's endpoint does not speak HTTP/2, and an h2c upgrade header on a POST only adds risk
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The endpoint this client talks to. */
    public String baseUrl() {
        return base.toString();
    }

    /** {@code GET path} as JSON. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    /** {@code GET /overview}: TaskManagers, slots, jobs by state, Flink version. */
    public JsonNode overview() {
        return get("/overview");
    }

    /** Whether the endpoint answers {@code /overview} right now. */
    public boolean reachable() {
        try {
            overview();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every job the cluster knows (running and recently ended), newest first as Flink lists them. */
    public List<JobSummary> jobs() {
        List<JobSummary> out = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            out.add(new JobSummary(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
                    j.path("start-time").asLong()));
        }
        return out;
    }

    /** The state of one job ({@code CREATED}, {@code RUNNING}, {@code RESTARTING}, {@code FAILED}, ...). */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Uploads a jar, runs its {@code main} in the JobManager with {@code args}, and deletes the
     * uploaded jar again (the submitted job has its own copy in the blob store).
     *
     * @param parallelism   the job's default parallelism, or null for the REST API's default, which is 1
     *                      (the JobManager's {@code parallelism.default} does not apply to /jars/:id/run)
     * @param savepointPath savepoint or retained checkpoint to start from, or null
     * @return the id of the job the program submitted
     */
    public String deploy(Path jar, String entryClass, List<String> args, Integer parallelism, String savepointPath,
            boolean allowNonRestoredState) {
        String jarId = uploadJar(jar);
        try {
            return runJar(jarId, entryClass, args, parallelism, savepointPath, allowNonRestoredState);
        } finally {
            deleteJar(jarId);
        }
    }

    /** {@code POST /jars/upload}: returns the jar id the cluster assigned. */
    public String uploadJar(Path jar) {
        String boundary = "vigil-" + UUID.randomUUID();
        byte[] body;
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 1024,
                    Files.size(jar) + 1024));
            buf.writeBytes(("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            buf.writeBytes(Files.readAllBytes(jar));
            buf.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            body = buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        // one array with a known length: Flink's upload handler then gets a plain Content-Length request
        JsonNode r = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "/jars/upload");
        String file = r.path("filename").asText();
        if (!"success".equals(r.path("status").asText()) || file.isEmpty()) {
            throw new RestException("jar upload to " + base + " did not succeed: " + r);
        }
        // the id is the stored file's name, e.g. 3f1c..._vigil-0.1.0-SNAPSHOT.jar
        return Path.of(file).getFileName().toString();
    }

    /** {@code POST /jars/:id/run}: runs the program's {@code main} in the JobManager; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> args, Integer parallelism,
            String savepointPath, boolean allowNonRestoredState) {
        ObjectNode req = JSON.createObjectNode();
        if (entryClass != null) {
            req.put("entryClass", entryClass);
        }
        req.putPOJO("programArgsList", args);
        if (parallelism != null) {
            req.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            req.put("savepointPath", savepointPath);
            req.put("allowNonRestoredState", allowNonRestoredState);
        }
        String path = "/jars/" + enc(jarId) + "/run";
        JsonNode r = post(path, req, Duration.ofMinutes(3));
        String jobId = r.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new RestException("running jar " + jarId + " returned no job id: " + r);
        }
        return jobId;
    }

    /** {@code DELETE /jars/:id}; a jar that is already gone is not an error. */
    public void deleteJar(String jarId) {
        try {
            send(HttpRequest.newBuilder(uri("/jars/" + enc(jarId))).DELETE(), "/jars/" + jarId);
        } catch (RestException e) {
            // nothing to clean up then; the job (if any) was submitted with its own copy
        }
    }

    /**
     * Stops a job with a savepoint ({@code POST /jobs/:id/stop}) and waits until the savepoint is
     * written.
     *
     * @param targetDirectory where the savepoint goes; null for the cluster's
     *                        {@code execution.checkpointing.savepoint-dir}
     * @param drain           emit MAX_WATERMARK first (ends event-time windows; not for an upgrade)
     * @return the savepoint's location, to pass to {@link #deploy} as {@code savepointPath}
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain, Duration timeout) {
        ObjectNode req = JSON.createObjectNode();
        if (targetDirectory != null) {
            req.put("targetDirectory", targetDirectory);
        }
        req.put("drain", drain);
        req.put("formatType", "CANONICAL");
        String trigger = post("/jobs/" + jobId + "/stop", req, Duration.ofSeconds(30)).path("request-id").asText();
        if (trigger.isEmpty()) {
            throw new RestException("stopping job " + jobId + " returned no trigger id");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode r = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(r.path("status").path("id").asText())) {
                JsonNode op = r.path("operation");
                if (op.hasNonNull("location")) {
                    return op.path("location").asText();
                }
                throw new RestException("stop-with-savepoint of job " + jobId + " failed: "
                        + innermostCause(op.path("failure-cause").path("stack-trace").asText(op.toString())));
            }
            if (System.nanoTime() > deadline) {
                throw new RestException("stop-with-savepoint of job " + jobId + " not complete after " + timeout
                        + " (trigger " + trigger + " still " + r.path("status").path("id").asText() + ")");
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /**
     * Waits until a job is {@code RUNNING}, or has ended; returns the state seen last. A job that
     * failed comes with its root exception in {@link #rootException(String)}.
     */
    public String awaitRunning(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state;
        do {
            state = get("/jobs/" + jobId).path("state").asText();
            if ("RUNNING".equals(state) || TERMINAL.contains(state)) {
                return state;
            }
            sleep(Duration.ofMillis(300));
        } while (System.nanoTime() < deadline);
        return state;
    }

    /** The newest exception of a job's exception history, one line, if there is one. */
    public Optional<String> rootException(String jobId) {
        JsonNode entries = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        if (!entries.isArray() || entries.isEmpty()) {
            return Optional.empty();
        }
        JsonNode e = entries.get(0);
        return Optional.of(innermostCause(e.path("stacktrace").asText(e.path("exceptionName").asText())));
    }

    private JsonNode post(String path, JsonNode body, Duration timeout) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new RestException("no Flink REST endpoint at " + base + " (connection refused): is the cluster "
                    + "running? (./vigil cluster status)", e);
        } catch (IOException e) {
            throw new RestException(what + " at " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("interrupted during " + what, e);
        }
        JsonNode json;
        try {
            json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RestException(what + " at " + base + " answered HTTP " + r.statusCode() + " with non-JSON: "
                    + abbreviate(r.body()));
        }
        if (r.statusCode() / 100 != 2) {
            List<String> errors = new ArrayList<>();
            json.path("errors").forEach(e -> errors.add(innermostCause(e.asText())));
            throw new RestException(what + " at " + base + " failed (HTTP " + r.statusCode() + "): "
                    + (errors.isEmpty() ? abbreviate(r.body()) : String.join("; ", errors)));
        }
        return json;
    }

    /**
     * The line of a Java stack trace that explains it: the last {@code Caused by:}, else the first
     * line. Flink returns whole traces in error bodies; a user needs the innermost cause.
     */
    static String innermostCause(String trace) {
        String first = null;
        String cause = null;
        for (String line : trace.split("\n")) {
            String l = line.strip();
            if (first == null && !l.isEmpty()) {
                first = l;
            }
            if (l.startsWith("Caused by: ")) {
                cause = l.substring("Caused by: ".length());
            }
        }
        String s = cause != null ? cause : first != null ? first : trace;
        return abbreviate(s);
    }

    private static String abbreviate(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("interrupted", e);
        }
    }
}
