package io.schemashift.backfill.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A PostgreSQL session setting switched for the length of a job and put back as it was when the
 * job ends, so that a pooled connection goes back to the pool as the application left it. Within a
 * transaction the switch and the restore take effect when it commits.
 */
public final class SessionSetting implements AutoCloseable {

    private final Connection connection;
    private final String name;
    private final String before;

    private SessionSetting(Connection connection, String name, String before) {
        this.connection = connection;
        this.name = name;
        this.before = before;
    }

    /** Sets {@code name} to {@code value} on {@code c}'s session; {@link #close()} sets it back. */
    public static SessionSetting set(Connection c, String name, String value) throws SQLException {
        String before;
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                before = rs.getString(1);
            }
        }
        configure(c, name, value);
        return new SessionSetting(c, name, before);
    }

    @Override
    public void close() throws SQLException {
        configure(connection, name, before);
    }

    private static void configure(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, false)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.execute();
        }
    }
}
