package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The ORM path on one long-lived connection, H2 in memory, same database: every iteration
 * prepares an {@code UPDATE customers SET email = ? WHERE id = ?}, runs it in auto-commit and
 * closes it, then prepares, runs and closes a read by key, as Hibernate and {@code JdbcTemplate}
 * do. {@code shift} runs it through SchemaShift in phase {@code dual-write}; {@code hand} does by
 * hand what SchemaShift does: both updates in one transaction (auto-commit off, commit), then
 * the read. Both run in one JVM, each on its own long-lived connection, in alternating blocks of
 * 1,000 iterations (load from other processes hits both alike). Prints, for each tenth of the
 * run, µs per iteration of wall time and of the thread's CPU time for each, so that growth over
 * time shows.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.routing.OrmLoop [iterations]} (default 400,000 of each).
 */
public final class OrmLoop {

    private OrmLoop() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        int block = 1_000;
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String url = "jdbc:h2:mem:orm_loop;DB_CLOSE_DELAY=-1";
        try (Connection admin = DriverManager.getConnection(url)) {
            Setups.seedH2(admin);
            try (Connection shift = DriverManager.getConnection(
                            "jdbc:schemashift:" + url.substring("jdbc:".length()),
                            Setups.phase("orm-loop", "dual-write"));
                    Connection hand = DriverManager.getConnection(url)) {
                int tenth = iterations / 10;
                double[][] wall = new double[2][10];
                double[][] cpu = new double[2][10];
                long checksum = 0;
                for (int i = 0; i < iterations; i += block) {
                    for (int v = 0; v < 2; v++) {
                        int which = (v + i / block) % 2; // alternate which runs first
                        long cpuStart = threads.getCurrentThreadCpuTime();
                        long start = System.nanoTime();
                        for (int k = i; k < i + block; k++) {
                            checksum += which == 0 ? shiftIteration(shift, k) : handIteration(hand, k);
                        }
                        wall[which][i / tenth] += (System.nanoTime() - start) / 1e3 / tenth;
                        cpu[which][i / tenth] += (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / tenth;
                    }
                }
                System.out.printf(Locale.ROOT, "%,d iterations of each [checksum %d]%n", iterations, checksum);
                String[] names = {"shift", "hand"};
                for (int v = 0; v < 2; v++) {
                    System.out.printf(Locale.ROOT, "%-6s wall µs/iteration per tenth: %s%n", names[v], tenths(wall[v]));
                    System.out.printf(Locale.ROOT, "%-6s CPU  µs/iteration per tenth: %s%n", names[v], tenths(cpu[v]));
                }
            }
        }
    }

    private static String tenths(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return b.toString();
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
}
