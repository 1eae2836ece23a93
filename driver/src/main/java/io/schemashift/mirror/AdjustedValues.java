package io.schemashift.mirror;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a write stored other than it was given, as the database said so with a warning only:
 * MariaDB outside strict mode (or a write with {@code IGNORE}) cuts a string to its column's length,
 * clamps a number to its type's range, stores a zero date for a bad one or the column's implicit
 * default for a {@code NULL}, and rounds a number to its column's scale (a note). Where the old and
 * the new column differ, one write then stores a value on one side and another on the other, and
 * only the warnings tell: the two statements' adjustments are compared. PostgreSQL and H2 fail such
 * a write (and round without a word, which {@link KeptValues} judges).
 */
public final class AdjustedValues {

    /**
     * One value a statement stored other than it was given.
     *
     * @param code MariaDB's warning code
     * @param row the statement's row it names, 0 when none
     * @param column the column it names as the statement's side names it; {@code null} when none
     */
    public record Adjustment(int code, long row, String column) {}

    /** MariaDB's warning codes for a value changed to fit its column. */
    private static final Set<Integer> CODES = Set.of(
            1048, // ER_BAD_NULL_ERROR: NULL into a NOT NULL column, stored as its implicit default
            1263, // ER_WARN_NULL_TO_NOTNULL
            1264, // ER_WARN_DATA_OUT_OF_RANGE: a number clamped to its type
            1265, // WARN_DATA_TRUNCATED
            1292, // ER_TRUNCATED_WRONG_VALUE: a bad date stored as zero
            1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
            1406, // ER_DATA_TOO_LONG, a warning under IGNORE
            1916, // ER_DATA_OVERFLOW
            1917, // ER_DATA_TRUNCATED
            1918); // ER_BAD_DATA

    /**
     * How many warnings of a statement MariaDB keeps by default ({@code max_error_count}): a list
     * that long may have lost the rest, which could be the ones that differ.
     */
    private static final int KEPT_AT_MOST = 64;

    private static final Pattern ROW = Pattern.compile(" at row (\\d+)$");

    /**
     * The column a warning names: {@code 'name'}, or {@code `db`.`table`.`name`}. The last such
     * name in the message: a value quoted before it may hold anything.
     */
    private static final Pattern COLUMN = Pattern.compile("(?i)column [`'](?:[^`']*[`']\\.[`'])*([^`']*)[`']");

    private AdjustedValues() {}

    /**
     * The adjustments of the last statement {@code connection} ran; empty when none, {@code null}
     * when they could not be read, or not all of them ({@link #KEPT_AT_MOST}). MariaDB's driver
     * keeps the count of the last statement's warnings and asks for them only when there are some:
     * nothing is sent for a write that stored what it was given.
     */
    public static List<Adjustment> ofLastStatement(Connection connection, Dialect dialect) {
        if (dialect != Dialect.MARIADB) {
            return List.of();
        }
        try {
            SQLWarning first = connection.getWarnings();
            if (first == null) {
                return List.of();
            }
            List<Adjustment> adjusted = new ArrayList<>();
            int warnings = 0;
            for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
                warnings++;
                if (CODES.contains(w.getErrorCode())) {
                    adjusted.add(of(w.getErrorCode(), String.valueOf(w.getMessage())));
                }
            }
            return warnings >= KEPT_AT_MOST ? null : adjusted;
        } catch (SQLException unreadable) {
            return null;
        }
    }

    /** The adjustment a warning of {@code code} saying {@code message} tells. */
    static Adjustment of(int code, String message) {
        Matcher row = ROW.matcher(message);
        String column = null;
        for (Matcher named = COLUMN.matcher(message); named.find(); ) {
            column = named.group(1);
        }
        return new Adjustment(code, row.find() ? Long.parseLong(row.group(1)) : 0, column);
    }

    /**
     * Whether the two statements of a mirrored write may have stored different values: their
     * adjustments differ in code or row, or one side's could not be read; or both adjusted a value
     * of a column whose two types differ (each cut or clamped it to its own length or range), or
     * one the warning does not name. Two columns of one type adjust a value alike (a note for each
     * side's rounding to the same scale, a cut to the same length). {@code tables} are the
     * statement's mapped tables (old names), whose columns the primary's warnings name.
     */
    public static boolean apart(
            List<Adjustment> primary, List<Adjustment> mirror, Mapping mapping, Set<String> tables) {
        if (primary == null || mirror == null || primary.size() != mirror.size()) {
            return true;
        }
        for (int i = 0; i < primary.size(); i++) {
            Adjustment p = primary.get(i);
            Adjustment m = mirror.get(i);
            if (p.code() != m.code()
                    || p.row() != m.row()
                    || p.column() == null
                    || typedApart(p.column(), mapping, tables)) {
                return true;
            }
        }
        return false;
    }

    private static boolean typedApart(String column, Mapping mapping, Set<String> tables) {
        for (String table : tables) {
            if (mapping.table(table).map(t -> t.typedApart(column)).orElse(false)) {
                return true;
            }
        }
        return false;
    }
}
