package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 *   <li>{@code dualUpdate}: one auto-commit update by key of an existing row (a fixed set of 1,000,
 *       so that the tables do not grow during the run), against {@code rawUpdatePair}: both
 *       updates by hand in one transaction;
 *   <li>{@code routedRead}: a reused point select on a mapped table in phase {@code old-only} with a
 *       configuration present, against the same select through a SchemaShift URL without one
 *       ({@code passThroughRead});
 *   <li>{@code otherTableRead}: a point select on a table the migration does not map, prepared per
 *       op as ORMs do, in phase {@code dual-write} (its text kept, to be judged again after a
 *       catalog change).
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

    private static final String UPDATE_OLD = "UPDATE customers SET email = ? WHERE id = ?";
    private static final String UPDATE_NEW = "UPDATE clients SET email = ? WHERE id = ?";
    /** The rows the updates cycle through: ids -1,001 to -2. */
    private static final int UPDATED_ROWS = 1_000;

    private static final String CONFIG = "migration: bench-%1$s\n" + Setups.MAPPING + "phase: %1$s\n";

    /** One database with both schemas, and connections raw and through SchemaShift. */
    @State(Scope.Thread)
    public static class Db {

        /**
         * {@code h2} in memory, {@code postgresql} on 127.0.0.1:5432 or {@code mariadb} on
         * 127.0.0.1:3306 (database {@code ss_bench}).
         */
        @Param({"h2", "postgresql", "mariadb"})
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
        PreparedStatement rawUpdateOld;
        PreparedStatement rawUpdateNew;
        PreparedStatement shiftUpdate;
        PreparedStatement routedSelect;
        PreparedStatement passThroughSelect;
        int nextId;
        int updated;

        int nextUpdated() {
            updated = (updated + 1) % UPDATED_ROWS;
            return -2 - updated;
        }

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            url = switch (database) {
                case "h2" -> "jdbc:h2:mem:bench_routing;DB_CLOSE_DELAY=-1";
                case "mariadb" -> Setups.mariadb("ss_bench");
                default -> Setups.postgres("ss_bench");
            };
            Properties login = database.equals("mariadb") ? Setups.mariadbLogin() : Setups.login();
            admin = DriverManager.getConnection(url, login);
            Setups.recreateTables(admin);
            String shiftUrl = "jdbc:schemashift:" + url.substring("jdbc:".length());
            raw = DriverManager.getConnection(url, login);
            raw.setAutoCommit(false);
            dualWrite = DriverManager.getConnection(shiftUrl, Setups.with(login, config("dual-write")));
            oldOnly = DriverManager.getConnection(shiftUrl, Setups.with(login, config("old-only")));
            passThrough = DriverManager.getConnection(shiftUrl, login);
            try (Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS items");
                st.execute("CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(100))");
                st.execute("INSERT INTO items (id, label) VALUES (1, 'one')");
            }
            rawOld = raw.prepareStatement(Setups.INSERT_OLD);
            rawNew = raw.prepareStatement(Setups.INSERT_NEW);
            shiftInsert = dualWrite.prepareStatement(Setups.INSERT_OLD);
            rawUpdateOld = raw.prepareStatement(UPDATE_OLD);
            rawUpdateNew = raw.prepareStatement(UPDATE_NEW);
            shiftUpdate = dualWrite.prepareStatement(UPDATE_OLD);
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
            try (PreparedStatement old = admin.prepareStatement(Setups.INSERT_OLD);
                    PreparedStatement neu = admin.prepareStatement(Setups.INSERT_NEW)) {
                for (int id = -UPDATED_ROWS - 1; id < -1; id++) {
                    Setups.insertPair(old, neu, id);
                }
            }
            nextId = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            Setups.closeAll(raw, dualWrite, oldOnly, passThrough, admin);
        }

        private String config(String phase) throws IOException {
            return Setups.configFile(phase + "-" + database, CONFIG.formatted(phase));
        }
    }

    @Benchmark
    public int rawPair(Db db) throws SQLException {
        int n = Setups.insertPair(db.rawOld, db.rawNew, ++db.nextId);
        db.raw.commit();
        return n;
    }

    @Benchmark
    public int dualWrite(Db db) throws SQLException {
        return Setups.insert(db.shiftInsert, ++db.nextId);
    }

    @Benchmark
    public int rawUpdatePair(Db db) throws SQLException {
        int id = db.nextUpdated();
        int n = update(db.rawUpdateOld, id) + update(db.rawUpdateNew, id);
        db.raw.commit();
        return n;
    }

    @Benchmark
    public int dualUpdate(Db db) throws SQLException {
        return update(db.shiftUpdate, db.nextUpdated());
    }

    private static int update(PreparedStatement ps, int id) throws SQLException {
        ps.setString(1, "e" + id);
        ps.setInt(2, id);
        return ps.executeUpdate();
    }

    @Benchmark
    public String routedRead(Db db) throws SQLException {
        return read(db.routedSelect);
    }

    @Benchmark
    public String passThroughRead(Db db) throws SQLException {
        return read(db.passThroughSelect);
    }

    @Benchmark
    public String otherTableRead(Db db) throws SQLException {
        try (PreparedStatement ps = db.dualWrite.prepareStatement("SELECT label FROM items WHERE id = ?")) {
            return read(ps, 1);
        }
    }

    private static String read(PreparedStatement ps) throws SQLException {
        return read(ps, -1);
    }

    private static String read(PreparedStatement ps, int id) throws SQLException {
        ps.setInt(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
