package io.schemashift.backfill.internal;

import io.schemashift.rewriter.Dialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The half-open key range {@code (lower, upper]} as a WHERE clause; a missing bound is open.
 * Every statement that reads a range is built from one of these, so backfill and verify agree on
 * which rows a range holds.
 */
public final class KeyRange {

    private final KeyCondition greater;
    private final KeyCondition atMost;

    public KeyRange(Dialect dialect, List<String> keyColumns) {
        this.greater = KeyCondition.greater(dialect, keyColumns);
        this.atMost = KeyCondition.atMost(dialect, keyColumns);
    }

    /** {@code " WHERE …"} for the given bounds, or {@code ""} when both are open. */
    public String where(boolean hasLower, boolean hasUpper) {
        if (hasLower && hasUpper) {
            return " WHERE " + greater.sql() + " AND " + atMost.sql();
        }
        if (hasLower) {
            return " WHERE " + greater.sql();
        }
        return hasUpper ? " WHERE " + atMost.sql() : "";
    }

    /** Binds the non-null bounds from parameter {@code index}; returns the next free index. */
    public int bind(PreparedStatement ps, int index, List<?> lower, List<?> upper) throws SQLException {
        if (lower != null) {
            index = greater.bind(ps, index, lower);
        }
        if (upper != null) {
            index = atMost.bind(ps, index, upper);
        }
        return index;
    }
}
