package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.rewriter.Dialect;
import java.io.IOException;
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
 * What a write that is mirrored <em>and</em> recorded costs in {@code dual-write}, now that its transaction also
 * writes an intent record naming the recorded rows (deleted in the background once the divergence records are
 * written, so that a crash in between cannot lose them): {@code recordedWrite}, one auto-commit {@code INSERT …
 * SELECT} copying another row of the mapped table through SchemaShift (mirrored, and recorded as {@code
 * mirror_read_other_rows}), against {@code rawPair}, the two copies written by hand in one transaction. And
 * {@code pickedUpdate}, an auto-commit {@code UPDATE} that picks its row through a subquery on the mapped table
 * (mirrored, and recorded for the whole table as {@code mirror_picked_by_other_rows}), against {@code keyedUpdate},
 * the same change by key (mirrored, nothing recorded). The commits wait for the disk as they do by default.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class RecordedWriteBenchmark {

    private static final String CONFIG = "migration: bench-recorded-%s\n" + Setups.MAPPING + "phase: dual-write\n";
    private static final String COPY_OLD =
            "INSERT INTO customers (id, name) SELECT ?, name FROM customers WHERE id = -1";
    private static final String COPY_NEW = "INSERT INTO clients (id, full_name, name_search)"
            + " SELECT ?, full_name, name_search FROM clients WHERE id = -1";

    @State(Scope.Thread)
    public static class Db {

        /** {@code h2} in memory, or {@code postgresql} on 127.0.0.1:5432 (database {@code ss_bench}). */
        @Param({"h2", "postgresql"})
        public String database;

        Connection admin;
        Connection raw;
        Connection dualWrite;
        PreparedStatement rawOld;
        PreparedStatement rawNew;
        PreparedStatement shiftCopy;
        PreparedStatement shiftKeyed;
        PreparedStatement shiftPicked;
        int nextId;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            String url = database.equals("h2")
                    ? "jdbc:h2:mem:bench_recorded;DB_CLOSE_DELAY=-1"
                    : Setups.postgres("ss_bench");
            Properties login = Setups.login();
            admin = DriverManager.getConnection(url, login);
            Setups.recreateTables(admin);
            Dialect dialect = database.equals("h2") ? Dialect.H2 : Dialect.POSTGRESQL;
            Setups.createControlTables(admin, dialect);
            raw = DriverManager.getConnection(url, login);
            raw.setAutoCommit(false);
            dualWrite = DriverManager.getConnection(
                    "jdbc:schemashift:" + url.substring("jdbc:".length()), Setups.with(login, config()));
            rawOld = raw.prepareStatement(COPY_OLD);
            rawNew = raw.prepareStatement(COPY_NEW);
            shiftCopy = dualWrite.prepareStatement(COPY_OLD);
            shiftKeyed = dualWrite.prepareStatement("UPDATE customers SET name = ? WHERE id = -1");
            shiftPicked = dualWrite.prepareStatement(
                    "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers WHERE id < 0)");
            reset();
        }

        /** Both sides hold the row the writes copy, and nothing else; the divergence log is empty. */
        @Setup(Level.Iteration)
        public void reset() throws SQLException {
            try (Statement st = admin.createStatement()) {
                st.execute("DELETE FROM customers");
                st.execute("DELETE FROM clients");
                st.execute("INSERT INTO customers (id, name) VALUES (-1, 'Copied')");
                st.execute("INSERT INTO clients (id, full_name, name_search) VALUES (-1, 'Copied', 'copied')");
                st.execute("DELETE FROM schemashift_divergence");
            }
            nextId = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            Setups.closeAll(raw, dualWrite, admin);
        }

        private String config() throws IOException {
            return Setups.configFile("recorded-" + database, CONFIG.formatted(database));
        }
    }

    @Benchmark
    public int rawPair(Db db) throws SQLException {
        int id = ++db.nextId;
        db.rawOld.setInt(1, id);
        db.rawNew.setInt(1, id);
        int n = db.rawOld.executeUpdate() + db.rawNew.executeUpdate();
        db.raw.commit();
        return n;
    }

    @Benchmark
    public int recordedWrite(Db db) throws SQLException {
        db.shiftCopy.setInt(1, ++db.nextId);
        return db.shiftCopy.executeUpdate();
    }

    @Benchmark
    public int keyedUpdate(Db db) throws SQLException {
        db.shiftKeyed.setString(1, "n" + ++db.nextId);
        return db.shiftKeyed.executeUpdate();
    }

    @Benchmark
    public int pickedUpdate(Db db) throws SQLException {
        db.shiftPicked.setString(1, "n" + ++db.nextId);
        return db.shiftPicked.executeUpdate();
    }
}
