package io.schemashift.backfill;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.backfill.internal.Args;
import io.schemashift.backfill.internal.Identifiers;
import io.schemashift.backfill.internal.JobBuilder;
import io.schemashift.backfill.internal.MultiRowInsert;
import io.schemashift.backfill.internal.SessionSetting;
import io.schemashift.backfill.internal.Statements;
import io.schemashift.backfill.internal.Statements.NewRows;
import io.schemashift.backfill.internal.TableShape;
import io.schemashift.backfill.internal.Tables;
import io.schemashift.backfill.internal.Throttle;
import io.schemashift.backfill.internal.Transactions;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the rows of old tables into their new tables through the mapping, in key order and in
 * batches, so that a live migration's new schema holds every row; or, {@linkplain Builder#from from
 * the new side}, the rows of the new tables back into the old ones, once the new side holds the
 * truth. Safe alongside dual writes,
 * idempotent and resumable; see {@code docs/backfill-verify.md} for the guarantee and its
 * precondition (dual writes on before the backfill starts).
 *
 * <p>Each batch is one transaction that locks the old rows it copies (shared locks): the app's
 * writes to those rows wait until the batch commits, so a batch can neither write a stale version
 * of a row nor resurrect a row the app deleted. New rows are only inserted when absent; a row
 * that exists on the new side was put there by a dual write and is never overwritten.
 *
 * <p>Immutable and thread-safe; {@link #run} may be called again (for example with {@code
 * resume}), but not concurrently for the same table.
 *
 * <p>Over 500 lines because a table's run (locks, key ranges, the two batch kinds, two lanes of
 * batches on PostgreSQL, checkpoints, lineage) is one piece of state that its parts share.
 */
public final class Backfill {

    /**
     * Rows per batch unless set: large enough that the per-batch round trips (lock, range, copy,
     * checkpoint, commit) cost a few percent of the copy, small enough that a writer waits for one
     * batch only briefly (about 20 to 50 ms on PostgreSQL).
     */
    public static final int DEFAULT_BATCH = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    /** Old rows fetched per round trip of a cross-database batch's streaming read. */
    private static final int FETCH_SIZE = 5000;

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Mapping mapping;
    private final Dialect dialect;
    private final ConnectionSource oldSide;
    private final ConnectionSource newSide;
    private final String migration;
    private final int batchSize;
    private final double rowsPerSecond;
    private final double backoffFactor;
    private final CheckpointStore checkpoints;
    private final ProgressListener progress;
    private final String lineageTable;
    private final Side from;
    private final boolean tableLocks;

    private Backfill(Builder b, JobBuilder.JobSettings s) {
        this.mapping = s.mapping();
        this.dialect = s.dialect();
        this.oldSide = s.oldDatabase();
        this.newSide = s.newDatabase();
        this.migration = s.migration();
        this.batchSize = b.batchSize;
        this.rowsPerSecond = s.rowsPerSecond();
        this.backoffFactor = s.backoffFactor();
        this.checkpoints = b.checkpoints;
        this.progress = s.progress();
        this.lineageTable = b.lineageTable;
        this.from = b.from;
        this.tableLocks = b.tableLocks && dialect == Dialect.POSTGRESQL;
    }

    /**
     * A builder for a backfill of {@code mapping}'s tables, reading the old side from {@code
     * oldSide}. Without {@link Builder#newDatabase} the new tables live in the same database.
     */
    public static Builder builder(Mapping mapping, Dialect dialect, ConnectionSource oldSide) {
        return new Builder(mapping, dialect, oldSide);
    }

    /**
     * Backfills the given old tables, one after the other.
     *
     * @param tables old table names; empty for every mapped table
     * @param resume continue each table from its checkpoint; {@code false} starts from the first
     *     key (still harmless: rows already on the new side are left alone)
     * @throws SQLException naming the table when a table is not mapped, a mapped column is missing
     *     or a batch fails for good; with SQLState 57014 when the thread was interrupted (the
     *     checkpoint of the last committed batch is kept)
     */
    public BackfillReport run(Collection<String> tables, boolean resume) throws SQLException {
        long start = System.nanoTime();
        List<BackfillReport.TableResult> results = new ArrayList<>();
        for (TableMapping tm : Tables.resolve(mapping, tables)) {
            results.add(runTable(tm, resume));
        }
        return new BackfillReport(migration, results, Duration.ofNanos(System.nanoTime() - start));
    }

    private BackfillReport.TableResult runTable(TableMapping tm, boolean resume) throws SQLException {
        long start = System.nanoTime();
        try (Connection oldConn = oldSide.open();
                Connection separate = newSide == null ? null : newSide.open()) {
            Connection newConn = separate == null ? oldConn : separate;
            TableShape resolved = TableShape.resolve(tm, dialect, oldConn, newConn);
            TableShape shape = from == Side.OLD ? resolved : resolved.reversed();
            Connection source = from == Side.OLD ? oldConn : newConn;
            Connection target = from == Side.OLD ? newConn : oldConn;
            Statements sql = new Statements(dialect, shape);
            Connection cpConn = checkpoints.side() == Side.OLD ? oldConn : newConn;
            checkpoints.prepare(cpConn);
            if (lineage()) {
                createLineageTable(newConn);
            }
            // a backfill from new keeps its own checkpoint: resuming one direction never skips rows of the other
            String cpName = from == Side.OLD ? tm.oldName() : tm.oldName() + " from new";
            List<Object> lower = null;
            long before = 0;
            Optional<Checkpoint> cp = checkpoints.load(cpConn, migration, cpName);
            if (resume && cp.isPresent() && cp.get().lastKey() != null) {
                lower = Tables.parseKey(resolved, cp.get().lastKey());
                before = cp.get().rowsCopied();
                LOG.info("{} backfill {}: resuming after {} rows", migration, tm.oldName(), before);
            }
            long estimate = Math.max(0, Tables.estimate(source, sql) - before);
            progress.started("backfill", tm.oldName(), estimate);

            Run run =
                    new Run(tm.oldName(), cpName, shape, sql, source, separate == null ? null : target, cpConn, before);
            run.prepare();
            try {
                Connection second = run.twoLanes() ? secondLane(tm.oldName(), oldConn) : null;
                if (second == null) {
                    run.loop(lower);
                } else {
                    try (second) {
                        run.prepareLane(second);
                        run.loopInTwoLanes(lower, second);
                    }
                }
            } finally {
                run.restore();
            }
            progress.finished(tm.oldName(), run.rows);
            LOG.info(
                    "{} backfill {} from the {} side: {} rows in {} batches ({} with the table locked)",
                    migration,
                    tm.oldName(),
                    from == Side.OLD ? "old" : "new",
                    run.rows,
                    run.batches,
                    run.tableLocked);
            return new BackfillReport.TableResult(
                    tm.oldName(),
                    run.rows,
                    run.batches,
                    before,
                    Duration.ofNanos(System.nanoTime() - start),
                    Duration.ofNanos(run.throttle.pacedNanos()),
                    Duration.ofNanos(run.throttle.backoffNanos()),
                    run.tableLocked);
        }
    }

    /**
     * A second connection for two batches at once, or {@code null} (one batch at a time) when none
     * can be opened, or when the source hands out the session it gave before (a shared connection,
     * which is then left open: it is {@code first}).
     */
    private Connection secondLane(String table, Connection first) {
        Connection second = null;
        try {
            second = oldSide.open();
            if (backendPid(second) != backendPid(first)) {
                return second;
            }
            LOG.info("{} backfill {}: one batch at a time, the connection source shares one session", migration, table);
        } catch (SQLException e) {
            LOG.warn(
                    "{} backfill {}: one batch at a time, a second connection failed: {}",
                    migration,
                    table,
                    e.getMessage());
            if (second != null && second != first) {
                try {
                    second.close();
                } catch (SQLException ignored) {
                    // it failed already: nothing more to lose
                }
            }
        }
        return null;
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Lineage goes to the new side only, so only a backfill from old records it. */
    private boolean lineage() {
        return lineageTable != null && from == Side.OLD;
    }

    private void createLineageTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + lineageTable
                    + " (migration VARCHAR(200) NOT NULL, table_name VARCHAR(200) NOT NULL, batch VARCHAR(64) NOT NULL,"
                    + " first_key VARCHAR(4000), last_key VARCHAR(4000), row_count BIGINT NOT NULL,"
                    + " migrated_at TIMESTAMP NOT NULL, PRIMARY KEY (migration, table_name, batch))");
        }
    }

    /**
     * The state of one table's backfill while it runs. {@code oldConn} is the source side's
     * connection and {@code separate} the target's when it is another database: for a backfill
     * from new, the new side's and the old side's.
     */
    private final class Run {
        private final String table;
        private final String cpName;
        private final TableShape shape;
        private final Statements sql;
        private final Connection oldConn;
        private final Connection separate;
        private final Connection newConn;
        private final Connection cpConn;
        private final long before;
        private final Throttle throttle = new Throttle(rowsPerSecond, backoffFactor);
        private final String runId = Long.toString(System.currentTimeMillis(), 36);
        private final int[] keyPositions;
        private long rows;
        private long batches;
        private long tableLocked;
        /** Whether batches try to lock the old table (off for good once the privilege is missing); both lanes read it. */
        private volatile boolean tableLocks = Backfill.this.tableLocks;

        private boolean oldAutoCommit;
        private int oldIsolation;
        private boolean newAutoCommit;
        /** The target session's {@code synchronous_commit}, when the run switched it off. */
        private SessionSetting synchronousCommit;

        Run(
                String table,
                String cpName,
                TableShape shape,
                Statements sql,
                Connection oldConn,
                Connection separate,
                Connection cpConn,
                long before) {
            this.table = table;
            this.cpName = cpName;
            this.shape = shape;
            this.sql = sql;
            this.oldConn = oldConn;
            this.separate = separate;
            this.newConn = separate == null ? oldConn : separate;
            this.cpConn = cpConn;
            this.before = before;
            this.keyPositions = shape.keyPositions();
        }

        /**
         * Manual commits on both sides. MariaDB runs REPEATABLE READ so that INSERT … SELECT reads
         * (and locks) the latest rows; PostgreSQL and H2 run READ COMMITTED, where a locking read
         * sees the latest committed row version.
         */
        void prepare() throws SQLException {
            oldAutoCommit = oldConn.getAutoCommit();
            oldIsolation = oldConn.getTransactionIsolation();
            oldConn.setAutoCommit(false);
            oldConn.setTransactionIsolation(
                    dialect == Dialect.MARIADB
                            ? Connection.TRANSACTION_REPEATABLE_READ
                            : Connection.TRANSACTION_READ_COMMITTED);
            if (separate != null) {
                newAutoCommit = separate.getAutoCommit();
                separate.setAutoCommit(false);
            }
            asynchronousCommits();
        }

        /**
         * PostgreSQL, when a batch's checkpoint is written in the batch's own transaction: its commit does not wait
         * for the WAL flush (a fifth of a 10,000-row batch's time on a disk that flushes in 2 ms). A crash can then
         * lose the last batches, but each with its checkpoint, so a resume copies them again; and any transaction
         * that commits later in the usual way (an application's mirrored write) flushes them first.
         */
        private void asynchronousCommits() throws SQLException {
            if (dialect != Dialect.POSTGRESQL || cpConn != newConn) {
                return;
            }
            synchronousCommit = SessionSetting.set(newConn, "synchronous_commit", "off");
            newConn.commit();
        }

        void restore() throws SQLException {
            oldConn.rollback();
            if (separate != null) {
                separate.rollback();
            }
            if (synchronousCommit != null) {
                synchronousCommit.close();
                newConn.commit();
            }
            oldConn.setTransactionIsolation(oldIsolation);
            oldConn.setAutoCommit(oldAutoCommit);
            if (separate != null) {
                separate.setAutoCommit(newAutoCommit);
            }
        }

        void loop(List<Object> start) throws SQLException {
            List<Object> lower = start;
            throttle.start(System.nanoTime());
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted();
                }
                List<Object> from = lower;
                Batch b;
                try {
                    b = separate == null
                            ? Transactions.retrying(() -> sameDatabaseBatch(from), oldConn)
                            : Transactions.retrying(() -> crossDatabaseBatch(from), oldConn, separate);
                } catch (SQLException e) {
                    throw failed(batches + 1, e);
                }
                if (b.rows == 0) {
                    return;
                }
                lower = b.lastKey;
                rows += b.rows;
                batches++;
                if (b.tableLocked) {
                    tableLocked++;
                }
                progress.advanced(table, rows, b.rows);
                try {
                    throttle.afterBatch(b.rows, b.readNanos, System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw interrupted();
                }
            }
        }

        private SQLException interrupted() {
            return ShiftSqlState.CANCELLED.error("backfill of " + table + " interrupted after " + batches
                    + " batches; the checkpoint keeps the last committed batch, run with resume to continue");
        }

        private SQLException failed(long batch, SQLException e) {
            return new SQLException(
                    "backfill of " + table + " failed in batch " + batch + " (after " + rows
                            + " rows; the checkpoint keeps the last committed batch): " + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }

        /** Whether two batches run at once ({@link #loopInTwoLanes}): on PostgreSQL with the new table in the same database. */
        boolean twoLanes() {
            return dialect == Dialect.POSTGRESQL && separate == null;
        }

        /** The second lane's connection runs batches as the first does ({@link #prepare}). */
        void prepareLane(Connection lane) throws SQLException {
            lane.setAutoCommit(false);
            lane.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            if (synchronousCommit != null) {
                try (Statement s = lane.createStatement()) {
                    s.execute("SET synchronous_commit TO off");
                }
                lane.commit();
            }
        }

        /**
         * Two batches at once, one per connection, so that one batch's round trips (its range,
         * lock, probe, checkpoint and commit) overlap the other's copy: the copy alone then takes
         * about the time of the plain INSERT … SELECT. Each lane claims the next range once the
         * batch before found the end of its own, and commits only after the batch before committed:
         * the checkpoint never passes a batch that is not committed, and a batch after a failed or
         * interrupted one rolls back. This thread is one lane, {@code second}'s thread the other.
         */
        void loopInTwoLanes(List<Object> start, Connection second) throws SQLException {
            Lanes lanes = new Lanes(start);
            throttle.start(System.nanoTime());
            Thread other = new Thread(() -> lanes.run(second), "schemashift-backfill-" + table);
            other.setDaemon(true);
            other.start();
            boolean interrupted = false;
            try {
                lanes.run(oldConn);
            } finally {
                while (other.isAlive()) {
                    try {
                        other.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        lanes.interrupt();
                    }
                }
            }
            if (interrupted || lanes.interrupted) {
                Thread.currentThread().interrupt();
                throw interrupted();
            }
            if (lanes.failure != null) {
                throw failed(lanes.failedBatch, lanes.failure);
            }
        }

        /** What the two lanes share, guarded by this object's monitor. */
        private final class Lanes {
            /** The next batch's lower bound ({@code null}: the first key), once {@link #lowerKnown}. */
            private List<Object> lower;

            private boolean lowerKnown = true;
            /** A batch found no row: nothing is left to claim. */
            private boolean exhausted;

            private long claimed;
            private long committed;
            /** The first batch that failed for good, and how; the batches before it may still commit. */
            private long failedBatch = Long.MAX_VALUE;

            private SQLException failure;
            private boolean interrupted;

            Lanes(List<Object> start) {
                this.lower = start;
            }

            void run(Connection c) {
                long k = 0;
                try {
                    while (true) {
                        List<Object> from;
                        synchronized (this) {
                            while (!lowerKnown && !stopped() && !exhausted) {
                                wait();
                            }
                            if (Thread.currentThread().isInterrupted()) {
                                stop();
                            }
                            if (stopped() || exhausted) {
                                return;
                            }
                            k = ++claimed;
                            from = lower;
                            lowerKnown = false;
                        }
                        long t0 = System.nanoTime();
                        Span span = span(c, from);
                        long readNanos = System.nanoTime() - t0;
                        synchronized (this) {
                            exhausted = span.rows() == 0;
                            lower = span.last();
                            lowerKnown = true;
                            notifyAll();
                        }
                        if (span.rows() == 0) {
                            c.rollback();
                            return;
                        }
                        String batchId = batchId(k);
                        long batch = k;
                        Batch b = Transactions.retrying(
                                () -> {
                                    boolean locked = copy(c, from, span, batchId, false);
                                    long rowsBefore = awaitTurn(batch);
                                    record(
                                            c,
                                            batchId,
                                            span.first(),
                                            span.last(),
                                            span.rows(),
                                            before + rowsBefore + span.rows());
                                    c.commit();
                                    return new Batch(span.rows(), span.last(), readNanos, locked);
                                },
                                c);
                        committed(k, b);
                    }
                } catch (SQLException | RuntimeException e) {
                    Transactions.rollbackQuietly(e, c);
                    fail(k, e instanceof SQLException q ? q : new SQLException(e.toString(), e));
                } catch (InterruptedException e) {
                    Transactions.rollbackQuietly(e, c);
                    interrupt();
                }
            }

            /**
             * Waits until every batch before {@code k} committed; the rows they copied. Throws when
             * one of them failed, or on an interrupt: batch {@code k} then rolls back.
             */
            private synchronized long awaitTurn(long k) throws SQLException {
                try {
                    while (committed < k - 1 && !interrupted && failedBatch > k) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    stop();
                }
                if (interrupted || failedBatch < k) {
                    throw new SQLException("batch " + k + " rolled back: a batch before it did not commit");
                }
                return rows;
            }

            /** Batch {@code k} failed for good: no batch after it commits, and none is claimed. */
            private synchronized void fail(long k, SQLException e) {
                if (k < failedBatch) {
                    failedBatch = k;
                    failure = e;
                }
                notifyAll();
            }

            private synchronized void committed(long k, Batch b) {
                committed = k;
                rows += b.rows();
                batches++;
                if (b.tableLocked()) {
                    tableLocked++;
                }
                progress.advanced(table, rows, b.rows());
                try {
                    // a pause here holds both lanes: the other one waits for its turn, or for this monitor
                    throttle.afterBatch(b.rows(), b.readNanos(), System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (Thread.currentThread().isInterrupted()) {
                    stop(); // before the next batch commits
                }
                notifyAll();
            }

            synchronized void interrupt() {
                stop();
            }

            /** Stops both lanes at once, for an interrupt: no batch commits any more. */
            private void stop() {
                interrupted = true;
                notifyAll();
            }

            private boolean stopped() {
                return failure != null || interrupted;
            }
        }

        /**
         * One transaction: find the next old keys (the batch's key range), copy the rows of that
         * range that the new table lacks ({@link #copy}), then write the checkpoint.
         */
        private Batch sameDatabaseBatch(List<Object> lower) throws SQLException {
            long t0 = System.nanoTime();
            Span span = span(oldConn, lower);
            long readNanos = System.nanoTime() - t0;
            if (span.rows() == 0) {
                oldConn.commit();
                return new Batch(0, null, readNanos, false);
            }
            String batchId = batchId(batches + 1);
            boolean tableLocked = copy(oldConn, lower, span, batchId, false);
            record(oldConn, batchId, span.first(), span.last(), span.rows(), before + rows + span.rows());
            oldConn.commit();
            return new Batch(span.rows(), span.last(), readNanos, tableLocked);
        }

        /** The next batch's key range after {@code lower}, read on {@code c}. */
        private Span span(Connection c, List<Object> lower) throws SQLException {
            return dialect == Dialect.H2 ? listKeys(c, lower) : batchEnd(c, lower);
        }

        /**
         * Copies, in {@code c}'s open transaction, the rows of the range {@code (lower, span.last]}
         * that the new table lacks, in a single INSERT … SELECT that locks the old rows it reads
         * (or, on PostgreSQL, the whole old table when no writer holds it). On PostgreSQL a range
         * the new table holds no row of is copied without the anti-join; a row that reaches it after
         * the look fails the statement (23505) and the copy runs again waiting on such rows ({@code
         * waitOnConflict}). Returns whether the old table is locked.
         */
        private boolean copy(Connection c, List<Object> lower, Span span, String batchId, boolean waitOnConflict)
                throws SQLException {
            boolean rowLocks = !lockOldTable(c);
            List<Object> last = span.last();
            NewRows newRows = waitOnConflict
                    ? NewRows.WAIT_AND_SKIP
                    : dialect == Dialect.POSTGRESQL && !anyNewRow(c, lower, last)
                            ? NewRows.NONE_SEEN
                            : NewRows.SKIP_SEEN;
            try (PreparedStatement ins =
                    c.prepareStatement(sql.insertMissingFromOld(lower != null, true, newRows, rowLocks))) {
                int i = 1;
                if (shape.lineage()) {
                    ins.setString(i++, batchId);
                }
                i = sql.range(Side.OLD).bind(ins, i, lower, last);
                if (sql.rangeTwice(newRows)) {
                    sql.range(Side.NEW).bind(ins, i, lower, last);
                }
                ins.executeUpdate();
            } catch (SQLException e) {
                if (waitOnConflict || !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // a row of the range reached the new table after the statement's snapshot: wait on it
                c.rollback();
                return copy(c, lower, span, batchId, true);
            }
            return !rowLocks;
        }

        /** Whether the new table holds any row of the batch's key range (one index probe). */
        private boolean anyNewRow(Connection c, List<Object> lower, List<Object> last) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql.anyNewRow(lower != null, true))) {
                sql.range(Side.NEW).bind(ps, 1, lower, last);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        /**
         * The batch's key range: its last key is the {@code batchSize}-th key after the bound, a
         * walk of the key index that sends one key to the client, not every key of the batch (the
         * first is only looked up for lineage). Fewer keys than that left: the last batch, listed.
         */
        private Span batchEnd(Connection c, List<Object> lower) throws SQLException {
            List<Object> end = oneKey(c, sql.chunkEnd(lower != null, false, batchSize), lower);
            if (end == null) {
                return listKeys(c, lower);
            }
            List<Object> first = lineage() ? oneKey(c, sql.chunkEnd(lower != null, false, 1), lower) : null;
            return new Span(first, end, batchSize);
        }

        private List<Object> oneKey(Connection c, String query, List<Object> lower) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                sql.range(Side.OLD).bind(ps, 1, lower, null);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? key(rs) : null;
                }
            }
        }

        /** Every key of the next batch (H2 locks them here: its MERGE does not lock what it reads). */
        private Span listKeys(Connection c, List<Object> lower) throws SQLException {
            List<Object> first = null;
            List<Object> last = null;
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(sql.nextKeys(lower != null, batchSize))) {
                sql.range(Side.OLD).bind(ps, 1, lower, null);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = key(rs);
                        if (first == null) {
                            first = last;
                        }
                        n++;
                    }
                }
            }
            return new Span(first, last, n);
        }

        private List<Object> key(ResultSet rs) throws SQLException {
            List<Object> key = new ArrayList<>(shape.key().size());
            for (int i = 1; i <= shape.key().size(); i++) {
                key.add(rs.getObject(i));
            }
            return key;
        }

        /**
         * PostgreSQL: whether the batch's transaction now holds a SHARE lock on the old table. Row
         * locks cost as much as the copy itself (each one writes its row and a WAL record), a table
         * lock nothing; but it is taken only when free (NOWAIT): while a writer holds the table, or
         * without the privilege to lock it, the batch locks rows as before. Writers that come
         * later wait for the batch, as writers of its rows do under row locks.
         */
        private boolean lockOldTable(Connection c) throws SQLException {
            if (!tableLocks) {
                return false;
            }
            try (Statement s = c.createStatement()) {
                s.execute(sql.lockOldTable());
                return true;
            } catch (SQLException e) {
                if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    tableLocks = false; // no use asking again
                } else if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(); // the failed statement aborted the transaction
                return false;
            }
        }

        /**
         * Two transactions: read and lock the next old rows (or, on PostgreSQL, the old table, as
         * {@link #lockOldTable} does), insert them where absent on the new side, commit the new side
         * (with the checkpoint), then release the old side's locks.
         */
        private Batch crossDatabaseBatch(List<Object> lower) throws SQLException {
            long t0 = System.nanoTime();
            long readNanos;
            List<Object> first = null;
            List<Object> last = null;
            int n = 0;
            String batchId = batchId(batches + 1);
            int cols = shape.columns().size();
            Object[] row = new Object[cols + (shape.lineage() ? 1 : 0)];
            boolean rowLocks = !lockOldTable(oldConn);
            try (PreparedStatement ps = oldConn.prepareStatement(sql.lockNextRows(lower != null, batchSize, rowLocks));
                    MultiRowInsert ins = new MultiRowInsert(separate, sql, dialect, row.length)) {
                ps.setFetchSize(Math.min(batchSize, FETCH_SIZE)); // streams (PostgreSQL: autocommit is off)
                sql.range(Side.OLD).bind(ps, 1, lower, null);
                try (ResultSet rs = ps.executeQuery()) {
                    readNanos = System.nanoTime() - t0;
                    while (rs.next()) {
                        for (int i = 0; i < cols; i++) {
                            row[i] = shape.read(rs, i, dialect);
                        }
                        if (shape.lineage()) {
                            row[cols] = batchId;
                        }
                        ins.add(row);
                        last = new ArrayList<>(keyPositions.length);
                        for (int p : keyPositions) {
                            last.add(row[p]);
                        }
                        if (first == null) {
                            first = last;
                        }
                        n++;
                    }
                }
                ins.flush();
            }
            if (n == 0) {
                separate.commit();
                oldConn.commit();
                return new Batch(0, null, readNanos, !rowLocks);
            }
            if (cpConn == separate) {
                record(separate, batchId, first, last, n, before + rows + n);
                separate.commit();
            } else {
                separate.commit();
                record(oldConn, batchId, first, last, n, before + rows + n); // behind at worst: a rerun is harmless
            }
            oldConn.commit();
            return new Batch(n, last, readNanos, !rowLocks);
        }

        /** Checkpoint (and lineage row) of a batch of {@code n} rows, in the transaction of {@code c}. */
        private void record(Connection c, String batchId, List<Object> first, List<Object> last, int n, long rowsCopied)
                throws SQLException {
            Instant now = Instant.now();
            // with one database every connection of the run is the checkpoint's and the new side's (a second lane's
            // too)
            if (c == cpConn || separate == null) {
                checkpoints.save(c, new Checkpoint(migration, cpName, KeyCodec.encode(last), rowsCopied, now));
            }
            if (lineage() && (c == newConn || separate == null)) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + lineageTable
                        + " (migration, table_name, batch, first_key, last_key, row_count, migrated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, migration);
                    ps.setString(2, table);
                    ps.setString(3, batchId);
                    ps.setString(4, KeyCodec.encode(first));
                    ps.setString(5, KeyCodec.encode(last));
                    ps.setLong(6, n);
                    ps.setTimestamp(7, java.sql.Timestamp.from(now));
                    ps.executeUpdate();
                }
            }
        }

        /** The lineage name of this run's {@code k}-th batch. */
        private String batchId(long k) {
            return runId + "-" + k;
        }
    }

    private record Batch(int rows, List<Object> lastKey, long readNanos, boolean tableLocked) {}

    /** A batch's first and last key (the first may be null when nothing needs it) and its rows. */
    private record Span(List<Object> first, List<Object> last, int rows) {}

    /** Configures a {@link Backfill}; every setter checks its argument at once. */
    public static final class Builder extends JobBuilder<Builder> {
        private int batchSize = DEFAULT_BATCH;
        private CheckpointStore checkpoints = CheckpointStore.table(Side.NEW);
        private String lineageTable;
        private Side from = Side.OLD;
        private boolean tableLocks = true;

        private Builder(Mapping mapping, Dialect dialect, ConnectionSource oldSide) {
            super(mapping, dialect, oldSide);
        }

        /** Rows per batch (and per transaction). Default {@value Backfill#DEFAULT_BATCH}. */
        public Builder batchSize(int rows) {
            if (rows < 1 || rows > 1_000_000) {
                throw new IllegalArgumentException("batch size must be between 1 and 1,000,000, not " + rows);
            }
            this.batchSize = rows;
            return this;
        }

        /** Where checkpoints go. Default {@code CheckpointStore.table(Side.NEW)}. */
        public Builder checkpoints(CheckpointStore store) {
            this.checkpoints = Args.notNull(store, "checkpoint store");
            return this;
        }

        /**
         * Also record every batch (key range, row count, time) in this table on the new side,
         * created when missing. Rows of tables that have the lineage columns {@code
         * schemashift_batch} and {@code schemashift_migrated_at} record their batch anyway.
         */
        public Builder lineageTable(String table) {
            this.lineageTable = Identifiers.requireQualified(table, "lineage table");
            return this;
        }

        /**
         * The side rows are copied from: {@link Side#OLD} (the default) fills the new tables, {@link
         * Side#NEW} fills the old tables from the new ones (renamed columns back to their old names,
         * derived columns not copied, columns the mapping drops left NULL or at their default). Either
         * way only rows the target lacks are inserted: nothing on the target is overwritten or
         * deleted. A backfill from new keeps its own checkpoint and writes no lineage.
         */
        public Builder from(Side side) {
            this.from = Args.notNull(side, "source side");
            return this;
        }

        /**
         * PostgreSQL: lock only the rows each batch copies, never the whole source table. By default a batch takes
         * a {@code SHARE} lock on the table when it is free ({@code NOWAIT}), which makes the copy about twice as
         * fast but makes the application's writes to any row of the table wait until the batch commits; with row
         * locks only, only writers of the batch's own rows wait. Other databases always lock rows.
         */
        public Builder rowLocksOnly() {
            this.tableLocks = false;
            return this;
        }

        public Backfill build() {
            return new Backfill(this, settings());
        }
    }
}
