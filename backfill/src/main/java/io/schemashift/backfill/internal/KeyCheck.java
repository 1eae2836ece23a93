package io.schemashift.backfill.internal;

import io.schemashift.error.ShiftSqlState;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a table's key columns identify its rows: no NULL in any of them and no two rows
 * with the same key. Backfill pages by key and verify and repair match rows by key, so a NULL key
 * ends a backfill early and duplicate keys collapse in verify; both refuse such a key instead.
 *
 * <p>A primary key or a unique index (without a filter) on key columns, with every key column
 * declared NOT NULL, answers from the metadata alone; otherwise two queries count NULLs and
 * repeated keys.
 */
final class KeyCheck {

    private KeyCheck() {}

    /**
     * @param table the table as it appears in SQL
     * @param located the table as its metadata names it
     * @param key the key columns in key order
     * @param side {@code old} or {@code new}, for the message
     * @throws SQLException 23502 naming the table and column when a key column holds NULLs, 23505
     *     naming the table and key when a key value appears more than once
     */
    static void require(Connection c, String table, TableShape.Located located, List<String> key, String side)
            throws SQLException {
        List<String> nullable = key.stream()
                .filter(k -> {
                    ColumnInfo info = located.columns().get(k.toLowerCase(Locale.ROOT));
                    return info == null || info.nullable();
                })
                .toList();
        boolean unique = uniqueInMetadata(c.getMetaData(), located, key);
        if (nullable.isEmpty() && unique) {
            return;
        }
        try (Statement st = c.createStatement()) {
            for (String column : nullable) {
                long nulls = count(st, "SELECT COUNT(*) FROM " + table + " WHERE " + column + " IS NULL");
                if (nulls > 0) {
                    throw ShiftSqlState.NULL_KEY.error(
                            "key column " + column + " of " + table + " (" + side + " side) holds NULL in " + nulls
                                    + " rows; backfill and verify need a key that is unique and not null");
                }
            }
            if (!unique) {
                String cols = String.join(", ", key);
                long repeated = count(
                        st,
                        "SELECT COUNT(*) FROM (SELECT " + cols + " FROM " + table + " GROUP BY " + cols
                                + " HAVING COUNT(*) > 1) d");
                if (repeated > 0) {
                    throw ShiftSqlState.DUPLICATE_KEY.error(
                            "key " + (key.size() == 1 ? "column " + cols : "(" + cols + ")") + " of " + table + " ("
                                    + side + " side) is not unique: " + repeated
                                    + " values appear more than once; backfill and verify need a key that is unique"
                                    + " and not null");
                }
            }
        }
    }

    /** Whether a primary key or an unfiltered unique index lies within the key columns. */
    private static boolean uniqueInMetadata(DatabaseMetaData md, TableShape.Located t, List<String> key)
            throws SQLException {
        Set<String> keyCols = new HashSet<>();
        key.forEach(k -> keyCols.add(k.toLowerCase(Locale.ROOT)));
        Set<String> pk = new HashSet<>();
        try (ResultSet rs = md.getPrimaryKeys(t.catalog(), t.schema(), t.name())) {
            while (rs.next()) {
                pk.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (!pk.isEmpty() && keyCols.containsAll(pk)) {
            return true;
        }
        Map<String, Set<String>> indexes = new HashMap<>();
        Set<String> unusable = new HashSet<>();
        try (ResultSet rs = md.getIndexInfo(t.catalog(), t.schema(), t.name(), true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                if (index == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                if (rs.getBoolean("NON_UNIQUE") || column == null || rs.getString("FILTER_CONDITION") != null) {
                    unusable.add(index); // partial or expression indexes do not make the key unique
                    continue;
                }
                indexes.computeIfAbsent(index, i -> new HashSet<>()).add(column.toLowerCase(Locale.ROOT));
            }
        }
        return indexes.entrySet().stream()
                .anyMatch(e -> !unusable.contains(e.getKey()) && keyCols.containsAll(e.getValue()));
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
