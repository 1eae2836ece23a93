package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.control.ControlSchema;
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
 * What the intent record costs a write when the new tables live in a separate database
 * ({@code new.url}): one insert in phase {@code dual-write} in a transaction of its own.
 *
 * <ul>
 *   <li>{@code rawPair}: the two inserts written by hand on two raw connections, the old side
 *       committed first, then the new side;
 *   <li>{@code dualWriteIntent}: the insert through SchemaShift with the default {@code writes.intent:
 *       true} (an intent row inserted in the old side's transaction, deleted in the background);
 *   <li>{@code dualWriteNoIntent}: the same with {@code writes.intent: false}.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class TwoDatabaseWriteBenchmark {

    private static final String CONFIG = "migration: bench-%s\nnew:\n  url: '%s'\n  user: '%s'\n  password: '%s'\n"
            + Setups.MAPPING + "writes:\n  intent: %s\nphase: dual-write\n";

    /** The old and the new database, and connections raw and through SchemaShift. */
    @State(Scope.Thread)
    public static class Dbs {

        /** {@code h2}: two in-memory databases; {@code postgresql}: two databases on 127.0.0.1:5432. */
        @Param({"h2", "postgresql"})
        public String database;

        Connection rawOld;
        Connection rawNew;
        Connection intent;
        Connection noIntent;
        PreparedStatement insertOld;
        PreparedStatement insertNew;
        PreparedStatement intentInsert;
        PreparedStatement noIntentInsert;
        String oldUrl;
        String newUrl;
        int nextId;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
            boolean h2 = database.equals("h2");
            oldUrl = h2 ? "jdbc:h2:mem:bench_two_old;DB_CLOSE_DELAY=-1" : Setups.postgres("ss_bench_old");
            newUrl = h2 ? "jdbc:h2:mem:bench_two_new;DB_CLOSE_DELAY=-1" : Setups.postgres("ss_bench_new");
            Dialect dialect = h2 ? Dialect.H2 : Dialect.POSTGRESQL;
            Properties login = Setups.login();
            rawOld = DriverManager.getConnection(oldUrl, login);
            rawNew = DriverManager.getConnection(newUrl, login);
            try (Statement o = rawOld.createStatement();
                    Statement n = rawNew.createStatement()) {
                o.execute("DROP TABLE IF EXISTS customers");
                o.execute(Setups.CREATE_OLD);
                n.execute("DROP TABLE IF EXISTS clients");
                n.execute(Setups.CREATE_NEW);
            }
            ControlSchema.execute(rawOld, ControlSchema.createIntentTable(dialect, "schemashift_intent"));
            ControlSchema.execute(rawNew, ControlSchema.createIntentTable(dialect, "schemashift_intent"));
            rawOld.setAutoCommit(false);
            rawNew.setAutoCommit(false);
            insertOld =
                    rawOld.prepareStatement("INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)");
            insertNew = rawNew.prepareStatement(
                    "INSERT INTO clients (id, full_name, name_search, email) VALUES (?, ?, lower(?), ?)");
            String shiftUrl = "jdbc:schemashift:" + oldUrl.substring("jdbc:".length());
            intent = DriverManager.getConnection(shiftUrl, Setups.with(login, config(true)));
            noIntent = DriverManager.getConnection(shiftUrl, Setups.with(login, config(false)));
            intentInsert = intent.prepareStatement(Setups.INSERT_OLD);
            noIntentInsert = noIntent.prepareStatement(Setups.INSERT_OLD);
            truncate();
        }

        /** Both tables start every iteration empty. */
        @Setup(Level.Iteration)
        public void truncate() throws SQLException {
            try (Statement o = rawOld.createStatement();
                    Statement n = rawNew.createStatement()) {
                o.execute("DELETE FROM customers");
                n.execute("DELETE FROM clients");
            }
            rawOld.commit();
            rawNew.commit();
            nextId = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            for (Connection c : new Connection[] {intent, noIntent, rawOld, rawNew}) {
                c.close();
            }
        }

        private String config(boolean withIntent) throws IOException {
            Properties login = Setups.login();
            String name = withIntent ? "intent" : "no-intent";
            return Setups.configFile(
                    "two-" + name + "-" + database,
                    CONFIG.formatted(
                            name, newUrl, login.getProperty("user"), login.getProperty("password"), withIntent));
        }
    }

    @Benchmark
    public int rawPair(Dbs db) throws SQLException {
        int n = Setups.insertPair(db.insertOld, db.insertNew, ++db.nextId);
        db.rawOld.commit();
        db.rawNew.commit();
        return n;
    }

    @Benchmark
    public int dualWriteIntent(Dbs db) throws SQLException {
        return Setups.insert(db.intentInsert, ++db.nextId);
    }

    @Benchmark
    public int dualWriteNoIntent(Dbs db) throws SQLException {
        return Setups.insert(db.noIntentInsert, ++db.nextId);
    }
}
