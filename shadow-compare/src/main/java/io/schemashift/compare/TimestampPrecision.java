package io.schemashift.compare;

import java.time.temporal.ChronoUnit;

/** The finest time unit that counts when date-time values are compared; finer digits are truncated on both sides. */
public enum TimestampPrecision {
    SECONDS(ChronoUnit.SECONDS),
    MILLIS(ChronoUnit.MILLIS),
    MICROS(ChronoUnit.MICROS),
    NANOS(ChronoUnit.NANOS);

    private final ChronoUnit unit;

    TimestampPrecision(ChronoUnit unit) {
        this.unit = unit;
    }

    ChronoUnit unit() {
        return unit;
    }
}
