package io.vigil.model;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One observation of one series: a univariate point has the single field {@code "value"}, a
 * multivariate point one entry per field of its {@code values} object. Field names and values are
 * parallel arrays (not a map) so that the per-event path iterates without boxing or hashing.
 *
 * @param series series id (also the Kafka record key and the Flink key)
 * @param ts event time, epoch milliseconds
 * @param fields field names, never empty
 * @param values finite values, parallel to {@code fields}
 * @param tags optional string tags passed through to the output, never null
 */
public record InputPoint(String series, long ts, String[] fields, double[] values, Map<String, String> tags) {

    /** The field name of univariate points. */
    public static final String VALUE = "value";

    private static final String[] VALUE_FIELDS = {VALUE};

    public InputPoint {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(values, "values");
        if (fields.length != values.length) {
            throw new IllegalArgumentException("fields and values differ in length");
        }
        tags = tags == null ? Map.of() : tags;
    }

    /** A univariate point without tags. */
    public static InputPoint of(String series, long ts, double value) {
        return new InputPoint(series, ts, VALUE_FIELDS, new double[] {value}, Map.of());
    }

    /** A univariate point with tags. */
    public static InputPoint of(String series, long ts, double value, Map<String, String> tags) {
        return new InputPoint(series, ts, VALUE_FIELDS, new double[] {value}, tags);
    }

    /** Whether the point came as {@code "value"} rather than a {@code "values"} object. */
    public boolean univariate() {
        return fields.length == 1 && VALUE.equals(fields[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputPoint p
                && ts == p.ts
                && series.equals(p.series)
                && Arrays.equals(fields, p.fields)
                && Arrays.equals(values, p.values)
                && tags.equals(p.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(series, ts, Arrays.hashCode(fields), Arrays.hashCode(values), tags);
    }

    @Override
    public String toString() {
        return "InputPoint[" + series + " @" + ts + " " + Arrays.toString(fields) + "=" + Arrays.toString(values) + "]";
    }
}
