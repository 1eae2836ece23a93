package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.rewriter.Dialect;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a job queue's claim costs on PostgreSQL in {@code dual-write} (one database), now that one that returns no
 * rows runs with {@code RETURNING} of its key appended and is mirrored once per claimed row by that key: {@code
 * claim}, an auto-commit {@code UPDATE … WHERE id IN (SELECT id … FOR UPDATE SKIP LOCKED LIMIT 5)} through
 * SchemaShift, against {@code rawClaim}, the same claim on the old table alone, and {@code rawClaimPair}, what the
 * driver does written by hand in one transaction: the claim returning its keys, then a batch of five updates of the
 * new table by key. A partial index holds the queued rows, as a queue table's would; every iteration starts with a
 * full queue on both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class ClaimBenchmark {

    private static final int QUEUED = 200_000;
    private static final String CONFIG = "migration: bench-claim\n" + Setups.MAPPING + "phase: dual-write\n";
    private static final String CLAIM = "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers"
            + " WHERE name = 'queued' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 5)";

    @State(Scope.Thread)
    public static class Db {

        Connection admin;
        Connection raw;
        Connection rawPair;
        Connection dualWrite;
        PreparedStatement rawClaim;
        PreparedStatement rawClaimReturning;
        PreparedStatement rawMirror;
        PreparedStatement shiftClaim;
        int next;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            String url = Setups.postgres("ss_bench");
            Properties login = Setups.login();
            admin = DriverManager.getConnection(url, login);
            Setups.recreateTables(admin);
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE INDEX customers_queued ON customers (id) WHERE name = 'queued'");
                st.execute("CREATE INDEX clients_queued ON clients (id) WHERE full_name = 'queued'");
            }
            Setups.createControlTables(admin, Dialect.POSTGRESQL);
            raw = DriverManager.getConnection(url, login);
            rawPair = DriverManager.getConnection(url, login);
            rawPair.setAutoCommit(false);
            dualWrite = DriverManager.getConnection(
                    "jdbc:schemashift:" + url.substring("jdbc:".length()), Setups.with(login, config()));
            rawClaim = raw.prepareStatement(CLAIM);
            rawClaimReturning = rawPair.prepareStatement(CLAIM + " RETURNING id");
            rawMirror =
                    rawPair.prepareStatement("UPDATE clients SET full_name = ?, name_search = lower(?) WHERE id = ?");
            shiftClaim = dualWrite.prepareStatement(CLAIM);
            reset();
        }

        /** A full queue on both sides; the divergence log empty. */
        @Setup(Level.Iteration)
        public void reset() throws SQLException {
            try (Statement st = admin.createStatement()) {
                st.execute("TRUNCATE customers, clients, schemashift_divergence");
                st.execute("INSERT INTO customers (id, name) SELECT g, 'queued' FROM generate_series(1, " + QUEUED
                        + ") g");
                st.execute("INSERT INTO clients (id, full_name, name_search) SELECT g, 'queued', 'queued'"
                        + " FROM generate_series(1, " + QUEUED + ") g");
                st.execute("VACUUM ANALYZE customers");
                st.execute("VACUUM ANALYZE clients");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            Setups.closeAll(raw, rawPair, dualWrite, admin);
        }

        private String config() throws IOException {
            return Setups.configFile("claim", CONFIG);
        }
    }

    @Benchmark
    public int rawClaim(Db db) throws SQLException {
        db.rawClaim.setString(1, "w" + ++db.next);
        return db.rawClaim.executeUpdate();
    }

    @Benchmark
    public int rawClaimPair(Db db) throws SQLException {
        String mark = "w" + ++db.next;
        db.rawClaimReturning.setString(1, mark);
        int n = 0;
        try (ResultSet rs = db.rawClaimReturning.executeQuery()) {
            while (rs.next()) {
                db.rawMirror.setString(1, mark);
                db.rawMirror.setString(2, mark);
                db.rawMirror.setInt(3, rs.getInt(1));
                db.rawMirror.addBatch();
                n++;
            }
        }
        db.rawMirror.executeBatch();
        db.rawPair.commit();
        return n;
    }

    @Benchmark
    public int claim(Db db) throws SQLException {
        db.shiftClaim.setString(1, "w" + ++db.next);
        return db.shiftClaim.executeUpdate();
    }
}
