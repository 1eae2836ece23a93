package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.GeneratedKeys;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.ReadBack;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows an {@code INSERT … SELECT … FROM} inserted under keys the database generated, read back
 * on the primary by those keys ({@link ReadBack}), in the primary's transaction: the mirror inserts
 * them with their keys.
 */
final class ReadBackRows {

    private static final String SAVEPOINT = "schemashift_read_back";
    /** Keys one read names: a larger insert is read in parts, each padded to this many keys, so one text is parsed once. */
    private static final int KEYS_PER_READ = 100;

    /**
     * What the read found.
     *
     * @param rows the keys with the rows' values ({@link ReadBack}'s columns), or {@code null}
     * @param failed why there are none: the read is refused on the primary's side (it reads a column
     *     the new table dropped), or failed, or found another number of rows than keys
     */
    record Read(GeneratedKeys rows, DivergenceReason failed) {}

    private ReadBackRows() {}

    static Read read(MigrationContext context, ReadBack readBack, Side primary, Connection c, GeneratedKeys keys) {
        String sql = readBack.sql(KEYS_PER_READ);
        String text = sql; // old-schema: as written on the old side
        List<ParamSource> sources = null; // the parameters of the text on the new side, in order
        if (primary == Side.NEW && readBack.readsDropped()) {
            return new Read(null, DivergenceReason.REFUSED_DROPPED_COLUMN_READ);
        }
        if (primary == Side.NEW) {
            RewriteResult rewrite = context.rewrite(sql);
            if (rewrite instanceof Refused refused) {
                return new Read(null, DivergenceReason.refused(refused.reason()));
            }
            if (rewrite instanceof Rewritten rw) {
                text = rw.newSide().sql();
                sources = rw.newSide().params();
            }
        }
        int keyColumns = readBack.keyColumns().size();
        List<Object[]> rows = new ArrayList<>(keys.size());
        GuardedRead read;
        try {
            read = new GuardedRead(context, c, SAVEPOINT);
        } catch (SQLException e) {
            return new Read(null, DivergenceReason.MIRROR_FAILED);
        }
        try (PreparedStatement ps = c.prepareStatement(read.text(List.of(text)))) {
            for (int from = 0; from < keys.size(); from += KEYS_PER_READ) {
                for (int p = 0; p < (sources == null ? KEYS_PER_READ * keyColumns : sources.size()); p++) {
                    int index = sources == null ? p : ((ParamSource.Bound) sources.get(p)).index() - 1;
                    int row = Math.min(from + index / keyColumns, keys.size() - 1); // padded with the last key
                    ps.setObject(p + 1, keys.get(row, index % keyColumns));
                }
                if (!read.execute(ps)) {
                    throw new SQLException("the read-back returned no rows");
                }
                addRows(ps.getResultSet(), rows);
            }
        } catch (SQLException e) {
            read.failed();
            return new Read(null, DivergenceReason.MIRROR_FAILED);
        }
        return rows.size() == keys.size()
                ? new Read(keys.withValues(rows), null)
                : new Read(null, DivergenceReason.KEYS_UNKNOWN);
    }

    private static void addRows(ResultSet rs, List<Object[]> rows) throws SQLException {
        try (rs) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] values = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    values[i] = rs.getObject(i + 1);
                }
                rows.add(values);
            }
        }
    }
}
