package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.metrics.ShiftMetrics.Leg;
import io.schemashift.metrics.ShiftMetrics.MirrorOutcome;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.GeneratedKeys;
import io.schemashift.mirror.Params;
import io.schemashift.mirror.RowKey;
import io.schemashift.mirror.SqlErrors;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.StatementKind;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.rowset.CachedRowSet;

/**
 * Runs one rewritten statement by its {@link Plan}: on the primary side, whose result the
 * application gets, then mirrored to the other side. The mirror never changes what the
 * application sees; under {@code onMirrorFailure: record} it never fails the application's
 * statement either, and every row it may have missed is recorded in the divergence log.
 */
public final class Execution {

    /** How the application executed the statement. */
    public enum Mode {
        UPDATE,
        EXECUTE,
        QUERY,
        BATCH
    }

    /**
     * What the application sees.
     *
     * @param statement the primary's statement: where {@code getResultSet}, {@code getMoreResults}
     *     and the update count come from
     * @param keys the primary's generated keys, when they were read (else {@code null})
     * @param rows the rows a {@code RETURNING} write returned, read before the mirror ran (else
     *     {@code null})
     */
    public record Result(
            PreparedStatement statement,
            boolean isResultSet,
            long updateCount,
            int[] batchCounts,
            GeneratedKeys keys,
            ResultSet rows) {

        /** The result set the application reads: the rows kept from a {@code RETURNING} write, else the statement's. */
        public ResultSet resultSet() throws SQLException {
            return rows != null ? rows : statement.getResultSet();
        }
    }

    /**
     * The side statements one application statement prepared on the application's own
     * connection, reused across executions and closed with it.
     */
    public static final class Prepared implements AutoCloseable {
        /**
         * A plain {@code Statement} runs a new text (with its literals) each time: past this many
         * texts the cache starts over, so that a long-lived statement does not pile up server-side
         * statements. A PreparedStatement needs at most four (two sides, with and without keys).
         */
        private static final int MAX_TEXTS = 8;

        private final Map<String, PreparedStatement> statements = new HashMap<>(4);
        /** The application's statement settings, for the side statements that run in its place (-1: unset). */
        private int queryTimeout = -1;

        private long maxRows = -1;
        private int fetchSize = -1;

        public void queryTimeout(int seconds) {
            queryTimeout = seconds;
        }

        public void maxRows(long rows) {
            maxRows = rows;
        }

        public void fetchSize(int rows) {
            fetchSize = rows;
        }

        /** Gives a side statement the settings the application made on its own statement. */
        void configure(PreparedStatement ps) throws SQLException {
            if (queryTimeout >= 0) {
                ps.setQueryTimeout(queryTimeout);
            }
            if (maxRows >= 0) {
                ps.setLargeMaxRows(maxRows);
            }
            if (fetchSize >= 0) {
                ps.setFetchSize(fetchSize);
            }
        }

        /**
         * Called before an execution prepares anything: the statements of earlier executions
         * (and their result sets, which JDBC closes on re-execution anyway) may go now.
         */
        void startExecution() throws SQLException {
            if (statements.size() >= MAX_TEXTS) {
                close();
            }
        }

        PreparedStatement on(Connection connection, Connection appConnection, String sql, boolean keys)
                throws SQLException {
            if (connection != appConnection) {
                return prepare(connection, sql, keys); // a pooled new-side connection: per transaction
            }
            String cacheKey = keys ? "K" + sql : sql;
            PreparedStatement ps = statements.get(cacheKey);
            if (ps == null || ps.isClosed()) {
                ps = prepare(connection, sql, keys);
                statements.put(cacheKey, ps);
            }
            return ps;
        }

        private static PreparedStatement prepare(Connection c, String sql, boolean keys) throws SQLException {
            return keys ? c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : c.prepareStatement(sql);
        }

        @Override
        public void close() throws SQLException {
            SQLException first = null;
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            statements.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    private static final String SAVEPOINT = "schemashift_mirror";

    private Execution() {}

    /**
     * Runs {@code rw} by {@code plan}.
     *
     * @param params the application's parameters ({@code null}: a plain statement)
     * @param batch the batch entries, for {@link Mode#BATCH}
     * @param appWantsKeys the application asked for generated keys
     * @throws SQLException the primary's own exception, unchanged; or, under {@code
     *     onMirrorFailure: fail}, one that says the mirror failed
     */
    public static Result run(
            Session session,
            Rewritten rw,
            Plan plan,
            Mode mode,
            Params params,
            List<Params> batch,
            boolean appWantsKeys,
            Prepared prepared)
            throws SQLException {
        MigrationContext rt = session.context();
        prepared.startExecution();
        boolean write = rw.kind().isWrite();
        boolean mirror = plan.mirror() != null && write;
        boolean needKeys = mirror && !rw.generatedKeyColumns().isEmpty();
        Timestamp now = capturesNow(rw) ? Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)) : null;
        Connection old = session.old();
        // Same database: the pair runs in one transaction, even in auto-commit mode. Two databases:
        // an auto-commit write becomes a transaction on both sides that the session commits in
        // order (the primary first, with its intent record), when the intent record is on or
        // under onMirrorFailure: fail (a failed mirror then leaves nothing committed).
        final boolean localTxn = mirror && session.autoCommit() && rt.newSide() == null;
        if (localTxn) {
            old.setAutoCommit(false);
        } else if (mirror
                && session.autoCommit()
                && (rt.intents() != null
                        || rt.config().writes().onMirrorFailure() == MigrationConfig.MirrorFailurePolicy.FAIL)) {
            session.beginStatementTransaction();
        }
        try {
            Side primary = plan.primary();
            SideStatement sql = primary == Side.OLD ? rw.oldSide() : rw.newSide();
            Connection connection = session.connection(primary, true);
            // A write that returns rows (RETURNING) hands its keys over in those rows: asking the
            // driver for generated keys as well would make it keep the rows from the application.
            boolean returnsRows = write && mode != Mode.UPDATE && mode != Mode.BATCH && Returning.in(sql.sql());
            boolean keysWanted = !returnsRows && (needKeys || (appWantsKeys && write));
            PreparedStatement ps = prepared.on(connection, old, sql.sql(), keysWanted);
            prepared.configure(ps);
            long start = System.nanoTime();
            Result result;
            try {
                result = executePrimary(rt, rw, ps, sql, mode, params, batch, now, mirror && !localTxn);
            } catch (SQLException | RuntimeException e) {
                session.primaryFailed(primary);
                throw e;
            }
            if (primary == Side.NEW && rt.newSide() != null) {
                Session.Txn txn = session.txn();
                txn.newPrimary |= write;
                txn.newResults |= result.isResultSet(); // may be read after the transaction ends
            }
            rt.metrics()
                    .latency(primary == Side.OLD ? Leg.OLD_PRIMARY : Leg.NEW_PRIMARY)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            CachedRowSet rows = returnsRows && result.isResultSet() ? GeneratedKeys.cache(ps.getResultSet()) : null;
            GeneratedKeys keys = keys(rt, rw, ps, keysWanted, rows, needKeys, batch);
            if (write) {
                session.wrote();
            }
            // An auto-commit pair on one database needs no savepoint: if the mirror fails, the local
            // transaction is rolled back and the application's statement runs again, alone. Its
            // first run left no trace but a consumed sequence value.
            boolean unguarded =
                    localTxn && rt.config().writes().onMirrorFailure() == MigrationConfig.MirrorFailurePolicy.RECORD;
            DivergenceReason failed = mirror
                    ? mirror(
                            session,
                            rt,
                            rw,
                            plan.mirror(),
                            params,
                            batch,
                            now,
                            keys,
                            needKeys,
                            prepared,
                            result,
                            unguarded)
                    : null;
            if (failed != null && unguarded) {
                old.rollback();
                result = execute(ps, sql, mode, params, batch, now);
                rows = returnsRows && result.isResultSet() ? GeneratedKeys.cache(ps.getResultSet()) : null;
                keys = keys(rt, rw, ps, keysWanted, rows, needKeys, batch);
                recordAll(rt, rw, batch != null ? batch : java.util.Collections.singletonList(params), keys, failed);
            }
            if (localTxn) {
                old.commit();
            }
            rt.metrics().statement(rw.kind(), plan.route());
            return new Result(ps, result.isResultSet(), result.updateCount(), result.batchCounts(), keys, rows);
        } catch (SQLException | RuntimeException e) {
            if (localTxn) {
                Session.rollbackQuietly(old);
            }
            throw e;
        } finally {
            if (localTxn) {
                old.setAutoCommit(true);
            }
        }
    }

    /**
     * Runs the application's statement on the primary. A batch that fails part-way may leave the
     * entries before the failure applied (and, in a transaction the application goes on to
     * commit, kept) while the mirror never runs: when {@code recordPartial}, every entry is
     * recorded before the failure reaches the application.
     */
    private static Result executePrimary(
            MigrationContext rt,
            Rewritten rw,
            PreparedStatement ps,
            SideStatement sql,
            Mode mode,
            Params params,
            List<Params> batch,
            Timestamp now,
            boolean recordPartial)
            throws SQLException {
        try {
            return execute(ps, sql, mode, params, batch, now);
        } catch (BatchUpdateException e) {
            if (recordPartial) {
                recordAll(rt, rw, batch, null, DivergenceReason.PRIMARY_BATCH_FAILED);
            }
            throw e;
        }
    }

    /**
     * The keys the primary generated: from the rows a {@code RETURNING} write returned, or from
     * the driver's generated keys. MariaDB's driver returns only the first key of a multi-row
     * INSERT; where the server hands out consecutive values ({@code innodb_autoinc_lock_mode} 0
     * or 1) the others follow from it.
     *
     * @return {@code null} when no keys were asked for, or a returned row lacks a key column
     */
    private static GeneratedKeys keys(
            MigrationContext rt,
            Rewritten rw,
            PreparedStatement ps,
            boolean keysWanted,
            CachedRowSet rows,
            boolean needKeys,
            List<Params> batch)
            throws SQLException {
        if (rows != null) {
            return needKeys ? GeneratedKeys.fromRows(rows, rw.generatedKeyColumns()) : null;
        }
        if (!keysWanted) {
            return null;
        }
        GeneratedKeys keys = GeneratedKeys.read(ps.getGeneratedKeys(), rw.generatedKeyColumns());
        int expected = rw.keys().size();
        long step = rt.autoIncrementStep();
        if (batch == null
                && step > 0
                && keys.size() == 1
                && expected > 1
                && rw.generatedKeyColumns().size() == 1) {
            keys = keys.consecutive(expected, step);
        }
        return keys;
    }

    /** Whether a side of {@code rw} binds the captured {@code now()} (most statements do not). */
    private static boolean capturesNow(Rewritten rw) {
        return capturesNow(rw.oldSide()) || capturesNow(rw.newSide());
    }

    private static boolean capturesNow(SideStatement sql) {
        for (ParamSource source : sql.params()) {
            if (source instanceof ParamSource.Now) {
                return true;
            }
        }
        return false;
    }

    private static Result execute(
            PreparedStatement ps, SideStatement sql, Mode mode, Params params, List<Params> batch, Timestamp now)
            throws SQLException {
        switch (mode) {
            case BATCH -> {
                for (Params entry : batch) {
                    bind(ps, sql, entry, now, null, 0);
                    ps.addBatch();
                }
                return new Result(ps, false, -1, ps.executeBatch(), null, null);
            }
            case QUERY -> {
                bind(ps, sql, params, now, null, 0);
                ps.executeQuery();
                return new Result(ps, true, -1, null, null, null);
            }
            case EXECUTE -> {
                bind(ps, sql, params, now, null, 0);
                boolean isResultSet = ps.execute();
                return new Result(ps, isResultSet, isResultSet ? -1 : ps.getLargeUpdateCount(), null, null, null);
            }
            default -> {
                bind(ps, sql, params, now, null, 0);
                return new Result(ps, false, ps.executeLargeUpdate(), null, null, null);
            }
        }
    }

    /**
     * Binds every {@code ?} of {@code sql} from its source: the application's parameter, the
     * captured timestamp, or a key the primary generated (for the {@code row}-th statement of a batch,
     * keys of earlier entries are skipped by {@code keyOffset}).
     */
    public static void bind(
            PreparedStatement ps, SideStatement sql, Params params, Timestamp now, GeneratedKeys keys, int keyOffset)
            throws SQLException {
        List<ParamSource> sources = sql.params();
        for (int i = 0; i < sources.size(); i++) {
            ParamSource source = sources.get(i);
            if (source instanceof ParamSource.Bound b) {
                if (params == null) {
                    throw new SQLException("statement has parameters but none were bound", "07001");
                }
                params.bind(b.index(), ps, i + 1);
            } else if (source instanceof ParamSource.Now) {
                ps.setTimestamp(i + 1, now);
            } else if (source instanceof ParamSource.GeneratedKey g) {
                ps.setObject(i + 1, keys.get(keyOffset + g.row(), g.column()));
            } else if (source instanceof ParamSource.Literal) {
                throw new SQLException("a literal cannot be bound", "XX000");
            }
        }
    }

    /**
     * Mirrors a write to {@code side}.
     *
     * @param unguarded the mirror shares an auto-commit pair's local transaction and runs without a
     *     savepoint: on its failure the caller starts over with the application's statement alone
     *     and records the failure with the keys of that run
     * @return the reason the mirror failed ({@code null}: it ran, or was skipped and recorded)
     */
    private static DivergenceReason mirror(
            Session session,
            MigrationContext rt,
            Rewritten rw,
            Side side,
            Params params,
            List<Params> batch,
            Timestamp now,
            GeneratedKeys keys,
            boolean needKeys,
            Prepared prepared,
            Result primary,
            boolean unguarded)
            throws SQLException {
        List<Params> entries = batch != null ? batch : java.util.Collections.singletonList(params);
        Session.Txn txn = session.txn();
        DivergenceReason skip =
                needKeys && keys == null ? DivergenceReason.KEYS_UNKNOWN : skipReason(rw, entries, txn, rt, side);
        if (skip != null) {
            rt.metrics()
                    .mirrored(
                            skip == DivergenceReason.BREAKER_OPEN ? MirrorOutcome.BREAKER_OPEN : MirrorOutcome.REFUSED);
            recordAll(rt, rw, entries, keys, skip);
            return null;
        }
        SideStatement sql = keys != null
                ? (side == Side.NEW ? rw.newSideWithKeys() : rw.oldSideWithKeys())
                : (side == Side.NEW ? rw.newSide() : rw.oldSide());
        boolean separate = side == Side.NEW && rt.newSide() != null;
        long start = System.nanoTime();
        try {
            Connection connection = session.connection(side, false);
            long[] counts;
            if (separate) {
                counts = runMirror(connection, rt, sql, entries, now, keys, rw, prepared, session.old(), false);
                rt.newSide().breaker().success();
                for (RowKey key : keysOf(rw, entries, keys)) {
                    txn.mirrored.add(key);
                }
            } else {
                // A failing mirror only needs a savepoint when it shares a transaction with the
                // app's write; in auto-commit mode (new-primary, separate database) it stands alone.
                // Only PostgreSQL aborts the whole transaction on a failed statement; MariaDB and
                // H2 roll back just the statement.
                boolean guard = !unguarded
                        && rt.dialect() == Dialect.POSTGRESQL
                        && rt.config().writes().onMirrorFailure() == MigrationConfig.MirrorFailurePolicy.RECORD
                        && !connection.getAutoCommit();
                counts = runMirror(connection, rt, sql, entries, now, keys, rw, prepared, session.old(), guard);
                if (rt.newSide() != null) {
                    txn.mirroredToOld.addAll(keysOf(rw, entries, keys));
                }
            }
            boolean mismatch = recordCountMismatches(rt, rw, entries, keys, primary, counts);
            rt.metrics().mirrored(mismatch ? MirrorOutcome.COUNT_MISMATCH : MirrorOutcome.OK);
            return null;
        } catch (SQLException | RuntimeException failure) {
            // A driver's unchecked exception is a mirror failure too: it must not reach the app.
            SQLException e = failure instanceof SQLException checked
                    ? checked
                    : new SQLException(failure.getClass().getName(), "XX000", failure);
            if (rollsBackTheAppTransaction(rt, e)) {
                throw e; // both sides' work is gone together: nothing diverged, the app must retry
            }
            boolean timeout = SqlErrors.isTimeout(e);
            rt.metrics().mirrored(timeout ? MirrorOutcome.TIMEOUT : MirrorOutcome.FAILED);
            DivergenceReason reason = timeout ? DivergenceReason.MIRROR_TIMEOUT : DivergenceReason.MIRROR_FAILED;
            if (separate) {
                rt.newSide().breaker().failure();
                session.newSideFailed(txn, e, reason);
            }
            if (!unguarded) {
                recordAll(rt, rw, entries, keys, reason);
            }
            if (rt.config().writes().onMirrorFailure() == MigrationConfig.MirrorFailurePolicy.FAIL) {
                throw new SQLException(
                        "SchemaShift: the write was not mirrored to the "
                                + side.name().toLowerCase(Locale.ROOT)
                                + " schema (tables " + rw.tables() + ", query "
                                + rw.fingerprint().hash()
                                + ") and writes.onMirrorFailure is 'fail'",
                        e.getSQLState(),
                        e);
            }
            return reason;
        } finally {
            rt.metrics()
                    .latency(side == Side.OLD ? Leg.OLD_MIRROR : Leg.NEW_MIRROR)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The mirror and the primary are two statements, each with its own snapshot under READ
     * COMMITTED: a transaction that commits between them (on one database), or commits on one
     * side before the other (across two), can make the mirror touch other rows than the primary
     * did. An UPDATE or DELETE whose counts differ is recorded for repair; nothing is lost
     * silently.
     */
    private static boolean recordCountMismatches(
            MigrationContext rt,
            Rewritten rw,
            List<Params> entries,
            GeneratedKeys keys,
            Result primary,
            long[] mirror) {
        if (rw.kind() != StatementKind.UPDATE && rw.kind() != StatementKind.DELETE) {
            return false;
        }
        long[] expected = primary.batchCounts() != null
                ? java.util.Arrays.stream(primary.batchCounts()).asLongStream().toArray()
                : new long[] {primary.updateCount()};
        if (expected.length != mirror.length) {
            return false;
        }
        List<Params> extra = new ArrayList<>();
        List<Params> missed = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && mirror[i] >= 0 && expected[i] != mirror[i]) {
                (mirror[i] > expected[i] ? extra : missed).add(entries.get(i));
            }
        }
        if (!missed.isEmpty()) {
            // Fewer rows on the mirror: most often rows not backfilled yet, which the backfill
            // copies in their latest version; logged so that verify --from-divergences checks them.
            recordAll(rt, rw, missed, keys, DivergenceReason.MIRROR_MISSED_ROWS);
        }
        if (!extra.isEmpty()) {
            recordAll(rt, rw, extra, keys, DivergenceReason.MIRROR_COUNT_MISMATCH);
        }
        return !extra.isEmpty();
    }

    /**
     * A mirror on the application's own connection (same database) that failed with a
     * transaction rollback (SQLState class 40: deadlock, serialization failure). MariaDB and H2
     * roll back the whole transaction then, the application's writes with it, so the application
     * must see the error rather than commit what is left. PostgreSQL rolls back only to the
     * mirror's savepoint.
     */
    private static boolean rollsBackTheAppTransaction(MigrationContext rt, SQLException e) {
        return rt.newSide() == null
                && rt.dialect() != Dialect.POSTGRESQL
                && e.getSQLState() != null
                && e.getSQLState().startsWith("40");
    }

    private static DivergenceReason skipReason(
            Rewritten rw, List<Params> entries, Session.Txn txn, MigrationContext rt, Side side) {
        if (!rw.nondeterminism().isEmpty()) {
            return DivergenceReason.nondeterministic(
                    rw.nondeterminism().iterator().next());
        }
        for (Params p : entries) {
            if (p != null && p.unmirrorable() != null) {
                return DivergenceReason.UNREPLAYABLE_PARAMETER;
            }
        }
        if (rt.newSide() != null) {
            if (txn.newFailed) {
                return DivergenceReason.TRANSACTION_ALREADY_DIVERGED;
            }
            if (side == Side.NEW
                    && txn.newConnection == null
                    && !rt.newSide().breaker().allow()) {
                return DivergenceReason.BREAKER_OPEN;
            }
        }
        return null;
    }

    private static long[] executeMirror(
            PreparedStatement ps,
            SideStatement sql,
            List<Params> entries,
            Timestamp now,
            GeneratedKeys keys,
            Rewritten rw,
            boolean inline)
            throws SQLException {
        if (entries.size() == 1) {
            bind(ps, sql, entries.get(0), now, keys, 0);
            ps.execute();
            if (inline) {
                ps.getMoreResults(); // past the SAVEPOINT, to the mirrored statement's count
            }
            return new long[] {ps.getLargeUpdateCount()};
        }
        int keyOffset = 0;
        int rowsPerEntry = Math.max(1, rw.keys().size());
        for (Params entry : entries) {
            bind(ps, sql, entry, now, keys, keyOffset);
            keyOffset += rowsPerEntry;
            ps.addBatch();
        }
        return java.util.Arrays.stream(ps.executeBatch()).asLongStream().toArray();
    }

    /** Runs the mirror; returns its update counts, one per entry. */
    private static long[] runMirror(
            Connection connection,
            MigrationContext rt,
            SideStatement sql,
            List<Params> entries,
            Timestamp now,
            GeneratedKeys keys,
            Rewritten rw,
            Prepared prepared,
            Connection appConnection,
            boolean guard)
            throws SQLException {
        boolean inline = guard && entries.size() == 1;
        boolean separateSavepoint = guard && !inline;
        if (separateSavepoint) {
            execute(connection, "SAVEPOINT " + SAVEPOINT);
        }
        try {
            // PostgreSQL: savepoint, mirror and release travel in one round trip.
            String text = inline
                    ? "SAVEPOINT " + SAVEPOINT + "; " + sql.sql() + "; RELEASE SAVEPOINT " + SAVEPOINT
                    : sql.sql();
            long[] counts;
            // On a pooled new-side connection the statement is this execution's alone: closed at once.
            PreparedStatement ps = prepared.on(connection, appConnection, text, false);
            try {
                counts = executeMirror(ps, sql, entries, now, keys, rw, inline);
            } finally {
                if (connection != appConnection) {
                    ps.close();
                }
            }
            if (separateSavepoint) {
                execute(connection, "RELEASE SAVEPOINT " + SAVEPOINT);
            }
            return counts;
        } catch (SQLException e) {
            if (guard) {
                try {
                    execute(connection, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
            }
            throw e;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void recordAll(
            MigrationContext rt, Rewritten rw, List<Params> entries, GeneratedKeys keys, DivergenceReason reason) {
        for (RowKey k : keysOf(rw, entries, keys)) {
            rt.divergences().record(k.table(), k.key(), k.fingerprint(), reason.tag());
        }
    }

    /**
     * The rows a write touched, as divergence records: by key when the SQL makes it known. A key
     * that cannot be known (a generated value the database did not return) makes the record a
     * whole-table one, which {@code verify} checks in full: a {@code [null]} key could not be
     * repaired.
     */
    private static List<RowKey> keysOf(Rewritten rw, List<Params> entries, GeneratedKeys keys) {
        List<RowKey> records = new ArrayList<>();
        String table = rw.tables().iterator().next();
        String fingerprint = rw.fingerprint().hash();
        RowKey wholeTable = new RowKey(table, null, fingerprint);
        if (rw.keys().isEmpty()) {
            records.add(wholeTable);
            return records;
        }
        int keyOffset = 0;
        for (Params entry : entries) {
            for (List<ParamSource> row : rw.keys()) {
                List<Object> values = new ArrayList<>(row.size());
                for (ParamSource source : row) {
                    Object value = valueOf(source, entry, keys, keyOffset);
                    if (value == null) {
                        return List.of(wholeTable);
                    }
                    values.add(value);
                }
                records.add(new RowKey(table, KeyCodec.encode(values), fingerprint));
            }
            keyOffset += rw.keys().size();
        }
        return records;
    }

    private static Object valueOf(ParamSource source, Params params, GeneratedKeys keys, int keyOffset) {
        try {
            if (source instanceof ParamSource.Bound b) {
                return params == null ? null : params.value(b.index());
            }
            if (source instanceof ParamSource.GeneratedKey g) {
                return keys == null ? null : keys.get(keyOffset + g.row(), g.column());
            }
            if (source instanceof ParamSource.Literal l) {
                String text = l.sqlText();
                return text.length() >= 2 && text.startsWith("'") && text.endsWith("'")
                        ? text.substring(1, text.length() - 1).replace("''", "'")
                        : text;
            }
        } catch (SQLException missing) {
            // fewer keys than rows: the key stays unknown
        }
        return null;
    }
}
