package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig.MirrorFailurePolicy;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.metrics.ShiftMetrics.Leg;
import io.schemashift.metrics.ShiftMetrics.MirrorOutcome;
import io.schemashift.mirror.AdjustedValues;
import io.schemashift.mirror.Binder;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.GeneratedKeys;
import io.schemashift.mirror.KeptValues;
import io.schemashift.mirror.Params;
import io.schemashift.mirror.RowKey;
import io.schemashift.mirror.SqlErrors;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.TableMapping;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.rowset.CachedRowSet;

/**
 * One execution of a rewritten statement by its {@link Plan}: on the primary side, whose result
 * the application gets, then mirrored to the other side. The mirror never changes what the
 * application sees; under {@code onMirrorFailure: record} it never fails the application's
 * statement either, and every row it may have missed is recorded in the divergence log. Built for
 * one execution and used once; the transaction it runs in is the connection's {@link
 * DualTransaction}.
 *
 * <p>Over 500 lines: the primary, the mirror and what each failure records are one execution's
 * steps, read top to bottom.
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
     *     {@code null}); where {@code isResultSet} is {@code false}, those of the {@code RETURNING}
     *     the driver appended to find a claim's keys ({@link #countsRows}), of which the
     *     application sees the count alone
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
            if (rows != null) {
                return isResultSet ? rows : null;
            }
            return statement.getResultSet();
        }

        /**
         * Whether the application's statement returned no rows where the primary's did (the {@code
         * RETURNING} the driver appended): its results are the update count kept here, not the statement's.
         */
        public boolean countsRows() {
            return rows != null && !isResultSet;
        }
    }

    private static final String SAVEPOINT = "schemashift_mirror";
    /** The writes whose update counts say which rows they changed, on both sides alike. */
    private static final Set<StatementKind> COUNTED =
            EnumSet.of(StatementKind.INSERT, StatementKind.UPSERT, StatementKind.UPDATE, StatementKind.DELETE);

    private final MigrationContext context;
    private final DualTransaction transaction;
    private final Rewritten rw;
    private final Plan plan;
    private final Mode mode;
    /** The application's parameters ({@code null}: a plain statement). */
    private final Params params;
    /** The batch entries, for {@link Mode#BATCH}. */
    private final List<Params> batch;

    private final boolean appWantsKeys;
    private final SideStatements prepared;
    private final boolean write;
    /** A write with a mirror side. */
    private final boolean mirror;
    /** The mirror needs the keys the primary generates. */
    private final boolean needKeys;
    /** The primary can return them (PostgreSQL: to a user that may read the table; elsewhere always). */
    private final boolean keysReturned;
    /** Whether the old session is told the key the new side generated ({@link #tellOldSessionTheKey}). */
    private final boolean tellsKey;
    /** The {@code now()} both sides bind, captured once ({@code null}: neither side binds it). */
    private final Timestamp now;
    /** An auto-commit pair on one database, run in a local transaction this execution ends. */
    private boolean localPair;
    /** The keys of the rows the primary returned where its text names none ({@link #returnedKeys}). */
    private GeneratedKeys returnedKeys;

    /**
     * @param params the application's parameters ({@code null}: a plain statement)
     * @param batch the batch entries, for {@link Mode#BATCH}
     * @param appWantsKeys the application asked for generated keys
     * @param prepared the side statements of the application's statement
     */
    public Execution(
            Session session,
            Rewritten rw,
            Plan plan,
            Mode mode,
            Params params,
            List<Params> batch,
            boolean appWantsKeys,
            SideStatements prepared) {
        this.context = session.context();
        this.transaction = session.transaction();
        this.rw = rw;
        this.plan = plan;
        this.mode = mode;
        this.params = params;
        this.batch = batch;
        this.appWantsKeys = appWantsKeys;
        this.prepared = prepared;
        this.write = rw.kind().isWrite();
        this.mirror = plan.mirror() != null && write;
        this.needKeys = mirror && !rw.generatedKeyColumns().isEmpty();
        // keys the primary cannot return are not asked for: the mirror is recorded, its keys unknown
        this.keysReturned = !needKeys
                || context.dialect() != Dialect.POSTGRESQL
                || context.mayRead(rw.tables().iterator().next(), plan.primary());
        this.tellsKey = write
                && plan.primary() == Side.NEW
                && context.dialect() == Dialect.MARIADB
                && context.newDatabase() != null
                && !rw.generatedKeyColumns().isEmpty();
        this.now = capturesNow(rw) ? KeptValues.capturedNow(rw.rounded()) : null;
    }

    /**
     * Runs the statement by its plan.
     *
     * @throws SQLException the primary's own exception, unchanged; or, under {@code
     *     onMirrorFailure: fail}, one that says the mirror failed
     */
    public Result run() throws SQLException {
        prepared.startExecution();
        // Same database: the pair runs in one transaction, even in auto-commit mode.
        localPair = mirror && transaction.scopeMirroredWrite();
        try {
            Result result = primaryThenMirror();
            if (localPair) {
                transaction.commitLocalPair();
            }
            context.metrics().statement(rw.kind(), plan.route());
            return result;
        } catch (SQLException | RuntimeException e) {
            if (localPair) {
                transaction.abandonLocalPair();
            }
            throw e;
        }
    }

    private Result primaryThenMirror() throws SQLException {
        Side primary = plan.primary();
        boolean findsKeys = findsClaimedKeys();
        SideStatement sql = findsKeys
                ? (primary == Side.OLD
                        ? rw.keyedMirror().oldPrimary()
                        : rw.keyedMirror().newPrimary())
                : (primary == Side.OLD ? rw.oldSide() : rw.newSide());
        // the RETURNING appended to a claim returns rows to executeUpdate, which pgjdbc refuses after running
        Mode runs = findsKeys ? Mode.EXECUTE : mode;
        Connection connection = transaction.connection(primary, true);
        // A write that returns rows (RETURNING) hands its keys over in those rows: asking the
        // driver for generated keys as well would make it keep the rows from the application.
        boolean returnsRows =
                findsKeys || (write && mode != Mode.UPDATE && mode != Mode.BATCH && Returning.in(sql.sql()));
        boolean keysWanted = !returnsRows && ((needKeys && keysReturned) || tellsKey || (appWantsKeys && write));
        PreparedStatement ps = prepared.on(connection, transaction.old(), sql.sql(), keysWanted);
        prepared.configure(ps);
        if (findsKeys) {
            ps.setMaxRows(0); // the application's row limit would keep keys from the driver: every row it changed
        }
        UpsertGaps gaps =
                mirror && rw.kind() == StatementKind.UPSERT && rw.unmirrorable(context.newDatabase() != null) == null
                        ? UpsertGaps.before(context, rw, entries(), primary, connection)
                        : null;
        long start = System.nanoTime();
        Result result;
        try {
            result = executePrimary(ps, sql, runs);
        } catch (SQLException | RuntimeException e) {
            transaction.primaryFailed(primary);
            throw e;
        }
        // Read before any other statement runs on the connection: only the last one's warnings are kept.
        List<AdjustedValues.Adjustment> primaryAdjusted =
                mirror ? AdjustedValues.ofLastStatement(connection, context.dialect()) : List.of();
        transaction.primaryRan(primary, write, result.isResultSet() && !findsKeys);
        context.metrics()
                .latency(primary == Side.OLD ? Leg.OLD_PRIMARY : Leg.NEW_PRIMARY)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        CachedRowSet rows = returnsRows && result.isResultSet() ? GeneratedKeys.cache(ps.getResultSet()) : null;
        CachedRowSet all = allReturned(rows, ps);
        GeneratedKeys keys = keys(ps, keysWanted, all, result);
        returnedKeys = returnedKeys(all);
        // An auto-commit pair on one database needs no savepoint: if the mirror fails, the local
        // transaction is rolled back and the application's statement runs again, alone. Its
        // first run left no trace but a consumed sequence value.
        boolean unguarded = localPair && onMirrorFailure() == MirrorFailurePolicy.RECORD;
        DivergenceReason failed =
                mirror ? mirror(keys, result, rows == null ? -1 : rows.size(), unguarded, gaps, primaryAdjusted) : null;
        if (failed != null && unguarded) {
            transaction.restartLocalPair();
            result = execute(ps, sql, runs, params, batch, now, bound(ps, sql));
            rows = returnsRows && result.isResultSet() ? GeneratedKeys.cache(ps.getResultSet()) : null;
            all = allReturned(rows, ps);
            keys = keys(ps, keysWanted, all, result);
            returnedKeys = returnedKeys(all);
            recordUnmirrored(entries(), keys, failed);
        }
        if (tellsKey && keys != null && keys.size() > 0) {
            tellOldSessionTheKey(keys);
        }
        if (findsKeys && rows != null) {
            return new Result(ps, false, rows.size(), null, null, rows);
        }
        return new Result(ps, result.isResultSet(), result.updateCount(), result.batchCounts(), keys, rows);
    }

    /**
     * {@code rows}, the rows a write returned ({@code RETURNING}), where they are every row it
     * returned; {@code null} where the application's row limit ({@code setMaxRows}) may have cut
     * them: it limits what a write returns, not what it changes, so the rows past it would go
     * unmirrored and unrecorded. The keys are then unknown, and the write recorded for its table.
     */
    private static CachedRowSet allReturned(CachedRowSet rows, PreparedStatement ps) throws SQLException {
        if (rows == null) {
            return null;
        }
        int limit = ps.getMaxRows();
        return limit == 0 || rows.size() < limit ? rows : null;
    }

    /**
     * Whether the primary runs a claim that returns no rows with {@code RETURNING} of its key
     * appended ({@link io.schemashift.rewriter.KeyedMirror#oldPrimary}), so that its rows are mirrored
     * or recorded by their keys: not where the statement names its rows ({@link #returnedKeys}), nor
     * for a batch or a query, nor where the application asked for
     * generated keys (its driver appends a {@code RETURNING} of its own), nor for a user who may not
     * read the table ({@code RETURNING} needs the read: the statement would fail where the
     * application's does not).
     */
    private boolean findsClaimedKeys() {
        return mirror
                && rw.keyedMirror() != null
                && rw.keyedMirror().oldPrimary() != null
                && rw.keys().isEmpty()
                && (mode == Mode.UPDATE || mode == Mode.EXECUTE)
                && !appWantsKeys
                && context.mayRead(rw.tables().iterator().next(), plan.primary());
    }

    /**
     * MariaDB with a separate new database: the application's connection is the old database's,
     * where {@code SELECT LAST_INSERT_ID()} (MyBatis' {@code selectKey}) would read its own session
     * (the mirror wrote the key as a value, which leaves it alone), not the key the new side just
     * generated: {@code LAST_INSERT_ID(key)} sets it there, the first key of the statement (of a
     * batch's last statement) as the server gives it; in {@code new-only} too, where no mirror runs.
     * On one database both share one session.
     */
    private void tellOldSessionTheKey(GeneratedKeys keys) {
        try (PreparedStatement ps =
                transaction.connection(Side.OLD, false).prepareStatement("SELECT LAST_INSERT_ID(?)")) {
            ps.setObject(1, keys.get(mode == Mode.BATCH ? keys.size() - 1 : 0, 0));
            ps.executeQuery().close();
        } catch (SQLException e) {
            // the application's statement ran and is mirrored: LAST_INSERT_ID() keeps its old value, as before
        }
    }

    /**
     * Runs the application's statement on the primary. A batch that fails part-way may leave the
     * entries around the failure applied (and, in a transaction the application goes on to commit,
     * kept) while the mirror never runs: every entry is recorded before the failure reaches the
     * application. In auto-commit mode MariaDB and H2 keep what such a batch applied (they go on
     * past a failed entry and report its count): so does the pair, committing the primary's part;
     * a PostgreSQL batch keeps nothing, nor does one that applied no entry (MariaDB's bulk protocol
     * fails every entry), and neither does its local pair.
     */
    private Result executePrimary(PreparedStatement ps, SideStatement sql, Mode runs) throws SQLException {
        try {
            return execute(ps, sql, runs, params, batch, now, bound(ps, sql));
        } catch (BatchUpdateException e) {
            boolean keep = context.dialect() != Dialect.POSTGRESQL
                    && Arrays.stream(e.getUpdateCounts()).anyMatch(c -> c != Statement.EXECUTE_FAILED);
            if (mirror && (keep || !localPair)) {
                record(batch, null, DivergenceReason.PRIMARY_BATCH_FAILED);
            }
            if (mirror && keep) {
                try {
                    transaction.keepFailedBatch();
                    localPair = false;
                } catch (SQLException commitFailed) {
                    e.addSuppressed(commitFailed);
                }
            }
            throw e;
        }
    }

    /**
     * Whether {@code ps} already holds the statement's parameters: the application's own statement, running the
     * text it prepared, took them from the application's setters (replaying them would be work done twice).
     */
    private boolean bound(PreparedStatement ps, SideStatement sql) {
        return prepared.isOwn(ps) && sql.bindsAsWritten();
    }

    /**
     * The keys the primary generated: from the rows a {@code RETURNING} write returned, or from
     * the driver's generated keys. MariaDB's driver returns only the first key of a multi-row
     * INSERT (of an INSERT … SELECT: as many as it counted); where the server hands out consecutive
     * values ({@code innodb_autoinc_lock_mode} 0 or 1) the others follow from it, except for an
     * upsert: a row it updates takes no value.
     *
     * @return {@code null} when no keys were asked for, or a returned row lacks a key column
     */
    private GeneratedKeys keys(PreparedStatement ps, boolean keysWanted, CachedRowSet rows, Result primary)
            throws SQLException {
        if (rows != null) {
            return needKeys ? GeneratedKeys.fromRows(rows, rw.generatedKeyColumns()) : null;
        }
        if (!keysWanted) {
            return null;
        }
        GeneratedKeys keys = GeneratedKeys.read(ps.getGeneratedKeys(), keyNamesOnPrimary());
        long expected =
                rw.readBack() != null ? primary.updateCount() : rw.keys().size();
        long step = context.autoIncrementStep();
        if (batch == null
                && rw.kind() != StatementKind.UPSERT
                && step > 0
                && keys.size() == 1
                && expected > 1
                && rw.generatedKeyColumns().size() == 1) {
            keys = keys.consecutive((int) expected, step);
        }
        return keys;
    }

    /**
     * The keys of the rows an UPDATE or DELETE returned ({@code RETURNING} the key) when its text
     * names no row: a job queue's claim by {@code SKIP LOCKED}, a purge by an unordered {@code
     * LIMIT}. Where its mirror changes nothing they are exactly the rows the sides hold apart ({@code
     * null}: another write, or the key not returned).
     */
    private GeneratedKeys returnedKeys(CachedRowSet rows) throws SQLException {
        if (rows == null
                || !mirror
                || !rw.keys().isEmpty()
                || (rw.kind() != StatementKind.UPDATE && rw.kind() != StatementKind.DELETE)) {
            return null;
        }
        TableMapping table =
                context.mapping().table(rw.tables().iterator().next()).orElseThrow();
        return GeneratedKeys.fromRows(rows, table.key());
    }

    /**
     * The generated key columns as the primary's table names them: the new names where the new side
     * is primary (PostgreSQL returns the whole row, whose first column need not be the key).
     */
    private List<String> keyNamesOnPrimary() {
        if (plan.primary() == Side.OLD) {
            return rw.generatedKeyColumns();
        }
        TableMapping table =
                context.mapping().table(rw.tables().iterator().next()).orElseThrow();
        return rw.generatedKeyColumns().stream().map(table::newColumn).toList();
    }

    /** The parameters of each row the statement writes: the batch's entries, or the one set of parameters. */
    private List<Params> entries() {
        return batch != null ? batch : Collections.singletonList(params);
    }

    private MirrorFailurePolicy onMirrorFailure() {
        return context.config().writes().onMirrorFailure();
    }

    /**
     * Mirrors the write to the plan's mirror side.
     *
     * @param primaryCount the rows the primary returned ({@code RETURNING}), its count; -1 otherwise
     * @param unguarded the mirror shares an auto-commit pair's local transaction and runs without a
     *     savepoint: on its failure the caller starts over with the application's statement alone
     *     and records the failure with the keys of that run
     * @param gaps for an upsert, the rows it names that the primary held before it ran
     * @param primaryAdjusted the values the primary stored other than it was given ({@link AdjustedValues})
     * @return the reason the mirror failed ({@code null}: it ran, or was skipped and recorded)
     */
    private DivergenceReason mirror(
            GeneratedKeys keys,
            Result primary,
            long primaryCount,
            boolean unguarded,
            UpsertGaps gaps,
            List<AdjustedValues.Adjustment> primaryAdjusted)
            throws SQLException {
        Side side = plan.mirror();
        List<Params> entries = entries();
        if ((needKeys && insertedNoRow(primary, primaryCount)) || (mirrorsByKey() && returnedKeys.size() == 0)) {
            context.metrics().mirrored(MirrorOutcome.OK); // no row, no key: nothing to mirror
            return null;
        }
        boolean asWritten = insertedNone(keys, entries);
        boolean keysKnown = keys != null
                && keys.named()
                && (asWritten
                        || rw.kind() != StatementKind.UPSERT
                        || keys.size() >= rw.keys().size() * entries.size());
        // rows no key names: a key each side's database would generate, or keys that do not pair with a batch's entries
        // or with the rows an INSERT … SELECT inserted
        boolean unnamed = keyLeftToTheDatabase(entries)
                || (needKeys && keys != null && rw.readBack() == null && !keysPairWithEntries(primary, keys, entries))
                || (rw.readBack() != null && keys != null && !keysPairWithRows(primary, primaryCount, keys));
        DivergenceReason skip =
                (needKeys && !keysKnown) || unnamed ? DivergenceReason.KEYS_UNKNOWN : skipReason(entries, side);
        if (skip != null) {
            context.metrics()
                    .mirrored(
                            skip == DivergenceReason.BREAKER_OPEN ? MirrorOutcome.BREAKER_OPEN : MirrorOutcome.REFUSED);
            if (unnamed) {
                transaction.record(List.of(RowKey.wholeTable(rw)), skip);
            } else {
                recordUnmirrored(entries, keys, skip);
            }
            return null;
        }
        if (rw.readBack() != null) {
            ReadBackRows.Read read = ReadBackRows.read(
                    context, rw.readBack(), plan.primary(), transaction.connection(plan.primary(), false), keys);
            if (read.rows() == null) {
                context.metrics()
                        .mirrored(
                                read.failed() == DivergenceReason.MIRROR_FAILED
                                        ? MirrorOutcome.FAILED
                                        : MirrorOutcome.REFUSED);
                record(entries, keys, read.failed());
                return null;
            }
            keys = read.rows();
        }
        SideStatement sql = mirrorsByKey()
                ? (side == Side.NEW
                        ? rw.keyedMirror().newSide()
                        : rw.keyedMirror().oldSide())
                : keys != null && !asWritten
                        ? (side == Side.NEW ? rw.newSideWithKeys() : rw.oldSideWithKeys())
                        : (side == Side.NEW ? rw.newSide() : rw.oldSide());
        boolean separate = side == Side.NEW && context.newDatabase() != null;
        long start = System.nanoTime();
        try {
            Connection connection = transaction.connection(side, false);
            List<Params> uneven = gaps == null ? List.of() : gaps.unevenOn(side, connection);
            long[] counts;
            if (separate) {
                counts = runMirror(connection, sql, entries, keys, false);
                context.newDatabase().breaker().success();
                transaction.mirroredToNew(touched(entries, keys, mirrorsByKey()));
            } else {
                // A failing mirror only needs a savepoint when it shares a transaction with the
                // app's write; in auto-commit mode (new-primary, separate database) it stands alone.
                // Only PostgreSQL aborts the whole transaction on a failed statement; MariaDB and
                // H2 roll back just the statement.
                boolean guard = !unguarded
                        && context.dialect() == Dialect.POSTGRESQL
                        && onMirrorFailure() == MirrorFailurePolicy.RECORD
                        && !connection.getAutoCommit();
                counts = runMirror(connection, sql, entries, keys, guard);
                if (context.newDatabase() != null) {
                    transaction.mirroredToOld(touched(entries, keys, mirrorsByKey()));
                }
            }
            if (AdjustedValues.apart(
                            primaryAdjusted,
                            AdjustedValues.ofLastStatement(connection, context.dialect()),
                            context.mapping(),
                            rw.tables())
                    || !KeptValues.allKept(
                            rw.rounded(),
                            entries,
                            now,
                            KeptValues.readsTheTimeZone(rw.rounded()) && transaction.sessionInUtc())) {
                record(entries, keys, DivergenceReason.MIRROR_VALUE_ADJUSTED);
            }
            if (!uneven.isEmpty()) {
                record(uneven, keys, DivergenceReason.UPSERT_OF_LACKING_ROW);
            }
            NonDeterminism recordedToo =
                    rw.nondeterminism().isEmpty() ? null : rw.recordedThoughMirrored(mirrorsByKey());
            if (recordedToo != null) {
                record(entries, keys, DivergenceReason.nondeterministic(recordedToo));
            }
            if (!context.catalogRead()) { // a one-sided trigger or default would go unseen
                record(entries, keys, DivergenceReason.MIRROR_CATALOG_UNREAD);
            }
            // a read-back's rows are the primary's, one each (keysPairWithRows): no count to compare
            boolean mismatch = rw.readBack() == null
                    && recordCountMismatches(entries, keys, primary, primaryCount, counts, gaps != null);
            context.metrics().mirrored(mismatch ? MirrorOutcome.COUNT_MISMATCH : MirrorOutcome.OK);
            return null;
        } catch (SQLException | RuntimeException failure) {
            return mirrorFailed(failure, side, separate, entries, keys, unguarded);
        } finally {
            context.metrics()
                    .latency(side == Side.OLD ? Leg.OLD_MIRROR : Leg.NEW_MIRROR)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Whether a row of this INSERT or upsert binds its key as NULL, or gives it as 0 on MariaDB:
     * MariaDB's {@code AUTO_INCREMENT} then generates it (PostgreSQL and H2 refuse a NULL key), and
     * each side would generate its own. (A key written as {@code NULL} is the rewriter's {@link
     * NonDeterminism#SEQUENCE}; 0 is a literal a statement's shape shares with every other number.)
     */
    private boolean keyLeftToTheDatabase(List<Params> entries) {
        if (rw.kind() != StatementKind.INSERT && rw.kind() != StatementKind.UPSERT) {
            return false;
        }
        for (Params p : entries) {
            for (List<ParamSource> row : rw.keys()) {
                for (ParamSource source : row) {
                    Object value = source instanceof ParamSource.Bound b && p != null
                            ? p.value(b.index())
                            : source instanceof ParamSource.Literal l ? l.sqlText() : "";
                    if (value == null || (context.dialect() == Dialect.MARIADB && isZero(value))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** 0 as MariaDB reads it into an integer column (a literal's text may be quoted). */
    private static boolean isZero(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue() == 0;
        }
        String text = value.toString().trim();
        return text.equals("0") || text.equals("'0'");
    }

    /**
     * Whether an INSERT that numbers its rows inserted none (nor did any entry of a batch): one that
     * selects a row without FROM ({@code … SELECT ? WHERE NOT EXISTS (…)}) may not, an {@code
     * INSERT IGNORE} may skip it.
     */
    private boolean insertedNoRow(Result primary, long primaryCount) {
        if (rw.kind() != StatementKind.INSERT) {
            return false;
        }
        if (mode == Mode.BATCH) {
            return primary.batchCounts() != null
                    && Arrays.stream(primary.batchCounts()).allMatch(c -> c == 0);
        }
        return (primaryCount >= 0 ? primaryCount : primary.updateCount()) == 0;
    }

    /**
     * Whether the keys of a batch's INSERTs pair with its entries in order: not when an entry
     * inserted no row (counted 0), nor when fewer keys came back than the entries' rows.
     */
    private boolean keysPairWithEntries(Result primary, GeneratedKeys keys, List<Params> entries) {
        if (mode != Mode.BATCH || rw.kind() != StatementKind.INSERT) {
            return true;
        }
        int[] counts = primary.batchCounts();
        return (counts == null || Arrays.stream(counts).noneMatch(c -> c == 0))
                && keys.size() >= (long) entries.size() * Math.max(1, rw.keys().size());
    }

    /**
     * Whether an INSERT … SELECT read back by its keys ({@link ReadBackRows}) returned a key for
     * each row it inserted (of a batch: its entries together, whose rows the keys need not tell
     * apart): not where MariaDB returns only the first (its server need not hand out consecutive
     * values; a batch's entries each return one), nor where a count is unknown.
     */
    private boolean keysPairWithRows(Result primary, long primaryCount, GeneratedKeys keys) {
        long inserted = 0;
        if (primary.batchCounts() != null) {
            for (int count : primary.batchCounts()) {
                inserted = count < 0 || inserted < 0 ? -1 : inserted + count;
            }
        } else {
            inserted = primaryCount >= 0 ? primaryCount : primary.updateCount();
        }
        return keys.size() == inserted;
    }

    /**
     * Whether an upsert of one row that returned no key inserted nothing: it updated or skipped
     * the row its unique values name, and the mirror runs the statement as written, which finds
     * that row by them on its side ({@link UpsertGaps} records it when absent). An upsert that
     * returned fewer keys than rows otherwise is not mirrored: keys following the first by
     * position would name the wrong rows.
     */
    private boolean insertedNone(GeneratedKeys keys, List<Params> entries) {
        return rw.kind() == StatementKind.UPSERT
                && keys != null
                && keys.named()
                && keys.size() == 0
                && rw.keys().size() == 1
                && entries.size() == 1;
    }

    /**
     * The mirror failed: counted, its rows recorded (unless the caller starts over), and the new
     * side's part of the transaction rolled back when it is a separate database.
     *
     * @throws SQLException when the failure rolled back the application's transaction too, or
     *     under {@code onMirrorFailure: fail}
     */
    private DivergenceReason mirrorFailed(
            Exception failure, Side side, boolean separate, List<Params> entries, GeneratedKeys keys, boolean unguarded)
            throws SQLException {
        // A driver's unchecked exception is a mirror failure too: it must not reach the app.
        SQLException e = failure instanceof SQLException checked
                ? checked
                : new SQLException(failure.getClass().getName(), ShiftSqlState.INTERNAL_ERROR.code(), failure);
        if (rollsBackTheAppTransaction(e)) {
            throw e; // both sides' work is gone together: nothing diverged, the app must retry
        }
        boolean timeout = SqlErrors.isTimeout(e);
        context.metrics().mirrored(timeout ? MirrorOutcome.TIMEOUT : MirrorOutcome.FAILED);
        DivergenceReason reason = timeout ? DivergenceReason.MIRROR_TIMEOUT : DivergenceReason.MIRROR_FAILED;
        if (separate) {
            context.newDatabase().breaker().failure();
            transaction.newSideFailed(reason);
        }
        if (!unguarded) {
            recordUnmirrored(entries, keys, reason);
        }
        if (onMirrorFailure() == MirrorFailurePolicy.FAIL) {
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
    }

    /**
     * The mirror and the primary are two statements, each with its own snapshot under READ
     * COMMITTED: a transaction that commits between them (on one database), or commits on one
     * side before the other (across two), can make the mirror touch other rows than the primary
     * did; and a side that lacks rows the other holds (not backfilled yet) makes an {@code
     * INSERT IGNORE} or {@code ON CONFLICT DO NOTHING} insert on one side only, or an {@code
     * INSERT … SELECT} copy fewer rows. A write whose counts differ is recorded for repair; nothing
     * is lost silently. Nor where a side's count is not known: such entries are recorded too, unless
     * the counts could not differ (an {@code INSERT … VALUES} inserts every row or fails; an upsert
     * whose rows were looked up before it ran, {@code gapsKnown}, had the rows one side lacks recorded).
     *
     * @param primaryCount the primary's count when its result was rows ({@code RETURNING}); else -1
     */
    private boolean recordCountMismatches(
            List<Params> entries,
            GeneratedKeys keys,
            Result primary,
            long primaryCount,
            long[] mirror,
            boolean gapsKnown) {
        if (!COUNTED.contains(rw.kind())) {
            return false;
        }
        long[] expected = primary.batchCounts() != null
                ? Arrays.stream(primary.batchCounts()).asLongStream().toArray()
                : new long[] {primary.isResultSet() ? primaryCount : primary.updateCount()};
        boolean mayDiffer = !rw.insertsEveryRow() && !gapsKnown;
        List<Params> extra = new ArrayList<>();
        List<Params> missed = new ArrayList<>();
        List<Params> unknown = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (expected.length != mirror.length || expected[i] < 0 || mirror[i] < 0) {
                if (mayDiffer) {
                    unknown.add(entries.get(i));
                }
            } else if (expected[i] != mirror[i]) {
                (mirror[i] > expected[i] ? extra : missed).add(entries.get(i));
            }
        }
        if (!unknown.isEmpty()) {
            record(unknown, keys, DivergenceReason.MIRROR_COUNT_UNKNOWN);
        }
        if (!missed.isEmpty()) {
            // Fewer rows on the mirror: most often rows not backfilled yet, which the backfill
            // copies in their latest version; logged so that verify --from-divergences checks them.
            record(missed, keys, DivergenceReason.MIRROR_MISSED_ROWS);
        }
        if (!extra.isEmpty()) {
            record(extra, keys, DivergenceReason.MIRROR_COUNT_MISMATCH);
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
    private boolean rollsBackTheAppTransaction(SQLException e) {
        return context.newDatabase() == null
                && context.dialect() != Dialect.POSTGRESQL
                && e.getSQLState() != null
                && e.getSQLState().startsWith("40");
    }

    /** Why the mirror cannot run at all ({@code null}: it can). */
    private DivergenceReason skipReason(List<Params> entries, Side side) {
        NonDeterminism differs =
                rw.nondeterminism().isEmpty() ? null : rw.unmirrorable(context.newDatabase() != null, mirrorsByKey());
        if (differs != null) {
            return DivergenceReason.nondeterministic(differs);
        }
        for (Params p : entries) {
            if (p != null && p.unmirrorable() != null) {
                return DivergenceReason.UNREPLAYABLE_PARAMETER;
            }
        }
        if (context.newDatabase() != null) {
            if (transaction.newFailed()) {
                return DivergenceReason.TRANSACTION_ALREADY_DIVERGED;
            }
            if (side == Side.NEW
                    && !transaction.holdsNewConnection()
                    && !context.newDatabase().breaker().allow()) {
                return DivergenceReason.BREAKER_OPEN;
            }
        }
        return null;
    }

    /** Runs the mirror; returns its update counts, one per entry. */
    private long[] runMirror(
            Connection connection, SideStatement sql, List<Params> entries, GeneratedKeys keys, boolean guard)
            throws SQLException {
        boolean inline = guard && entries.size() == 1 && rw.readBack() == null && !mirrorsByKey();
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
            PreparedStatement ps = prepared.on(connection, transaction.old(), text, false);
            try {
                counts = executeMirror(ps, sql, entries, keys, inline);
            } finally {
                if (connection != transaction.old()) {
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

    private long[] executeMirror(
            PreparedStatement ps, SideStatement sql, List<Params> entries, GeneratedKeys keys, boolean inline)
            throws SQLException {
        if (rw.readBack() != null) {
            for (int row = 0; row < keys.size(); row++) {
                Binder.bind(ps, sql, entries.get(0), now, keys, row);
                ps.addBatch();
            }
            ps.executeBatch(); // one VALUES row each, inserted or the batch fails
            return new long[] {keys.size()};
        }
        if (mirrorsByKey()) {
            for (int row = 0; row < returnedKeys.size(); row++) {
                Binder.bind(ps, sql, entries.get(0), now, returnedKeys, row);
                ps.addBatch();
            }
            long changed = 0; // one row each at most: their sum against the primary's rows
            for (int count : ps.executeBatch()) {
                changed = count < 0 || changed < 0 ? -1 : changed + count;
            }
            return new long[] {changed};
        }
        if (entries.size() == 1) {
            Binder.bind(ps, sql, entries.get(0), now, keys, 0);
            boolean rows = ps.execute();
            if (inline) {
                rows = ps.getMoreResults(); // past the SAVEPOINT, to the mirrored statement's result
            }
            return new long[] {rows ? rowCount(ps.getResultSet()) : ps.getLargeUpdateCount()};
        }
        int keyOffset = 0;
        int rowsPerEntry = Math.max(1, rw.keys().size());
        for (Params entry : entries) {
            Binder.bind(ps, sql, entry, now, keys, keyOffset);
            keyOffset += rowsPerEntry;
            ps.addBatch();
        }
        return Arrays.stream(ps.executeBatch()).asLongStream().toArray();
    }

    /** The rows a write returned ({@code RETURNING}): its count. */
    private static long rowCount(ResultSet rs) throws SQLException {
        long n = 0;
        try (rs) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Records the rows the write touched: by the keys the primary returned where the mirror ran by them. */
    private void record(List<Params> entries, GeneratedKeys keys, DivergenceReason reason) {
        transaction.record(touched(entries, keys, mirrorsByKey()), reason);
    }

    /**
     * Records a write whose mirror changed nothing: by the keys its text names, else by those of
     * the rows the primary returned ({@link #returnedKeys}), the rows it alone changed.
     */
    private void recordUnmirrored(List<Params> entries, GeneratedKeys keys, DivergenceReason reason) {
        transaction.record(touched(entries, keys, true), reason);
    }

    /**
     * The rows the write touched: by the keys its text names or the primary generated; {@code
     * byReturnedKeys}, by those of the rows the primary returned where it returned them.
     */
    private List<RowKey> touched(List<Params> entries, GeneratedKeys keys, boolean byReturnedKeys) {
        return byReturnedKeys && returnedKeys != null
                ? RowKey.returned(rw, returnedKeys)
                : RowKey.touchedBy(rw, entries, keys);
    }

    /**
     * Whether the mirror runs once per row the primary returned, by its key ({@link
     * Rewritten#keyedMirror}): for a write that picks its own rows, when they came back with their keys.
     */
    private boolean mirrorsByKey() {
        return rw.keyedMirror() != null && returnedKeys != null;
    }

    /** Whether a side of {@code rw} binds the captured {@code now()} (most statements do not). */
    private static boolean capturesNow(Rewritten rw) {
        return rw.oldSide().bindsNow() || rw.newSide().bindsNow();
    }

    /** @param bound {@code ps} holds the parameters already (a batch is always added again: it was taken) */
    private static Result execute(
            PreparedStatement ps,
            SideStatement sql,
            Mode mode,
            Params params,
            List<Params> batch,
            Timestamp now,
            boolean bound)
            throws SQLException {
        if (mode != Mode.BATCH && !bound) {
            Binder.bind(ps, sql, params, now, null, 0);
        }
        switch (mode) {
            case BATCH -> {
                for (Params entry : batch) {
                    Binder.bind(ps, sql, entry, now, null, 0);
                    ps.addBatch();
                }
                return new Result(ps, false, -1, ps.executeBatch(), null, null);
            }
            case QUERY -> {
                ps.executeQuery();
                return new Result(ps, true, -1, null, null, null);
            }
            case EXECUTE -> {
                boolean isResultSet = ps.execute();
                return new Result(ps, isResultSet, isResultSet ? -1 : ps.getLargeUpdateCount(), null, null, null);
            }
            default -> {
                return new Result(ps, false, ps.executeLargeUpdate(), null, null, null);
            }
        }
    }
}
