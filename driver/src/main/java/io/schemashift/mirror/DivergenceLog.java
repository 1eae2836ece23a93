package io.schemashift.mirror;

import io.schemashift.control.ConnectionSource;
import io.schemashift.control.ControlSchema;
import io.schemashift.metrics.LogThrottle;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every row the two sides may disagree on, so that {@code verify --repair} can fix
 * exactly those rows. Records carry the table, the key (when known), the statement fingerprint,
 * the reason and the time, never a column value. They are written in batches by one background
 * thread to a table on the primary database, created on first use; {@link #record} never blocks
 * the application: when the queue is full the record is dropped and counted.
 *
 * <p>Thread-safe.
 */
public final class DivergenceLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DivergenceLog.class);
    private static final int QUEUE = 10_000;

    /**
     * One divergence.
     *
     * @param key the encoded key ({@link io.schemashift.rewriter.KeyCodec}), or {@code null} if unknown
     */
    public record Divergence(String table, String key, String fingerprint, String reason, Instant at) {}

    private final String migration;
    private final String tableName;
    private final Dialect dialect;
    private final ConnectionSource primary;
    private final ShiftMetrics metrics;
    private final BlockingQueue<Divergence> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Records queued and not yet written (or given up): what {@link #flush} waits for. */
    private final AtomicLong outstanding = new AtomicLong();

    private final LogThrottle logThrottle = new LogThrottle(Duration.ofSeconds(10));
    private final Thread writer;
    private volatile boolean closed;
    private boolean tableReady;

    public DivergenceLog(
            String migration, String tableName, Dialect dialect, ConnectionSource primary, ShiftMetrics metrics) {
        this.migration = migration;
        this.tableName = tableName;
        this.dialect = dialect;
        this.primary = primary;
        this.metrics = metrics;
        this.writer = new Thread(this::drain, "schemashift-divergence-" + migration);
        writer.setDaemon(true);
        writer.start();
    }

    /** Records one divergence; never blocks and never throws. */
    public void record(String table, String key, String fingerprint, String reason) {
        metrics.diverged(table, reason);
        outstanding.incrementAndGet();
        if (!queue.offer(new Divergence(table, key, fingerprint, reason, Instant.now()))) {
            outstanding.decrementAndGet();
            metrics.divergencesLost(1);
        }
        long events = logThrottle.event();
        if (events > 0) {
            LOG.warn(
                    "[{}] {} divergence(s) recorded in the last 10s (latest: table {}, reason {}, query {}); see table {}"
                            + " and run 'schemashift verify --from-divergences'",
                    migration,
                    events,
                    table,
                    reason,
                    fingerprint,
                    tableName);
        }
    }

    /** Records queued and not written yet: the divergence backlog (a gauge, the health check). */
    public long backlog() {
        return outstanding.get();
    }

    /** Waits until every record queued so far is written, or {@code timeout} passes. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return true;
    }

    private void drain() {
        List<Divergence> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Divergence first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 499);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                // Not the message: drivers put bound values (keys) into it.
                LOG.error(
                        "[{}] cannot write {} divergence record(s) to table {}: {} (SQLState {}); they are lost,"
                                + " run a full 'schemashift verify'",
                        migration,
                        batch.size(),
                        tableName,
                        e.getClass().getSimpleName(),
                        e instanceof SQLException sql ? sql.getSQLState() : "-");
                metrics.divergencesLost(batch.size());
            } finally {
                outstanding.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<Divergence> batch) throws SQLException {
        try (Connection c = primary.open()) {
            c.setAutoCommit(true);
            if (!tableReady) {
                ControlSchema.execute(c, ControlSchema.createDivergenceTable(dialect, tableName));
                tableReady = true;
            }
            try (PreparedStatement ps = c.prepareStatement(ControlSchema.insertDivergence(tableName))) {
                for (Divergence d : batch) {
                    ps.setString(1, migration);
                    ps.setString(2, d.table());
                    ps.setString(3, d.key());
                    ps.setString(4, d.fingerprint());
                    ps.setString(5, d.reason());
                    ps.setObject(6, ControlSchema.timestamp(d.at()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
