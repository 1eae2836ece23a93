package io.schemashift.backfill.internal;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Inserts rows on the target of a cross-database backfill, each unless its key exists, many rows
 * per statement ({@link Statements#insertIfAbsent(int)}): a JDBC batch of one-row statements costs
 * the server a parse-bind-execute round per row unless the URL asks the driver to rewrite it
 * ({@code reWriteBatchedInserts}), which a backfill should not depend on. H2 gets one row per
 * statement. Not thread-safe; one per batch.
 */
public final class MultiRowInsert implements AutoCloseable {

    /** Rows per statement, at most. */
    static final int ROWS = 500;
    /** Bind parameters per statement, at most: pgjdbc sends the count as a 16-bit value. */
    static final int MAX_PARAMETERS = 32_000;

    private final Connection target;
    private final Statements sql;
    private final int perRow;
    private final int perStatement;
    private final Object[] buffer;
    private int buffered;
    private PreparedStatement full;

    /**
     * @param perRow parameters per row: the new columns, then the lineage batch id when the table
     *     has lineage
     */
    public MultiRowInsert(Connection target, Statements sql, Dialect dialect, int perRow) {
        this.target = target;
        this.sql = sql;
        this.perRow = perRow;
        this.perStatement = dialect == Dialect.H2 ? 1 : Math.max(1, Math.min(ROWS, MAX_PARAMETERS / perRow));
        this.buffer = new Object[perStatement * perRow];
    }

    /** Adds a row's parameters, copied; writes a full statement's rows when they are there. */
    public void add(Object[] row) throws SQLException {
        System.arraycopy(row, 0, buffer, buffered * perRow, perRow);
        if (++buffered == perStatement) {
            if (full == null) {
                full = target.prepareStatement(sql.insertIfAbsent(perStatement));
            }
            write(full, buffered);
            buffered = 0;
        }
    }

    /** Writes the rows added since the last full statement. */
    public void flush() throws SQLException {
        if (buffered == 0) {
            return;
        }
        try (PreparedStatement rest = target.prepareStatement(sql.insertIfAbsent(buffered))) {
            write(rest, buffered);
        }
        buffered = 0;
    }

    private void write(PreparedStatement ps, int rows) throws SQLException {
        for (int i = 0; i < rows * perRow; i++) {
            ps.setObject(i + 1, buffer[i]);
        }
        ps.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        if (full != null) {
            full.close();
        }
    }
}
