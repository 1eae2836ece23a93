package io.schemashift.mirror;

import io.schemashift.rewriter.Dialect;
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

    private static final Pattern ROW = Pattern.compile(" at row (\\d+)$");

    private AdjustedValues() {}

    /**
     * The adjustments of the last statement {@code connection} ran, each as its code and row (the
     * column is left out: the mapping may rename it); empty when none, {@code null} when they could
     * not be read. MariaDB's driver keeps the count of the last statement's warnings and asks for
     * them only when there are some: nothing is sent for a write that stored what it was given.
     */
    public static List<String> ofLastStatement(Connection connection, Dialect dialect) {
        if (dialect != Dialect.MARIADB) {
            return List.of();
        }
        try {
            SQLWarning first = connection.getWarnings();
            if (first == null) {
                return List.of();
            }
            List<String> adjusted = new ArrayList<>();
            for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
                if (CODES.contains(w.getErrorCode())) {
                    Matcher row = ROW.matcher(String.valueOf(w.getMessage()));
                    adjusted.add(w.getErrorCode() + (row.find() ? "@" + row.group(1) : ""));
                }
            }
            return adjusted;
        } catch (SQLException unreadable) {
            return null;
        }
    }

    /**
     * Whether the two statements of a mirrored write may have stored different values: their
     * adjustments ({@link #ofLastStatement}) differ, or one side's could not be read. Two columns
     * of one type adjust a value alike (a note for each side's rounding to the same scale); so
     * do two of different lengths that both cut it, unless the lengths differ too, which the
     * warnings cannot tell.
     */
    public static boolean apart(List<String> primary, List<String> mirror) {
        return primary == null || mirror == null || !primary.equals(mirror);
    }
}
