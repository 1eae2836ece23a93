package io.schemashift.backfill.internal;

import io.schemashift.rewriter.Dialect;
import java.sql.Types;

/**
 * Turns a column value into canonical text on the server, so that both sides of a migration
 * hash the same value to the same text even when the column type changed: numbers without
 * trailing zeros ({@code 5.50} and {@code 5.5000} are {@code 5.5}; {@code 5.00} is {@code 5}),
 * booleans as {@code 1}/{@code 0}, timestamps as {@code yyyy-MM-dd HH:mm:ss.ffffff} (time zones
 * in UTC; a date beside a timestamp as its midnight), times as {@code HH:mm:ss.ffffff} (time zones
 * in UTC), binary as hex, CHAR without trailing blanks (and text beside a CHAR too: the padding
 * is not data), PostgreSQL {@code json} (and text beside a {@code json} or {@code jsonb}) as
 * {@code jsonb} writes it (keys in order, one blank after each {@code :} and {@code ,}), a
 * double beside a single-precision float as the float it rounds to (the old side cannot tell
 * more digits apart), text as-is (on PostgreSQL cast to {@code text}: an enum, which pgjdbc
 * reports as text, as its label). NULL stays NULL.
 */
final class Normalizer {

    private Normalizer() {}

    /**
     * @param type the column's type on this side
     * @param other the type of the column it is compared with on the other side
     */
    static String text(Dialect d, String expr, ColumnInfo type, ColumnInfo other) {
        String e = expr;
        return switch (type.kind()) {
            case TEXT ->
                other.kind() == ColumnInfo.Kind.CHAR
                        ? "RTRIM(" + e + ")"
                        : d == Dialect.POSTGRESQL && json(other)
                                ? asJsonb(e)
                                : d == Dialect.POSTGRESQL ? cast(d, e) : e;
            case DATE ->
                other.kind() == ColumnInfo.Kind.TIMESTAMP || other.kind() == ColumnInfo.Kind.TIMESTAMP_TZ
                        ? timestamp(d, e, false)
                        : cast(d, e);
            case TIME, TIME_TZ -> time(d, e, type.kind() == ColumnInfo.Kind.TIME_TZ);
            case FLOAT -> cast(d, widens(other, type) ? narrowed(d, e) : e);
            case OTHER -> d == Dialect.POSTGRESQL && type.typeName().equals("json") ? asJsonb(e) : cast(d, e);
            case BOOLEAN -> d == Dialect.MARIADB ? "CAST((" + e + ") + 0 AS CHAR)" : cast(d, "CAST(" + e + " AS INT)");
            case DECIMAL ->
                d == Dialect.POSTGRESQL ? "trim_scale(CAST(" + e + " AS numeric))::text" : trimZeros(cast(d, e));
            case TIMESTAMP, TIMESTAMP_TZ -> timestamp(d, e, type.kind() == ColumnInfo.Kind.TIMESTAMP_TZ);
            case CHAR -> "RTRIM(" + cast(d, e) + ")";
            case BINARY ->
                switch (d) {
                    case POSTGRESQL -> "encode(" + e + ", 'hex')";
                    case MARIADB -> "LOWER(HEX(" + e + "))";
                    case H2 -> "LOWER(RAWTOHEX(" + e + "))";
                };
            default -> cast(d, e);
        };
    }

    /** PostgreSQL: whether the column is {@code json} or {@code jsonb}. */
    private static boolean json(ColumnInfo type) {
        return type.typeName().equals("json") || type.typeName().equals("jsonb");
    }

    /** PostgreSQL: JSON text as {@code jsonb} spells it (keys ordered, one blank after each {@code :} and {@code ,}). */
    private static String asJsonb(String e) {
        return "CAST(CAST(" + e + " AS jsonb) AS text)";
    }

    /** Whether {@code single} is a single-precision float beside a wider float {@code other}. */
    static boolean widens(ColumnInfo single, ColumnInfo other) {
        return single.jdbcType() == Types.REAL
                && other.kind() == ColumnInfo.Kind.FLOAT
                && other.jdbcType() != Types.REAL;
    }

    /**
     * A single-precision float as the double its decimal text spells ({@code 0.1}), not as its
     * binary value widened ({@code 0.10000000149011612}): the number the application wrote. On
     * MariaDB, whose {@code FLOAT} text keeps six significant digits, the binary value.
     */
    static String widened(Dialect d, String e) {
        return switch (d) {
            case POSTGRESQL -> "CAST(CAST(" + e + " AS text) AS double precision)";
            case MARIADB -> e;
            case H2 -> "CAST(CAST(" + e + " AS VARCHAR) AS DOUBLE PRECISION)";
        };
    }

    /** A double as the single-precision float it rounds to: what a single beside it can hold. */
    private static String narrowed(Dialect d, String e) {
        return "CAST(" + e + " AS " + (d == Dialect.MARIADB ? "FLOAT" : "REAL") + ")";
    }

    private static String cast(Dialect d, String e) {
        return switch (d) {
            case POSTGRESQL -> "CAST(" + e + " AS text)";
            case MARIADB -> "CAST(" + e + " AS CHAR)";
            case H2 -> "CAST(" + e + " AS VARCHAR)";
        };
    }

    /** {@code 5.500 → 5.5}, {@code 5.000 → 5}; text without a decimal point is left alone. */
    private static String trimZeros(String s) {
        return "CASE WHEN " + s + " LIKE '%.%' THEN TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + s + ")) ELSE " + s
                + " END";
    }

    private static String time(Dialect d, String e, boolean withZone) {
        return switch (d) {
            case POSTGRESQL ->
                "to_char(" + (withZone ? "((" + e + ") AT TIME ZONE 'UTC')::time" : e) + ", 'HH24:MI:SS.US')";
            case MARIADB -> "TIME_FORMAT(" + e + ", '%H:%i:%s.%f')";
            case H2 -> "FORMATDATETIME(" + e + ", 'HH:mm:ss.SSSSSS'" + (withZone ? ", 'en', 'UTC'" : "") + ")";
        };
    }

    private static String timestamp(Dialect d, String e, boolean withZone) {
        return switch (d) {
            case POSTGRESQL ->
                "to_char(" + (withZone ? "(" + e + ") AT TIME ZONE 'UTC'" : e) + ", 'YYYY-MM-DD HH24:MI:SS.US')";
            case MARIADB -> "DATE_FORMAT(" + e + ", '%Y-%m-%d %H:%i:%s.%f')";
            case H2 ->
                "FORMATDATETIME(" + e + ", 'yyyy-MM-dd HH:mm:ss.SSSSSS'" + (withZone ? ", 'en', 'UTC'" : "") + ")";
        };
    }
}
