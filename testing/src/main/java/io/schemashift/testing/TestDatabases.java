package io.schemashift.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds the database servers the integration tests run against, in this order: explicit
 * environment URLs ({@code SCHEMASHIFT_TEST_POSTGRES_URL}, {@code SCHEMASHIFT_TEST_MARIADB_URL},
 * each with optional {@code _USER} and {@code _PASSWORD}), the local services on 127.0.0.1,
 * then Testcontainers where a Docker engine exists.
 *
 * <p>When none is available the calling test is skipped, except under {@code CI=true}, where a
 * missing database is a failure. Thread-safe; servers are looked up once per JVM.
 */
public final class TestDatabases {

    private static final Map<TestDatabase.Kind, TestDatabase> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicInteger H2_COUNTER = new AtomicInteger();

    private TestDatabases() {}

    /** The PostgreSQL server; skips (or fails under CI) when none can be found. */
    public static TestDatabase postgres() {
        return server(TestDatabase.Kind.POSTGRESQL);
    }

    /** The MariaDB server; skips (or fails under CI) when none can be found. */
    public static TestDatabase mariadb() {
        return server(TestDatabase.Kind.MARIADB);
    }

    /** An in-memory H2 "server": every {@link TestDatabase#create(String)} is a fresh database. */
    public static TestDatabase h2() {
        return new TestDatabase(TestDatabase.Kind.H2, "jdbc:h2:mem:", "sa", "", H2_COUNTER);
    }

    /** The server of the given kind. */
    public static TestDatabase of(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.H2 ? h2() : server(kind);
    }

    private static TestDatabase server(TestDatabase.Kind kind) {
        TestDatabase found = SERVERS.computeIfAbsent(kind, TestDatabases::locate);
        if (found.serverUrl() == null) {
            String why = kind + " is not reachable: set " + envPrefix(kind) + "_URL, start the local service"
                    + " (see .ci/run) or provide a Docker engine for Testcontainers";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        return found;
    }

    private static TestDatabase locate(TestDatabase.Kind kind) {
        String prefix = envPrefix(kind);
        String envUrl = System.getenv(prefix + "_URL");
        if (envUrl != null && !envUrl.isBlank()) {
            return new TestDatabase(
                    kind,
                    envUrl,
                    System.getenv().getOrDefault(prefix + "_USER", defaultUser(kind)),
                    System.getenv().getOrDefault(prefix + "_PASSWORD", ""),
                    null);
        }
        TestDatabase local = new TestDatabase(kind, localUrl(kind), defaultUser(kind), "", null);
        if (local.reachable()) {
            return local;
        }
        if (dockerAvailable()) {
            JdbcDatabaseContainer<?> container = kind == TestDatabase.Kind.POSTGRESQL
                    ? new PostgreSQLContainer("postgres:15")
                    : new MariaDBContainer("mariadb:10.11");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            String url = container.getJdbcUrl();
            String server = url.substring(0, url.indexOf('/', "jdbc:x://".length() + 1) + 1);
            return new TestDatabase(
                    kind,
                    server + (kind == TestDatabase.Kind.MARIADB ? "?sslMode=disable" : ""),
                    kind == TestDatabase.Kind.MARIADB ? "root" : container.getUsername(),
                    container.getPassword(),
                    null);
        }
        return new TestDatabase(kind, null, null, null, null);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String envPrefix(TestDatabase.Kind kind) {
        return "SCHEMASHIFT_TEST_" + kind.name().toUpperCase(Locale.ROOT);
    }

    private static String defaultUser(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.POSTGRESQL ? "postgres" : "root";
    }

    private static String localUrl(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.POSTGRESQL
                ? "jdbc:postgresql://127.0.0.1:5432/"
                : "jdbc:mariadb://127.0.0.1:3306/?sslMode=disable";
    }

    /** The clause that makes a column generated from {@code expression}, stored, in {@code kind}'s syntax. */
    public static String generatedAs(TestDatabase.Kind kind, String expression) {
        return switch (kind) {
            case POSTGRESQL -> "GENERATED ALWAYS AS (" + expression + ") STORED";
            case MARIADB -> "AS (" + expression + ") PERSISTENT";
            case H2 -> "GENERATED ALWAYS AS (" + expression + ")";
        };
    }

    /** Runs DDL/DML statements on a connection, one by one, failing on the first error. */
    public static void run(Connection connection, String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        DriverManager.setLoginTimeout(3);
        return DriverManager.getConnection(url, user, password);
    }

    /**
     * Column {@code column} of {@code rs}, a timestamp or a time, as a wall clock: one with time
     * zone's in UTC, as {@code schemashift verify} compares it with one without.
     */
    public static java.time.temporal.Temporal utcWallClock(java.sql.ResultSet rs, int column) throws SQLException {
        String type = rs.getMetaData().getColumnTypeName(column).toLowerCase(java.util.Locale.ROOT);
        boolean zoned = type.contains("tz") || type.contains("time zone");
        if (type.startsWith("time") && !type.startsWith("timestamp")) { // not MariaDB's DATETIME
            if (!zoned) {
                return rs.getObject(column, java.time.LocalTime.class);
            }
            java.time.OffsetTime time = rs.getObject(column, java.time.OffsetTime.class);
            return time == null
                    ? null
                    : time.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalTime();
        }
        if (zoned) {
            java.time.OffsetDateTime stamp = rs.getObject(column, java.time.OffsetDateTime.class);
            return stamp == null
                    ? null
                    : stamp.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
        }
        return rs.getObject(column, java.time.LocalDateTime.class);
    }
}
