package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
 * What an upsert costs in {@code dual-write} on PostgreSQL, where the driver looks its row up on
 * both sides before writing it (an upsert of a row the new side lacks is recorded): {@code
 * dualWrite}, one auto-commit {@code INSERT … ON CONFLICT (id) DO UPDATE} through SchemaShift,
 * against {@code rawPair}, the two upserts written by hand in one transaction. {@code existing}:
 * the row is on both sides (an update: two look-ups), or new (an insert: one look-up). Both
 * connections run with {@code synchronous_commit = off}: the commit's wait for the disk would
 * hide the round trips measured here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class UpsertBenchmark {

    private static final String CONFIG = "migration: bench-upsert\n" + Setups.MAPPING + "phase: dual-write\n";
    private static final String UPSERT_OLD = Setups.INSERT_OLD + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";
    private static final String UPSERT_NEW = Setups.INSERT_NEW
            + " ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name, name_search = EXCLUDED.name_search";
    private static final int ROWS = 10_000;

    @State(Scope.Thread)
    public static class Db {

        @Param({"true", "false"})
        public boolean existing;

        Connection admin;
        Connection raw;
        Connection dualWrite;
        PreparedStatement rawOld;
        PreparedStatement rawNew;
        PreparedStatement shiftUpsert;
        int nextId;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            String url = Setups.postgres("ss_bench");
            Properties login = Setups.login();
            admin = DriverManager.getConnection(url, login);
            Setups.recreateTables(admin);
            raw = DriverManager.getConnection(url, login);
            raw.setAutoCommit(false);
            dualWrite = DriverManager.getConnection(
                    "jdbc:schemashift:" + url.substring("jdbc:".length()),
                    Setups.with(login, Setups.configFile("upsert", CONFIG)));
            // without the commit's wait for the disk, which is most of the time and of the noise
            for (Connection c : new Connection[] {raw, dualWrite}) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET synchronous_commit = off");
                }
            }
            rawOld = raw.prepareStatement(UPSERT_OLD);
            rawNew = raw.prepareStatement(UPSERT_NEW);
            shiftUpsert = dualWrite.prepareStatement(UPSERT_OLD);
            reset();
        }

        /** Both sides hold rows 1 to {@link #ROWS} ({@code existing}) or nothing. */
        @Setup(Level.Iteration)
        public void reset() throws SQLException {
            try (Statement st = admin.createStatement()) {
                st.execute("DELETE FROM customers");
                st.execute("DELETE FROM clients");
                if (existing) {
                    st.execute("INSERT INTO customers (id, name) SELECT g, 'Name' FROM generate_series(1, " + ROWS
                            + ") g");
                    st.execute("INSERT INTO clients (id, full_name, name_search) SELECT g, 'Name', 'name'"
                            + " FROM generate_series(1, " + ROWS + ") g");
                }
            }
            nextId = 0;
        }

        int next() {
            return existing ? nextId++ % ROWS + 1 : ++nextId;
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            Setups.closeAll(raw, dualWrite, admin);
        }
    }

    @Benchmark
    public int rawPair(Db db) throws SQLException {
        int n = Setups.insertPair(db.rawOld, db.rawNew, db.next());
        db.raw.commit();
        return n;
    }

    @Benchmark
    public int dualWrite(Db db) throws SQLException {
        return Setups.insert(db.shiftUpsert, db.next());
    }
}
