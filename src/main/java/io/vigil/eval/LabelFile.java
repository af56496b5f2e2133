package io.vigil.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.io.PointParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anomaly windows in the Numenta Anomaly Benchmark's format: a JSON object from a file's relative
 * path to a list of {@code [start, end]} timestamp pairs (any timestamp {@link
 * PointParser#parseTimestamp} reads, e.g. {@code "2014-04-10 07:15:00.000000"}).
 *
 * <p>Looking a file up ({@link #windowsFor}) accepts the key as written, or a key that matches the
 * file's relative path on whole path segments from the end — so {@code nab/labels.json} keyed by
 * {@code realKnownCause/nyc_taxi.csv} serves a run over {@code nab/} or over
 * {@code nab/realKnownCause/}, and {@code catfish_planted.csv} serves a run over that one file.
 */
public final class LabelFile {

    private final Path source;
    private final Map<String, List<Window>> windows;

    private LabelFile(Path source, Map<String, List<Window>> windows) {
        this.source = source;
        this.windows = windows;
    }

    /** Reads a windows file; a malformed one fails with the file, key and entry named. */
    public static LabelFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException(file + ": not a JSON labels file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object {\"path.csv\": [[start, end], ...]}");
        }
        Map<String, List<Window>> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = normalize(e.getKey());
            if (!e.getValue().isArray()) {
                throw new IOException(file + ": \"" + e.getKey() + "\": expected a list of [start, end] pairs");
            }
            List<Window> list = new ArrayList<>();
            int i = 0;
            for (JsonNode pair : e.getValue()) {
                if (!pair.isArray() || pair.size() != 2) {
                    throw new IOException(file + ": \"" + e.getKey() + "\"[" + i + "]: expected [start, end], got " + pair);
                }
                long start = timestamp(file, e.getKey(), i, pair.get(0));
                long end = timestamp(file, e.getKey(), i, pair.get(1));
                if (end < start) {
                    throw new IOException(file + ": \"" + e.getKey() + "\"[" + i + "]: end " + pair.get(1)
                            + " is before start " + pair.get(0));
                }
                list.add(new Window(start, end));
                i++;
            }
            out.put(key, List.copyOf(list));
        }
        return new LabelFile(file, out);
    }

    private static long timestamp(Path file, String key, int i, JsonNode n) throws IOException {
        Long ts = n.isNumber() ? Long.valueOf(n.asLong()) : n.isTextual() ? PointParser.parseTimestamp(n.asText()) : null;
        if (ts == null) {
            throw new IOException(file + ": \"" + key + "\"[" + i + "]: bad timestamp " + n);
        }
        return ts;
    }

    private static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p.startsWith("/") ? p.substring(1) : p;
    }

    /** The file this came from. */
    public Path source() {
        return source;
    }

    /** Number of keys (files) in the labels file. */
    public int size() {
        return windows.size();
    }

    /**
     * The windows of a file given by its path relative to the backtest input, or empty when the
     * labels file does not name it. An exact key wins; else the unique key that matches on whole
     * trailing path segments (one is a suffix of the other at a '/').
     */
    public Optional<List<Window>> windowsFor(String relativePath) {
        String rel = normalize(relativePath);
        List<Window> exact = windows.get(rel);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<Window> found = null;
        for (Map.Entry<String, List<Window>> e : windows.entrySet()) {
            String k = e.getKey();
            if (segmentSuffix(k, rel) || segmentSuffix(rel, k)) {
                if (found != null) {
                    return Optional.empty(); // ambiguous: better no labels than the wrong ones
                }
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean segmentSuffix(String longer, String shorter) {
        return longer.endsWith(shorter)
                && (longer.length() == shorter.length() || longer.charAt(longer.length() - shorter.length() - 1) == '/');
    }
}
