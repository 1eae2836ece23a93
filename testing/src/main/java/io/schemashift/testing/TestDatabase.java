package io.schemashift.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One database server that tests may create databases on. {@link #create(String)} gives each
 * test class a fresh, empty database so that tests never see each other's tables.
 *
 * @param serverUrl the server URL without a database name ({@code null}: not reachable)
 */
public record TestDatabase(Kind kind, String serverUrl, String user, String password, AtomicInteger h2Counter) {

    /** The database products the tests cover. */
    public enum Kind {
        POSTGRESQL,
        MARIADB,
        H2
    }

    /**
     * Drops (if present) and creates the database {@code name}, and returns its JDBC URL. On H2
     * the name gets a unique suffix and the database lives until the JVM exits.
     */
    public String create(String name) {
        String db = name.toLowerCase(Locale.ROOT);
        try {
            switch (kind) {
                case H2 -> {
                    return "jdbc:h2:mem:" + db + "_" + h2Counter.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
                }
                case POSTGRESQL -> {
                    try (Connection c = TestDatabases.connect(serverUrl + "postgres", user, password)) {
                        TestDatabases.run(
                                c, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db);
                    }
                }
                case MARIADB -> {
                    try (Connection c = TestDatabases.connect(serverUrl, user, password)) {
                        TestDatabases.run(c, "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + db + " on " + kind, e);
        }
        return url(db);
    }

    /** The JDBC URL of database {@code db} on this server (H2: {@code db} is the full URL). */
    public String url(String db) {
        return switch (kind) {
            case H2 -> db;
            case POSTGRESQL -> serverUrl + db;
            case MARIADB -> serverUrl.replace("/?", "/" + db + "?");
        };
    }

    /** Opens a raw connection (no SchemaShift) to the given JDBC URL of this server. */
    public Connection connect(String url) throws SQLException {
        return TestDatabases.connect(url, user, password);
    }

    boolean reachable() {
        try (Connection c =
                TestDatabases.connect(kind == Kind.POSTGRESQL ? serverUrl + "postgres" : serverUrl, user, password)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return kind + "@" + serverUrl; // never the password
    }
}
