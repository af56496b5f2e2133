package io.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment variables in job-spec values: {@code ${NAME}} or {@code ${NAME:-default}} anywhere in
 * a string value is replaced by the variable, so secrets (SASL passwords, JAAS configs, truststore
 * passwords) stay out of files checked into {@code jobs/}. Values are substituted after YAML parsing,
 * inside string values only, so a variable's content can never change the spec's structure. A
 * variable that is not set and has no default fails the spec with the key and the variable's name —
 * never its value.
 */
final class EnvSubstitution {

    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {}

    /** Substitutes in place every string value of the tree. */
    static void apply(JsonNode node, String path, Map<String, String> env) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getValue().isTextual()) {
                    e.setValue(new TextNode(substitute(e.getValue().asText(), key, env)));
                } else {
                    apply(e.getValue(), key, env);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                String key = path + "[" + i + "]";
                if (a.get(i).isTextual()) {
                    a.set(i, new TextNode(substitute(a.get(i).asText(), key, env)));
                } else {
                    apply(a.get(i), key, env);
                }
            }
        }
    }

    static String substitute(String value, String key, Map<String, String> env) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw new ConfigException(key + ": environment variable " + m.group(1)
                        + " is not set (referenced as ${" + m.group(1) + "}; give a default with ${"
                        + m.group(1) + ":-value})");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
