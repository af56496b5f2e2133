package io.vigil.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** One-line, human-readable rendering of the records on Vigil's topics. */
public final class AnomalyFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnomalyFormat() {}

    /** One line for a record of an anomaly, dead-letter or other topic. */
    public static String format(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (Exception e) {
            return text;
        }
        if (n == null || !n.isObject()) {
            return text;
        }
        if (n.has("severity") && n.has("expected")) {
            StringBuilder d = new StringBuilder();
            Iterator<Map.Entry<String, JsonNode>> it = n.path("detectors").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                d.append(d.length() == 0 ? "" : " ").append(e.getKey()).append('=')
                        .append(String.format(Locale.ROOT, "%.4f", e.getValue().asDouble()));
            }
            String field = n.path("field").asText();
            if ("closed".equals(n.path("status").asText())) {
                return String.format(Locale.ROOT, "%-8s %s  %s%s  %s %s to %s, %d point(s), peak %s (expected %s) score %.5f",
                        "RESOLVED", n.path("end").asText(), n.path("series").asText(),
                        "value".equals(field) ? "" : "." + field, n.path("kind").asText(), n.path("start").asText(),
                        n.path("end").asText(), n.path("points").asInt(), num(n.path("value")),
                        num(n.path("expected")), n.path("score").asDouble());
            }
            return String.format(Locale.ROOT, "%-8s %s  %s%s  value %s  expected %s  band [%s, %s]  %s score %.5f  %s",
                    n.path("severity").asText().toUpperCase(Locale.ROOT), n.path("ts").asText(),
                    n.path("series").asText(), "value".equals(field) ? "" : "." + field,
                    num(n.path("value")), num(n.path("expected")), num(n.path("lower")), num(n.path("upper")),
                    n.path("direction").asText(), n.path("score").asDouble(), d);
        }
        if (n.has("reason") && n.has("offset")) {
            return String.format(Locale.ROOT, "DEAD     %s/%d/%d  %s: %s  payload %s", n.path("topic").asText(),
                    n.path("partition").asInt(), n.path("offset").asLong(), n.path("reason").asText(),
                    n.path("detail").asText(), clip(n.has("payload") ? n.path("payload").asText()
                            : "(base64) " + n.path("payloadBase64").asText()));
        }
        return text;
    }

    private static String num(JsonNode v) {
        if (v.isNull() || v.isMissingNode()) {
            return "-";
        }
        double x = v.asDouble();
        return Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-2 && x != 0)
                ? String.format(Locale.ROOT, "%.4g", x) : String.format(Locale.ROOT, "%.2f", x);
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
