package io.schemashift.backfill;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where backfill and verify get their connections from: a {@code DataSource::getConnection}, a
 * pool, or a {@code DriverManager} lambda. Every connection obtained is closed by the caller.
 */
@FunctionalInterface
public interface ConnectionSource {

    /** A connection to one side; the caller closes it. */
    Connection get() throws SQLException;
}
