package io.schemashift.backfill.internal;

import io.schemashift.rewriter.Dialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.StringJoiner;

/**
 * A condition on the key columns with {@code ?} placeholders, and which key value goes into each
 * placeholder. Composite keys compare lexicographically: PostgreSQL gets a row-value comparison
 * {@code (k1, k2) > (?, ?)}; MariaDB and H2 get the expanded form led by {@code k1 >= ?}, which
 * their optimizers turn into an index range scan.
 *
 * @param sql the condition, parenthesized
 * @param positions for each placeholder, the index of the key value that binds to it
 */
public record KeyCondition(String sql, int[] positions) {

    /** Binds {@code key} from parameter {@code index}; returns the next free parameter index. */
    public int bind(PreparedStatement ps, int index, List<?> key) throws SQLException {
        for (int p : positions) {
            ps.setObject(index++, key.get(p));
        }
        return index;
    }

    /** {@code key > ?}. */
    public static KeyCondition greater(Dialect dialect, List<String> cols) {
        return compare(dialect, cols, ">", false);
    }

    /** {@code key <= ?}. */
    public static KeyCondition atMost(Dialect dialect, List<String> cols) {
        return compare(dialect, cols, "<", true);
    }

    /** {@code key = ?}. */
    public static KeyCondition equal(List<String> cols) {
        StringJoiner sql = new StringJoiner(" AND ", "(", ")");
        int[] positions = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            sql.add(cols.get(i) + " = ?");
            positions[i] = i;
        }
        return new KeyCondition(sql.toString(), positions);
    }

    private static KeyCondition compare(Dialect dialect, List<String> cols, String strict, boolean orEqual) {
        int n = cols.size();
        String op = strict + (orEqual ? "=" : "");
        if (n == 1) {
            return new KeyCondition("(" + cols.get(0) + " " + op + " ?)", new int[] {0});
        }
        if (dialect == Dialect.POSTGRESQL) {
            int[] positions = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = i;
            }
            return new KeyCondition(
                    "((" + String.join(", ", cols) + ") " + op + " (" + "?, ".repeat(n - 1) + "?))", positions);
        }
        // k1 op= ? AND (k1 strict ? OR (k1 = ? AND k2 strict ?) OR … [OR (all equal) when orEqual])
        StringBuilder sql = new StringBuilder("(")
                .append(cols.get(0))
                .append(' ')
                .append(strict)
                .append("= ? AND (");
        java.util.List<Integer> pos = new java.util.ArrayList<>();
        pos.add(0);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(cols.get(j)).append(" = ? AND ");
                pos.add(j);
            }
            sql.append(cols.get(i)).append(' ').append(strict).append(" ?)");
            pos.add(i);
        }
        if (orEqual) {
            sql.append(" OR (");
            for (int j = 0; j < n; j++) {
                sql.append(j > 0 ? " AND " : "").append(cols.get(j)).append(" = ?");
                pos.add(j);
            }
            sql.append(')');
        }
        sql.append("))");
        return new KeyCondition(
                sql.toString(), pos.stream().mapToInt(Integer::intValue).toArray());
    }
}
