package io.schemashift.mirror;

import io.micrometer.core.instrument.Counter;
import io.schemashift.api.ConnectionSource;
import io.schemashift.control.ControlHealth;
import io.schemashift.control.ControlSchema;
import io.schemashift.metrics.LogThrottle;
import io.schemashift.metrics.ShiftMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * thread to the divergence table on the primary database, which {@code schemashift init} created:
 * this class never runs DDL. {@link #record} never blocks the application.
 *
 * <p>When the table cannot be written (missing, no grant, database unreachable) the batch stays
 * queued and is retried every {@code retry}; one ERROR line says why, {@code
 * schemashift.control.failures} counts each attempt, and the heartbeat reports the failure, so that
 * every forward phase guard refuses. Records are lost, and counted in {@code
 * schemashift.divergences.lost}, only when the bounded queue is full, when the database rejects the
 * record even without its key, or when {@link #close} gives up. A key longer than the key column,
 * or one the database rejects, is stored as a table-level record (no key), counted in {@code
 * schemashift.divergences.unkeyed}: {@code verify} then checks the whole table.
 *
 * <p>Thread-safe.
 */
public final class DivergenceLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DivergenceLog.class);
    private static final int QUEUE = 10_000;
    private static final int BATCH = 500;
    /** While writes keep failing, one more ERROR line at most this often. */
    private static final Duration REPEAT_ERROR = Duration.ofMinutes(5);

    /**
     * One divergence.
     *
     * @param key the encoded key ({@link io.schemashift.rewriter.KeyCodec}), or {@code null} if unknown
     */
    public record Divergence(String table, String key, String fingerprint, String reason, Instant at) {}

    private final String migration;
    private final String tableName;
    private final ConnectionSource primary;
    private final ShiftMetrics metrics;
    private final ControlHealth health;
    private final Duration retry;
    private final BlockingQueue<Divergence> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Records queued and not yet written (or given up): what {@link #flush} waits for. */
    private final AtomicLong outstanding = new AtomicLong();
    /** Records queued so far, in queue order (counted with the queue under {@code this}): the last one's mark. */
    private long queued;
    /** The mark of the last record written or given up (the writer takes the queue in order); under {@code this}. */
    private long settled;

    private final LogThrottle logThrottle = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle errorThrottle = new LogThrottle(REPEAT_ERROR);
    private final Counter unkeyed;
    private final Thread writer;
    private volatile boolean closed;
    /** Set by {@link #close} when it stops waiting: the writer then writes and counts nothing more. */
    private volatile boolean abandoned;

    /**
     * Starts the writer thread.
     *
     * @param retry how long to wait before writing a batch again after a failure ({@code control.poll})
     */
    public DivergenceLog(
            String migration, String tableName, ConnectionSource primary, ShiftMetrics metrics, Duration retry) {
        this.migration = migration;
        this.tableName = tableName;
        this.primary = primary;
        this.metrics = metrics;
        this.health = metrics.health();
        this.retry = retry;
        this.unkeyed = Counter.builder("schemashift.divergences.unkeyed")
                .description("Divergence records stored without their key, which is longer than the key column")
                .baseUnit("records")
                .tags(metrics.common())
                .register(metrics.registry());
        this.writer = new Thread(this::drain, "schemashift-divergence-" + migration);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Records one divergence; never blocks and never throws.
     *
     * @return whether it was queued: {@code false} when it was lost at once (the queue full, or closed)
     */
    public boolean record(String table, String key, String fingerprint, String reason) {
        metrics.diverged(table, reason);
        if (key != null && key.length() > ControlSchema.KEY_TEXT_MAX) {
            // verify reads a record without a key as "this table": complete, if coarse
            unkeyed.increment();
            key = null;
        }
        boolean queued = enqueue(new Divergence(table, key, fingerprint, reason, Instant.now()));
        if (!queued) {
            lose(1);
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
        return queued;
    }

    /**
     * Records each of {@code rows} for {@code reason}; never blocks and never throws.
     *
     * @return whether every one was queued
     */
    public boolean recordAll(List<RowKey> rows, DivergenceReason reason) {
        boolean queued = true;
        for (RowKey row : rows) {
            queued &= record(row.table(), row.key(), row.fingerprint(), reason.tag());
        }
        return queued;
    }

    private synchronized boolean enqueue(Divergence d) {
        if (closed || !queue.offer(d)) {
            return false;
        }
        outstanding.incrementAndGet();
        queued++;
        return true;
    }

    /** The mark of the last record queued so far: once {@link #settled()} reaches it, it and all before are settled. */
    public synchronized long mark() {
        return queued;
    }

    /** The mark of the last record written (or given up): every record up to it is settled. */
    public synchronized long settled() {
        return settled;
    }

    /** Records queued and not written yet: the divergence backlog (a gauge, the health check). */
    public long backlog() {
        return outstanding.get();
    }

    /** Waits until every record queued so far is written (or lost), or {@code timeout} passes. */
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
        while (!abandoned) {
            if (batch.isEmpty()) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                try {
                    Divergence first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    if (closed) {
                        continue; // close() wakes the writer to write what is queued at once
                    }
                    return;
                }
                queue.drainTo(batch, BATCH - 1);
            }
            if (writeOrKeep(batch)) {
                settle(batch.size(), false);
                batch.clear();
            } else if (closed) {
                return; // close() counts what is left as lost
            } else {
                pause();
            }
        }
    }

    /**
     * Writes {@code batch}; on a failure that retrying may cure, keeps it and returns false. Records
     * the database rejects for their values are written one by one, and those it still rejects are
     * lost.
     */
    private boolean writeOrKeep(List<Divergence> batch) {
        try {
            write(folded(batch));
            if (health.recovered(ControlHealth.Operation.DIVERGENCE_WRITE)) {
                LOG.info("[{}] divergence records are written to table {} again", migration, tableName);
            }
            return true;
        } catch (SQLException e) {
            ControlHealth.Kind kind = ControlHealth.classify(e);
            if (kind == ControlHealth.Kind.REJECTED) {
                writeOneByOne(batch);
                return true;
            }
            failed(kind, e, batch.size());
            return false;
        } catch (RuntimeException e) {
            failed(ControlHealth.Kind.OTHER, new SQLException(e.getClass().getSimpleName()), batch.size());
            return false;
        }
    }

    /**
     * {@code batch} with the records of one table, key, reason and statement folded into one, at the
     * latest of their times: a write that records the whole table (or a hot row) on every run adds
     * one row per batch, not one per run. The latest time keeps a record from looking older than a
     * verify that began before its last run.
     */
    static List<Divergence> folded(List<Divergence> batch) {
        if (batch.size() < 2) {
            return batch;
        }
        Map<Fold, Divergence> rows = new LinkedHashMap<>();
        for (Divergence d : batch) {
            rows.merge(
                    new Fold(d.table(), d.key(), d.reason(), d.fingerprint()),
                    d,
                    (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        return rows.size() == batch.size() ? batch : new ArrayList<>(rows.values());
    }

    /** What makes two records one for {@link #folded}. */
    private record Fold(String table, String key, String reason, String fingerprint) {}

    /**
     * Writes the records of a rejected batch one by one. A keyed record the database still rejects
     * (its key text, in a character set the column cannot hold) is written without its key: {@code
     * verify} then checks the whole table, as for a key longer than the column.
     */
    private void writeOneByOne(List<Divergence> batch) {
        int lost = 0;
        for (Divergence d : batch) {
            try {
                write(List.of(d));
            } catch (SQLException | RuntimeException e) {
                if (d.key() != null && writtenWithoutKey(d)) {
                    continue;
                }
                lost++;
                LOG.error(
                        "[{}] the database rejected a divergence record for table {} in table {} ({}, SQLState {});"
                                + " it is lost, run a full 'schemashift verify --table {}'",
                        migration,
                        d.table(),
                        tableName,
                        e.getClass().getSimpleName(),
                        e instanceof SQLException sql ? sql.getSQLState() : "-",
                        d.table());
            }
        }
        settle(batch.size() - lost, false);
        settle(lost, true);
        batch.clear();
    }

    private boolean writtenWithoutKey(Divergence d) {
        try {
            write(List.of(new Divergence(d.table(), null, d.fingerprint(), d.reason(), d.at())));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
        unkeyed.increment();
        LOG.warn(
                "[{}] the database rejected the key of a divergence record for table {}; it is recorded for the whole"
                        + " table, which 'schemashift verify --from-divergences' checks in full",
                migration,
                d.table());
        return true;
    }

    private void failed(ControlHealth.Kind kind, SQLException e, int records) {
        boolean due = errorThrottle.event() > 0;
        if (health.failed(ControlHealth.Operation.DIVERGENCE_WRITE, kind) || due) {
            // Not the message: drivers put bound values (keys) into it.
            LOG.error(
                    "[{}] cannot write divergence records to table {}: {} (SQLState {}, {}); {} record(s) kept"
                            + " queued and retried every {}, phase guards refuse until then; {}",
                    migration,
                    tableName,
                    kind.text(),
                    e.getSQLState(),
                    e.getClass().getSimpleName(),
                    records + queue.size(),
                    retry,
                    kind.hint());
        }
    }

    private void pause() {
        try {
            Thread.sleep(retry.toMillis());
        } catch (InterruptedException e) {
            // close() wakes the writer for one last attempt
        }
    }

    /** Accounts for {@code records} written ({@code lost} false) or given up. */
    private void settle(int records, boolean lost) {
        if (records == 0 || abandoned) {
            return; // after close() gave up, it counted everything left as lost
        }
        outstanding.addAndGet(-records);
        synchronized (this) {
            settled += records;
        }
        if (lost) {
            lose(records);
        }
    }

    private void lose(int records) {
        metrics.divergencesLost(records);
        health.lost(records);
    }

    /**
     * Writes {@code batch} in one transaction: a batch the database rejects leaves no record of it
     * behind (H2 and MariaDB go on past a failed row in auto-commit), so that writing its records
     * one by one afterwards writes none twice. The connection goes back in auto-commit: it may be
     * the application's pool's.
     */
    private void write(List<Divergence> batch) throws SQLException {
        try (Connection c = primary.open()) {
            c.setAutoCommit(false);
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
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Writes what is queued within 5 seconds, then stops; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * Stops taking records and writes what is queued, waiting at most {@code timeout}; records
     * still unwritten then are counted as lost (and reported by the last heartbeat).
     *
     * @return the records lost at close
     */
    public long close(Duration timeout) {
        closed = true;
        writer.interrupt(); // out of a retry pause: one last attempt now
        try {
            writer.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abandoned = true;
        long left = outstanding.getAndSet(0);
        if (left > 0) {
            lose((int) Math.min(left, Integer.MAX_VALUE));
            LOG.error(
                    "[{}] {} divergence record(s) could not be written to table {} before shutdown and are lost;"
                            + " run a full 'schemashift verify'",
                    migration,
                    left,
                    tableName);
        }
        return left;
    }
}
