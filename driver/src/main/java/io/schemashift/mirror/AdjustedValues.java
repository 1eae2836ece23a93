package io.schemashift.mirror;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Set;

/**
 * Whether a write stored other values than it was given and said so with a warning only: MariaDB
 * outside strict mode (or a write with {@code IGNORE}) cuts a string to its column's length, clamps
 * a number to its type's range, stores a zero date for a bad one or the column's implicit default
 * for a {@code NULL}. Where the old and the new column differ, one write then stores a value on one
 * side and another on the other, and only the warnings tell. PostgreSQL and H2 fail such a write.
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

    private AdjustedValues() {}

    /**
     * Whether the last statement {@code connection} ran adjusted a value it stored. MariaDB's driver
     * keeps the count of the last statement's warnings and asks for them only when there are some.
     * Warnings that cannot be read count as an adjustment: the write is recorded rather than trusted.
     */
    public static boolean byLastStatement(Connection connection, Dialect dialect) {
        if (dialect != Dialect.MARIADB) {
            return false;
        }
        try {
            for (SQLWarning w = connection.getWarnings(); w != null; w = w.getNextWarning()) {
                if (CODES.contains(w.getErrorCode())) {
                    return true;
                }
            }
            return false;
        } catch (SQLException unreadable) {
            return true;
        }
    }
}
