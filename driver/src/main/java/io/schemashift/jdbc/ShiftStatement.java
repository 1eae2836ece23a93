package io.schemashift.jdbc;

import io.schemashift.api.Side;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.mirror.Params;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.routing.Execution;
import io.schemashift.routing.Plan;
import io.schemashift.routing.Session;
import io.schemashift.routing.SideStatements;
import io.schemashift.shadow.ShadowRead;
import java.lang.invoke.MethodHandle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's statement. Intercepts what executes SQL and what hands out results; every
 * other method is generated delegation. A statement on a mapped table runs where its {@link Plan}
 * says; then the results the application reads ({@code getResultSet}, update counts, generated
 * keys) come from the side that was primary.
 *
 * <p>Over 500 lines: JDBC's Statement has a dozen execute variants and batch, result and settings
 * methods to intercept.
 */
public abstract class ShiftStatement implements Statement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftStatement.class);

    final Statement delegate;
    final ShiftConnection connection;
    private ShiftResultSet current;
    /** The last routed execution, or {@code null} when the delegate ran it. */
    Execution.Result routed;
    /** {@link #getMoreResults} moved past the one result of a {@link #released} execution. */
    private boolean routedMoved;

    private SideStatements sides;
    /** The application asked for generated keys (for the statement's last execution). */
    boolean wantsKeys;
    /**
     * The generated-key columns the application named ({@code prepareStatement(sql, String[])},
     * {@code executeUpdate(sql, String[])}…), or {@code null}: the keys it reads are those columns
     * only, even where the rewritten statement had the database return more.
     */
    String[] keyColumns;

    private List<String> batch;
    /**
     * The shadow decision of the query just planned: {@code executeQuery} applies it at once; after {@code
     * execute}, the next {@link #getResultSet()} does (jOOQ and MyBatis read their rows that way).
     */
    ShadowRead pendingShadow;
    /** Created with {@code CONCUR_UPDATABLE} on a configured connection: its result sets may change rows themselves. */
    boolean updatable;
    /** The result sets it was created for, which its side statements return too ({@code null}: the default). */
    SideStatements.ResultSets resultSets;
    /**
     * The current result set holds rows of a mapped table past {@code old-only}: changing them through it
     * ({@code updateRow}, {@code insertRow}, {@code deleteRow}) would write one side alone, so it is refused.
     */
    boolean routedRows;
    /**
     * JDBC's {@code closeOnCompletion}, kept here rather than by the delegate: the result set the application
     * closes may come from a side statement, which the delegate never hears of.
     */
    private boolean closeOnCompletion;

    ShiftStatement(Statement delegate, ShiftConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    static ShiftStatement wrap(Statement delegate, ShiftConnection connection) {
        try {
            return (ShiftStatement) NEW.invokeExact(delegate, connection);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    /**
     * The wrapper of a result set this statement produced; the same wrapper again for the same
     * result set, so that repeated {@code getResultSet()} calls return one object.
     */
    ResultSet wrap(ResultSet rs) {
        if (rs == null) {
            return null;
        }
        ShiftResultSet last = current;
        if (last != null && last.delegate == rs) {
            return last;
        }
        return current = ShiftResultSet.wrap(rs, this);
    }

    /** The wrapper of a query's result set, capturing its rows when {@code shadow} says the read is compared. */
    ResultSet wrap(ResultSet rs, ShadowRead shadow) {
        ResultSet wrapped = wrap(rs);
        if (shadow != null && wrapped != null) {
            ((ShiftResultSet) wrapped).capture = shadow.start(rs);
        }
        return wrapped;
    }

    /**
     * Whether a query is shadow-compared; decided on the application's thread while its transaction's route is
     * still known. {@code null}: not compared.
     */
    ShadowRead shadow(RewriteResult rewrite, Side primary, Params params) {
        Session session = connection.session;
        return session == null ? null : connection.shadow.decide(session, rewrite, primary, params, sides().rowLimit());
    }

    /**
     * Refuses a change of the current result set's rows when they belong to a mapped table past
     * {@code old-only}: the database driver would run its own UPDATE, INSERT or DELETE on the old
     * table alone, and the sides would part silently.
     */
    void refuseRowChange(String method) throws SQLException {
        if (routedRows) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error("ResultSet." + method
                    + " on rows of a mapped table is not mirrored outside phase old-only (the database driver"
                    + " would change one side alone); change them with an UPDATE, INSERT or DELETE statement");
        }
    }

    /** The previous result set is about to close with a new execution or the statement: its capture ends now. */
    void finishShadow() {
        ShiftResultSet rs = current;
        if (rs != null) {
            rs.finishShadow();
        }
    }

    /**
     * Forgets the previous routed execution; a new-side connection held for its result set (an
     * auto-commit read with the new side as primary) goes back to the pool.
     */
    void releaseRouted() {
        Execution.Result r = routed;
        routed = null;
        if (r != null) {
            resultsDone(r);
        }
    }

    /** The application closed {@code rs}, a result set of this statement. */
    void resultSetClosed(ShiftResultSet rs) throws SQLException {
        Execution.Result r = routed;
        if (r != null && r.isResultSet()) {
            resultsDone(r);
        }
        if (closeOnCompletion && rs == current) {
            close();
        }
    }

    @Override
    public void closeOnCompletion() {
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() {
        return closeOnCompletion;
    }

    /** The application is done with the results of {@code r}. */
    void resultsDone(Execution.Result r) {
        if (connection.transaction != null) {
            connection.transaction.resultsDone(r.statement());
        }
    }

    /** The statement the application's result calls go to: the routed primary, or the delegate. */
    Statement primary() {
        Execution.Result r = routed;
        return r == null ? delegate : r.statement();
    }

    /** The side statements this statement prepared, created on first use. */
    SideStatements sides() {
        if (sides == null) {
            sides = newSides();
            sides.resultSets(resultSets);
        }
        return sides;
    }

    SideStatements newSides() {
        return new SideStatements();
    }

    /** What {@link #route} returns for transaction control sent as SQL, which the connection carried out. */
    static final Execution.Result CONTROLLED = new Execution.Result(null, false, 0, null, null, null);

    /**
     * Routes plain SQL: {@code null} when it runs unchanged on the old side (the caller then
     * uses the delegate), {@link #CONTROLLED} when it was transaction control or ran here (MariaDB's
     * {@code LOCK TABLES}, extended), else the routed result.
     */
    private Execution.Result route(String sql, Execution.Mode mode, boolean keys) throws SQLException {
        keyColumns = null;
        releaseRouted();
        Session session = connection.session;
        if (session == null) {
            return null;
        }
        finishShadow();
        RewriteResult rewrite = connection.rewrite(sql);
        if (rewrite.kind() == StatementKind.OTHER && rewrite.tables().isEmpty()) {
            TransactionControl control = TransactionControl.of(sql);
            if (control != null && connection.control(control)) {
                return CONTROLLED;
            }
            SchemaSwitch.Place place = control == null ? connection.schemaSwitch(sql) : null;
            if (place != null) {
                connection.switching(place);
            }
        }
        connection.beforeRunning(rewrite, sql);
        if (lockedTables(rewrite, sql)) {
            return CONTROLLED;
        }
        Plan plan = session.plan(rewrite);
        routedRows = updatable && session.readsRoutedRows(rewrite);
        pendingShadow = mode == Execution.Mode.QUERY || mode == Execution.Mode.EXECUTE
                ? shadow(rewrite, plan.primary(), null)
                : null;
        if (plan == Plan.OLD) {
            return null;
        }
        wantsKeys = keys;
        return run((Rewritten) rewrite, plan, mode, null);
    }

    /**
     * Runs a routed execution and tells the session how it ended: in auto-commit mode the
     * statement was the whole transaction.
     *
     * @param params the bound values, or {@code null} for plain SQL
     * @return {@code null} when a read that failed on the new side is to run unchanged on the old
     *     side instead ({@link Session#readFallsBack})
     */
    final Execution.Result run(Rewritten rewrite, Plan plan, Execution.Mode mode, Params params) throws SQLException {
        Execution execution =
                new Execution(connection.session, rewrite, plan, mode, params, batchEntries(mode), wantsKeys, sides());
        Execution.Result result;
        try {
            result = execution.run();
        } catch (SQLException | RuntimeException e) {
            boolean read = mode == Execution.Mode.QUERY || mode == Execution.Mode.EXECUTE;
            if (read && e instanceof SQLException && connection.session.readFallsBack(rewrite, plan)) {
                return null; // the caller runs it unchanged on the old side
            }
            connection.transaction.statementFailed();
            connection.failed(e);
            throw e;
        }
        connection.transaction.statementDone();
        routedMoved = false;
        return routed = result;
    }

    /** The entries of a {@link Execution.Mode#BATCH} run, taken from the batch; plain SQL has none. */
    List<Params> batchEntries(Execution.Mode mode) throws SQLException {
        return null;
    }

    /**
     * The delegate's statement failed with {@code failure}: on PostgreSQL that dooms the transaction
     * on the old side; on MariaDB and H2 a deadlock rolled it back ({@link ShiftConnection#failed}).
     */
    void delegateFailed(Throwable failure) {
        connection.switchDone(false);
        if (connection.transaction != null) {
            connection.transaction.primaryFailed(Side.OLD);
            connection.failed(failure);
        }
    }

    /**
     * MariaDB's {@code LOCK TABLES} naming a mapped table past {@code old-only}: runs it with what the
     * driver uses on the connection locked too ({@link io.schemashift.routing.MigrationContext#lockTables}).
     *
     * @return {@code false} when {@code sql} is no such statement, to run as routed
     */
    final boolean lockedTables(RewriteResult rewrite, String sql) throws SQLException {
        String locking =
                rewrite.kind() == StatementKind.OTHER && !rewrite.tables().isEmpty()
                        ? connection.session.context().lockTables(sql)
                        : null;
        if (locking == null) {
            return false;
        }
        try {
            if (delegate instanceof PreparedStatement) {
                try (Statement st = connection.delegate.createStatement()) { // a prepared one runs its own text only
                    st.execute(locking);
                }
            } else {
                delegate.execute(locking);
            }
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
        return true;
    }

    /** After the delegate ran a statement: in auto-commit mode its routing transaction ends. */
    void ranOnDelegate() throws SQLException {
        connection.switchDone(true);
        if (connection.transaction != null) {
            connection.transaction.statementDone();
        }
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        Execution.Result r = route(sql, Execution.Mode.QUERY, false);
        ShadowRead shadow = pendingShadow;
        pendingShadow = null;
        if (r == CONTROLLED) {
            throw ShiftSqlState.NO_RESULT_SET.error("transaction control returns no result set; use execute");
        }
        if (r != null) {
            return wrap(r.resultSet(), shadow);
        }
        try {
            return wrap(delegate.executeQuery(sql), shadow);
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    /** A call on the delegate: the statement unchanged, on the old side. */
    @FunctionalInterface
    interface Verbatim<T> {
        T run() throws SQLException;
    }

    private long update(String sql, boolean keys, Verbatim<Number> verbatim) throws SQLException {
        Execution.Result r = route(sql, Execution.Mode.UPDATE, keys);
        if (r == CONTROLLED) {
            return 0;
        }
        if (r != null) {
            return r.updateCount();
        }
        try {
            return verbatim.run().longValue();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    private boolean execute(String sql, boolean keys, Verbatim<Boolean> verbatim) throws SQLException {
        Execution.Result r = route(sql, Execution.Mode.EXECUTE, keys);
        if (r == CONTROLLED) {
            routed = null;
            return false;
        }
        if (r != null) {
            return r.isResultSet();
        }
        try {
            return verbatim.run();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return (int) update(sql, false, () -> delegate.executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return (int) update(
                sql, autoGeneratedKeys == RETURN_GENERATED_KEYS, () -> delegate.executeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return (int) update(sql, true, () -> delegate.executeUpdate(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        int result = (int) update(sql, true, () -> delegate.executeUpdate(sql, columnNames));
        keyColumns = columnNames.clone();
        return result;
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return update(sql, false, () -> delegate.executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return update(
                sql,
                autoGeneratedKeys == RETURN_GENERATED_KEYS,
                () -> delegate.executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return update(sql, true, () -> delegate.executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        long result = update(sql, true, () -> delegate.executeLargeUpdate(sql, columnNames));
        keyColumns = columnNames.clone();
        return result;
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return execute(sql, false, () -> delegate.execute(sql));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(sql, autoGeneratedKeys == RETURN_GENERATED_KEYS, () -> delegate.execute(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return execute(sql, true, () -> delegate.execute(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        boolean result = execute(sql, true, () -> delegate.execute(sql, columnNames));
        keyColumns = columnNames.clone();
        return result;
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        delegate.addBatch(sql);
        if (connection.session != null) {
            if (batch == null) {
                batch = new ArrayList<>();
            }
            batch.add(sql);
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        if (batch != null) {
            batch.clear();
        }
    }

    /**
     * A batch of plain SQL runs as the real driver's batch unless an entry is routed; then each
     * entry runs on its own route, in order, and the counts are collected.
     */
    @Override
    public int[] executeBatch() throws SQLException {
        return batchIsVerbatim() ? verbatimBatch(delegate::executeBatch) : routedBatch();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return batchIsVerbatim()
                ? verbatimBatch(delegate::executeLargeBatch)
                : java.util.Arrays.stream(routedBatch()).asLongStream().toArray();
    }

    /**
     * Whether the batch can run as one real batch: no entry is routed, none switches schemas (the
     * entries after a switch resolve their names elsewhere, so they run one by one), and none
     * commits the open transaction by itself ({@link ImplicitCommit}: the driver commits it first).
     */
    private boolean batchIsVerbatim() throws SQLException {
        Session session = connection.session;
        if (session == null || batch == null) {
            return true;
        }
        for (String sql : batch) {
            RewriteResult rewrite = connection.rewrite(sql);
            if (session.routes(rewrite)
                    || rewrite.kind() == StatementKind.OTHER && connection.schemaSwitch(sql) != null
                    || connection.commitsFirst(rewrite, sql)) {
                return false;
            }
        }
        return true;
    }

    private <T> T verbatimBatch(Verbatim<T> run) throws SQLException {
        releaseRouted();
        Session session = connection.session;
        if (session != null && batch != null) {
            for (String sql : batch) {
                session.plan(connection.rewrite(sql)); // counts, and logs refused writes
            }
        }
        try {
            return run.run();
        } catch (SQLException | RuntimeException e) {
            delegateFailed(e);
            throw e;
        } finally {
            if (batch != null) {
                batch.clear();
            }
            ranOnDelegate();
        }
    }

    private int[] routedBatch() throws SQLException {
        List<String> entries = new ArrayList<>(batch);
        batch.clear();
        delegate.clearBatch();
        int[] counts = new int[entries.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = executeUpdate(entries.get(i));
        }
        releaseRouted();
        return counts;
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        Execution.Result r = routed;
        ShadowRead shadow = pendingShadow;
        pendingShadow = null;
        return wrap(r != null ? r.resultSet() : delegate.getResultSet(), shadow);
    }

    /**
     * Whether {@code r}'s statement does not answer for it: a separate new side's goes back to its
     * pool with its connection when an auto-commit write ends; a claim's returned the rows of the
     * {@code RETURNING} the driver appended ({@link Execution.Result#countsRows}). A routed execution
     * is one statement with one result, which the execution kept: the calls about it are answered
     * from that.
     */
    private static boolean released(Execution.Result r) throws SQLException {
        return r != null && (r.countsRows() || r.statement().isClosed());
    }

    /** The update count of {@code r}, {@link #released}: -1 for a result set or once moved past it. */
    private long keptUpdateCount(Execution.Result r) {
        return routedMoved || r.isResultSet() ? -1 : r.updateCount();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        Execution.Result r = routed;
        return released(r) ? (int) keptUpdateCount(r) : primary().getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        Execution.Result r = routed;
        return released(r) ? keptUpdateCount(r) : primary().getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return !movedPastReleased() && primary().getMoreResults();
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return !movedPastReleased() && primary().getMoreResults(current);
    }

    /** Moves past the one result of a {@link #released} execution; {@code false} when the last one is not such. */
    private boolean movedPastReleased() throws SQLException {
        if (!released(routed)) {
            return false;
        }
        routedMoved = true;
        return true;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        Execution.Result r = routed;
        if (r != null && r.keys() != null) {
            return ShiftResultSet.wrap(r.keys().forApplication(wantsKeys, keyColumns), this);
        }
        // none asked for: the statement the application made answers as its driver does (a released one is closed)
        ResultSet keys = (released(r) ? delegate : primary()).getGeneratedKeys();
        return keys == null ? null : ShiftResultSet.wrap(keys, this);
    }

    // ---- settings that the statements running in this one's place must share ----------------

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        delegate.setQueryTimeout(seconds);
        sides().queryTimeout(seconds);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        delegate.setMaxRows(max);
        sides().maxRows(max);
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        delegate.setLargeMaxRows(max);
        sides().maxRows(max);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        delegate.setFetchSize(rows);
        sides().fetchSize(rows);
    }

    @Override
    public void setMaxFieldSize(int bytes) throws SQLException {
        delegate.setMaxFieldSize(bytes);
        sides().maxFieldSize(bytes);
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        delegate.setFetchDirection(direction);
        sides().fetchDirection(direction);
    }

    /** Cancels the application's statement and, best effort from another thread, the routed one. */
    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
        Execution.Result r = routed;
        if (r != null) {
            r.statement().cancel();
        }
    }

    @Override
    public void close() throws SQLException {
        finishShadow();
        releaseRouted();
        try {
            if (sides != null) {
                sides.close();
            }
        } finally {
            delegate.close();
        }
    }

    @Override
    public Connection getConnection() {
        return connection;
    }
}
