package io.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML object with its dotted path, read with typed getters that fail with the full key and the
 * bad value ({@code kafka.transactionTimeout: expected a duration like 10s, 5m or 1h, got "ten"}).
 * Unknown keys are refused too ({@link #allowOnly}), so a typo never silently falls back to a default.
 */
final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String path;
    private final JsonNode node;

    ConfigNode(String path, JsonNode node) {
        this.path = path;
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        if (!this.node.isMissingNode() && !this.node.isObject()) {
            throw new ConfigException(name() + ": expected a mapping of keys, got " + this.node);
        }
    }

    String path() {
        return path;
    }

    JsonNode raw() {
        return node;
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    String key(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String name() {
        return path.isEmpty() ? "(top level)" : path;
    }

    ConfigNode child(String key) {
        return new ConfigNode(key(key), node.get(key));
    }

    void allowOnly(Set<String> keys) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new ConfigException(key(k) + ": unknown key (known here: " + String.join(", ", keys) + ")");
            }
        }
    }

    String string(String key, String def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(key(key) + ": expected a string, got " + v);
        }
        return v.asText();
    }

    String nonEmpty(String key, String def) {
        String s = string(key, def);
        if (s == null || s.isBlank()) {
            throw new ConfigException(key(key) + ": must not be empty, got \"" + (s == null ? "" : s) + "\"");
        }
        return s.trim();
    }

    boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String s = v.asText().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key(key) + ": expected true or false, got " + v);
    }

    long integer(String key, long def, long min, long max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        long x;
        if (v.isIntegralNumber()) {
            x = v.longValue();
        } else if (v.isTextual()) {
            try {
                x = Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key(key) + ": expected an integer, got \"" + v.asText() + "\"");
            }
        } else {
            throw new ConfigException(key(key) + ": expected an integer, got " + v);
        }
        if (x < min || x > max) {
            throw new ConfigException(key(key) + ": must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    double number(String key, double def, double min, double max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        double x;
        if (v.isNumber()) {
            x = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                x = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key(key) + ": expected a number, got \"" + v.asText() + "\"");
            }
        } else {
            throw new ConfigException(key(key) + ": expected a number, got " + v);
        }
        if (!(x >= min && x <= max)) {
            throw new ConfigException(key(key) + ": must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    Duration duration(String key, Duration def, Duration min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        Duration d = parseDuration(key(key), v.asText());
        if (d.compareTo(min) < 0) {
            throw new ConfigException(key(key) + ": must be at least " + min + ", got " + v.asText());
        }
        return d;
    }

    static Duration parseDuration(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new ConfigException(key + ": expected a duration like 10s, 5m, 1h or PT10S, got \"" + text + "\"");
            }
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new ConfigException(key + ": expected a duration like 500ms, 10s, 5m, 1h or 7d, got \"" + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        String norm = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new ConfigException(key(key) + ": expected one of " + names + ", got \"" + s + "\"");
    }

    List<String> stringList(String key, List<String> def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode() || e.asText().isBlank()) {
                    throw new ConfigException(key(key) + ": expected a list of non-empty strings, got " + v);
                }
                out.add(e.asText().trim());
            }
        } else if (v.isValueNode() && !v.asText().isBlank()) {
            for (String s : v.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            throw new ConfigException(key(key) + ": expected a string or a list of strings, got " + v);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key(key) + ": must name at least one entry, got " + v);
        }
        return List.copyOf(out);
    }

    Map<String, String> stringMap(String key) {
        JsonNode v = node.get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new ConfigException(key(key) + ": expected a mapping of strings, got " + v);
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new ConfigException(key(key) + "." + e.getKey() + ": expected a plain value, got "
                        + (JobSpec.KafkaSpec.secret(e.getKey()) ? "(a secret's value, not shown)" : e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
