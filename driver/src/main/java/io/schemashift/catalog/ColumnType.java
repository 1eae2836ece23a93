package io.schemashift.catalog;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeptAlike;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column's type as JDBC metadata reports it, and whether a value written to two columns is
 * stored alike. The driver records the writes that set a mapped column whose types store values
 * apart ({@link io.schemashift.rewriter.TableMapping.ComputedBy#EACH_TABLE_ROUNDING}); {@code
 * schemashift doctor} warns about the column before the migration.
 *
 * @param jdbcType {@code DATA_TYPE}, a {@link Types} constant
 * @param name {@code TYPE_NAME}
 * @param size {@code COLUMN_SIZE}
 * @param digits {@code DECIMAL_DIGITS}, {@code null} when the database reports none (PostgreSQL's
 *     unconstrained {@code numeric}; MariaDB's fractional seconds, which its size gives)
 */
public record ColumnType(int jdbcType, String name, int size, Integer digits) {

    /** What a type does to a written value. */
    private enum Kind {
        EXACT,
        FLOAT,
        DATE,
        TIME,
        /** A time with time zone: a time of day at an offset, the session's unless the value gives one. */
        ZONED_TIME,
        TIMESTAMP,
        /** A timestamp with time zone: an instant, shown in the session's zone. */
        ZONED_TIMESTAMP,
        PADDED_TEXT,
        TEXT,
        OTHER
    }

    /** An integer, PostgreSQL's default in quotes ({@code '-3'::integer}, the cast dropped). */
    private static final Pattern INTEGER = Pattern.compile("(-?\\d{1,18})|'(-?\\d{1,18})'");

    /** A string literal: quotes doubled inside, no backslash (MariaDB may read one as an escape). */
    private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|'')*'");

    /** The type names {@link #castType} casts to, as the three databases report them. */
    private static final Set<String> ROUNDING_NAMES = Set.of(
            "numeric",
            "decimal",
            "date",
            "time",
            "timetz",
            "time with time zone",
            "timestamp",
            "datetime",
            "timestamptz",
            "timestamp with time zone");

    /** MariaDB reports no fractional digits for its temporal types: its size counts them after these. */
    private static final int MARIADB_DATETIME_CHARS = 19;

    private static final int MARIADB_TIME_CHARS = 10;

    /** The type of the column of one {@code DatabaseMetaData.getColumns} row. */
    public static ColumnType of(ResultSet columnsRow) throws SQLException {
        int digits = columnsRow.getInt("DECIMAL_DIGITS");
        Integer reported = columnsRow.wasNull() ? null : digits;
        return new ColumnType(
                columnsRow.getInt("DATA_TYPE"),
                columnsRow.getString("TYPE_NAME"),
                columnsRow.getInt("COLUMN_SIZE"),
                reported);
    }

    /**
     * Whether a value written to a column of this type and to one of {@code other} may be stored
     * differently: each rounds it to its own numeric scale, fractional seconds or float width,
     * truncates a time to a date, reads a wall clock in the session's time zone for the other's
     * instant, or pads text to its own {@code CHAR} length, or one stores a text as written and the
     * other rounds it ({@link #roundsText}). Sizes aside (a value too long or too large for one side
     * fails there), and so are other types of different families (doctor reports them).
     */
    public boolean storesApartFrom(ColumnType other) {
        Kind k = kind();
        Kind o = other.kind();
        if (k == Kind.OTHER || o == Kind.OTHER) {
            return false;
        }
        if (numeric(k) && numeric(o)) {
            if (k != o) {
                return true; // an exact number and a float
            }
            return k == Kind.EXACT
                    ? scale() != other.scale()
                    : floatBits() != other.floatBits() || !Objects.equals(digits, other.digits);
        }
        if (temporal(k) && temporal(o)) {
            return k != o || fraction() != other.fraction();
        }
        if (text(k) && text(o)) {
            return k != o || (k == Kind.PADDED_TEXT && size != other.size);
        }
        ColumnType typed = besideText(other);
        return typed != null && typed.roundsText();
    }

    /** Of this type and {@code other}, the one that is not text when the other is; {@code null} otherwise. */
    private ColumnType besideText(ColumnType other) {
        if (text(kind()) != text(other.kind())) {
            return text(kind()) ? other : this;
        }
        return null;
    }

    /**
     * Whether a text written to this type may be stored rounded: a number with a scale ({@code
     * '1.005'} into a {@code numeric(10,2)}), a time or timestamp with fewer than 6 fractional
     * digits. A text an integer or a date cannot take fails; one with a time zone is read in the
     * session's (not judged here).
     */
    private boolean roundsText() {
        return switch (kind()) {
            case EXACT -> !isInteger() && scale() != Integer.MAX_VALUE;
            case TIME, TIMESTAMP -> fraction() < 6;
            default -> false;
        };
    }

    /**
     * What this type and {@code other} keep alike of a written value. Of two that {@linkplain
     * #storesApartFrom store values apart}: the decimals both keep of two exact numbers, the
     * fractional second digits of two times or timestamps, whole days of a date and a timestamp, a
     * UTC wall clock of a time or timestamp and one with time zone, the decimals or fractional
     * seconds of the type beside a text that it rounds; nothing otherwise. Of two that
     * differ only in length or range: what fits both ({@link KeptAlike#FITTING}). {@code null} for
     * one type.
     */
    public KeptAlike keptAlikeWith(ColumnType other) {
        if (!storesApartFrom(other)) {
            return equals(other) ? null : KeptAlike.FITTING;
        }
        Kind k = kind();
        Kind o = other.kind();
        if (k == Kind.EXACT && o == Kind.EXACT) {
            return new KeptAlike(KeptAlike.Measure.DECIMALS, Math.min(scale(), other.scale()));
        }
        if (k == o && (k == Kind.TIME || k == Kind.ZONED_TIME || k == Kind.TIMESTAMP || k == Kind.ZONED_TIMESTAMP)) {
            return new KeptAlike(KeptAlike.Measure.SECOND_FRACTIONS, Math.min(fraction(), other.fraction()));
        }
        if ((k == Kind.TIMESTAMP && o == Kind.ZONED_TIMESTAMP)
                || (k == Kind.ZONED_TIMESTAMP && o == Kind.TIMESTAMP)
                || (k == Kind.TIME && o == Kind.ZONED_TIME)
                || (k == Kind.ZONED_TIME && o == Kind.TIME)) {
            return new KeptAlike(KeptAlike.Measure.UTC_WALL_CLOCK, Math.min(fraction(), other.fraction()));
        }
        if ((k == Kind.DATE && o == Kind.TIMESTAMP) || (k == Kind.TIMESTAMP && o == Kind.DATE)) {
            return new KeptAlike(KeptAlike.Measure.WHOLE_DAYS, 0);
        }
        ColumnType typed = besideText(other);
        if (typed != null) {
            return typed.kind() == Kind.EXACT
                    ? new KeptAlike(KeptAlike.Measure.DECIMALS, typed.scale())
                    : new KeptAlike(KeptAlike.Measure.SECOND_FRACTIONS, typed.fraction());
        }
        return KeptAlike.NOTHING;
    }

    /** The type as doctor shows it: its name, with the scale, fractional seconds or length that matter. */
    public String shown() {
        return switch (kind()) {
            case EXACT -> digits == null || isInteger() ? name : name + "(" + size + "," + digits + ")";
            case DATE, TIME, ZONED_TIME, TIMESTAMP, ZONED_TIMESTAMP -> name + "(" + fraction() + ")";
            case PADDED_TEXT -> name + "(" + size + ")";
            default -> name;
        };
    }

    /**
     * This type as {@code dialect} names it in a {@code CAST}, where it rounds or cuts a written
     * value: a number with a scale ({@code numeric(10,2)}), a time or timestamp with its fractional
     * seconds ({@code timestamp(0)}; MariaDB's {@code DATETIME(0)} for its {@code TIMESTAMP} too; H2's
     * {@code TIMESTAMP(3) WITH TIME ZONE}), a date. A cast of a value to it gives what the column
     * stores of it, as each database rounds on assignment (PostgreSQL and H2 to the nearest, MariaDB
     * by cutting, in both). {@code null} for any other type (integers, text, floats: stored as
     * written, or the write fails).
     */
    public String castType(Dialect dialect) {
        if (!ROUNDING_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
            return null; // a domain, MariaDB's YEAR (reported as a date), an unsigned decimal: not cast
        }
        String f = "(" + fraction() + ")";
        return switch (kind()) {
            case EXACT ->
                isInteger() || scale() == Integer.MAX_VALUE // PostgreSQL's bare numeric, H2's DECFLOAT: any
                        ? null
                        : (dialect == Dialect.POSTGRESQL ? "numeric(" : "DECIMAL(") + size + "," + scale() + ")";
            case DATE -> dialect == Dialect.POSTGRESQL ? "date" : "DATE";
            case TIME -> (dialect == Dialect.POSTGRESQL ? "time" : "TIME") + f;
            case ZONED_TIME ->
                switch (dialect) {
                    case POSTGRESQL -> "timetz" + f;
                    case MARIADB -> null;
                    case H2 -> "TIME" + f + " WITH TIME ZONE";
                };
            case TIMESTAMP ->
                switch (dialect) {
                    case POSTGRESQL -> "timestamp" + f;
                    case MARIADB -> "DATETIME" + f;
                    case H2 -> "TIMESTAMP" + f;
                };
            case ZONED_TIMESTAMP ->
                switch (dialect) {
                    case POSTGRESQL -> "timestamptz" + f;
                    case MARIADB -> null;
                    case H2 -> "TIMESTAMP" + f + " WITH TIME ZONE";
                };
            default -> null;
        };
    }

    /**
     * Constant {@code literal} (a default as reported, casts dropped) as a column of this type
     * stores it, written as SQL; {@code null} where the column would not store it as written: an
     * integer of an integer type, a string of a variable-length text type that it fits, nothing
     * else (a number a scale rounds, text a {@code CHAR} pads).
     */
    public String storedAsWritten(String literal) {
        if (kind() == Kind.EXACT && isInteger()) {
            Matcher m = INTEGER.matcher(literal);
            return !m.matches() ? null : m.group(1) != null ? m.group(1) : m.group(2);
        }
        if (kind() == Kind.TEXT && STRING.matcher(literal).matches()) {
            int length = literal.substring(1, literal.length() - 1)
                    .replace("''", "'")
                    .length();
            return size <= 0 || length <= size ? literal : null;
        }
        return null;
    }

    private Kind kind() {
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC, Types.DECIMAL -> Kind.EXACT;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOAT;
            case Types.DATE -> Kind.DATE;
            case Types.TIME -> zonedName() ? Kind.ZONED_TIME : Kind.TIME;
            case Types.TIME_WITH_TIMEZONE -> Kind.ZONED_TIME;
            case Types.TIMESTAMP -> zonedName() ? Kind.ZONED_TIMESTAMP : Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.ZONED_TIMESTAMP;
            case Types.CHAR, Types.NCHAR -> Kind.PADDED_TEXT;
            case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB ->
                Kind.TEXT;
            default -> Kind.OTHER;
        };
    }

    /**
     * Whether this is a time or timestamp with time zone (PostgreSQL reports {@code timetz} and
     * {@code timestamptz} as {@link Types#TIME} and {@link Types#TIMESTAMP}).
     */
    private boolean zonedName() {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("timetz") || n.equals("timestamptz") || n.contains("with time zone");
    }

    private boolean isInteger() {
        return jdbcType != Types.NUMERIC && jdbcType != Types.DECIMAL;
    }

    /** Decimal places kept; {@link Integer#MAX_VALUE} for any (PostgreSQL's bare {@code numeric}, H2's {@code DECFLOAT}). */
    private int scale() {
        if (isInteger()) {
            return 0;
        }
        return digits == null || "DECFLOAT".equalsIgnoreCase(name) ? Integer.MAX_VALUE : digits;
    }

    /** Binary digits of a float's mantissa: 24 for a single, 53 for a double. */
    private int floatBits() {
        return jdbcType == Types.REAL || (jdbcType == Types.FLOAT && size <= 24) ? 24 : 53;
    }

    /** Fractional digits of seconds kept. */
    private int fraction() {
        if (digits != null) {
            return digits;
        }
        int chars = kind() == Kind.TIME ? MARIADB_TIME_CHARS : MARIADB_DATETIME_CHARS;
        return kind() == Kind.DATE || size <= chars ? 0 : size - chars - 1;
    }

    /**
     * Whether this type and {@code other} order their values apart: one holds text, compared
     * character by character ({@code '9' > '50'}), the other numbers or times, compared by value.
     */
    public boolean ordersApartFrom(ColumnType other) {
        Kind k = kind();
        Kind o = other.kind();
        return text(k) ? numeric(o) || temporal(o) : text(o) && (numeric(k) || temporal(k));
    }

    private static boolean numeric(Kind k) {
        return k == Kind.EXACT || k == Kind.FLOAT;
    }

    private static boolean temporal(Kind k) {
        return k == Kind.DATE
                || k == Kind.TIME
                || k == Kind.ZONED_TIME
                || k == Kind.TIMESTAMP
                || k == Kind.ZONED_TIMESTAMP;
    }

    private static boolean text(Kind k) {
        return k == Kind.PADDED_TEXT || k == Kind.TEXT;
    }
}
