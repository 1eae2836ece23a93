package io.schemashift.routing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Properties;

/**
 * An application that dies between the two commits of its first two-database write: run in a
 * JVM of its own with {@code -Dschemashift.test.haltBetweenCommits=true} by {@link IntentIT}.
 * Arguments: the SchemaShift URL, user, password, configuration file, the id to insert.
 */
public final class CrashingWriter {

    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        Properties info = new Properties();
        info.setProperty("user", args[1]);
        info.setProperty("password", args[2]);
        info.setProperty("schemashift.config", args[3]);
        try (Connection c = DriverManager.getConnection(args[0], info);
                PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
            ps.setInt(1, Integer.parseInt(args[4]));
            ps.setString(2, "crash");
            ps.executeUpdate();
        }
        System.exit(0); // not reached: the JVM halts between the commits
    }
}
