package io.schemashift.mirror;

import io.schemashift.rewriter.KeptAlike;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.RoundedValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the values a write gives columns whose two types round a value apart ({@link
 * RoundedValues}) fit what both types keep alike, so that both sides store them the same. A value
 * whose kind is not known here (a stream, a driver's own object) does not: its write is recorded.
 */
public final class KeptValues {

    /** A time of day in a string: its fractional seconds, if any, in group 1. */
    private static final Pattern TIME = Pattern.compile("\\d{1,2}:\\d{2}:\\d{2}(?:\\.(\\d{1,9}))?");

    /** What may follow a time of day in a string that keeps it at UTC: nothing or UTC's offset, then the quote's end. */
    private static final Pattern UTC_AFTER_TIME =
            Pattern.compile("\\s*(?:(?:Z|UTC|GMT|[+-]00(?::?00)?)\\s*)?(?:'.*)?", Pattern.CASE_INSENSITIVE);

    /** A date alone, or at midnight. */
    private static final Pattern WHOLE_DAY = Pattern.compile("\\s*\\d{4}-\\d{2}-\\d{2}(?:[ T]00:00:00(?:\\.0*)?)?\\s*");

    private static final long[] NANOS_PER_DIGIT = {
        1_000_000_000L, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L, 1_000L, 100L, 10L, 1L
    };

    /** A value not known (a parameter the application did not bind): no measure fits it. */
    private static final Object UNKNOWN = new Object();

    private KeptValues() {}

    /**
     * The instant an execution binds for {@code now()} and the current-time defaults it writes: the
     * clock's in microseconds, or in the fractional second digits both types keep alike of each
     * column of {@code rounded} it is written to ({@code null}: none), so that both sides store the
     * one instant alike. A {@code DATETIME} beside a {@code DATETIME(6)} stores whole seconds on
     * both while both are kept, as the narrower column would anyway.
     */
    public static Timestamp capturedNow(RoundedValues rounded) {
        int digits = 6;
        if (rounded != null) {
            for (List<ParamSource> row : rounded.rows()) {
                for (int i = 0; i < row.size(); i++) {
                    KeptAlike kept = rounded.kept().get(i);
                    if (row.get(i) instanceof ParamSource.Now
                            && (kept.measure() == KeptAlike.Measure.SECOND_FRACTIONS
                                    || kept.measure() == KeptAlike.Measure.UTC_WALL_CLOCK)) {
                        digits = Math.min(digits, kept.digits());
                    }
                }
            }
        }
        Instant now = Instant.now();
        return Timestamp.from(now.minusNanos(now.getNano() % NANOS_PER_DIGIT[digits]));
    }

    /**
     * Whether judging the values of {@code rounded} ({@code null}: none) needs the session's time
     * zone ({@link KeptAlike.Measure#UTC_WALL_CLOCK}).
     */
    public static boolean readsTheTimeZone(RoundedValues rounded) {
        if (rounded != null) {
            for (KeptAlike kept : rounded.kept()) {
                if (kept.measure() == KeptAlike.Measure.UTC_WALL_CLOCK) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether every value of {@code rounded} ({@code null}: none) fits, for each of {@code entries}
     * (a batch's, or the one set of parameters).
     *
     * @param now the instant the execution captured, for {@link ParamSource.Now}
     * @param utcSession the session's time zone is UTC (asked only where {@link #readsTheTimeZone})
     */
    public static boolean allKept(RoundedValues rounded, List<Params> entries, Timestamp now, boolean utcSession) {
        if (rounded == null) {
            return true;
        }
        for (Params entry : entries) {
            for (List<ParamSource> row : rounded.rows()) {
                for (int i = 0; i < row.size(); i++) {
                    if (!kept(rounded.kept().get(i), value(row.get(i), entry, now), utcSession)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static Object value(ParamSource source, Params entry, Timestamp now) {
        if (source instanceof ParamSource.Bound b) {
            return entry == null ? UNKNOWN : entry.value(b.index());
        }
        if (source instanceof ParamSource.Literal l) {
            return RowKey.literal(l);
        }
        return source instanceof ParamSource.Now ? now : UNKNOWN;
    }

    /**
     * Whether both types store the literal {@code sqlText} alike (a constant default as the
     * database reports it, a string quoted; its time zone, if any, is in its text).
     */
    public static boolean keptLiteral(KeptAlike kept, String sqlText) {
        return kept(kept, RowKey.literal(new ParamSource.Literal(sqlText)), true);
    }

    /**
     * Whether both types store {@code value} alike ({@code NULL} always), written in a session
     * whose time zone is UTC or not ({@code utcSession}).
     */
    static boolean kept(KeptAlike kept, Object value, boolean utcSession) {
        if (value == null) {
            return true;
        }
        return switch (kept.measure()) {
            case DECIMALS -> {
                BigDecimal d = decimal(value);
                yield d != null && d.stripTrailingZeros().scale() <= kept.digits();
            }
            case SECOND_FRACTIONS -> fractionsKept(kept.digits(), value);
            case UTC_WALL_CLOCK -> utcSession && fractionsKept(kept.digits(), value) && withoutOwnOffset(value);
            case WHOLE_DAYS -> wholeDay(value);
            case NOTHING -> false;
            case FITTING -> true; // a value cut or clamped to fit is judged by its warnings (AdjustedValues)
        };
    }

    private static boolean fractionsKept(int digits, Object value) {
        long nanos = nanos(value);
        return nanos >= 0 && nanos % NANOS_PER_DIGIT[Math.min(digits, 9)] == 0;
    }

    /**
     * Whether {@code value}, written in a UTC session, reaches a time or timestamp and one with
     * time zone as one UTC wall clock: a {@code java.time} value (the database converts it in the
     * session's zone) but an {@link OffsetTime} at another offset than UTC's (a time without zone
     * keeps its wall clock, dropping the offset), a {@link java.util.Date} while the JVM's zone is
     * at UTC's offset (JDBC drivers send it in the JVM's zone), a string without an offset of its
     * own but UTC's (one without time zone drops the offset, the other applies it).
     */
    private static boolean withoutOwnOffset(Object value) {
        if (value instanceof OffsetTime t) {
            return t.getOffset().getTotalSeconds() == 0;
        }
        if (value instanceof java.util.Date d) {
            return ZoneId.systemDefault()
                            .getRules()
                            .getOffset(Instant.ofEpochMilli(d.getTime()))
                            .getTotalSeconds()
                    == 0;
        }
        if (value instanceof String s) {
            Matcher time = TIME.matcher(s);
            return time.find()
                    ? UTC_AFTER_TIME.matcher(s).region(time.end(), s.length()).matches()
                    : WHOLE_DAY.matcher(s).matches();
        }
        return value instanceof TemporalAccessor;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
        }
        if (value instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    /** The fractional seconds of a time value, in nanoseconds; -1 when not known. */
    private static long nanos(Object value) {
        if (value instanceof Timestamp t) {
            return t.getNanos();
        }
        if (value instanceof java.util.Date d) { // java.sql.Date and Time too: milliseconds
            return Math.floorMod(d.getTime(), 1000L) * 1_000_000L;
        }
        if (value instanceof TemporalAccessor t && t.isSupported(ChronoField.NANO_OF_SECOND)) {
            return t.get(ChronoField.NANO_OF_SECOND); // java.time's times, date-times and instants
        }
        if (value instanceof LocalDate) {
            return 0;
        }
        if (value instanceof String s) {
            Matcher m = TIME.matcher(s);
            if (m.find()) {
                String fraction = m.group(1) == null ? "" : m.group(1);
                return Long.parseLong((fraction + "000000000").substring(0, 9));
            }
            return WHOLE_DAY.matcher(s).matches() ? 0 : -1;
        }
        return -1;
    }

    private static boolean wholeDay(Object value) {
        if (value instanceof LocalDate || value instanceof java.sql.Date) {
            return true;
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime().toLocalTime().equals(LocalTime.MIDNIGHT);
        }
        if (value instanceof LocalDateTime t) {
            return t.toLocalTime().equals(LocalTime.MIDNIGHT);
        }
        return value instanceof String s && WHOLE_DAY.matcher(s).matches();
    }
}
