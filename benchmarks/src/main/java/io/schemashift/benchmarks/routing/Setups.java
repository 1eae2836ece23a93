package io.schemashift.benchmarks.routing;

import io.schemashift.control.ControlSchema;
import io.schemashift.rewriter.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** What the routing benchmarks share: the mapping, the log-in, the databases, the raw pair. */
final class Setups {

    /**
     * {@code customers} (old) → {@code clients} (new): a renamed, a dropped and a derived column.
     * Followed by the rest of a configuration file.
     */
    static final String MAPPING =
            """
            tables:
              customers:
                to: clients
                key: [id]
                columns:
                  name: full_name
                  legacy_flag: null
                derived:
                  name_search: "lower(name)"
            """;

    static final String CREATE_OLD =
            "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), legacy_flag INT, email VARCHAR(100))";
    static final String CREATE_NEW = "CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100),"
            + " name_search VARCHAR(100), email VARCHAR(100))";
    static final String INSERT_OLD = "INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)";
    static final String INSERT_NEW =
            "INSERT INTO clients (id, full_name, name_search, email) VALUES (?, ?, lower(?), ?)";

    private Setups() {}

    /** The PostgreSQL database {@code name} on the benchmark server, created if missing. */
    static String postgres(String name) throws SQLException {
        String server = System.getProperty("bench.postgresql", "jdbc:postgresql://127.0.0.1:5432/");
        try (Connection c = DriverManager.getConnection(server + "postgres", login());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + name);
            }
        }
        return server + name;
    }

    /**
     * The URL of MariaDB database {@code name} on {@code bench.mariadb} (127.0.0.1:3306 by default),
     * created when missing; log in with {@link #mariadbLogin}.
     */
    static String mariadb(String name) throws SQLException {
        String server = System.getProperty("bench.mariadb", "jdbc:mariadb://127.0.0.1:3306/");
        try (Connection c = DriverManager.getConnection(server, mariadbLogin());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + name);
        }
        return server + name;
    }

    static Properties mariadbLogin() {
        Properties p = new Properties();
        p.setProperty("user", System.getProperty("bench.mariadb.user", "root"));
        p.setProperty("password", System.getProperty("bench.mariadb.password", ""));
        return p;
    }

    static Properties login() {
        Properties p = new Properties();
        p.setProperty("user", System.getProperty("bench.user", "postgres"));
        p.setProperty("password", System.getProperty("bench.password", ""));
        return p;
    }

    /** {@code login} with a SchemaShift configuration file. */
    static Properties with(Properties login, String config) {
        Properties p = new Properties();
        p.putAll(login);
        p.setProperty("schemashift.config", config);
        return p;
    }

    /** Driver properties with a configuration file of {@link #MAPPING} in {@code phase}. */
    static Properties phase(String migration, String phase) throws IOException {
        return with(
                new Properties(),
                configFile(migration, "migration: " + migration + "\n" + MAPPING + "phase: " + phase + "\n"));
    }

    /** H2: {@link #CREATE_OLD} and {@link #CREATE_NEW}, each with the same 1,000 rows (ids 0–999). */
    static void seedH2(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute(CREATE_OLD);
            st.execute(CREATE_NEW);
            st.execute("INSERT INTO customers SELECT x, 'Name ' || x, 1, 'e' || x FROM SYSTEM_RANGE(0, 999)");
            st.execute("INSERT INTO clients SELECT x, 'Name ' || x, 'name ' || x, 'e' || x FROM SYSTEM_RANGE(0, 999)");
        }
    }

    /** Drops and creates {@link #CREATE_OLD} and {@link #CREATE_NEW}, empty. */
    static void recreateTables(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("DROP TABLE IF EXISTS customers");
            st.execute("DROP TABLE IF EXISTS clients");
            st.execute(CREATE_OLD);
            st.execute(CREATE_NEW);
        }
    }

    /** The divergence and intent tables, as {@code schemashift init} creates them: the driver creates no table itself. */
    static void createControlTables(Connection admin, Dialect dialect) throws SQLException {
        ControlSchema.execute(admin, ControlSchema.createDivergenceTable(dialect, "schemashift_divergence"));
        ControlSchema.execute(admin, ControlSchema.createIntentTable(dialect, "schemashift_intent"));
    }

    static void closeAll(Connection... connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }

    /** A configuration file holding {@code yaml}, deleted when the JVM ends. */
    static String configFile(String name, String yaml) throws IOException {
        Path file = Files.createTempFile("schemashift-bench-" + name, ".yaml");
        Files.writeString(file, yaml);
        file.toFile().deleteOnExit();
        return file.toString();
    }

    /** The insert of row {@code id} written by hand for both schemas: {@link #INSERT_OLD}, {@link #INSERT_NEW}. */
    static int insertPair(PreparedStatement old, PreparedStatement neu, int id) throws SQLException {
        String name = "Name " + id;
        old.setInt(1, id);
        old.setString(2, name);
        old.setInt(3, 1);
        old.setString(4, "e@x");
        int n = old.executeUpdate();
        neu.setInt(1, id);
        neu.setString(2, name);
        neu.setString(3, name);
        neu.setString(4, "e@x");
        return n + neu.executeUpdate();
    }

    /** The insert of row {@code id} through SchemaShift: {@link #INSERT_OLD}. */
    static int insert(PreparedStatement ps, int id) throws SQLException {
        ps.setInt(1, id);
        ps.setString(2, "Name " + id);
        ps.setInt(3, 1);
        ps.setString(4, "e@x");
        return ps.executeUpdate();
    }
}
