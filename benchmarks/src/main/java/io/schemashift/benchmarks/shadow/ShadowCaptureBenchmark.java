package io.schemashift.benchmarks.shadow;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 6: what shadow reads cost the application's thread on H2 in-memory, with the same configuration (phase
 * {@code shadow-read}) at {@code shadowPercent} 0 ({@code off}) and 100 ({@code on}). {@code on} pays for deciding,
 * capturing every row the application iterates (one {@code getObject} per column) and handing the comparison to the
 * executor; the comparisons themselves run on the shadow threads, and when those are busy the hand-over is a cheap
 * drop. On a 2-core machine the shadow threads still compete for the CPU, which the figures include.
 *
 * <p>{@code capture} isolates the application's own cost: {@code shadowPercent} 100, but the other side is a
 * separate database that cannot be reached (a closed port), so the one shadow thread sleeps in the pool's connection
 * timeout and nearly every comparison is dropped. What remains is deciding, capturing and handing over.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class ShadowCaptureBenchmark {

    static final int ITEMS = 1_000;
    static final int SCAN = 100;

    @State(Scope.Thread)
    public static class Db {
        @Param({"off", "on", "capture"})
        public String shadow;

        Connection admin;
        Connection connection;
        PreparedStatement point;
        PreparedStatement scan;
        int next;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            String url =
                    "h2:mem:shadow_" + shadow + "_" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1";
            admin = DriverManager.getConnection("jdbc:" + url, "sa", "");
            try (Statement st = admin.createStatement()) {
                for (String table : new String[] {"items", "items_v2"}) {
                    st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                            + " price DECIMAL(12,2) NOT NULL, created TIMESTAMP NOT NULL)");
                    st.execute("INSERT INTO " + table + " SELECT x, 'item-' || x, x * 1.25,"
                            + " TIMESTAMP '2026-01-01 00:00:00' + x * INTERVAL '1' SECOND FROM SYSTEM_RANGE(1, "
                            + ITEMS + ")");
                }
            }
            Path config = ShadowConfig.write(
                    "bench-capture-" + shadow + "-" + ProcessHandle.current().pid(),
                    "items",
                    "items_v2",
                    "",
                    shadow.equals("off") ? 0 : 100,
                    shadow.equals("capture")
                            ? "new:\n  url: 'jdbc:h2:tcp://127.0.0.1:1/none'\nshadow:\n  threads: 1\n  queue: 0\n"
                            : "");
            Properties info = new Properties();
            info.setProperty("user", "sa");
            info.setProperty("password", "");
            info.setProperty("schemashift.config", config.toString());
            connection = DriverManager.getConnection("jdbc:schemashift:" + url, info);
            point = connection.prepareStatement("SELECT id, name, price, created FROM items WHERE id = ?");
            scan = connection.prepareStatement(
                    "SELECT id, name, price, created FROM items WHERE id BETWEEN ? AND ? ORDER BY id");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
            admin.close();
        }

        int nextId() {
            next = next % ITEMS + 1;
            return next;
        }
    }

    @Benchmark
    public void pointSelect(Db db, Blackhole bh) throws SQLException {
        db.point.setInt(1, db.nextId());
        try (ResultSet rs = db.point.executeQuery()) {
            read(rs, bh);
        }
    }

    @Benchmark
    public void scan100(Db db, Blackhole bh) throws SQLException {
        int from = db.nextId() % (ITEMS - SCAN) + 1;
        db.scan.setInt(1, from);
        db.scan.setInt(2, from + SCAN - 1);
        try (ResultSet rs = db.scan.executeQuery()) {
            read(rs, bh);
        }
    }

    private static void read(ResultSet rs, Blackhole bh) throws SQLException {
        while (rs.next()) {
            bh.consume(rs.getInt(1));
            bh.consume(rs.getString(2));
            bh.consume(rs.getBigDecimal(3));
            bh.consume(rs.getTimestamp(4));
        }
    }
}
