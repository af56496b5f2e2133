package io.vigil.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vigil.config.JobSpec.LimitsSpec;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetter.Reason;
import io.vigil.model.InputPoint;
import io.vigil.model.RawRecord;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates one input record of the data contract. Never throws on bad input: every
 * failure becomes a {@link DeadLetter} with a reason and a detail naming the field, so a bad record
 * can neither fail the job nor vanish.
 *
 * <p>Accepted: a JSON object with {@code series} (non-empty string), {@code ts} (epoch millis as an
 * integer, or ISO-8601: an instant, a date-time with offset, or a local date-time read as UTC),
 * and either {@code value} (a finite number) or {@code values} (an object of finite numbers), plus
 * optional {@code tags} (an object of scalars, kept as strings). Unknown top-level keys are
 * ignored, so producers can add fields without breaking the job.
 */
public final class PointParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Earliest and latest accepted event times: years 1 to 9999. */
    private static final long MIN_TS = -62135596800000L;
    private static final long MAX_TS = 253402300799999L;

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]");

    private final LimitsSpec limits;
    private transient JsonFactory factory;

    public PointParser(LimitsSpec limits) {
        this.limits = limits;
    }

    /** The outcome: exactly one of {@code point} and {@code deadLetter} is set. */
    public record Result(InputPoint point, DeadLetter deadLetter) {
        public boolean ok() {
            return point != null;
        }
    }

    private JsonFactory factory() {
        if (factory == null) {
            factory = JsonFactory.builder()
                    // NaN and Infinity literals parse, so they are reported as non-finite values, not as syntax errors
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(Math.max(1024, limits.maxPayloadBytes()))
                            .maxNumberLength(400)
                            .build())
                    .build();
        }
        return factory;
    }

    /** Parses one raw record. */
    public Result parse(RawRecord raw) {
        byte[] p = raw.payload();
        if (p.length > limits.maxPayloadBytes()) {
            // the dead letter keeps the first maxPayloadBytes: a whole multi-megabyte record could
            // exceed the dead-letter topic's own size limit and fail the job it is meant to protect
            return new Result(null, new DeadLetter(Reason.PAYLOAD_TOO_LARGE, p.length + " bytes > limits.maxPayloadBytes "
                    + limits.maxPayloadBytes() + "; the payload here is its first " + limits.maxPayloadBytes() + " bytes",
                    raw.topic(), raw.partition(), raw.offset(), java.util.Arrays.copyOf(p, limits.maxPayloadBytes())));
        }
        if (p.length == 0) {
            return fail(raw, Reason.MALFORMED_JSON, "empty payload");
        }
        try (JsonParser jp = factory().createParser(p)) {
            if (jp.nextToken() != JsonToken.START_OBJECT) {
                return fail(raw, Reason.NOT_AN_OBJECT, "top level is not a JSON object");
            }
            String series = null;
            boolean hasTs = false;
            long ts = 0;
            Double value = null;
            List<String> fields = null;
            List<Double> values = null;
            Map<String, String> tags = Map.of();
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String key = jp.currentName();
                JsonToken t = jp.nextToken();
                switch (key) {
                    case "series" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return fail(raw, Reason.INVALID_SERIES, "series must be a string, got " + t);
                        }
                        series = jp.getText();
                    }
                    case "ts" -> {
                        Long parsed = timestamp(jp, t);
                        if (parsed == null) {
                            return fail(raw, Reason.INVALID_TS, "ts must be epoch millis or ISO-8601, got "
                                    + clip(t.isScalarValue() ? jp.getText() : t.toString()));
                        }
                        hasTs = true;
                        ts = parsed;
                    }
                    case "value" -> {
                        if (!t.isNumeric()) {
                            if (t == JsonToken.VALUE_STRING && isNonFiniteWord(jp.getText())) {
                                return fail(raw, Reason.NON_FINITE_VALUE, "value is " + jp.getText());
                            }
                            return fail(raw, Reason.INVALID_VALUE, "value must be a number, got " + describe(jp, t));
                        }
                        value = jp.getDoubleValue();
                    }
                    case "values" -> {
                        if (t != JsonToken.START_OBJECT) {
                            return fail(raw, Reason.INVALID_VALUE, "values must be an object of numbers, got " + describe(jp, t));
                        }
                        fields = new ArrayList<>();
                        values = new ArrayList<>();
                        while (jp.nextToken() == JsonToken.FIELD_NAME) {
                            String f = jp.currentName();
                            JsonToken vt = jp.nextToken();
                            if (!vt.isNumeric()) {
                                if (vt == JsonToken.VALUE_STRING && isNonFiniteWord(jp.getText())) {
                                    return fail(raw, Reason.NON_FINITE_VALUE, "values." + clip(f) + " is " + jp.getText());
                                }
                                return fail(raw, Reason.INVALID_VALUE, "values." + clip(f) + " must be a number, got "
                                        + describe(jp, vt));
                            }
                            if (fields.size() >= limits.maxFields()) {
                                return fail(raw, Reason.TOO_MANY_FIELDS, "more than limits.maxFields " + limits.maxFields()
                                        + " fields");
                            }
                            if (f.isEmpty() || fields.contains(f)) {
                                return fail(raw, Reason.INVALID_VALUE, "values has an empty or duplicated field name \""
                                        + clip(f) + "\"");
                            }
                            fields.add(f);
                            values.add(jp.getDoubleValue());
                        }
                    }
                    case "tags" -> {
                        if (t != JsonToken.START_OBJECT) {
                            return fail(raw, Reason.INVALID_TAGS, "tags must be an object of strings, got " + describe(jp, t));
                        }
                        Map<String, String> m = new LinkedHashMap<>();
                        while (jp.nextToken() == JsonToken.FIELD_NAME) {
                            String tk = jp.currentName();
                            JsonToken tv = jp.nextToken();
                            if (!tv.isScalarValue()) {
                                return fail(raw, Reason.INVALID_TAGS, "tags." + clip(tk) + " must be a scalar");
                            }
                            if (m.size() >= limits.maxTags()) {
                                return fail(raw, Reason.INVALID_TAGS, "more than limits.maxTags " + limits.maxTags() + " tags");
                            }
                            m.put(tk, jp.getText());
                        }
                        tags = m;
                    }
                    default -> jp.skipChildren();
                }
            }
            if (jp.currentToken() != JsonToken.END_OBJECT || jp.nextToken() != null) {
                return fail(raw, Reason.MALFORMED_JSON, "trailing content after the JSON object");
            }
            if (series == null) {
                return fail(raw, Reason.MISSING_SERIES, "no \"series\"");
            }
            if (series.isBlank()) {
                return fail(raw, Reason.INVALID_SERIES, "series is empty");
            }
            if (series.length() > limits.maxSeriesLength()) {
                return fail(raw, Reason.INVALID_SERIES, "series id of " + series.length()
                        + " characters > limits.maxSeriesLength " + limits.maxSeriesLength());
            }
            for (int i = 0; i < series.length(); i++) {
                if (Character.isISOControl(series.charAt(i))) {
                    return fail(raw, Reason.INVALID_SERIES, "series contains a control character");
                }
            }
            if (!hasTs) {
                return fail(raw, Reason.MISSING_TS, "no \"ts\"");
            }
            long skew = limits.maxFutureSkew().toMillis();
            if (skew > 0 && ts > System.currentTimeMillis() + skew) {
                return fail(raw, Reason.INVALID_TS, "ts " + java.time.Instant.ofEpochMilli(ts)
                        + " is more than limits.maxFutureSkew (" + limits.maxFutureSkew() + ") ahead of the clock");
            }
            if (value != null && fields != null) {
                return fail(raw, Reason.INVALID_VALUE, "both \"value\" and \"values\" given");
            }
            if (value == null && (fields == null || fields.isEmpty())) {
                return fail(raw, Reason.MISSING_VALUE, "no \"value\" and no non-empty \"values\"");
            }
            InputPoint point;
            if (value != null) {
                point = InputPoint.of(series, ts, value, tags);
            } else {
                double[] v = new double[values.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = values.get(i);
                }
                point = new InputPoint(series, ts, fields.toArray(new String[0]), v, tags);
            }
            String[] f = point.fields();
            double[] v = point.values();
            for (int i = 0; i < v.length; i++) {
                String name = point.univariate() ? "value" : "values." + clip(f[i]);
                if (!Double.isFinite(v[i])) {
                    return fail(raw, Reason.NON_FINITE_VALUE, name + " is " + v[i]);
                }
                if (v[i] < limits.minValue() || v[i] > limits.maxValue()) {
                    return fail(raw, Reason.OUT_OF_RANGE, name + " = " + v[i] + " outside [limits.minValue "
                            + limits.minValue() + ", limits.maxValue " + limits.maxValue() + "]");
                }
            }
            return new Result(point, null);
        } catch (JsonProcessingException e) {
            return fail(raw, Reason.MALFORMED_JSON, clip(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            // invalid UTF-8 and similar decoding failures surface as IOExceptions or CharConversionExceptions
            return fail(raw, Reason.MALFORMED_JSON, clip(String.valueOf(e.getMessage())));
        }
    }

    private static Long timestamp(JsonParser jp, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (jp.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return null;
            }
            long v = jp.getLongValue();
            return v >= MIN_TS && v <= MAX_TS ? v : null;
        }
        if (t == JsonToken.VALUE_STRING) {
            return parseTimestamp(jp.getText());
        }
        return null;
    }

    /**
     * Parses a timestamp text: epoch millis, an ISO-8601 instant ({@code 2026-12-03T18:00:00Z}), a
     * date-time with offset, a local date-time (read as UTC; {@code T} or a space), or a date.
     * Returns null when it is none of these or outside years 1–9999.
     */
    public static Long parseTimestamp(String s) {
        String text = s.trim();
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        try {
            long v;
            if (text.chars().allMatch(c -> c >= '0' && c <= '9') || (text.startsWith("-") && text.length() > 1
                    && text.substring(1).chars().allMatch(c -> c >= '0' && c <= '9'))) {
                v = Long.parseLong(text);
            } else if (text.endsWith("Z") || text.endsWith("z")) {
                v = Instant.parse(text.toUpperCase()).toEpochMilli();
            } else if (text.length() > 10 && (text.lastIndexOf('+') > 9 || text.lastIndexOf('-') > 9)) {
                v = OffsetDateTime.parse(text.replace(' ', 'T')).toInstant().toEpochMilli();
            } else if (text.length() == 10) {
                v = LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            } else {
                v = LocalDateTime.parse(text, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            return v >= MIN_TS && v <= MAX_TS ? v : null;
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static boolean isNonFiniteWord(String s) {
        String t = s.trim().toLowerCase();
        return t.equals("nan") || t.equals("infinity") || t.equals("-infinity") || t.equals("+infinity")
                || t.equals("inf") || t.equals("-inf");
    }

    private static String describe(JsonParser jp, JsonToken t) throws IOException {
        return t.isScalarValue() ? t.name().toLowerCase().replace("value_", "") + " " + clip(jp.getText()) : t.toString();
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    private static Result fail(RawRecord raw, Reason reason, String detail) {
        return new Result(null, new DeadLetter(reason, detail, raw.topic(), raw.partition(), raw.offset(), raw.payload()));
    }
}
