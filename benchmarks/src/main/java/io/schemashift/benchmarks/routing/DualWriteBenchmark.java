package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What routing costs the application, on one database ({@code customers} old, {@code clients}
 * new, renamed, dropped and derived columns):
 *
 * <ul>
 *   <li>{@code dualWrite}: one auto-commit insert in phase {@code dual-write} (SchemaShift runs it
 *       and its rewritten mirror in one transaction), against {@code rawPair}: the two inserts
 *       written by hand, run raw in one transaction;
 *   <li>{@code routedRead}: a reused point select on a mapped table in phase {@code old-only} with a
 *       configuration present, against the same select through a SchemaShift URL without one
 *       ({@code passThroughRead}).
 * </ul>
 *
 * Meters go to a {@link SimpleMeterRegistry} in the global registry, as in an application that
 * exports them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class DualWriteBenchmark {

    private static final String CONFIG =
            """
            migration: bench
            tables:
              customers:
                to: clients
                key: [id]
                columns:
                  name: full_name
                  legacy_flag: null
                derived:
                  name_search: "lower(name)"
            phase: %s
            """;

    /** One database with both schemas, and connections raw and through SchemaShift. */
    @State(Scope.Thread)
    public static class Db {

        /** {@code h2} in memory, or {@code postgresql} on 127.0.0.1:5432 (database {@code ss_bench}). */
        @Param({"h2", "postgresql"})
        public String database;

        String url;
        Connection admin;
        Connection raw;
        Connection dualWrite;
        Connection oldOnly;
        Connection passThrough;
        PreparedStatement rawOld;
        PreparedStatement rawNew;
        PreparedStatement shiftInsert;
        PreparedStatement routedSelect;
        PreparedStatement passThroughSelect;
        int nextId;
        int nextRead;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            url = database.equals("h2") ? "jdbc:h2:mem:bench_routing;DB_CLOSE_DELAY=-1" : postgres();
            Properties login = login();
            admin = DriverManager.getConnection(url, login);
            try (Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS customers");
                st.execute("DROP TABLE IF EXISTS clients");
                st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), legacy_flag INT,"
                        + " email VARCHAR(100))");
                st.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100),"
                        + " name_search VARCHAR(100), email VARCHAR(100))");
            }
            String shiftUrl = "jdbc:schemashift:" + url.substring("jdbc:".length());
            raw = DriverManager.getConnection(url, login);
            raw.setAutoCommit(false);
            dualWrite = DriverManager.getConnection(shiftUrl, with(login, config("dual-write")));
            oldOnly = DriverManager.getConnection(shiftUrl, with(login, config("old-only")));
            passThrough = DriverManager.getConnection(shiftUrl, login);
            rawOld = raw.prepareStatement("INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)");
            rawNew = raw.prepareStatement(
                    "INSERT INTO clients (id, full_name, name_search, email) VALUES (?, ?, lower(?), ?)");
            shiftInsert = dualWrite.prepareStatement(
                    "INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)");
            routedSelect = oldOnly.prepareStatement("SELECT name, email FROM customers WHERE id = ?");
            passThroughSelect = passThrough.prepareStatement("SELECT name, email FROM customers WHERE id = ?");
            truncate();
        }

        /** Both tables start every iteration empty but for the rows the reads look up. */
        @Setup(Level.Iteration)
        public void truncate() throws SQLException {
            try (Statement st = admin.createStatement()) {
                st.execute("DELETE FROM customers");
                st.execute("DELETE FROM clients");
                st.execute("INSERT INTO customers (id, name, email) VALUES (-1, 'Reader', 'r@x')");
            }
            nextId = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            for (Connection c : new Connection[] {raw, dualWrite, oldOnly, passThrough, admin}) {
                c.close();
            }
        }

        private static String postgres() throws SQLException {
            String server = System.getProperty("bench.postgresql", "jdbc:postgresql://127.0.0.1:5432/");
            try (Connection c = DriverManager.getConnection(server + "postgres", login());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'ss_bench'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE ss_bench");
                }
            }
            return server + "ss_bench";
        }

        private static Properties login() {
            Properties p = new Properties();
            p.setProperty("user", System.getProperty("bench.user", "postgres"));
            p.setProperty("password", System.getProperty("bench.password", ""));
            return p;
        }

        private String config(String phase) throws IOException {
            Path file = Files.createTempFile("schemashift-bench-" + phase + "-" + database, ".yaml");
            Files.writeString(file, CONFIG.formatted(phase).replace("migration: bench", "migration: bench-" + phase));
            file.toFile().deleteOnExit();
            return file.toString();
        }

        private static Properties with(Properties login, String config) {
            Properties p = new Properties();
            p.putAll(login);
            p.setProperty("schemashift.config", config);
            return p;
        }
    }

    @Benchmark
    public int rawPair(Db db) throws SQLException {
        int id = ++db.nextId;
        String name = "Name " + id;
        db.rawOld.setInt(1, id);
        db.rawOld.setString(2, name);
        db.rawOld.setInt(3, 1);
        db.rawOld.setString(4, "e@x");
        int n = db.rawOld.executeUpdate();
        db.rawNew.setInt(1, id);
        db.rawNew.setString(2, name);
        db.rawNew.setString(3, name);
        db.rawNew.setString(4, "e@x");
        n += db.rawNew.executeUpdate();
        db.raw.commit();
        return n;
    }

    @Benchmark
    public int dualWrite(Db db) throws SQLException {
        int id = ++db.nextId;
        db.shiftInsert.setInt(1, id);
        db.shiftInsert.setString(2, "Name " + id);
        db.shiftInsert.setInt(3, 1);
        db.shiftInsert.setString(4, "e@x");
        return db.shiftInsert.executeUpdate();
    }

    @Benchmark
    public String routedRead(Db db) throws SQLException {
        return read(db.routedSelect);
    }

    @Benchmark
    public String passThroughRead(Db db) throws SQLException {
        return read(db.passThroughSelect);
    }

    private static String read(PreparedStatement ps) throws SQLException {
        ps.setInt(1, -1);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
