package io.schemashift.routing;

import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.runtime.MigrationRuntime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The routing state of one application connection: the route of its current transaction
 * (decided at the transaction's first statement, from the rollout in force then), and, when the
 * new schema lives in a separate database, the new-side connection whose transaction follows the
 * application's. Like the connection it belongs to, not thread-safe.
 */
public final class Session {

    private final MigrationRuntime runtime;
    private final Connection old;
    private final long id;
    private boolean autoCommit;
    private long transactions;
    private Txn txn;
    private Connection heldNew;

    /** One transaction's route and new-side state. */
    static final class Txn {
        final MigrationConfig.Rollout rollout;
        final boolean readNew;
        Connection newConnection;
        /** A mirror failed: the new side's part of this transaction was rolled back. */
        boolean newFailed;
        /** Rows mirrored to a separate new side, recorded if its commit fails. */
        final List<Execution.KeyRecord> mirrored = new ArrayList<>();
        /** Application savepoint → new-side savepoint ({@code null}: before any new-side work). */
        final Map<Savepoint, Savepoint> savepoints = new IdentityHashMap<>();
        /** Uncommitted writes were made (a shadow read cannot see them from elsewhere). */
        boolean wrote;

        Txn(MigrationConfig.Rollout rollout, boolean readNew) {
            this.rollout = rollout;
            this.readNew = readNew;
        }
    }

    public Session(MigrationRuntime runtime, Connection old, long id) throws SQLException {
        this.runtime = runtime;
        this.old = old;
        this.id = id;
        this.autoCommit = old.getAutoCommit();
    }

    public MigrationRuntime runtime() {
        return runtime;
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
            MigrationConfig.Rollout rollout = runtime.rollout();
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
     * the migration, run unchanged on the old side: {@link Plan#OLD}. Counts the statement when
     * it runs there on a mapped table (routed statements are counted by {@link Execution}), and
     * refusals by reason.
     */
    public Plan plan(RewriteResult result) {
        return plan(result, true);
    }

    /** Whether a statement would run anywhere but unchanged on the old side; counts nothing. */
    public boolean routes(RewriteResult result) {
        return plan(result, false) != Plan.OLD;
    }

    private Plan plan(RewriteResult result, boolean count) {
        if (result.tables().isEmpty()) {
            return Plan.OLD;
        }
        Txn t = txn();
        Phase phase = Routing.phaseOf(t.rollout, result.tables());
        String refusal = phase == null
                ? "mixed_phases"
                : result instanceof Refused refused ? refused.reason().name().toLowerCase(Locale.ROOT) : null;
        Plan plan;
        if (refusal != null) {
            plan = Plan.OLD;
        } else {
            plan = Routing.plan(phase, result.kind(), t.readNew && !t.newFailed);
            if (plan.primary() == Side.NEW && t.newFailed && result.kind() == StatementKind.SELECT) {
                plan = Plan.OLD; // never read from a side that missed this transaction's writes
            }
        }
        if (count && plan == Plan.OLD) {
            if (refusal != null) {
                runtime.metrics().refused(refusal);
                if (result.kind().isWrite()) {
                    recordUnmirrored(t, result, refusal);
                }
            }
            runtime.metrics().statement(result.kind(), ShiftMetrics.Route.OLD);
        }
        return plan;
    }

    /**
     * A write that took the safe path (old side only) on tables whose phase mirrors writes: the
     * other side misses it, so it goes into the divergence log (without a key: the statement
     * could not be analysed) for {@code verify --from-divergences}.
     */
    private void recordUnmirrored(Txn t, RewriteResult result, String refusal) {
        for (String table : result.tables()) {
            if (t.rollout.phaseOf(table).mirrorsWrites()) {
                runtime.divergences().record(table, null, result.fingerprint().hash(), "refused_" + refusal);
            }
        }
    }

    /** The connection of {@code side} for the current transaction. */
    Connection connection(Side side) throws SQLException {
        if (side == Side.OLD || runtime.newSide() == null) {
            return old;
        }
        Txn t = txn();
        if (t.newConnection == null) {
            releaseHeld();
            t.newConnection = runtime.newSide().borrow();
        }
        return t.newConnection;
    }

    /** Records that the statement just run wrote rows. */
    void wrote() {
        txn().wrote = true;
    }

    /** Called after every statement: in auto-commit mode the statement was the whole transaction. */
    public void statementDone() throws SQLException {
        if (autoCommit && txn != null) {
            end(true, true);
        }
    }

    // ---- transaction control, in the application's order: old side first -------------------

    public void commit() throws SQLException {
        old.commit();
        end(true, false);
    }

    public void rollback() throws SQLException {
        try {
            old.rollback();
        } finally {
            end(false, false);
        }
    }

    public void setAutoCommit(boolean on) throws SQLException {
        boolean was = autoCommit;
        old.setAutoCommit(on);
        autoCommit = on;
        if (on && !was) {
            end(true, false); // JDBC: switching auto-commit on commits the open transaction
        }
    }

    public Savepoint setSavepoint(Savepoint appSavepoint) throws SQLException {
        Txn t = txn();
        Savepoint mirrored = null;
        if (t.newConnection != null && !t.newFailed) {
            try {
                mirrored = t.newConnection.setSavepoint();
            } catch (SQLException e) {
                Execution.newSideFailed(this, t, e, "savepoint_failed");
            }
        }
        t.savepoints.put(appSavepoint, mirrored);
        return appSavepoint;
    }

    public void rollback(Savepoint appSavepoint) throws SQLException {
        old.rollback(appSavepoint);
        Txn t = txn;
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
            Execution.newSideFailed(this, t, e, "savepoint_failed");
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
                    Execution.newSideFailed(this, t, e, "savepoint_failed");
                }
            }
        }
    }

    /** The application closed its connection: an open transaction is abandoned (rolled back). */
    public void close() {
        if (txn != null) {
            try {
                end(false, false);
            } catch (SQLException ignored) {
                // the new side's connection is discarded either way
            }
        }
        releaseHeld();
    }

    /**
     * Ends the current transaction. On a separate new side: commit (after the old side has
     * committed) or roll back; a failed new-side commit is a divergence of every row mirrored in
     * the transaction. A new-side connection with results still open is held until the next
     * transaction needs one.
     */
    private void end(boolean commit, boolean keepOpenResults) throws SQLException {
        Txn t = txn;
        txn = null;
        if (t == null || t.newConnection == null) {
            return;
        }
        Connection c = t.newConnection;
        try {
            if (t.newFailed) {
                return;
            }
            if (commit) {
                try {
                    c.commit();
                    runtime.newSide().breaker().success();
                } catch (SQLException e) {
                    Execution.newSideFailed(this, t, e, "commit_failed");
                }
            } else {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // rolled back either way once the connection is discarded
                }
            }
        } finally {
            if (keepOpenResults && !t.newFailed) {
                heldNew = c;
            } else {
                closeQuietly(c);
            }
        }
    }

    private void releaseHeld() {
        if (heldNew != null) {
            closeQuietly(heldNew);
            heldNew = null;
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
