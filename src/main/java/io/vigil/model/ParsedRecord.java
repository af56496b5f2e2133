package io.vigil.model;

/**
 * A parsed point still carrying its source record, between parsing and the lateness check: a point
 * found too late for the watermark goes to the dead letters with its original bytes.
 *
 * @param point the parsed point
 * @param raw the record it came from
 */
public record ParsedRecord(InputPoint point, RawRecord raw) {}
