package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.CircuitBreaker;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.IntentLog;
import io.schemashift.mirror.RowKey;
import io.schemashift.mirror.SessionSettings;
import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one owner of an application connection's transaction across both sides: it begins it (the
 * rollout and read-new pick it keeps to its end), hands out the new side's connection, follows
 * savepoints, commits in order (the primary first, with the intent record in its transaction, then
 * the other side), rolls the other side back when one side fails, and records in the divergence
 * log whatever one side kept and the other lost: the intent record names those rows too, until
 * their divergence records are written. One object per connection, reset when a
 * transaction ends (nothing is allocated per transaction); like the connection, not thread-safe.
 *
 * <p>Over 500 lines: the one owner of the two-sided transaction (issue #16), kept whole on
 * purpose.
 */
public final class DualTransaction {

    private final MigrationContext context;
    private final Connection old;
    private final long connectionId;
    private long transactions;
    private boolean autoCommit;
    /** The application's isolation level (-1: unset) and read-only flag, for the new side's connections. */
    private int isolation = -1;

    private boolean readOnly;
    /**
     * New-side connections of finished auto-commit transactions whose result sets the application
     * may still be reading; each is released when its result set or statement closes.
     */
    private final List<Connection> held = new ArrayList<>(2);
    /**
     * The application connection's session settings ({@link SessionSettings}), read when a
     * separate new side's connection, or a write judged by the session's time zone, first needs
     * them; {@code null}: unknown (a statement that may change them ran since).
     */
    private SessionSettings settings;
    /** A statement that may change the session's settings ran in the open transaction (its end may undo it). */
    private boolean settingsTouched;
    /** The open transaction's new-side connection has {@link #settings}. */
    private boolean newAligned;
    /** Writes intent records on the application's connection (old side primary); created at its first. */
    private IntentLog.Writer intentsOnOld;

    // ---- the open transaction: reset by end() ------------------------------------------------

    private boolean open;
    private MigrationConfig.Rollout rollout;
    private boolean readNew;
    private Connection newConnection;
    /** A mirror failed: the new side's part of this transaction was rolled back. */
    private boolean newFailed;
    /** Rows mirrored to a separate new side, recorded if its commit fails. */
    private final List<RowKey> mirroredToNew = new ArrayList<>();
    /** Rows mirrored to the old side while the new side is primary, recorded if the old side's commit fails. */
    private final List<RowKey> mirroredToOld = new ArrayList<>();
    /** Application savepoint → new-side savepoint ({@code null}: before any new-side work). */
    private final Map<Savepoint, Savepoint> savepoints = new IdentityHashMap<>(4);
    /** Uncommitted writes were made (a shadow read cannot see them from elsewhere). */
    private boolean wrote;
    /** The new side is this transaction's primary for a write: it commits first, and its failure is the app's. */
    private boolean newPrimary;
    /** A query ran on the new side as primary: its result set may outlive the transaction. */
    private boolean newResults;
    /** The new-side connection currently carries the mirror budget as its network timeout. */
    private boolean budgeted;
    /**
     * A statement failed inside this transaction on PostgreSQL, where that aborts the transaction
     * on that side: its commit silently rolls back, so the other side must roll back too (until a
     * rollback to a savepoint heals it).
     */
    private boolean oldAborted;

    private boolean newAborted;
    /**
     * An auto-commit write on two databases runs as a transaction on both (auto-commit off on the
     * old connection until it ends): {@link #statementDone()} commits it in order.
     */
    private boolean statementTransaction;
    /** An auto-commit write on one database runs as a local transaction until {@link #commitLocalPair()}. */
    private boolean localPair;
    /** Rows recorded in the divergence log in this transaction: its intent names them until they are written. */
    private final List<RowKey> recorded = new ArrayList<>();
    /** The divergence log's mark after this transaction's last record. */
    private long recordsMark;
    /** A record of this transaction was lost at once (the queue full): its intent stays, to be recovered. */
    private boolean recordLost;

    DualTransaction(MigrationContext context, Connection old, long connectionId) throws SQLException {
        this.context = context;
        this.old = old;
        this.connectionId = connectionId;
        this.autoCommit = old.getAutoCommit();
    }

    Connection old() {
        return old;
    }

    boolean autoCommit() {
        return autoCommit;
    }

    /**
     * Begins the transaction at its first statement, if it is not open yet: it runs under the
     * rollout in force now, and is picked (or not) to read from the new side, to its end.
     */
    DualTransaction begin() {
        if (!open) {
            rollout = context.rollout();
            long sequence = rollout.stickiness() == MigrationConfig.Stickiness.CONNECTION ? 0 : transactions;
            transactions++;
            readNew = Routing.pick(rollout.seed(), connectionId, sequence, rollout.readNewPercent());
            open = true;
        }
        return this;
    }

    /** The rollout the open transaction began under. */
    MigrationConfig.Rollout rollout() {
        return rollout;
    }

    /** Whether the open transaction was picked to read from the new side (phase {@code read-new}). */
    boolean readNew() {
        return readNew;
    }

    /** Whether the open transaction has uncommitted writes. */
    boolean dirty() {
        return open && wrote && !autoCommit;
    }

    /** An earlier failure rolled back the new side's part of this transaction. */
    boolean newFailed() {
        return newFailed;
    }

    /**
     * Whether the new side can serve the open transaction's reads in {@code read-new}: always with
     * one database. A separate one that is down (its breaker open, or no connection within the
     * budget) cannot, and the transaction reads from the old side from here on, which holds every
     * row until {@code new-primary}: the application's read does not fail for the new side's sake.
     */
    boolean newServesReads() {
        if (context.newDatabase() == null || newConnection != null) {
            return true;
        }
        CircuitBreaker breaker = context.newDatabase().breaker();
        if (breaker.allow()) {
            try {
                connection(Side.NEW, true);
                breaker.success();
                return true;
            } catch (SQLException | RuntimeException e) {
                breaker.failure();
            }
        }
        readFromOld(ShiftMetrics.Fallback.UNAVAILABLE);
        return false;
    }

    /** The open transaction reads from the old side from here on, though picked for the new one. */
    void readFromOld(ShiftMetrics.Fallback cause) {
        readNew = false;
        context.metrics().readFellBack(cause);
    }

    /** The transaction already holds a new-side connection (so the breaker let it through). */
    boolean holdsNewConnection() {
        return newConnection != null;
    }

    /**
     * The connection of {@code side} for the open transaction. A separate new side's connection
     * carries the mirror budget only while it does mirror work: as the primary it runs with the
     * pool's own timeouts, like any database the application talks to.
     */
    Connection connection(Side side, boolean primary) throws SQLException {
        if (side == Side.OLD || context.newDatabase() == null) {
            return old;
        }
        begin();
        boolean fresh = newConnection == null;
        if (fresh) {
            Connection c = context.newDatabase().borrow();
            try {
                if (isolation >= 0) {
                    c.setTransactionIsolation(isolation);
                }
                c.setReadOnly(readOnly);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            newConnection = c;
            budgeted = false;
            newAligned = false;
        }
        if (budgeted == primary) {
            context.newDatabase().budget(newConnection, !primary);
            budgeted = !primary;
        }
        if (!newAligned) { // within the budget: mirror work
            context.newDatabase().align(newConnection, sessionSettings(), fresh);
            newAligned = true;
        }
        return newConnection;
    }

    /**
     * The application connection's session settings, read when first needed after a change; {@code
     * null} with one database, where the new side runs on that connection.
     */
    SessionSettings sessionSettings() throws SQLException {
        return context.newDatabase() == null ? null : settings();
    }

    /** Whether the application connection's session reads a wall clock at UTC ({@link SessionSettings#inUtc}). */
    boolean sessionInUtc() throws SQLException {
        return settings().inUtc();
    }

    private SessionSettings settings() throws SQLException {
        if (settings == null) {
            settings = SessionSettings.read(old, context.dialect());
        }
        return settings;
    }

    /**
     * A statement that may change the session's settings ({@code SET time_zone}, {@code SET
     * DateStyle}…) is about to run: they are read again before their next use, and again once this
     * transaction ends (which may undo them).
     */
    void settingsMayChange() {
        settings = null;
        settingsTouched = true;
        newAligned = false;
    }

    /**
     * The application's statement ran on {@code primary}. A write on a separate new side makes it
     * this transaction's primary (it commits first); a query's result set there may outlive the
     * transaction.
     */
    void primaryRan(Side primary, boolean write, boolean resultSet) {
        begin();
        if (primary == Side.NEW && context.newDatabase() != null) {
            newPrimary |= write;
            newResults |= resultSet;
        }
        wrote |= write;
    }

    /** Rows mirrored to the separate new side, recorded if its part of the transaction is lost. */
    void mirroredToNew(List<RowKey> rows) {
        mirroredToNew.addAll(rows);
    }

    /** Rows mirrored to the old side while the new side is primary, recorded if the old side's commit fails. */
    void mirroredToOld(List<RowKey> rows) {
        mirroredToOld.addAll(rows);
    }

    /**
     * A statement failed on {@code side} (the application's own statement: the old side's, or the
     * new side's as primary). In a transaction on PostgreSQL that side's transaction is now
     * aborted; it is remembered so that the commit does not keep the other side's part, and so
     * that the commit tells that the old side's work was rolled back (even when no statement of
     * SchemaShift's ran in it: a search path set in it ends with it).
     */
    public void primaryFailed(Side side) {
        if (autoCommit || context.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        if (side == Side.OLD) {
            oldAborted = true;
        } else if (open && context.newDatabase() != null) {
            newAborted = true;
        }
    }

    /** The separate new side failed inside the transaction: its part is rolled back and recorded. */
    void newSideFailed(DivergenceReason reason) {
        newFailed = true;
        record(mirroredToNew, reason);
        mirroredToNew.clear();
        if (newConnection != null) {
            rollbackQuietly(newConnection);
        }
    }

    // ---- an auto-commit write that is mirrored ----------------------------------------------

    /**
     * Scopes an auto-commit write that is mirrored. On one database the pair runs in a local
     * transaction, which the caller ends ({@link #commitLocalPair()}, {@link #abandonLocalPair()},
     * then {@link #endLocalPair()}). On two, when the intent record is on or under {@code
     * onMirrorFailure: fail}, it becomes a transaction on both sides that {@link #statementDone()}
     * commits in order (the primary first, with its intent record); a failed mirror then leaves
     * nothing committed.
     *
     * @return whether a local transaction was begun
     */
    boolean scopeMirroredWrite() throws SQLException {
        if (!autoCommit) {
            return false;
        }
        if (context.newDatabase() == null) {
            old.setAutoCommit(false);
            localPair = true;
            return true;
        }
        if (context.intents() != null
                || context.config().writes().onMirrorFailure() == MigrationConfig.MirrorFailurePolicy.FAIL) {
            begin();
            if (!statementTransaction) {
                old.setAutoCommit(false);
                statementTransaction = true;
            }
        }
        return false;
    }

    /**
     * Commits the local pair by switching auto-commit back on, which commits (JDBC): one call rather than {@code
     * commit()} then {@code setAutoCommit(true)}, which on H2 commits a second time and on MariaDB is a second
     * round trip.
     */
    void commitLocalPair() throws SQLException {
        String intent = writeIntent(old, List.of());
        localPair = false;
        old.setAutoCommit(true);
        confirmIntent(intent, false);
    }

    /**
     * The primary's batch failed part-way in auto-commit mode and its entries were recorded: what it
     * applied is committed, as the JDBC driver alone commits it (MariaDB and H2 go on past a failed
     * entry). Nothing to do in the application's own transaction.
     */
    void keepFailedBatch() throws SQLException {
        if (localPair) {
            commitLocalPair();
        } else if (statementTransaction) {
            statementDone();
        }
    }

    /** The mirror of an unguarded local pair failed: both sides' work goes, the primary's runs again alone. */
    void restartLocalPair() throws SQLException {
        old.rollback();
    }

    /** The local pair failed (or its commit did): nothing of it stays, and the connection is in auto-commit again. */
    void abandonLocalPair() {
        localPair = false;
        rollbackQuietly(old);
        restoreAutoCommit();
    }

    /**
     * Called when a routed statement failed: in auto-commit mode its new-side part is rolled back,
     * since the application was told the statement failed.
     */
    public void statementFailed() {
        if (autoCommit && open) {
            try {
                if (statementTransaction) {
                    rollbackQuietly(old);
                    restoreAutoCommit();
                }
                endNew(false, false);
            } finally {
                end();
            }
        }
    }

    /**
     * Called after every statement: in auto-commit mode the statement was the whole transaction.
     * When the new side was its primary, a failed commit there fails the statement (the old
     * side's mirror, already committed, is recorded).
     */
    public void statementDone() throws SQLException {
        if (!autoCommit || !open) {
            return;
        }
        if (statementTransaction) {
            try {
                commitThen(old::commit);
            } finally {
                restoreAutoCommit();
            }
            return;
        }
        try {
            SQLException failed = endNew(true, true);
            if (failed != null) {
                record(mirroredToOld, DivergenceReason.COMMIT_FAILED);
                throw failed;
            }
        } finally {
            end();
        }
    }

    private void restoreAutoCommit() {
        try {
            old.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            // a broken connection: the application finds out with its next statement
        }
    }

    // ---- transaction control: the primary commits first ------------------------------------

    /**
     * Commits the application's transaction (see {@link #commitThen}).
     *
     * @return whether the old side's work was kept: {@code false} when it was rolled back instead
     *     (an aborted PostgreSQL transaction, or a new-side primary whose part was lost)
     */
    public boolean commit() throws SQLException {
        return commitThen(old::commit);
    }

    /**
     * Commits the transaction, the primary side first: a primary's failure is the application's
     * (the other side then rolls back), a mirror's failure is recorded. With two databases, the
     * primary's transaction also carries the intent record of what was mirrored, confirmed (and
     * so deleted) once the other side has committed. {@code commitOld} commits the application's
     * connection. Returns whether the old side's work was kept.
     */
    private boolean commitThen(OldCommit commitOld) throws SQLException {
        try {
            if (oldAborted || newAborted) {
                // PostgreSQL rolls an aborted transaction back on commit, without an error: the
                // other side follows, so that neither keeps what the other lost
                rollbackQuietly(old);
                endNew(false, false);
                commitOld.run(); // ends the (empty) transaction as the application asked, e.g. auto-commit on
                return false;
            }
            if (newPrimary) {
                return commitNewFirst(commitOld);
            }
            commitOldFirst(commitOld);
            return true;
        } finally {
            end();
        }
    }

    /** The new side is the primary: it commits first, with the intent record of what the old side got. */
    private boolean commitNewFirst(OldCommit commitOld) throws SQLException {
        if (newFailed) {
            // the primary's part is gone: committing the old side alone would fork the data
            rollbackQuietly(old);
            throw ShiftSqlState.TRANSACTION_ROLLED_BACK.error(
                    "the new schema's part of this transaction was rolled back after an earlier failure, so the"
                            + " whole transaction was rolled back; retry it");
        }
        if (newConnection == null) {
            commitOldFirst(commitOld);
            return true;
        }
        String intent = writeIntent(newConnection, mirroredToOld);
        SQLException failed = endNew(true, false);
        if (failed != null) {
            rollbackQuietly(old);
            throw failed;
        }
        crashPointForTests();
        try {
            commitOld.run();
        } catch (SQLException e) {
            record(mirroredToOld, DivergenceReason.COMMIT_FAILED);
            rollbackQuietly(old);
            return false; // the intent stays and is recovered too: the records above are only queued
        }
        confirmIntent(intent, true);
        return true;
    }

    /** The old side is the primary: it commits first, with the intent record of what the new side got. */
    private void commitOldFirst(OldCommit commitOld) throws SQLException {
        boolean mirrored = newConnection != null && !newFailed && !mirroredToNew.isEmpty();
        String intent = writeIntent(old, mirrored ? mirroredToNew : List.of());
        try {
            commitOld.run();
        } catch (SQLException e) {
            endNew(false, false); // the new side must not keep what the primary lost
            throw e;
        }
        if (intent != null) {
            crashPointForTests();
        }
        endNew(true, false);
        if (!newFailed) {
            confirmIntent(intent, false);
        }
    }

    /**
     * Writes, in the primary's transaction about to commit, the intent record naming {@code mirrored} (the rows
     * the other side commits after it) and the rows this transaction recorded whose records are not written yet.
     *
     * @return the intent's id; {@code null} when there is nothing to name or no intent log
     */
    private String writeIntent(Connection primary, List<RowKey> mirrored) {
        IntentLog intents = context.intents();
        // records the background writer has already written need no intent
        boolean recordsInMemory =
                !recorded.isEmpty() && (recordLost || context.divergences().settled() < recordsMark);
        if (intents == null || (mirrored.isEmpty() && !recordsInMemory)) {
            return null;
        }
        List<RowKey> rows = mirrored;
        if (recordsInMemory) {
            rows = new ArrayList<>(mirrored);
            rows.addAll(recorded);
        }
        if (primary != old) {
            return intents.write(primary, rows);
        }
        if (intentsOnOld == null) {
            intentsOnOld = intents.writer(old);
        }
        return intentsOnOld.write(rows);
    }

    /**
     * The transaction of {@code intent} is committed on both sides: it goes once its records are written too
     * (never when one was lost: the intent, found stale, records its rows again).
     */
    private void confirmIntent(String intent, boolean onNew) {
        if (intent != null && !recordLost) {
            context.intents().confirm(intent, onNew, recorded.isEmpty() ? 0 : recordsMark);
        }
    }

    /**
     * Test hook for the crash between the two commits: with the system property {@code
     * schemashift.test.haltBetweenCommits} set, the JVM stops here as if killed.
     */
    private static void crashPointForTests() {
        if (HALT_BETWEEN_COMMITS) {
            Runtime.getRuntime().halt(137);
        }
    }

    private static final boolean HALT_BETWEEN_COMMITS = Boolean.getBoolean("schemashift.test.haltBetweenCommits");

    @FunctionalInterface
    private interface OldCommit {
        void run() throws SQLException;
    }

    public void rollback() throws SQLException {
        try {
            old.rollback();
        } finally {
            if (open) {
                endNew(false, false);
            }
            end();
        }
    }

    /** The application set its isolation level: the new side's transactions run at it too. */
    public void setTransactionIsolation(int level) throws SQLException {
        old.setTransactionIsolation(level);
        isolation = level;
    }

    public void setReadOnly(boolean on) throws SQLException {
        old.setReadOnly(on);
        readOnly = on;
    }

    /**
     * Switches auto-commit; switching it on commits the open transaction (JDBC).
     *
     * @return whether the old side's work of that transaction was kept ({@link #commit()}); {@code true} when none was open
     */
    public boolean setAutoCommit(boolean on) throws SQLException {
        boolean kept = true;
        if (on && !autoCommit) {
            kept = commitThen(() -> old.setAutoCommit(true));
        } else {
            old.setAutoCommit(on);
        }
        autoCommit = on;
        return kept;
    }

    /** Follows a savepoint the application set on its connection ({@code appSavepoint}) on the new side. */
    public Savepoint setSavepoint(Savepoint appSavepoint) throws SQLException {
        begin();
        Savepoint mirrored = null;
        if (newConnection != null && !newFailed) {
            try {
                mirrored = newConnection.setSavepoint();
            } catch (SQLException e) {
                savepointFailed(e);
            }
        }
        savepoints.put(appSavepoint, mirrored);
        return appSavepoint;
    }

    public void rollback(Savepoint appSavepoint) throws SQLException {
        old.rollback(appSavepoint);
        oldAborted = false; // a rollback to a savepoint heals an aborted transaction
        newAborted = false;
        if (newConnection == null || newFailed || !savepoints.containsKey(appSavepoint)) {
            return;
        }
        Savepoint mirrored = savepoints.get(appSavepoint);
        try {
            if (mirrored == null) {
                newConnection.rollback(); // the savepoint predates any new-side work
            } else {
                newConnection.rollback(mirrored);
            }
        } catch (SQLException e) {
            savepointFailed(e);
        }
    }

    public void release(Savepoint appSavepoint) throws SQLException {
        old.releaseSavepoint(appSavepoint);
        if (newConnection != null && !newFailed) {
            Savepoint mirrored = savepoints.remove(appSavepoint);
            if (mirrored != null) {
                try {
                    newConnection.releaseSavepoint(mirrored);
                } catch (SQLException e) {
                    savepointFailed(e);
                }
            }
        }
    }

    /**
     * A savepoint operation failed on the separate new side. Where the new side is a mirror, its
     * part of the transaction is rolled back and recorded; where it is this transaction's
     * primary, the application must know: its work there is in doubt.
     */
    private void savepointFailed(SQLException e) throws SQLException {
        newSideFailed(DivergenceReason.SAVEPOINT_FAILED);
        if (newPrimary) {
            throw ShiftSqlState.TRANSACTION_ROLLED_BACK.error(
                    "a savepoint failed on the new schema, which is this transaction's primary; its part of the"
                            + " transaction was rolled back: roll the transaction back and retry it",
                    e);
        }
    }

    /** The application closed its connection: an open transaction is abandoned (rolled back). */
    public void close() {
        try {
            if (open) {
                endNew(false, false);
            }
        } finally {
            end();
        }
        if (intentsOnOld != null) {
            intentsOnOld.close();
        }
        for (Connection c : held) {
            closeQuietly(c);
        }
        held.clear();
    }

    /**
     * A result set the application read from the new side was closed (or its statement
     * re-executed or closed): the finished transaction's connection that produced it goes back.
     */
    public void resultsDone(java.sql.Statement producer) {
        if (held.isEmpty()) {
            return;
        }
        try {
            Connection c = producer.getConnection();
            if (held.remove(c)) {
                closeQuietly(c);
            }
        } catch (SQLException | RuntimeException e) {
            // a statement that cannot say its connection was closed with it
        }
    }

    /**
     * Ends the transaction's new-side part: commit or roll back, then return the connection, or
     * hold it while a result set it produced may still be read. A mirror's failed commit is
     * recorded as a divergence of every row mirrored in the transaction.
     *
     * @return the failure of a commit on a new side that was the transaction's primary, else {@code null}
     */
    private SQLException endNew(boolean commit, boolean keepOpenResults) {
        Connection c = newConnection;
        if (c == null) {
            return null;
        }
        SQLException primaryFailure = null;
        try {
            if (newFailed) {
                return null;
            }
            if (commit) {
                try {
                    if (newPrimary && budgeted) {
                        context.newDatabase().budget(c, false);
                    }
                    c.commit();
                    context.newDatabase().breaker().success();
                } catch (SQLException e) {
                    if (newPrimary) {
                        primaryFailure = e;
                        rollbackQuietly(c);
                    } else {
                        newSideFailed(DivergenceReason.COMMIT_FAILED);
                    }
                }
            } else {
                rollbackQuietly(c);
            }
        } finally {
            if (keepOpenResults && newResults && !newFailed && primaryFailure == null) {
                held.add(c);
            } else {
                closeQuietly(c);
            }
        }
        return primaryFailure;
    }

    /** The transaction is over: the next statement begins another. */
    private void end() {
        if (settingsTouched) {
            settings = null;
            settingsTouched = false;
        }
        open = false;
        rollout = null;
        readNew = false;
        newConnection = null;
        newFailed = false;
        mirroredToNew.clear();
        mirroredToOld.clear();
        savepoints.clear();
        wrote = false;
        newPrimary = false;
        newResults = false;
        budgeted = false;
        oldAborted = false;
        newAborted = false;
        statementTransaction = false;
        recorded.clear();
        recordLost = false;
    }

    /**
     * Records {@code rows} in the divergence log: a change one side has and the other may lack. Until those
     * records are written they live only in memory, so the intent record of the transaction names them too; a
     * statement that commits on its own gets an intent of its own now (before it runs, when it is refused before
     * it runs).
     */
    void record(List<RowKey> rows, DivergenceReason reason) {
        record(rows, reason, false);
    }

    /**
     * {@link #record(List, DivergenceReason)} for a statement that {@code runsAlone}: it commits the open
     * transaction by itself before it runs (MariaDB's and H2's DDL and {@code TRUNCATE}), and then its own
     * change whatever the application does next. Its intent is written now, as in auto-commit mode: out of it,
     * the statement's implicit commit commits the intent with it.
     */
    void record(List<RowKey> rows, DivergenceReason reason, boolean runsAlone) {
        recordLost |= !context.divergences().recordAll(rows, reason);
        recorded.addAll(rows);
        recordsMark = context.divergences().mark();
        if ((autoCommit || runsAlone) && !localPair && !statementTransaction) {
            confirmIntent(writeIntent(old, List.of()), false);
            recorded.clear();
            recordLost = false;
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is discarded (or its transaction is gone) either way
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // returning a broken connection to the pool: HikariCP evicts it
        }
    }
}
