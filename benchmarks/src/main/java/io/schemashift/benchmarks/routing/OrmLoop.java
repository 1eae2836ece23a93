package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The ORM path on one long-lived connection, H2 in memory, same database: every iteration
 * prepares an {@code UPDATE customers SET email = ? WHERE id = ?}, runs it in auto-commit and
 * closes it, then prepares, runs and closes a read by key, as Hibernate and {@code JdbcTemplate}
 * do. {@code shift} runs it through SchemaShift in phase {@code dual-write}; {@code hand} does by
 * hand what SchemaShift does: both updates in one transaction (auto-commit off, commit), then
 * the read. Prints µs per iteration for each tenth of the run, so that growth over time shows.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.routing.OrmLoop shift|hand [iterations]} (default 400,000).
 */
public final class OrmLoop {

    private OrmLoop() {}

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "shift";
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 400_000;
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        String url = "jdbc:h2:mem:orm_loop;DB_CLOSE_DELAY=-1";
        try (Connection admin = DriverManager.getConnection(url)) {
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), legacy_flag INT,"
                        + " email VARCHAR(100))");
                st.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100),"
                        + " name_search VARCHAR(100), email VARCHAR(100))");
                st.execute("INSERT INTO customers SELECT x, 'Name ' || x, 1, 'e' || x FROM SYSTEM_RANGE(0, 999)");
                st.execute(
                        "INSERT INTO clients SELECT x, 'Name ' || x, 'name ' || x, 'e' || x FROM SYSTEM_RANGE(0, 999)");
            }
            boolean shift = variant.equals("shift");
            try (Connection c = shift
                    ? DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), config())
                    : DriverManager.getConnection(url)) {
                int tenth = iterations / 10;
                long checksum = 0;
                StringBuilder line = new StringBuilder();
                for (int part = 0; part < 10; part++) {
                    long start = System.nanoTime();
                    for (int i = part * tenth; i < (part + 1) * tenth; i++) {
                        checksum += shift ? shiftIteration(c, i) : handIteration(c, i);
                    }
                    double micros = (System.nanoTime() - start) / 1e3 / tenth;
                    line.append(String.format(Locale.ROOT, "%s%.2f", part == 0 ? "" : ", ", micros));
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s, %,d iterations, µs per iteration per tenth: %s [%d]%n",
                        variant,
                        iterations,
                        line,
                        checksum);
            }
        }
    }

    private static long shiftIteration(Connection c, int i) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE customers SET email = ? WHERE id = ?")) {
            up.setString(1, "e" + i);
            up.setInt(2, i % 1_000);
            up.executeUpdate();
        }
        return read(c, "SELECT name, email FROM customers WHERE id = ?", i);
    }

    private static long handIteration(Connection c, int i) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement old = c.prepareStatement("UPDATE customers SET email = ? WHERE id = ?");
                PreparedStatement neu = c.prepareStatement("UPDATE clients SET email = ? WHERE id = ?")) {
            old.setString(1, "e" + i);
            old.setInt(2, i % 1_000);
            old.executeUpdate();
            neu.setString(1, "e" + i);
            neu.setInt(2, i % 1_000);
            neu.executeUpdate();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        return read(c, "SELECT name, email FROM customers WHERE id = ?", i);
    }

    private static long read(Connection c, String sql, int i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, (i + 500) % 1_000);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(2).length() : 0;
            }
        }
    }

    private static Properties config() throws Exception {
        Path file = Files.createTempFile("schemashift-orm-loop", ".yaml");
        Files.writeString(
                file,
                """
                migration: orm-loop
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns:
                      name: full_name
                      legacy_flag: null
                    derived:
                      name_search: "lower(name)"
                phase: dual-write
                """);
        file.toFile().deleteOnExit();
        Properties p = new Properties();
        p.setProperty("schemashift.config", file.toString());
        return p;
    }
}
