package io.schemashift.runtime;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The collation that orders each string column of a table, from the catalog: PostgreSQL (the
 * database's own where the column takes the default) and MariaDB. A column whose collation differs
 * between its old and new table is ordered otherwise on each side ({@code 'B' < 'a'} by bytes,
 * {@code 'a' < 'B'} by language), so a write that compares it by order may pick other rows there;
 * {@code schemashift doctor} reports it ({@link InProcessDriver#collations}).
 */
final class Collations {

    /** PostgreSQL collations that order UTF-8 text by its bytes: one order under any of these names. */
    private static final Set<String> BY_BYTES = Set.of("c", "posix", "c.utf-8", "c.utf8", "ucs_basic");

    private static final String POSTGRESQL = "SELECT a.attname, CASE WHEN co.collname = 'default' THEN d.datcollate"
            + " ELSE co.collname END FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_collation co ON co.oid = a.attcollation"
            + " JOIN pg_database d ON d.datname = current_database()"
            + " WHERE n.nspname = coalesce(?, current_schema()) AND c.relname = ? AND a.attnum > 0"
            + " AND NOT a.attisdropped";

    private static final String MARIADB = "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = coalesce(?, database()) AND TABLE_NAME = ? AND COLLATION_NAME IS NOT NULL";

    private Collations() {}

    /**
     * The collation of each string column (by lower-case name) of {@code table} in {@code schema}
     * (PostgreSQL) or database {@code catalog} (MariaDB), {@code null} for the connection's own;
     * empty on other databases.
     */
    static Map<String, String> read(Connection c, Dialect dialect, String catalog, String schema, String table)
            throws SQLException {
        String sql =
                switch (dialect) {
                    case POSTGRESQL -> POSTGRESQL;
                    case MARIADB -> MARIADB;
                    default -> null;
                };
        if (sql == null) {
            return Map.of();
        }
        Map<String, String> collations = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, dialect == Dialect.MARIADB ? catalog : schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String collation = rs.getString(2).toLowerCase(Locale.ROOT);
                    collations.put(
                            rs.getString(1).toLowerCase(Locale.ROOT), BY_BYTES.contains(collation) ? "c" : collation);
                }
            }
        }
        return collations;
    }
}
