package io.vigil.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.DeadLetter;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * JSON encodings of the data contract's output records (UTF-8). Timestamps are written as
 * ISO-8601 instants; non-finite numbers (a bound during cold start) as {@code null}.
 */
public final class EventJson {

    private static final JsonFactory JSON = new JsonFactory();

    private EventJson() {}

    /** An anomaly event. */
    public static byte[] anomaly(AnomalyEvent e) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("series", e.series());
            g.writeStringField("ts", iso(e.ts()));
            g.writeStringField("field", e.field());
            number(g, "value", e.value());
            number(g, "expected", e.expected());
            number(g, "lower", e.lower());
            number(g, "upper", e.upper());
            number(g, "score", e.score());
            g.writeStringField("severity", e.severity());
            g.writeStringField("direction", e.direction());
            number(g, "importance", e.importance());
            g.writeObjectFieldStart("detectors");
            for (Map.Entry<String, Double> d : e.detectors().entrySet()) {
                number(g, d.getKey(), d.getValue());
            }
            g.writeEndObject();
            g.writeStringField("kind", e.kind());
            g.writeStringField("start", iso(e.start()));
            g.writeStringField("end", iso(e.end()));
            g.writeStringField("status", e.status());
            g.writeNumberField("points", e.points());
            number(g, "corrected", e.corrected());
            g.writeStringField("explanation", e.explanation());
            g.writeNumberField("modelVersion", e.modelVersion());
            tags(g, e.tags());
            g.writeEndObject();
        });
    }

    /**
     * A dead letter: the reason, the source coordinates, and the payload — as a string when it is
     * valid UTF-8, else base64 under {@code payloadBase64}, so no byte is lost either way.
     */
    public static byte[] deadLetter(DeadLetter d) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("reason", d.reason().name());
            g.writeStringField("detail", d.detail());
            g.writeStringField("topic", d.topic());
            g.writeNumberField("partition", d.partition());
            g.writeNumberField("offset", d.offset());
            String text = utf8(d.payload());
            if (text != null) {
                g.writeStringField("payload", text);
            } else {
                g.writeStringField("payloadBase64", Base64.getEncoder().encodeToString(d.payload()));
            }
            g.writeEndObject();
        });
    }

    /** A point of the cleaned stream: the input format with anomalous values replaced by their correction. */
    public static byte[] cleaned(ScoredPoint p) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("series", p.series());
            g.writeStringField("ts", iso(p.ts()));
            boolean univariate = p.fields().size() == 1 && InputPoint.VALUE.equals(p.fields().get(0).field());
            if (univariate) {
                number(g, "value", p.fields().get(0).corrected());
            } else {
                g.writeObjectFieldStart("values");
                for (FieldScore f : p.fields()) {
                    number(g, f.field(), f.corrected());
                }
                g.writeEndObject();
            }
            g.writeArrayFieldStart("corrected");
            for (FieldScore f : p.fields()) {
                if (f.anomaly()) {
                    g.writeString(f.field());
                }
            }
            g.writeEndArray();
            tags(g, p.tags());
            g.writeEndObject();
        });
    }

    /** An input point in the data contract's format (used by {@code publish} and tests). */
    public static byte[] point(InputPoint p) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("series", p.series());
            g.writeStringField("ts", iso(p.ts()));
            if (p.univariate()) {
                inputNumber(g, "value", p.values()[0]);
            } else {
                g.writeObjectFieldStart("values");
                for (int i = 0; i < p.fields().length; i++) {
                    inputNumber(g, p.fields()[i], p.values()[i]);
                }
                g.writeEndObject();
            }
            tags(g, p.tags());
            g.writeEndObject();
        });
    }

    /** ISO-8601 instant of epoch millis. */
    public static String iso(long ts) {
        return Instant.ofEpochMilli(ts).toString();
    }

    private static void tags(JsonGenerator g, Map<String, String> tags) throws IOException {
        if (!tags.isEmpty()) {
            g.writeObjectFieldStart("tags");
            for (Map.Entry<String, String> t : tags.entrySet()) {
                g.writeStringField(t.getKey(), t.getValue());
            }
            g.writeEndObject();
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    /**
     * An input value as a producer would send it: a non-finite one (a CSV's {@code NaN}) as the
     * string {@code "NaN"}/{@code "Infinity"}, so the parser rejects it as {@code NON_FINITE_VALUE}
     * rather than as a missing number. Output events never carry non-finite values this way.
     */
    private static void inputNumber(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeStringField(name, Double.toString(v));
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
