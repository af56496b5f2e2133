package io.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.JobSpec;
import io.vigil.model.DeadLetter.Reason;
import io.vigil.model.InputPoint;
import io.vigil.model.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PointParserTest {

    private final PointParser parser = new PointParser(JobSpec.parse("limits: {minValue: -1000, maxValue: 1000, maxFields: 3, maxSeriesLength: 24}").limits());

    private PointParser.Result parse(String json) {
        return parser.parse(new RawRecord("metrics", 2, 17, -1, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsesUnivariateWithIsoTimestampAndTags() {
        PointParser.Result r = parse("{\"series\":\"plant-7/boiler-3/temp\",\"ts\":\"2026-12-03T18:00:00Z\",\"value\":71.3,"
                + "\"tags\":{\"site\":\"north\",\"rack\":4},\"extra\":{\"ignored\":[1,2]}}");
        assertThat(r.ok()).isTrue();
        InputPoint p = r.point();
        assertThat(p.series()).isEqualTo("plant-7/boiler-3/temp");
        assertThat(p.ts()).isEqualTo(Instant.parse("2026-12-03T18:00:00Z").toEpochMilli());
        assertThat(p.univariate()).isTrue();
        assertThat(p.values()).containsExactly(71.3);
        assertThat(p.tags()).containsEntry("site", "north").containsEntry("rack", "4");
    }

    @Test
    void parsesMultivariateWithEpochMillis() {
        PointParser.Result r = parse("{\"series\":\"hotel-42\",\"ts\":1764784800000,\"values\":{\"price_usd\":120.0,\"booking_window\":14}}");
        assertThat(r.ok()).isTrue();
        assertThat(r.point().ts()).isEqualTo(1764784800000L);
        assertThat(r.point().fields()).containsExactly("price_usd", "booking_window");
        assertThat(r.point().values()).containsExactly(120.0, 14.0);
    }

    @Test
    void acceptsOffsetAndLocalTimestamps() {
        assertThat(PointParser.parseTimestamp("2026-12-03T19:00:00+01:00")).isEqualTo(Instant.parse("2026-12-03T18:00:00Z").toEpochMilli());
        assertThat(PointParser.parseTimestamp("2014-04-01 00:05:00")).isEqualTo(Instant.parse("2014-04-01T00:05:00Z").toEpochMilli());
        assertThat(PointParser.parseTimestamp("1986-01-01")).isEqualTo(Instant.parse("1986-01-01T00:00:00Z").toEpochMilli());
        assertThat(PointParser.parseTimestamp("soon")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated                 | {\"series\":\"a\",\"ts\":1,\"val                 | MALFORMED_JSON",
        "empty                     | ''                                            | MALFORMED_JSON",
        "trailing garbage          | {\"series\":\"a\",\"ts\":1,\"value\":1} x      | MALFORMED_JSON",
        "array                     | [1,2,3]                                       | NOT_AN_OBJECT",
        "number                    | 42                                            | NOT_AN_OBJECT",
        "no series                 | {\"ts\":1,\"value\":1}                        | MISSING_SERIES",
        "series not a string       | {\"series\":7,\"ts\":1,\"value\":1}           | INVALID_SERIES",
        "empty series              | {\"series\":\" \",\"ts\":1,\"value\":1}       | INVALID_SERIES",
        "series too long           | {\"series\":\"aaaaaaaaaaaaaaaaaaaaaaaaa\",\"ts\":1,\"value\":1} | INVALID_SERIES",
        "no ts                     | {\"series\":\"a\",\"value\":1}                | MISSING_TS",
        "bad ts text               | {\"series\":\"a\",\"ts\":\"yesterday\",\"value\":1} | INVALID_TS",
        "ts beyond year 9999       | {\"series\":\"a\",\"ts\":99999999999999999,\"value\":1} | INVALID_TS",
        "ts as float               | {\"series\":\"a\",\"ts\":1.5,\"value\":1}     | INVALID_TS",
        "no value                  | {\"series\":\"a\",\"ts\":1}                   | MISSING_VALUE",
        "value string              | {\"series\":\"a\",\"ts\":1,\"value\":\"12\"}  | INVALID_VALUE",
        "value and values          | {\"series\":\"a\",\"ts\":1,\"value\":1,\"values\":{\"x\":1}} | INVALID_VALUE",
        "values not numbers        | {\"series\":\"a\",\"ts\":1,\"values\":{\"x\":true}} | INVALID_VALUE",
        "NaN literal               | {\"series\":\"a\",\"ts\":1,\"value\":NaN}     | NON_FINITE_VALUE",
        "Infinity literal          | {\"series\":\"a\",\"ts\":1,\"value\":-Infinity} | NON_FINITE_VALUE",
        "NaN string                | {\"series\":\"a\",\"ts\":1,\"value\":\"NaN\"} | NON_FINITE_VALUE",
        "overflowing number        | {\"series\":\"a\",\"ts\":1,\"value\":1e999}   | NON_FINITE_VALUE",
        "out of range              | {\"series\":\"a\",\"ts\":1,\"value\":1001}    | OUT_OF_RANGE",
        "field out of range        | {\"series\":\"a\",\"ts\":1,\"values\":{\"x\":1,\"y\":-5000}} | OUT_OF_RANGE",
        "too many fields           | {\"series\":\"a\",\"ts\":1,\"values\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4}} | TOO_MANY_FIELDS",
        "tags not object           | {\"series\":\"a\",\"ts\":1,\"value\":1,\"tags\":[1]} | INVALID_TAGS",
    })
    void badInputBecomesADeadLetterWithItsReason(String name, String json, Reason reason) {
        PointParser.Result r = parse(json);
        assertThat(r.ok()).as(name).isFalse();
        assertThat(r.deadLetter().reason()).as(name + ": " + r.deadLetter().detail()).isEqualTo(reason);
        assertThat(r.deadLetter().detail()).isNotBlank();
        assertThat(r.deadLetter().topic()).isEqualTo("metrics");
        assertThat(r.deadLetter().partition()).isEqualTo(2);
        assertThat(r.deadLetter().offset()).isEqualTo(17);
        assertThat(new String(r.deadLetter().payload(), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void invalidUtf8AndDeepNestingAndHugePayloadsAreDeadLetters() {
        byte[] invalid = {'{', '"', 's', 'e', 'r', 'i', 'e', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        PointParser.Result r = parser.parse(new RawRecord("t", 0, 0, -1, invalid));
        assertThat(r.deadLetter().reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(r.deadLetter().payload()).isEqualTo(invalid);

        String deep = "{\"series\":\"a\",\"ts\":1,\"value\":1,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(parser.parse(new RawRecord("t", 0, 0, -1, deep.getBytes(StandardCharsets.UTF_8))).deadLetter().reason())
                .isIn(Reason.MALFORMED_JSON, Reason.PAYLOAD_TOO_LARGE);

        byte[] huge = new byte[200_000];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThat(parser.parse(new RawRecord("t", 0, 0, -1, huge)).deadLetter().reason()).isEqualTo(Reason.PAYLOAD_TOO_LARGE);
    }

    @Test
    void outputJsonRoundTripsThroughTheParser() {
        InputPoint p = new InputPoint("s/1", 1764784800123L, new String[] {"a", "b"}, new double[] {1.5, -2}, java.util.Map.of("k", "v"));
        PointParser.Result r = parser.parse(new RawRecord("t", 0, 0, -1, EventJson.point(p)));
        assertThat(r.point()).isEqualTo(p);
    }

    @Test
    void timestampsTooFarAheadOfTheClockAreRefusedSoTheyCannotDragTheWatermark() {
        long inTwoDays = System.currentTimeMillis() + 2 * 86_400_000L;
        PointParser.Result r = parser.parse(new RawRecord("t", 0, 7, -1,
                ("{\"series\":\"s\",\"ts\":" + inTwoDays + ",\"value\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(r.ok()).isFalse();
        assertThat(r.deadLetter().reason()).isEqualTo(io.vigil.model.DeadLetter.Reason.INVALID_TS);
        assertThat(r.deadLetter().detail()).contains("limits.maxFutureSkew");
        long inAnHour = System.currentTimeMillis() + 3_600_000L;
        assertThat(parser.parse(new RawRecord("t", 0, 8, -1,
                ("{\"series\":\"s\",\"ts\":" + inAnHour + ",\"value\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8))).ok())
                .isTrue();
        PointParser open = new PointParser(JobSpec.parse("limits: {maxFutureSkew: 0s}").limits());
        assertThat(open.parse(new RawRecord("t", 0, 9, -1,
                ("{\"series\":\"s\",\"ts\":" + inTwoDays + ",\"value\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8))).ok())
                .isTrue();
    }
}
