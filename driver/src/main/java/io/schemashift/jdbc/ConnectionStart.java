package io.schemashift.jdbc;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a connection's unqualified names resolve when SchemaShift gets it: its schema (on
 * PostgreSQL its whole search path, on MariaDB its database), and whether a pool lent it. Two
 * connections of one configuration may start apart (another URL's database, a pool's init SQL, a
 * role's own search path), so each is placed by its own start, not the first connection's. A lent
 * connection goes back to its pool on close, so a schema switch is undone first: the next
 * borrower is placed by the pool's start, not by whatever the last one left.
 *
 * @param schema as {@code SHOW search_path} (PostgreSQL), {@code getCatalog} (MariaDB) or {@code
 *     getSchema} (H2) gives it; {@code null}: none
 * @param lent a pool's connection, returned to it on close
 */
public record ConnectionStart(String schema, boolean lent) {

    /** Reads where {@code connection}, a database of {@code dialect}, is now. */
    public static ConnectionStart of(Connection connection, Dialect dialect, boolean lent) throws SQLException {
        String schema;
        switch (dialect) {
            case POSTGRESQL -> {
                try (Statement st = connection.createStatement();
                        ResultSet rs = st.executeQuery("SHOW search_path")) {
                    schema = rs.next() ? rs.getString(1) : null;
                }
            }
            case MARIADB -> schema = connection.getCatalog();
            default -> schema = connection.getSchema();
        }
        return new ConnectionStart(schema, lent);
    }
}
