package io.schemashift.control;

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
}
