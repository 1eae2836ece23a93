package io.schemashift.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * Issue 3: what a JDBC wrapper costs on top of H2 in-memory, for SchemaShift pass-through and its
 * peers, in one run. Every variant runs the same JDBC calls on the same schema; see {@link Target}
 * for how each one is reached.
 *
 * <p>Run with {@code -prof gc} and read {@code gc.alloc.rate.norm} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class JdbcOverheadBenchmark {

    /** Rows an insert batch adds; also the rows a scan reads. */
    static final int BATCH = 100;
    /** Batches inserted before the events table is emptied again (outside the timed region). */
    static final int BATCHES_BEFORE_TRUNCATE = 500;

    /** The database, one connection through the variant under test, and its reused statements. */
    @State(Scope.Thread)
    public static class Jdbc {

        @Param({"raw", "schemashift", "p6spy", "datasource-proxy", "shardingsphere"})
        public String driver;

        Target target;
        Connection connection;
        PreparedStatement pointSelect;
        PreparedStatement rangeSelect;
        PreparedStatement insert;
        Connection perOpConnection;
        int nextId;
        int nextRangeStart;
        int nextEventId;

        @Setup(Level.Trial)
        public void openTrial() throws SQLException {
            target = Target.open(driver, "bench");
            connection = target.connect();
            pointSelect = connection.prepareStatement("SELECT name FROM items WHERE id = ?");
            rangeSelect = connection.prepareStatement(
                    "SELECT id, name, price FROM items WHERE id > ? AND id <= ? ORDER BY id");
            insert = connection.prepareStatement("INSERT INTO events (id, name, amount) VALUES (?, ?, ?)");
        }

        /**
         * The prepare-per-op benchmark gets a fresh connection every iteration: ShardingSphere
         * 5.5.2 keeps every statement a connection prepared until the connection closes, so on
         * one connection for the whole trial its prepare would only get slower. The events table
         * starts each iteration empty.
         */
        @Setup(Level.Iteration)
        public void openIteration() throws SQLException {
            perOpConnection = target.connect();
            target.truncateEvents();
        }

        @TearDown(Level.Iteration)
        public void closeIteration() throws SQLException {
            perOpConnection.close();
        }

        @TearDown(Level.Trial)
        public void closeTrial() throws SQLException {
            try {
                pointSelect.close();
                rangeSelect.close();
                insert.close();
                connection.close();
            } finally {
                target.close();
            }
        }

        int nextId() {
            int id = nextId + 1;
            nextId = id == Target.ITEMS ? 0 : id;
            return id;
        }
    }

    /**
     * Empties the events table every {@value #BATCHES_BEFORE_TRUNCATE} batches (at most 50,000
     * rows), outside the timed region: with a per-iteration truncate alone it would grow to
     * about a million rows within one 2 s warm-up iteration. A state of its own, so that only the
     * batch benchmark pays JMH's per-invocation fixture bookkeeping.
     */
    @State(Scope.Thread)
    public static class BoundedEvents {
        // Reached through this state only: a state injected both here and into the benchmark
        // method would be instantiated twice by JMH 1.37, and the database created twice.
        Jdbc jdbc;
        private int batches;

        @Setup(Level.Trial)
        public void attach(Jdbc j) {
            this.jdbc = j;
        }

        @Setup(Level.Invocation)
        public void bound() throws SQLException {
            if (++batches > BATCHES_BEFORE_TRUNCATE) {
                jdbc.target.truncateEvents();
                batches = 0;
            }
        }
    }

    /** One PreparedStatement for the whole trial: bind, execute, read one column, close the result set. */
    @Benchmark
    public String reusedPointSelect(Jdbc jdbc) throws SQLException {
        PreparedStatement ps = jdbc.pointSelect;
        ps.setInt(1, jdbc.nextId());
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Prepare, bind, execute, read, close, every op. */
    @Benchmark
    public String preparedPerOp(Jdbc jdbc) throws SQLException {
        try (PreparedStatement ps = jdbc.perOpConnection.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            ps.setInt(1, jdbc.nextId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A reused PreparedStatement returning 100 rows; reads three columns of each. */
    @Benchmark
    public void scan100Rows(Jdbc jdbc, Blackhole bh) throws SQLException {
        int from = jdbc.nextRangeStart;
        jdbc.nextRangeStart = from + BATCH >= Target.ITEMS ? 0 : from + 7;
        PreparedStatement ps = jdbc.rangeSelect;
        ps.setInt(1, from);
        ps.setInt(2, from + BATCH);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bh.consume(rs.getInt(1));
                bh.consume(rs.getString(2));
                bh.consume(rs.getLong(3));
            }
        }
    }

    /** A reused PreparedStatement: 100 × (bind, addBatch), then executeBatch, in autocommit. */
    @Benchmark
    public int[] insertBatch100(BoundedEvents events) throws SQLException {
        Jdbc jdbc = events.jdbc;
        PreparedStatement ps = jdbc.insert;
        int id = jdbc.nextEventId;
        for (int i = 0; i < BATCH; i++) {
            ps.setInt(1, id + i);
            ps.setString(2, "event");
            ps.setLong(3, i);
            ps.addBatch();
        }
        jdbc.nextEventId = id + BATCH;
        return ps.executeBatch();
    }
}
