package io.schemashift.mirror;

import io.schemashift.error.ShiftSqlState;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetFactory;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * The keys a primary generated, read once and kept, so that the mirror can bind them and the
 * application can still read them (or, when it did not ask for keys, see none). Not thread-safe.
 */
public final class GeneratedKeys {

    /** One factory for every row set: looking it up (a service lookup) costs more than the row set itself. */
    private static final RowSetFactory ROW_SETS = rowSetFactory();

    private final CachedRowSet rows;
    private final List<Object[]> keys = new ArrayList<>();
    /** Whether the returned columns hold every key column: else the keys are unknown, the rows kept for the application. */
    private boolean named = true;

    private GeneratedKeys(CachedRowSet rows) {
        this.rows = rows;
    }

    private static RowSetFactory rowSetFactory() {
        try {
            return RowSetProvider.newFactory();
        } catch (SQLException e) {
            throw new IllegalStateException("no javax.sql.rowset factory in this JVM", e);
        }
    }

    /**
     * Reads the key columns {@code keyColumns} (matched by label, case-insensitively; a lone key
     * also as the only column returned, which MariaDB labels {@code insert_id}). When a key column
     * is not among those returned, the keys are not {@link #named} (the rows stay the application's).
     */
    public static GeneratedKeys read(ResultSet generated, List<String> keyColumns) throws SQLException {
        if (generated.getMetaData().getColumnCount() == 0) {
            // pgjdbc, after a batch whose every INSERT inserted nothing: keys of no column, none
            generated.close();
            return new GeneratedKeys(ROW_SETS.createCachedRowSet());
        }
        CachedRowSet rows = cache(generated);
        try {
            return of(rows, keyColumns, true);
        } catch (SQLException unnamed) {
            GeneratedKeys result = new GeneratedKeys(rows);
            result.named = false;
            return result;
        }
    }

    /** Whether the keys were found among the returned columns (see {@link #read}). */
    public boolean named() {
        return named;
    }

    /**
     * The keys in the rows a {@code RETURNING} write returned, matched by label only.
     *
     * @return {@code null} when a key column is not among the returned columns
     */
    public static GeneratedKeys fromRows(CachedRowSet rows, List<String> keyColumns) throws SQLException {
        try {
            return of(rows, keyColumns, false);
        } catch (SQLException missing) {
            return null;
        }
    }

    /** Reads every row of {@code rs} into memory and closes it; the copy is positioned before its first row. */
    public static CachedRowSet cache(ResultSet rs) throws SQLException {
        CachedRowSet rows = ROW_SETS.createCachedRowSet();
        try (rs) {
            rows.populate(rs);
        }
        return rows;
    }

    private static GeneratedKeys of(CachedRowSet rows, List<String> keyColumns, boolean byPosition)
            throws SQLException {
        GeneratedKeys result = new GeneratedKeys(rows);
        ResultSetMetaData md = rows.getMetaData();
        int[] positions = new int[keyColumns.size()];
        for (int k = 0; k < positions.length; k++) {
            positions[k] = position(md, keyColumns.get(k), byPosition ? keyColumns.size() : 0);
        }
        while (rows.next()) {
            Object[] key = new Object[positions.length];
            for (int k = 0; k < positions.length; k++) {
                key[k] = rows.getObject(positions[k]);
            }
            result.keys.add(key);
        }
        rows.beforeFirst();
        return result;
    }

    /**
     * This single-column key of the first of {@code count} rows, followed by the values the server
     * gave the others when it hands out consecutive values {@code step} apart.
     */
    public GeneratedKeys consecutive(int count, long step) throws SQLException {
        if (!(keys.get(0)[0] instanceof Number first)) {
            return this;
        }
        GeneratedKeys result = new GeneratedKeys(rows);
        for (int i = 0; i < count; i++) {
            result.keys.add(new Object[] {first.longValue() + i * step});
        }
        return result;
    }

    /**
     * These keys, the application's as they were, with {@code rows} for the mirror to bind instead:
     * each row's key columns, then other values of it ({@link io.schemashift.rewriter.ReadBack}).
     */
    public GeneratedKeys withValues(List<Object[]> rows) {
        GeneratedKeys result = new GeneratedKeys(this.rows);
        result.keys.addAll(rows);
        return result;
    }

    private static int position(ResultSetMetaData md, String column, int keyCount) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase(column)
                    || md.getColumnName(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        if (keyCount == 1 && md.getColumnCount() == 1) {
            return 1; // a lone key under another label; among several columns, the first need not be it
        }
        throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error(
                "the database returned no generated value for key column " + column);
    }

    /** Column {@code column} of the key of the {@code row}-th inserted row. */
    public Object get(int row, int column) throws SQLException {
        if (row >= keys.size()) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error(
                    "the database returned " + keys.size() + " generated key(s), row " + row + " needed");
        }
        return keys.get(row)[column];
    }

    /** The key columns of the {@code row}-th row, in the order they were asked for. */
    public List<Object> row(int row) {
        return Arrays.asList(keys.get(row).clone());
    }

    /** How many rows of keys there are. */
    public int size() {
        return keys.size();
    }

    /**
     * The keys as the application asked: none, the columns it named ({@code columns}), or every
     * column the database returned ({@code columns} {@code null}, or a named column not among them).
     * The database may have returned more than the application named: the driver asks for the keys
     * its mirror needs, and PostgreSQL then returns every column.
     */
    public ResultSet forApplication(boolean asked, String[] columns) throws SQLException {
        if (!asked) {
            return rows.createCopySchema();
        }
        rows.beforeFirst();
        if (columns == null) {
            return rows;
        }
        ResultSetMetaData md = rows.getMetaData();
        int[] positions = new int[columns.length];
        for (int k = 0; k < columns.length; k++) {
            positions[k] = named(md, columns[k]);
            if (positions[k] == 0) {
                return rows;
            }
        }
        return positions.length == md.getColumnCount() ? rows : project(md, positions);
    }

    private static int named(ResultSetMetaData md, String column) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        return 0;
    }

    /** A copy of the rows with the columns at {@code positions} only, positioned before its first row. */
    private CachedRowSet project(ResultSetMetaData md, int[] positions) throws SQLException {
        RowSetMetaDataImpl projected = new RowSetMetaDataImpl();
        projected.setColumnCount(positions.length);
        for (int k = 0; k < positions.length; k++) {
            int from = positions[k];
            projected.setColumnName(k + 1, md.getColumnName(from));
            projected.setColumnLabel(k + 1, md.getColumnLabel(from));
            projected.setColumnType(k + 1, md.getColumnType(from));
            projected.setColumnTypeName(k + 1, md.getColumnTypeName(from));
            projected.setNullable(k + 1, md.isNullable(from));
        }
        CachedRowSet out = ROW_SETS.createCachedRowSet();
        out.setMetaData(projected);
        while (rows.next()) {
            // a CachedRowSet inserts at its cursor: from before the first row every key would come
            // first, and the application would read a batch's keys in reverse
            out.afterLast();
            out.moveToInsertRow();
            for (int k = 0; k < positions.length; k++) {
                out.updateObject(k + 1, rows.getObject(positions[k]));
            }
            out.insertRow();
            out.moveToCurrentRow();
        }
        rows.beforeFirst();
        out.beforeFirst();
        return out;
    }
}
