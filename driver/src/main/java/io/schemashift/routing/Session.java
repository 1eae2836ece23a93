package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.RowKey;
import io.schemashift.mirror.SessionSettings;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.shadow.ReadContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The routing of one application connection: where each statement runs ({@link #plan}), from
 * the phase of its tables in the rollout its transaction began under, and what a statement that
 * cannot take part in the migration becomes (old side only and recorded, or refused). The
 * transaction across both sides is its {@link DualTransaction}'s. Like the connection it belongs
 * to, not thread-safe.
 */
public final class Session implements ReadContext {

    private final MigrationContext context;
    private final DualTransaction transaction;
    /** The statement last found to commit by itself before it runs ({@link #runsAlone}). */
    private RewriteResult runsAlone;

    public Session(MigrationContext context, Connection old, long id) throws SQLException {
        this.context = context;
        this.transaction = new DualTransaction(context, old, id);
    }

    public MigrationContext context() {
        return context;
    }

    /** The connection's transaction across both sides. */
    public DualTransaction transaction() {
        return transaction;
    }

    /** The rollout the current transaction runs under, decided at its first statement. */
    @Override
    public MigrationConfig.Rollout rollout() {
        return transaction.begin().rollout();
    }

    /** The phase the tables share in the current transaction, or {@code null} if their phases differ. */
    @Override
    public Phase phaseOf(Set<String> tables) {
        return Routing.phaseOf(transaction.begin().rollout(), tables);
    }

    /** Whether the current transaction has uncommitted writes. */
    @Override
    public boolean inDirtyTransaction() {
        return transaction.dirty();
    }

    @Override
    public boolean mayRead(Set<String> tables, Side side) {
        for (String table : tables) {
            if (!context.mayRead(table, side)) {
                return false;
            }
        }
        return true;
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

    /**
     * The statement of {@code result}, about to run, commits the open transaction by itself first
     * and its own change after: what {@link #plan} records for it is made durable before it runs,
     * as in auto-commit mode.
     */
    public void runsAlone(RewriteResult result) {
        runsAlone = result;
    }

    /**
     * A locking read ({@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}) must lock
     * the rows where the transaction will write them: in {@code read-new} that is the old side.
     */
    private static boolean locks(RewriteResult result) {
        return result instanceof Rewritten && result.locksRows();
    }

    /**
     * A read whose new-side form returns fewer columns (a {@code *} over a table with a dropped
     * column) keeps the shape the application knows: in {@code read-new} the old side serves it.
     * From {@code new-primary} on the documented expansion applies.
     */
    private static boolean narrows(RewriteResult result) {
        return result instanceof Rewritten rw && rw.narrowsResult();
    }

    /**
     * Whether the rows {@code result} reads belong to a mapped table past {@code old-only} (or to
     * tables whose phases differ). An updatable result set over them would write them itself, with
     * the database driver's own SQL on one side, past the rewrite and the mirror.
     */
    public boolean readsRoutedRows(RewriteResult result) {
        return !result.tables().isEmpty() && phaseOf(result.tables()) != Phase.OLD_ONLY;
    }

    /** Whether {@code read-new} may serve this read from the new side ({@code schemashift rewrite} previews with it). */
    public static boolean mayReadNew(RewriteResult result) {
        return !locks(result) && !narrows(result);
    }

    @Override
    public SessionSettings sessionSettings() throws SQLException {
        return transaction.sessionSettings();
    }

    /** A statement that may change the session's settings is about to run ({@link DualTransaction#settingsMayChange}). */
    public void settingsMayChange() {
        transaction.settingsMayChange();
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
        if (count && result.kind() == StatementKind.OTHER) {
            transaction.settingsMayChange();
        }
        if (result.tables().isEmpty()) {
            return Plan.OLD;
        }
        if (changesRows(result) && !context.writesAllowed()) {
            throw context.writesRefused(result.tables().iterator().next()); // fail closed: the fleet's phase is unknown
        }
        DualTransaction t = transaction.begin();
        Phase phase = Routing.phaseOf(t.rollout(), result.tables());
        DivergenceReason refusal = phase == null
                ? DivergenceReason.REFUSED_MIXED_PHASES
                : result instanceof Refused refused ? DivergenceReason.refused(refused.reason()) : null;
        Plan plan;
        if (refusal != null) {
            refuseWhereNewHoldsTheTruth(t.rollout(), result, refusal);
            plan = Plan.OLD;
        } else if (result instanceof Rewritten rw && rw.writesUnmapped()) {
            plan = unmappedTarget(phase, result);
        } else {
            plan = Routing.plan(
                    phase, result.kind(), t.readNew() && !t.newFailed() && !locks(result) && !narrows(result));
            if (plan.primary() == Side.NEW && phase == Phase.READ_NEW && !newServes(result, t)) {
                plan = Plan.OLD; // the old side holds every row until new-primary
            }
            if (plan.primary() == Side.NEW
                    && context.newDatabase() != null
                    && result instanceof Rewritten rw
                    && rw.ofTheApplicationsConnection() != null) {
                plan = onTheApplicationsConnection(phase, rw);
            }
            if (plan.primary() == Side.NEW && t.newFailed()) {
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
                if (changesRows(result)) {
                    recordUnmirrored(t.rollout(), result, refusal);
                }
            }
            context.metrics().statement(result.kind(), ShiftMetrics.Route.OLD);
        }
        return plan;
    }

    /**
     * Whether the new side can serve a read picked for it in {@code read-new}: the user may read its
     * tables there, and a separate new database answers ({@link DualTransaction#newServesReads}).
     */
    private boolean newServes(RewriteResult result, DualTransaction t) {
        if (!mayRead(result.tables(), Side.NEW)) {
            t.readFromOld(ShiftMetrics.Fallback.UNAVAILABLE);
            return false;
        }
        return t.newServesReads();
    }

    /**
     * Whether a read that failed on the new side in {@code read-new} ({@code plan}) runs on the old
     * side instead, which holds every row until {@code new-primary}: the application's read does not
     * fail for the new side's sake, and the rest of the transaction reads there. Not on PostgreSQL
     * inside a transaction, where the failure aborted it (one database) or would take the old
     * side's part back at the commit (two).
     */
    public boolean readFallsBack(RewriteResult result, Plan plan) {
        if (result.kind() != StatementKind.SELECT
                || plan.primary() != Side.NEW
                || phaseOf(result.tables()) != Phase.READ_NEW
                || (context.dialect() == Dialect.POSTGRESQL && !transaction.autoCommit())) {
            return false;
        }
        transaction.readFromOld(ShiftMetrics.Fallback.FAILED);
        return true;
    }

    /**
     * A statement whose primary would be a separate new database's connection and whose value is the
     * application's only on the application's own ({@link Rewritten#ofTheApplicationsConnection}):
     * a read runs on the old side while it is written ({@link Routing#onTheApplicationsConnection}),
     * anything else is refused, before either side changes, rather than storing (or returning) the
     * new connection's value where the truth is.
     */
    private Plan onTheApplicationsConnection(Phase phase, Rewritten rw) throws SQLException {
        Plan plan = Routing.onTheApplicationsConnection(phase, rw.kind(), rw.locksRows());
        if (plan != null) {
            return plan;
        }
        NonDeterminism own = rw.ofTheApplicationsConnection();
        context.metrics().refused(DivergenceReason.nondeterministic(own).refusalTag());
        throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this " + rw.kind().name() + " on " + rw.tables()
                + " reads "
                + switch (own) {
                    case UNMAPPED_READ -> "a table the migration does not map, which is in the old database";
                    case SESSION -> "a value the application's session set (LAST_INSERT_ID(), currval(…), a variable)";
                    default ->
                        "what the application's connection is or holds (a variable, a setting, the user,"
                                + " the database)";
                }
                + " (query " + rw.fingerprint().hash() + "); in phase " + phase.configName() + " its tables are "
                + (rw.kind().isWrite() || rw.locksRows()
                        ? "written on the separate new database first"
                        : "read on the separate new database")
                + ", whose connection is not the application's connection and would give its own value"
                + ". Pass the value as a parameter, or move the table's phase back");
    }

    /** {@link Routing#unmappedTarget}, refused where it has no plan. */
    private Plan unmappedTarget(Phase phase, RewriteResult result) throws SQLException {
        Plan plan = Routing.unmappedTarget(phase, context.newDatabase() != null);
        if (plan != null) {
            return plan;
        }
        context.metrics().refused(DivergenceReason.REFUSED_UNSUPPORTED_CONSTRUCT.refusalTag());
        throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this " + result.kind().name()
                + " writes a table the migration does not map, which is in the old database, from " + result.tables()
                + ", whose rows are in the new database alone in phase new-only (query "
                + result.fingerprint().hash() + "); read them and write the table in two statements");
    }

    /**
     * Whether {@code result} changes the rows of its tables: a write, or DDL that changes what the
     * old table holds ({@link RefusalReason#SCHEMA_CHANGE}), which the other side does not follow.
     */
    public static boolean changesRows(RewriteResult result) {
        return result.kind().isWrite() || (result instanceof Refused r && r.reason() == RefusalReason.SCHEMA_CHANGE);
    }

    /** Whether {@code result} creates a table from a mapped table's rows ({@link RefusalReason#ROWS_COPIED}). */
    private static boolean copiesRows(RewriteResult result) {
        return result instanceof Refused r && r.reason() == RefusalReason.ROWS_COPIED;
    }

    /**
     * Whether {@code result} runs where it was sent and is recorded in every phase past {@code
     * old-only}: a write to an unmapped parent that fires a one-sided foreign key action ({@link
     * RefusalReason#FOREIGN_KEY_ACTION}).
     */
    public static boolean recordedInEveryPhase(RewriteResult result) {
        return result instanceof Refused r && r.reason() == RefusalReason.FOREIGN_KEY_ACTION;
    }

    /**
     * A statement the rewriter cannot handle may run on the old side alone only while the old
     * side holds the truth for its tables: up to {@code read-new} for writes (the record then
     * lets repair fix the new side), up to {@code new-primary} for reads (old is still mirrored).
     * DDL that changes the old table is refused in {@code new-primary} alone: the old table is
     * then the mirror a rollback returns to; in {@code new-only} it is no longer kept (its contract
     * migration drops it), and the change is recorded as any other the old side gets there. A
     * write {@link #recordedInEveryPhase} is never refused: it runs where its parent is, which no
     * phase moves, and its record lets repair bring either side to the truth.
     */
    private void refuseWhereNewHoldsTheTruth(
            MigrationConfig.Rollout rollout, RewriteResult result, DivergenceReason refusal) throws SQLException {
        Phase latest = Routing.latestPhaseOf(rollout, result.tables());
        boolean anyInNewPrimary =
                result.tables().stream().anyMatch(table -> rollout.phaseOf(table) == Phase.NEW_PRIMARY);
        boolean separate = context.newDatabase() != null;
        if (!failsWhereNewHoldsTheTruth(result, latest, anyInNewPrimary, separate)) {
            return;
        }
        context.metrics().refused(refusal.refusalTag());
        String why = result instanceof Refused r
                ? r.reason().name().toLowerCase(Locale.ROOT) + ": " + r.message()
                : "its tables are in different phases";
        if (result.kind() == StatementKind.SELECT && latest != Phase.NEW_ONLY) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this locking SELECT on " + result.tables()
                    + " cannot be rewritten for the new schema (" + why + ", query "
                    + result.fingerprint().hash()
                    + "); in phase new-primary its locks belong on the separate new database, where the writes go"
                    + " first: on the old table they would meet those writes only at their mirror, a deadlock"
                    + " across two databases that neither detects. Rewrite the statement or move the table's"
                    + " phase back");
        }
        if (copiesRows(result)) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this DDL creates a table from the rows of "
                    + result.tables() + " (" + why + ", query "
                    + result.fingerprint().hash() + "); in phase new-only"
                    + " the old table is no longer written, so its rows are stale. Copy from the new table by its own"
                    + " name, or move the table's phase back");
        }
        if (result.kind() == StatementKind.DDL) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this DDL changes the rows or columns of " + result.tables()
                    + " (" + why + ", query " + result.fingerprint().hash() + "); in phase new-primary the old table"
                    + " is the mirror a rollback returns to, and the new table would not change with it. Change the"
                    + " old table once the phase is new-only (the contract step), or move the phase back first");
        }
        throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("this " + result.kind().name() + " on " + result.tables()
                + " cannot be rewritten for the new schema (" + why + ", query "
                + result.fingerprint().hash()
                + "); in phase " + latest.configName() + " the new schema holds the truth, so it does not run on"
                + " the old table alone. Rewrite the statement or move the table's phase back");
    }

    /**
     * Whether a statement the rewriter cannot handle fails with {@code 0A000} rather than running on
     * the old side alone (see {@link #refuseWhereNewHoldsTheTruth}), its tables' latest phase being
     * {@code latest}. The one rule the driver applies and the preview shows.
     *
     * @param anyInNewPrimary one of its tables is in {@code new-primary} (DDL that changes a table
     *     is refused there only, and so is a locking read with a separate new database)
     * @param separate the new side is a separate database
     */
    public static boolean failsWhereNewHoldsTheTruth(
            RewriteResult result, Phase latest, boolean anyInNewPrimary, boolean separate) {
        if (recordedInEveryPhase(result)) {
            return false;
        }
        if (result.kind() == StatementKind.DDL) {
            return (changesRows(result) && anyInNewPrimary) || (copiesRows(result) && latest == Phase.NEW_ONLY);
        }
        return result.kind().isWrite()
                ? latest.ordinal() >= Phase.NEW_PRIMARY.ordinal()
                : result.kind() == StatementKind.SELECT
                        && (latest == Phase.NEW_ONLY || (separate && anyInNewPrimary && result.locksRows()));
    }

    /** A write that runs on the old side only although its tables mirror writes: counted and logged. */
    public void unmirrored(RewriteResult result, DivergenceReason reason) {
        context.metrics().mirrored(ShiftMetrics.MirrorOutcome.REFUSED);
        context.metrics().statement(result.kind(), ShiftMetrics.Route.OLD);
        recordUnmirrored(transaction.begin().rollout(), result, reason);
    }

    /**
     * A write that took the safe path (old side only) on tables whose phase mirrors writes: the
     * other side misses it, so it goes into the divergence log (without a key: the statement
     * could not be analysed) for {@code verify --from-divergences}.
     */
    private void recordUnmirrored(MigrationConfig.Rollout rollout, RewriteResult result, DivergenceReason reason) {
        List<RowKey> tables = new ArrayList<>();
        for (String table : result.tables()) {
            if (rollout.phaseOf(table) != Phase.OLD_ONLY) {
                tables.add(new RowKey(table, null, result.fingerprint().hash()));
            }
        }
        if (!tables.isEmpty()) {
            transaction.record(tables, reason, result == runsAlone);
        }
    }
}
