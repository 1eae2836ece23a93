package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.mirror.Params;
import io.schemashift.mirror.RowKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An upsert of a row that the primary holds and the mirror side lacks (not backfilled yet, or
 * lost to an earlier failure) updates the row on the primary and inserts it on the mirror from
 * the statement's values alone, and the backfill then keeps the mirror's row: the two rows differ
 * with no count to show it. So before the primary runs, the rows the upsert names are looked up
 * on the primary, and before the mirror runs, those found are looked up on the mirror side; the
 * entries that write a row found on the first and not on the second are recorded.
 */
final class UpsertGaps {

    private static final String SAVEPOINT = "schemashift_upsert_check";

    private final MigrationContext context;
    private final Rewritten rw;
    private final List<Params> entries;
    /** The statement that finds the named rows in the old table; {@code null}: their keys are not all in the text. */
    private final String oldLookup;
    /** The application's parameters it binds, in order: {@code entry index, parameter index}. */
    private final List<int[]> bound = new ArrayList<>();
    /** The keys found on the primary, encoded; {@code null}: not looked up, or the look-up failed. */
    private Set<String> onPrimary;

    private UpsertGaps(MigrationContext context, Rewritten rw, List<Params> entries) {
        this.context = context;
        this.rw = rw;
        this.entries = entries;
        this.oldLookup = lookup();
    }

    /** Looks up, on {@code primary}'s connection {@code c}, the rows the upsert names; before it runs. */
    static UpsertGaps before(MigrationContext context, Rewritten rw, List<Params> entries, Side primary, Connection c) {
        UpsertGaps gaps = new UpsertGaps(context, rw, entries);
        gaps.onPrimary = gaps.oldLookup == null ? null : gaps.find(c, primary);
        return gaps;
    }

    /**
     * The entries that write a row the primary held and {@code mirror}'s connection {@code c}
     * lacks, looked up now, before the mirror runs; every entry when that cannot be told.
     */
    List<Params> lackedBy(Side mirror, Connection c) {
        if (onPrimary == null) {
            return entries;
        }
        if (onPrimary.isEmpty()) {
            return List.of(); // every row is new: both sides insert the same values
        }
        Set<String> onMirror = find(c, mirror);
        if (onMirror == null) {
            return entries;
        }
        List<Params> lacked = new ArrayList<>();
        for (Params entry : entries) {
            for (RowKey row : RowKey.touchedBy(rw, Collections.singletonList(entry), null)) {
                if (onPrimary.contains(row.key()) && !onMirror.contains(row.key())) {
                    lacked.add(entry);
                    break;
                }
            }
        }
        return lacked;
    }

    /**
     * {@code SELECT <key> FROM <old table> WHERE (<key> = <value>) OR …}: each value a literal of
     * the statement, or a parameter bound as the application bound it; {@code null} when a key is
     * not in the text (a generated one).
     */
    private String lookup() {
        TableMapping table =
                context.config().mapping().table(rw.tables().iterator().next()).orElse(null);
        if (table == null || rw.keys().isEmpty()) {
            return null;
        }
        List<String> key = table.key();
        StringBuilder where = new StringBuilder();
        for (int e = 0; e < entries.size(); e++) {
            for (List<ParamSource> row : rw.keys()) {
                where.append(where.length() == 0 ? "" : " OR ").append('(');
                for (int k = 0; k < key.size(); k++) {
                    where.append(k == 0 ? "" : " AND ").append(key.get(k)).append(" = ");
                    ParamSource s = row.get(k);
                    if (s instanceof ParamSource.Literal l) {
                        where.append(l.sqlText());
                    } else if (s instanceof ParamSource.Bound b && entries.get(e) != null) {
                        where.append('?');
                        bound.add(new int[] {e, b.index()});
                    } else {
                        return null;
                    }
                }
                where.append(')');
            }
        }
        String schema = context.oldSchema();
        return "SELECT " + String.join(", ", key) + " FROM " + (schema == null ? "" : schema + ".") + table.oldName()
                + " WHERE " + where;
    }

    /** The keys of the named rows {@code side} holds, encoded; {@code null} when the look-up failed. */
    private Set<String> find(Connection c, Side side) {
        SideStatement sql;
        if (side == Side.OLD) {
            sql = null;
        } else if (context.rewrite(oldLookup) instanceof Rewritten r) {
            sql = r.newSide();
        } else {
            return null;
        }
        try {
            // PostgreSQL aborts a transaction on a failed statement: a savepoint keeps the application's
            boolean guard = context.dialect() == Dialect.POSTGRESQL && !c.getAutoCommit();
            String text = sql == null ? oldLookup : sql.sql();
            try (PreparedStatement ps = c.prepareStatement(
                    guard ? "SAVEPOINT " + SAVEPOINT + "; " + text + "; RELEASE SAVEPOINT " + SAVEPOINT : text)) {
                bind(ps, sql);
                try {
                    ps.execute();
                    if (guard) {
                        ps.getMoreResults(); // past the SAVEPOINT
                    }
                    return keys(ps.getResultSet());
                } catch (SQLException e) {
                    if (guard) {
                        try (Statement st = c.createStatement()) {
                            st.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                        }
                    }
                    return null;
                }
            }
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /** Binds the application's values: in order on the old side, by the rewrite's parameter sources on the new. */
    private void bind(PreparedStatement ps, SideStatement newSide) throws SQLException {
        if (newSide == null) {
            for (int i = 0; i < bound.size(); i++) {
                entries.get(bound.get(i)[0]).bind(bound.get(i)[1], ps, i + 1);
            }
            return;
        }
        List<ParamSource> params = newSide.params();
        for (int i = 0; i < params.size(); i++) {
            if (!(params.get(i) instanceof ParamSource.Bound b)) {
                throw new SQLException("the look-up's rewrite binds " + params.get(i));
            }
            int[] from = bound.get(b.index() - 1);
            entries.get(from[0]).bind(from[1], ps, i + 1);
        }
    }

    private static Set<String> keys(ResultSet rs) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (rs) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> values = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    values.add(rs.getObject(i));
                }
                keys.add(KeyCodec.encode(values));
            }
        }
        return keys;
    }
}
