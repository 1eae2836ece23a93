package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.IntentLog;
import io.schemashift.mirror.RowKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The routing state of one application connection: the route of its current transaction
 * (decided at the transaction's first statement, from the rollout in force then), and, when the
 * new schema lives in a separate database, the new-side connection whose transaction follows the
 * application's. Like the connection it belongs to, not thread-safe.
 */
public final class Session {

    private final MigrationContext context;
    private final Connection old;
    private final long id;
    private boolean autoCommit;
    private long transactions;
    private Txn txn;
    /**
     * New-side connections of finished auto-commit transactions whose result sets the application
     * may still be reading; each is released when its result set or statement closes.
     */
    private final List<Connection> held = new ArrayList<>(2);
    /** The application's isolation level and read-only flag, for its transactions' new-side connections. */
    private int isolation = -1;

    private boolean readOnly;

    /** One transaction's route and new-side state. */
    static final class Txn {
        final MigrationConfig.Rollout rollout;
        final boolean readNew;
        Connection newConnection;
        /** A mirror failed: the new side's part of this transaction was rolled back. */
        boolean newFailed;
        /** Rows mirrored to a separate new side, recorded if its commit fails. */
        final List<RowKey> mirrored = new ArrayList<>();
        /** Application savepoint → new-side savepoint ({@code null}: before any new-side work). */
        final Map<Savepoint, Savepoint> savepoints = new IdentityHashMap<>();
        /** Uncommitted writes were made (a shadow read cannot see them from elsewhere). */
        boolean wrote;
        /** The new side is this transaction's primary for a write: it commits first, and its failure is the app's. */
        boolean newPrimary;
        /** A query ran on the new side as primary: its result set may outlive the transaction. */
        boolean newResults;
        /** Rows mirrored to the old side while the new side is primary, recorded if the old side's commit fails. */
        final List<RowKey> mirroredToOld = new ArrayList<>();
        /** The new-side connection currently carries the mirror budget as its network timeout. */
        boolean budgeted;
        /**
         * A statement failed inside this transaction on PostgreSQL, where that aborts the
         * transaction on that side: its commit silently rolls back, so the other side must roll
         * back too (until a rollback to a savepoint heals it).
         */
        boolean oldAborted;

        boolean newAborted;
        /**
         * An auto-commit write on two databases runs as a transaction on both (auto-commit off on
         * the old connection until it ends): the session commits it in order when the statement is done.
         */
        boolean statementTransaction;

        Txn(MigrationConfig.Rollout rollout, boolean readNew) {
            this.rollout = rollout;
            this.readNew = readNew;
        }
    }

    public Session(MigrationContext context, Connection old, long id) throws SQLException {
        this.context = context;
        this.old = old;
        this.id = id;
        this.autoCommit = old.getAutoCommit();
    }

    public MigrationContext context() {
        return context;
    }

    Connection old() {
        return old;
    }

    boolean autoCommit() {
        return autoCommit;
    }

    /** The current transaction's route, decided now if this is its first statement. */
    Txn txn() {
        if (txn == null) {
            MigrationConfig.Rollout rollout = context.rollout();
            long sequence = rollout.stickiness() == MigrationConfig.Stickiness.CONNECTION ? 0 : transactions;
            transactions++;
            txn = new Txn(rollout, Routing.pick(rollout.seed(), id, sequence, rollout.readNewPercent()));
        }
        return txn;
    }

    /** The rollout the current transaction runs under, decided at its first statement. */
    public MigrationConfig.Rollout rollout() {
        return txn().rollout;
    }

    /** The phase the tables share in the current transaction, or {@code null} if their phases differ. */
    public Phase phaseOf(Set<String> tables) {
        return Routing.phaseOf(txn().rollout, tables);
    }

    /** Whether the current transaction has uncommitted writes. */
    public boolean inDirtyTransaction() {
        return txn != null && txn.wrote && !autoCommit;
    }

    /**
     * Where a statement runs. Statements on unmapped tables, and those that cannot take part in
     * the migration while the old side is the primary, run unchanged on the old side: {@link
     * Plan#OLD}. Counts the statement when it runs there on a mapped table (routed statements are
     * counted by {@link Execution}), and refusals by reason.
     *
     * @throws SQLException (0A000) when the statement cannot be rewritten and the new side holds
     *     the truth for its tables: a write from {@code new-primary} on, any read in {@code
     *     new-only}; it then runs nowhere. (40000) when the statement's primary is the new side
     *     and an earlier failure rolled back the new side's part of this transaction.
     */
    public Plan plan(RewriteResult result) throws SQLException {
        return plan(result, true);
    }

    private static final Pattern LOCKING = Pattern.compile(
            "\\bFOR\\s+(?:NO\\s+KEY\\s+)?UPDATE\\b|\\bFOR\\s+(?:KEY\\s+)?SHARE\\b|\\bLOCK\\s+IN\\s+SHARE\\s+MODE\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * A locking read ({@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}) must lock
     * the rows where the transaction will write them: in {@code read-new} that is the old side.
     * (Text inside a literal may match too: that only keeps a read on the old side.)
     */
    private static boolean locks(RewriteResult result) {
        return result.kind() == StatementKind.SELECT
                && result instanceof Rewritten rw
                && LOCKING.matcher(rw.oldSide().sql()).find();
    }

    /**
     * A read whose new-side form returns fewer columns (a {@code *} over a table with a dropped
     * column) keeps the shape the application knows: in {@code read-new} the old side serves it.
     * From {@code new-primary} on the documented expansion applies.
     */
    private static boolean narrows(RewriteResult result) {
        return result instanceof Rewritten rw && rw.narrowsResult();
    }

    /** Whether {@code read-new} may serve this read from the new side ({@code schemashift rewrite} previews with it). */
    public static boolean mayReadNew(RewriteResult result) {
        return !locks(result) && !narrows(result);
    }

    /**
     * Whether a statement would run anywhere but unchanged on the old side; counts nothing.
     *
     * @throws SQLException as {@link #plan(RewriteResult)}
     */
    public boolean routes(RewriteResult result) throws SQLException {
        return plan(result, false) != Plan.OLD;
    }

    private Plan plan(RewriteResult result, boolean count) throws SQLException {
        if (result.tables().isEmpty()) {
            return Plan.OLD;
        }
        if (result.kind().isWrite() && !context.writesAllowed()) {
            throw context.writesRefused(result.tables().iterator().next()); // fail closed: the fleet's phase is unknown
        }
        Txn t = txn();
        Phase phase = Routing.phaseOf(t.rollout, result.tables());
        DivergenceReason refusal = phase == null
                ? DivergenceReason.REFUSED_MIXED_PHASES
                : result instanceof Refused refused ? DivergenceReason.refused(refused.reason()) : null;
        Plan plan;
        if (refusal != null) {
            refuseWhereNewHoldsTheTruth(t, result, refusal);
            plan = Plan.OLD;
        } else {
            plan = Routing.plan(phase, result.kind(), t.readNew && !t.newFailed && !locks(result) && !narrows(result));
            if (plan.primary() == Side.NEW && t.newFailed) {
                if (result.kind() == StatementKind.SELECT) {
                    plan = Plan.OLD; // never read from a side that missed this transaction's writes
                } else {
                    throw ShiftSqlState.TRANSACTION_ROLLED_BACK.error(
                            "the new schema's part of this transaction was rolled back after an earlier failure;"
                                    + " roll the transaction back and retry it");
                }
            }
        }
        if (count && plan == Plan.OLD) {
            if (refusal != null) {
                context.metrics().refused(refusal.refusalTag());
                if (result.kind().isWrite()) {
                    recordUnmirrored(t, result, refusal);
                }
            }
            context.metrics().statement(result.kind(), ShiftMetrics.Route.OLD);
        }
        return plan;
    }

    /**
     * A statement the rewriter cannot handle may run on the old side alone only while the old
     * side holds the truth for its tables: up to {@code read-new} for writes (the record then
     * lets repair fix the new side), up to {@code new-primary} for reads (old is still mirrored).
     */
    private void refuseWhereNewHoldsTheTruth(Txn t, RewriteResult result, DivergenceReason refusal)
            throws SQLException {
        Phase latest = Routing.latestPhaseOf(t.rollout, result.tables());
        boolean write = result.kind().isWrite();
        boolean newHoldsTheTruth = write
                ? latest.ordinal() >= Phase.NEW_PRIMARY.ordinal()
                : result.kind() == StatementKind.SELECT && latest == Phase.NEW_ONLY;
        if (!newHoldsTheTruth) {
            return;
        }
        context.metrics().refused(refusal.refusalTag());
        String why = result instanceof Refused r
                ? r.reason().name().toLowerCase(Locale.ROOT) + ": " + r.message()
                : "its tables are in different phases";
        throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this " + result.kind().name() + " on " + result.tables()
                + " cannot be rewritten for the new schema (" + why + ", query "
                + result.fingerprint().hash()
                + "); in phase " + latest.configName() + " the new schema holds the truth, so it does not run on"
                + " the old table alone. Rewrite the statement or move the table's phase back");
    }

    /** A write that runs on the old side only although its tables mirror writes: counted and logged. */
    public void unmirrored(RewriteResult result, DivergenceReason reason) {
        context.metrics().mirrored(ShiftMetrics.MirrorOutcome.REFUSED);
        context.metrics().statement(result.kind(), ShiftMetrics.Route.OLD);
        recordUnmirrored(txn(), result, reason);
    }

    /**
     * A write that took the safe path (old side only) on tables whose phase mirrors writes: the
     * other side misses it, so it goes into the divergence log (without a key: the statement
     * could not be analysed) for {@code verify --from-divergences}.
     */
    private void recordUnmirrored(Txn t, RewriteResult result, DivergenceReason reason) {
        for (String table : result.tables()) {
            if (t.rollout.phaseOf(table) != Phase.OLD_ONLY) {
                context.divergences().record(table, null, result.fingerprint().hash(), reason.tag());
            }
        }
    }

    /**
     * The connection of {@code side} for the current transaction. A separate new side's
     * connection carries the mirror budget only while it does mirror work: as the primary it runs
     * with the pool's own timeouts, like any database the application talks to.
     */
    Connection connection(Side side, boolean primary) throws SQLException {
        if (side == Side.OLD || context.newSide() == null) {
            return old;
        }
        Txn t = txn();
        if (t.newConnection == null) {
            Connection c = context.newSide().borrow();
            try {
                if (isolation >= 0) {
                    c.setTransactionIsolation(isolation);
                }
                c.setReadOnly(readOnly);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            t.newConnection = c;
            t.budgeted = false;
        }
        if (t.budgeted == primary) {
            context.newSide().budget(t.newConnection, !primary);
            t.budgeted = !primary;
        }
        return t.newConnection;
    }

    /** Records that the statement just run wrote rows. */
    void wrote() {
        txn().wrote = true;
    }

    /**
     * A statement failed on {@code side} (the application's own statement: the old side's, or the
     * new side's as primary). In a transaction on PostgreSQL that side's transaction is now
     * aborted; the session remembers it so that the commit does not keep the other side's part.
     */
    public void primaryFailed(Side side) {
        Txn t = txn;
        if (autoCommit || t == null || context.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        if (side == Side.OLD) {
            t.oldAborted = true;
        } else if (context.newSide() != null) {
            t.newAborted = true;
        }
    }

    /**
     * Makes the current auto-commit statement a transaction on both sides, committed in order by
     * {@link #statementDone()} (rolled back by {@link #statementFailed()}).
     */
    void beginStatementTransaction() throws SQLException {
        Txn t = txn();
        if (!t.statementTransaction) {
            old.setAutoCommit(false);
            t.statementTransaction = true;
        }
    }

    /**
     * Called when a routed statement failed: in auto-commit mode its new-side part is rolled back,
     * since the application was told the statement failed.
     */
    public void statementFailed() {
        if (autoCommit && txn != null) {
            Txn t = txn;
            txn = null;
            if (t.statementTransaction) {
                rollbackQuietly(old);
                restoreAutoCommit();
            }
            endNew(t, false, false);
        }
    }

    /**
     * Called after every statement: in auto-commit mode the statement was the whole transaction.
     * When the new side was its primary, a failed commit there fails the statement (the old
     * side's mirror, already committed, is recorded).
     */
    public void statementDone() throws SQLException {
        if (autoCommit && txn != null) {
            if (txn.statementTransaction) {
                try {
                    commitThen(old::commit);
                } finally {
                    restoreAutoCommit();
                }
                return;
            }
            Txn t = txn;
            txn = null;
            SQLException failed = endNew(t, true, true);
            if (failed != null) {
                recordAll(t.mirroredToOld, DivergenceReason.COMMIT_FAILED);
                throw failed;
            }
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

    public void commit() throws SQLException {
        commitThen(old::commit);
    }

    /**
     * Commits the transaction, the primary side first: a primary's failure is the application's
     * (the other side then rolls back), a mirror's failure is recorded. With two databases, the
     * primary's transaction also carries the intent record of what was mirrored, confirmed (and
     * so deleted) once the other side has committed. {@code commitOld} commits the application's
     * connection.
     */
    private void commitThen(OldCommit commitOld) throws SQLException {
        Txn t = txn;
        txn = null;
        if (t != null && (t.oldAborted || t.newAborted)) {
            // PostgreSQL rolls an aborted transaction back on commit, without an error: the other
            // side follows, so that neither keeps what the other lost
            rollbackQuietly(old);
            endNew(t, false, false);
            commitOld.run(); // ends the (empty) transaction as the application asked, e.g. auto-commit on
            return;
        }
        IntentLog intents = context.intents();
        if (t != null && t.newPrimary && t.newFailed) {
            // the primary's part is gone: committing the old side alone would fork the data
            rollbackQuietly(old);
            throw ShiftSqlState.TRANSACTION_ROLLED_BACK.error(
                    "the new schema's part of this transaction was rolled back after an earlier failure, so the"
                            + " whole transaction was rolled back; retry it");
        }
        if (t != null && t.newPrimary && t.newConnection != null) {
            String intent = intents != null && !t.mirroredToOld.isEmpty()
                    ? intents.write(t.newConnection, t.mirroredToOld)
                    : null;
            SQLException failed = endNew(t, true, false);
            if (failed != null) {
                rollbackQuietly(old);
                throw failed;
            }
            crashPointForTests();
            try {
                commitOld.run();
            } catch (SQLException e) {
                recordAll(t.mirroredToOld, DivergenceReason.COMMIT_FAILED);
                rollbackQuietly(old);
                return; // the intent stays and is recovered too: the records above are only queued
            }
            if (intents != null) {
                intents.confirm(intent, true);
            }
            return;
        }
        String intent = t != null && intents != null && t.newConnection != null && !t.newFailed && !t.mirrored.isEmpty()
                ? intents.write(old, t.mirrored)
                : null;
        try {
            commitOld.run();
        } catch (SQLException e) {
            if (t != null) {
                endNew(t, false, false); // the new side must not keep what the primary lost
            }
            throw e;
        }
        if (t != null) {
            if (intent != null) {
                crashPointForTests();
            }
            endNew(t, true, false);
            if (intent != null && !t.newFailed) {
                intents.confirm(intent, false);
            }
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
        Txn t = txn;
        txn = null;
        try {
            old.rollback();
        } finally {
            if (t != null) {
                endNew(t, false, false);
            }
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

    public void setAutoCommit(boolean on) throws SQLException {
        boolean was = autoCommit;
        if (on && !was) {
            // JDBC: switching auto-commit on commits the open transaction
            commitThen(() -> old.setAutoCommit(true));
        } else {
            old.setAutoCommit(on);
        }
        autoCommit = on;
    }

    public Savepoint setSavepoint(Savepoint appSavepoint) throws SQLException {
        Txn t = txn();
        Savepoint mirrored = null;
        if (t.newConnection != null && !t.newFailed) {
            try {
                mirrored = t.newConnection.setSavepoint();
            } catch (SQLException e) {
                savepointFailed(t, e);
            }
        }
        t.savepoints.put(appSavepoint, mirrored);
        return appSavepoint;
    }

    public void rollback(Savepoint appSavepoint) throws SQLException {
        old.rollback(appSavepoint);
        Txn t = txn;
        if (t != null) {
            t.oldAborted = false; // a rollback to a savepoint heals an aborted transaction
            t.newAborted = false;
        }
        if (t == null || t.newConnection == null || t.newFailed || !t.savepoints.containsKey(appSavepoint)) {
            return;
        }
        Savepoint mirrored = t.savepoints.get(appSavepoint);
        try {
            if (mirrored == null) {
                t.newConnection.rollback(); // the savepoint predates any new-side work
            } else {
                t.newConnection.rollback(mirrored);
            }
        } catch (SQLException e) {
            savepointFailed(t, e);
        }
    }

    public void release(Savepoint appSavepoint) throws SQLException {
        old.releaseSavepoint(appSavepoint);
        Txn t = txn;
        if (t != null && t.newConnection != null && !t.newFailed) {
            Savepoint mirrored = t.savepoints.remove(appSavepoint);
            if (mirrored != null) {
                try {
                    t.newConnection.releaseSavepoint(mirrored);
                } catch (SQLException e) {
                    savepointFailed(t, e);
                }
            }
        }
    }

    /**
     * A savepoint operation failed on the separate new side. Where the new side is a mirror, its
     * part of the transaction is rolled back and recorded; where it is this transaction's
     * primary, the application must know: its work there is in doubt.
     */
    private void savepointFailed(Txn t, SQLException e) throws SQLException {
        newSideFailed(t, e, DivergenceReason.SAVEPOINT_FAILED);
        if (t.newPrimary) {
            throw ShiftSqlState.TRANSACTION_ROLLED_BACK.error(
                    "a savepoint failed on the new schema, which is this transaction's primary; its part of the"
                            + " transaction was rolled back: roll the transaction back and retry it",
                    e);
        }
    }

    /** The separate new side failed inside a transaction: its part is rolled back and recorded. */
    void newSideFailed(Txn t, SQLException cause, DivergenceReason reason) {
        t.newFailed = true;
        recordAll(t.mirrored, reason);
        t.mirrored.clear();
        if (t.newConnection != null) {
            rollbackQuietly(t.newConnection);
        }
    }

    /** The application closed its connection: an open transaction is abandoned (rolled back). */
    public void close() {
        Txn t = txn;
        txn = null;
        if (t != null) {
            endNew(t, false, false);
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
     * Ends a transaction's new-side part: commit or roll back, then return the connection, or hold
     * it while a result set it produced may still be read. A mirror's failed commit is recorded
     * as a divergence of every row mirrored in the transaction.
     *
     * @return the failure of a commit on a new side that was the transaction's primary, else {@code null}
     */
    private SQLException endNew(Txn t, boolean commit, boolean keepOpenResults) {
        Connection c = t.newConnection;
        if (c == null) {
            return null;
        }
        SQLException primaryFailure = null;
        try {
            if (t.newFailed) {
                return null;
            }
            if (commit) {
                try {
                    if (t.newPrimary && t.budgeted) {
                        context.newSide().budget(c, false);
                    }
                    c.commit();
                    context.newSide().breaker().success();
                } catch (SQLException e) {
                    if (t.newPrimary) {
                        primaryFailure = e;
                        rollbackQuietly(c);
                    } else {
                        newSideFailed(t, e, DivergenceReason.COMMIT_FAILED);
                    }
                }
            } else {
                rollbackQuietly(c);
            }
        } finally {
            if (keepOpenResults && t.newResults && !t.newFailed && primaryFailure == null) {
                held.add(c);
            } else {
                closeQuietly(c);
            }
        }
        return primaryFailure;
    }

    private void recordAll(List<RowKey> keys, DivergenceReason reason) {
        for (RowKey k : keys) {
            context.divergences().record(k.table(), k.key(), k.fingerprint(), reason.tag());
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
