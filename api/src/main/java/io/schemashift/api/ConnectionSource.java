package io.schemashift.api;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a connection to the database that holds the control tables (the old, primary one). */
@FunctionalInterface
public interface ConnectionSource {

    /**
     * Opens a new connection; the caller closes it.
     *
     * @throws SQLException if the database cannot be reached
     */
    Connection open() throws SQLException;

    /**
     * Whether the connections come from the application's own pool: side work then returns each
     * one as soon as it is done with it, rather than keeping it.
     */
    default boolean pooled() {
        return false;
    }

    /** Connections from the application's own pool, through {@code open}. */
    static ConnectionSource pooled(ConnectionSource open) {
        return new ConnectionSource() {
            @Override
            public Connection open() throws SQLException {
                return open.open();
            }

            @Override
            public boolean pooled() {
                return true;
            }
        };
    }
}
