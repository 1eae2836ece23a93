package io.schemashift.jdbc;

import io.schemashift.api.Side;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.Params;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.Untouched;
import io.schemashift.routing.Execution;
import io.schemashift.routing.Plan;
import io.schemashift.routing.SideStatements;
import io.schemashift.shadow.ShadowRead;
import java.lang.invoke.MethodHandle;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's prepared statement. Its SQL is rewritten once, when it is prepared. If it
 * touches a mapped table, the wrapper is of a generated class whose setters also keep the
 * parameters the application binds, so that they can be bound to the statement's other-side
 * form; executions then run where the session's {@link Plan} says. Otherwise every call goes
 * straight to the real statement: the setters of the plain class only delegate.
 */
public abstract class ShiftPreparedStatement extends ShiftStatement implements PreparedStatement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftPreparedStatement.class);
    private static final MethodHandle NEW_RECORDING = WrapperClasses.recordingConstructor(ShiftPreparedStatement.class);

    /**
     * What a statement needs beyond the pass-through; {@code null} without a configuration, so that the wrapper
     * allocated on every prepare (the path ORMs take) stays small.
     */
    private Prepared how;

    /**
     * How a statement of a configured connection runs: rewritten, refused, untouched, or transaction control sent
     * as SQL.
     *
     * @param rewrite the rewrite of the statement's SQL
     * @param sql the text the application prepared, to judge it again; {@code null} for transaction
     *     control and schema switches
     * @param keyRequest how it asked for generated keys
     * @param control the statement is transaction control sent as SQL ({@code COMMIT}…), else {@code null}
     * @param place where the statement, a schema switch ({@code SET search_path}…), moves the
     *     connection; {@code null} for any other statement
     * @param preparedAt where the connection's unqualified names resolved when it was prepared:
     *     {@code rewrite} holds only there
     * @param params the bound parameters, kept only for a statement on mapped tables
     * @param batch the parameters of each {@code addBatch}, for a statement on mapped tables
     * @param rewriterVersion the runtime's rewriter version {@code rewrite} was made at: one made by
     *     an older rewriter is made again before the statement runs
     */
    private record Prepared(
            RewriteResult rewrite,
            String sql,
            KeyRequest keyRequest,
            TransactionControl control,
            SchemaSwitch.Place place,
            SchemaSwitch.Place preparedAt,
            Params params,
            List<Params> batch,
            boolean commitsFirst,
            int rewriterVersion) {}

    ShiftPreparedStatement(
            PreparedStatement delegate,
            ShiftConnection connection,
            String sql,
            RewriteResult rewrite,
            KeyRequest keyRequest) {
        super(delegate, connection);
        this.how = prepared(rewrite, sql, keyRequest, connection);
        this.wantsKeys = keyRequest != KeyRequest.NONE;
    }

    private static Prepared prepared(
            RewriteResult rewrite, String sql, KeyRequest keyRequest, ShiftConnection connection) {
        if (rewrite == null) {
            return null; // without a configuration there is nothing to judge
        }
        SchemaSwitch.Place at = connection.place();
        if (rewrite instanceof Untouched u && u.kind() == StatementKind.OTHER) {
            TransactionControl control = TransactionControl.of(u.sql());
            SchemaSwitch.Place place = control == null ? connection.schemaSwitch(u.sql()) : null;
            if (control != null || place != null) {
                return new Prepared(rewrite, null, keyRequest, control, place, at, null, null, false, 0);
            }
        }
        // The text is kept for any statement: a change of the catalog (a trigger created on its table,
        // a routine it calls replaced) or of the connection's schema may make it reach a mapped table,
        // and a refused LOCK TABLES locks more at execution. The bound values only for one on mapped
        // tables, which is mirrored.
        boolean mapped = rewrite instanceof Rewritten;
        return new Prepared(
                rewrite,
                sql,
                keyRequest,
                null,
                null,
                at,
                mapped ? new Params() : null,
                mapped ? new ArrayList<>() : null,
                connection.commitsFirst(rewrite, sql),
                connection.rewrittenAt());
    }

    /** The bound parameters, kept only for a statement on mapped tables (read by tests too); else {@code null}. */
    final Params params() {
        Prepared p = how;
        return p == null ? null : p.params();
    }

    private PreparedStatement prepared() {
        return (PreparedStatement) delegate;
    }

    static ShiftPreparedStatement wrap(
            PreparedStatement delegate,
            ShiftConnection connection,
            String sql,
            RewriteResult rewrite,
            KeyRequest keyRequest) {
        try {
            if (rewrite instanceof Rewritten) {
                return (ShiftPreparedStatement)
                        NEW_RECORDING.invokeExact(delegate, connection, sql, rewrite, keyRequest);
            }
            return (ShiftPreparedStatement) NEW.invokeExact(delegate, connection, sql, rewrite, keyRequest);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    /**
     * The plan of this execution: {@code null} when the real statement runs it unchanged (no
     * configuration, no mapped table, or the plan says old side only).
     */
    private Plan plan() throws SQLException {
        finishShadow();
        releaseRouted();
        Prepared p = current();
        if (p != null && p.rewrite().kind() == StatementKind.OTHER) {
            connection.session.settingsMayChange(); // a SET: a separate new side follows the session's settings
        }
        if (p != null && p.place() != null) {
            connection.switching(p.place());
        }
        if (p != null && p.commitsFirst()) {
            connection.commitBefore(p.rewrite());
        }
        if (p != null && p.sql() != null && p.preparedAt() != connection.place()) {
            preparedElsewhere(p.sql());
            return null;
        }
        if (updatable) {
            routedRows = p != null && connection.session.readsRoutedRows(p.rewrite());
        }
        if (p == null || p.params() == null) {
            if (p != null && p.rewrite() instanceof Refused) {
                connection.session.plan(p.rewrite()); // counts the refusal, logs a refused write
            }
            return null;
        }
        RewriteResult judged = connection.judged(p.rewrite());
        if (judged != p.rewrite()) {
            connection.session.plan(judged); // a temporary table created since hides a table it names
            return null;
        }
        Plan plan = connection.session.plan(p.rewrite());
        if (plan != Plan.OLD && p.params().unmirrorable() != null) {
            return unreplayable(plan);
        }
        return plan == Plan.OLD ? null : plan;
    }

    /**
     * What this statement is, as the catalog says now: one prepared before the catalog changed what
     * it is rewritten to (a trigger of its table known since, a routine it calls replaced) is
     * rewritten again, keeping the bound parameters and batch of one on mapped tables; its
     * delegate, prepared with the application's text, stays. One whose bound values were not kept
     * (it reached no mapped table when prepared) cannot be mirrored: where it is now rewritten, it
     * is refused.
     */
    private Prepared current() {
        Prepared p = how;
        if (p == null
                || p.sql() == null
                || p.preparedAt() != connection.place()
                || !connection.outdated(p.rewriterVersion())) {
            return p;
        }
        RewriteResult now = judgedAgain(p.sql());
        if (now instanceof Rewritten && p.params() == null) {
            now = Refused.as(
                    now,
                    RefusalReason.UNSUPPORTED_CONSTRUCT,
                    "prepared before the catalog changed what it writes, its bound values were not kept;"
                            + " prepare it again");
        }
        how = new Prepared(
                now,
                p.sql(),
                p.keyRequest(),
                null,
                null,
                p.preparedAt(),
                p.params(),
                p.batch(),
                connection.commitsFirst(now, p.sql()),
                connection.rewrittenAt());
        return how;
    }

    /** How {@code sql} is routed now, by the catalog as it is. */
    RewriteResult judgedAgain(String sql) {
        return connection.rewrite(sql);
    }

    /**
     * A statement prepared before the connection's schema changed: its rewrite was made where
     * its unqualified names resolved then. It runs as prepared, on the old side; when it names
     * mapped tables where the names resolve now, as a refused statement on them (recorded, or
     * {@code 0A000} where the new side holds the truth).
     */
    private void preparedElsewhere(String sql) throws SQLException {
        RewriteResult now = connection.rewrite(sql);
        if (!now.tables().isEmpty()) {
            connection.session.plan(Refused.as(
                    now,
                    RefusalReason.UNSUPPORTED_CONSTRUCT,
                    "prepared before the connection's schema changed, where its names resolved elsewhere;"
                            + " prepare it again"));
        }
    }

    /**
     * A value that can be read only once (a stream, a reader) cannot be bound twice: on the old
     * side the application's own statement runs with it, and the mirror is recorded as missed;
     * the new side as primary cannot take it at all.
     */
    private Plan unreplayable(Plan plan) throws SQLException {
        if (plan.primary() == Side.NEW) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error(how.params().unmirrorable()
                    + " cannot be sent to the new schema (it can be read only once); bind a byte[] or String instead");
        }
        connection.session.unmirrored(how.rewrite(), DivergenceReason.UNREPLAYABLE_PARAMETER);
        return null;
    }

    /**
     * The side statements of a routed execution. The application's own statement is one of them: where the old
     * side is the primary and runs the text as prepared, with the keys asked the same way, it runs there instead
     * of a second copy of itself (one prepare fewer per statement on the path ORMs take).
     */
    @Override
    SideStatements newSides() {
        if (how == null || how.sql() == null) {
            return new SideStatements();
        }
        return switch (how.keyRequest()) {
            case NONE -> new SideStatements(prepared(), how.sql(), false);
            case GENERATED -> new SideStatements(prepared(), how.sql(), true);
            // keys by index or name: the database returns those columns only, maybe not the ones the mirror needs
            case BY_INDEX, BY_NAME -> new SideStatements();
        };
    }

    private Execution.Result run(Plan plan, Execution.Mode mode) throws SQLException {
        return run((Rewritten) how.rewrite(), plan, mode, how.params());
    }

    @Override
    List<Params> batchEntries(Execution.Mode mode) throws SQLException {
        return mode == Execution.Mode.BATCH ? takeBatch() : null;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        Plan plan = plan();
        ShadowRead shadow = shadow(plan);
        Execution.Result result = plan == null ? null : run(plan, Execution.Mode.QUERY);
        if (result != null) {
            return wrap(result.resultSet(), shadow);
        }
        try {
            return wrap(prepared().executeQuery(), shadow);
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    /** Whether this query's result is shadow-compared ({@code null}: not compared). */
    private ShadowRead shadow(Plan plan) {
        Prepared p = how;
        return p == null || p.params() == null
                ? null
                : shadow(p.rewrite(), plan == null ? Side.OLD : plan.primary(), p.params());
    }

    // The execute methods below repeat the delegate's try / failed / finally block on purpose: a lambda
    // capturing the statement would allocate on every pass-through execution.

    /**
     * Whether the statement was transaction control sent as SQL, which the connection carried out
     * instead, or MariaDB's {@code LOCK TABLES} of a mapped table, run here with more tables locked.
     */
    private boolean controlled() throws SQLException {
        Prepared p = how;
        return p != null
                && ((p.control() != null && connection.control(p.control()))
                        || (p.rewrite() instanceof Refused
                                && p.sql() != null
                                && p.preparedAt() == connection.place()
                                && lockedTables(p.rewrite(), p.sql())));
    }

    @Override
    public int executeUpdate() throws SQLException {
        if (controlled()) {
            return 0;
        }
        Plan plan = plan();
        if (plan != null) {
            return (int) run(plan, Execution.Mode.UPDATE).updateCount();
        }
        try {
            return prepared().executeUpdate();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        if (controlled()) {
            return 0;
        }
        Plan plan = plan();
        if (plan != null) {
            return run(plan, Execution.Mode.UPDATE).updateCount();
        }
        try {
            return prepared().executeLargeUpdate();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public boolean execute() throws SQLException {
        if (controlled()) {
            return false;
        }
        Plan plan = plan();
        pendingShadow = shadow(plan);
        Execution.Result result = plan == null ? null : run(plan, Execution.Mode.EXECUTE);
        if (result != null) {
            return result.isResultSet();
        }
        try {
            return prepared().execute();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public void addBatch() throws SQLException {
        prepared().addBatch();
        Prepared p = how;
        if (p != null && p.batch() != null) {
            p.batch().add(p.params().snapshot());
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        prepared().clearBatch();
        forgetBatch();
    }

    private List<Params> takeBatch() throws SQLException {
        List<Params> entries = new ArrayList<>(how.batch());
        clearBatch();
        return entries;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        Plan plan = plan();
        if (plan != null) {
            return run(plan, Execution.Mode.BATCH).batchCounts();
        }
        try {
            return prepared().executeBatch();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            forgetBatch();
            ranOnDelegate();
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        Plan plan = plan();
        if (plan != null) {
            return java.util.Arrays.stream(run(plan, Execution.Mode.BATCH).batchCounts())
                    .asLongStream()
                    .toArray();
        }
        try {
            return prepared().executeLargeBatch();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            forgetBatch();
            ranOnDelegate();
        }
    }

    @Override
    public void clearParameters() throws SQLException {
        prepared().clearParameters();
        Params params = params();
        if (params != null) {
            params.clear();
        }
    }

    private void forgetBatch() {
        Prepared p = how;
        if (p != null && p.batch() != null) {
            p.batch().clear();
        }
    }

    // ---- parameters: the generated setters give them to the real statement, and a statement on
    // mapped tables also keeps them (WrapperClasses.recordingConstructor) -------------------------

    /** Called by a recording setter after the real statement took the value. */
    void record(RecordedSetter setter, Object[] args) {
        how.params().set((Integer) args[0], setter.value(args), setter, args);
    }

    /** Called by a recording setter whose value is a stream or a reader: it can be read only once. */
    void cannotReplay(String setter) {
        how.params().cannotReplay(setter);
    }
}
