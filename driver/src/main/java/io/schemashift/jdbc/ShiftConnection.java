package io.schemashift.jdbc;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.routing.DualTransaction;
import io.schemashift.routing.Session;
import io.schemashift.routing.SideStatements;
import io.schemashift.shadow.ShadowReads;
import java.lang.invoke.MethodHandle;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The application's connection. Hand-written methods are the ones SchemaShift intercepts: every
 * statement and metadata object it hands out is a wrapper whose back-reference is this
 * connection. Everything else is generated delegation (see {@link WrapperClasses}).
 *
 * <p>Like any JDBC connection, not thread-safe beyond what the real driver guarantees.
 */
public abstract class ShiftConnection implements Connection {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftConnection.class);

    final Connection delegate;
    /** The routing state; {@code null} without a configuration (pure pass-through). */
    final Session session;
    /** The session's transaction across both sides; {@code null} without a configuration. */
    final DualTransaction transaction;
    /** Which reads are shadow-compared; {@code null} without a configuration. */
    final ShadowReads shadow;
    /** Savepoints the application created with SQL text, by name. */
    private Map<String, Savepoint> namedSavepoints;
    /** Auto-commit was switched off by a {@code BEGIN} sent as SQL: its end switches it on again. */
    private boolean begunBySql;
    /** Where the connection started; {@code null} without a configuration. */
    private final ConnectionStart start;
    /** Where unqualified names resolve; {@code null} without a configuration. */
    private final SchemaPlace places;
    /**
     * DDL was sent on this connection and the catalog not read since: read once it can be seen, at
     * the next statement, or at the end of its transaction on PostgreSQL, whose DDL is
     * transactional (another connection sees it only after the commit).
     */
    private boolean catalogChanging;
    /** The runtime's rewriter version read before this connection's last rewrite (the version it may be of). */
    private int rewrittenAt;
    /** Mapped tables a temporary table of this connection hides; {@code null} without a configuration. */
    private final TemporaryTables temporary;
    /** Statements prepared with SQL on this connection that reach mapped tables: what their EXECUTE runs. */
    private final SqlPrepares sqlPrepares;

    ShiftConnection(Connection delegate, Session session, ShadowReads shadow, ConnectionStart start) {
        this.delegate = delegate;
        this.session = session;
        this.transaction = session == null ? null : session.transaction();
        this.shadow = shadow;
        this.start = start;
        this.places = session == null
                ? null
                : new SchemaPlace(
                        SchemaSwitch.ofStart(
                                start,
                                session.context().dialect(),
                                session.context().oldSchema()),
                        session.context().dialect() == Dialect.POSTGRESQL);
        this.sqlPrepares = session == null ? null : new SqlPrepares();
        this.temporary = session == null
                ? null
                : new TemporaryTables(
                        session.context().dialect(), session.context().oldSchema());
    }

    /** Wraps a real connection without a configuration: pure pass-through. */
    public static ShiftConnection wrap(Connection delegate) {
        return wrap(delegate, null, null, null);
    }

    /**
     * Wraps a real connection, which started at {@code start}, whose statements {@code session}
     * routes and whose reads {@code shadow} may compare.
     */
    public static ShiftConnection wrap(
            Connection delegate, Session session, ShadowReads shadow, ConnectionStart start) {
        try {
            return (ShiftConnection) NEW.invokeExact(delegate, session, shadow, start);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    /**
     * How a statement's SQL is routed: untouched without a configuration; judged by the catalog as
     * it is after the DDL this connection sent before it.
     */
    RewriteResult rewrite(String sql) {
        if (session == null) {
            return null;
        }
        rewrittenAt = session.context().rewriterVersion();
        RewriteResult result = retried(sql);
        if (result.kind() == StatementKind.DDL) {
            catalogChanging = true; // read once a run of DDL (a migration script) is over
        } else if (catalogChanging && (!inTransaction() || session.context().dialect() != Dialect.POSTGRESQL)) {
            catalogChanged(); // the DDL ran before this statement, and committed (MariaDB's and H2's always do)
            result = retried(sql);
        }
        RewriteResult judged = temporary.judge(sqlPrepares.judge(sql, result), delegate);
        temporary.running(sql, result);
        return judged;
    }

    /** The rewriter version the last {@link #rewrite} may be of: a statement prepared under an older one is rewritten again. */
    int rewrittenAt() {
        return rewrittenAt;
    }

    /** Whether a statement rewritten at rewriter version {@code version} may be judged by an outdated catalog. */
    boolean outdated(int version) {
        return session.context().rewriterVersion() != version;
    }

    /**
     * {@code prepared}, the rewrite of a statement prepared on this connection, or its refusal
     * when a temporary table created since hides a mapped table it names.
     */
    RewriteResult judged(RewriteResult prepared) {
        return temporary.judge(prepared, delegate);
    }

    /**
     * The one retry policy of a parse that ran out of time (a cold JIT on a loaded machine): it gets
     * one more try at once, rather than a refusal (for a prepared statement, one for its life). The
     * rewriter does not cache a first time-out, so the try parses again; a second time-out is cached.
     */
    private RewriteResult retried(String sql) {
        RewriteResult result = rewriteHere(sql);
        return result instanceof Refused r && r.reason() == RefusalReason.TIME_BOUND ? rewriteHere(sql) : result;
    }

    /** DDL sent on this connection took effect: the runtime reads the catalog again through it (a routine it created…). */
    private void catalogChanged() {
        catalogChanging = false;
        // a connection moved to another schema would read that schema's catalog: the runtime opens one of its own
        session.context().catalogChanged(places.now() == SchemaSwitch.Place.HOME ? delegate : null);
    }

    /**
     * At the end of a transaction: DDL in it can now be seen. Out of auto-commit mode the read
     * began a transaction of its own, with nothing of the application's in it: it is ended, so
     * that the application finds the connection as it left it (a pool then resets its isolation).
     */
    private void transactionEnded() {
        temporary.transactionEnded();
        if (!catalogChanging) {
            return;
        }
        catalogChanged();
        try {
            if (!delegate.getAutoCommit()) {
                delegate.commit();
            }
        } catch (SQLException e) {
            // the read's own transaction: the application's next statement or the pool ends it
        }
    }

    /** The rewrite where this connection's unqualified names resolve (see {@link SchemaSwitch}). */
    private RewriteResult rewriteHere(String sql) {
        return switch (places.now()) {
            case HOME -> session.context().rewrite(sql);
            case AWAY -> session.context().rewriteAway(sql);
            case UNKNOWN -> {
                RewriteResult r = session.context().rewrite(sql);
                yield r.tables().isEmpty()
                        ? r
                        : Refused.as(
                                r,
                                RefusalReason.UNSUPPORTED_CONSTRUCT,
                                "the connection's schema was changed in a way SchemaShift does not follow (SET LOCAL"
                                        + " search_path, a search path with the old tables' schema after another);"
                                        + " set it with setSchema or SET search_path");
            }
        };
    }

    /** Where this connection's unqualified names resolve now. */
    SchemaSwitch.Place place() {
        return places == null ? SchemaSwitch.Place.HOME : places.now();
    }

    /** Where {@code sql} moves this connection's unqualified names, or {@code null} when it is no schema switch. */
    SchemaSwitch.Place schemaSwitch(String sql) {
        // a reset goes back to the session's default: where a connection SchemaShift opened started, not known for a
        // lent one
        return session == null
                ? null
                : SchemaSwitch.of(
                        sql,
                        session.context().dialect(),
                        session.context().oldSchema(),
                        start.lent() ? SchemaSwitch.Place.UNKNOWN : places.start());
    }

    /** A schema switch sent as SQL is about to run: where it goes holds once it ran ({@link #switchDone}). */
    void switching(SchemaSwitch.Place next) {
        places.switching(next);
    }

    /** The statement that was {@link #switching} ended: it moved the connection, or, failed, left it where it was. */
    void switchDone(boolean ran) {
        if (places != null && places.switchRunning()) {
            places.switchDone(ran, inTransaction());
        }
    }

    /** Whether a transaction is open (when that cannot be told, as if one were: see {@link SchemaPlace#moved}). */
    private boolean inTransaction() {
        try {
            return !delegate.getAutoCommit();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * As any wrapper's, except that an interface reaching pgjdbc's COPY API gets a view of the real
     * connection whose COPY is judged like SQL sent as a statement ({@link CopyGuard}).
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (session != null
                && !iface.isInstance(this)
                && CopyGuard.reachesCopy(iface)
                && delegate.isWrapperFor(iface)) {
            return CopyGuard.view(this, delegate.unwrap(iface), iface);
        }
        return Wrappers.unwrap(this, delegate, iface);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        delegate.setSchema(schema);
        if (session != null && session.context().dialect() != Dialect.MARIADB) {
            places.moved(
                    SchemaSwitch.ofName(
                            schema,
                            session.context().dialect(),
                            session.context().oldSchema()),
                    inTransaction());
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        delegate.setCatalog(catalog);
        if (session != null && session.context().dialect() == Dialect.MARIADB) {
            places.moved(
                    SchemaSwitch.ofName(
                            catalog, Dialect.MARIADB, session.context().oldSchema()),
                    false);
        }
    }

    /**
     * How SQL sent through {@code prepareCall} is routed. It is not rewritten (its parameters may be
     * OUT parameters): when it names a mapped table, it is refused, so that a write is recorded, or
     * fails where the new side holds the truth; else untouched; {@code null} without a configuration.
     */
    RewriteResult callable(String sql) {
        RewriteResult result = rewrite(sql);
        return result instanceof Rewritten
                ? Refused.as(
                        result,
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "SQL sent through prepareCall is not rewritten; use prepareStatement")
                : result;
    }

    /**
     * Carries out transaction control the application sent as SQL through this connection's own
     * methods, so that the new side's transaction follows it.
     *
     * @return {@code false} when the statement must go to the database as written (a savepoint
     *     name SchemaShift did not see created)
     */
    boolean control(TransactionControl control) throws SQLException {
        switch (control.verb()) {
            case BEGIN -> {
                if (delegate.getAutoCommit()) {
                    setAutoCommit(false);
                    begunBySql = true;
                } else if (session.context().dialect() != Dialect.POSTGRESQL) {
                    commit(); // MariaDB and H2: BEGIN commits the open transaction first
                }
            }
            case COMMIT -> {
                if (!delegate.getAutoCommit()) {
                    commit();
                }
                endSqlTransaction();
            }
            case ROLLBACK -> {
                if (!delegate.getAutoCommit()) {
                    rollback();
                }
                endSqlTransaction();
            }
            // the chained transaction begins at once: auto-commit stays off, a BEGIN's transaction goes on
            case COMMIT_AND_CHAIN -> {
                if (!delegate.getAutoCommit()) {
                    commit();
                }
                forgetSavepoints();
            }
            case ROLLBACK_AND_CHAIN -> {
                if (!delegate.getAutoCommit()) {
                    rollback();
                }
                forgetSavepoints();
            }
            case SAVEPOINT -> {
                if (namedSavepoints == null) {
                    namedSavepoints = new HashMap<>();
                }
                namedSavepoints.put(control.name(), setSavepoint(control.name()));
            }
            case ROLLBACK_TO_SAVEPOINT -> {
                Savepoint savepoint = namedSavepoints == null ? null : namedSavepoints.get(control.name());
                if (savepoint == null) {
                    return false;
                }
                rollback(savepoint);
            }
            case RELEASE_SAVEPOINT -> {
                Savepoint savepoint = namedSavepoints == null ? null : namedSavepoints.remove(control.name());
                if (savepoint == null) {
                    return false;
                }
                releaseSavepoint(savepoint);
            }
            case AUTOCOMMIT -> {
                setAutoCommit(control.on());
                begunBySql = false;
            }
        }
        return true;
    }

    /**
     * A statement failed with {@code failure}. MariaDB and H2 roll back the whole transaction of a
     * deadlock's victim (SQLState class 40): the driver rolls back the other side's part too, as
     * the application's {@code rollback()} would, so that what the application does next (even a
     * commit) applies to both sides alike. PostgreSQL keeps the transaction, aborted, until its end.
     */
    void failed(Throwable failure) {
        if (session.context().dialect() == Dialect.POSTGRESQL
                || !(failure instanceof SQLException e)
                || e.getSQLState() == null
                || !e.getSQLState().startsWith("40")) {
            return;
        }
        try {
            if (!delegate.getAutoCommit()) {
                rollback();
            }
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed);
        }
    }

    /** The transaction ended: the savepoints named in it are gone. */
    private void forgetSavepoints() {
        if (namedSavepoints != null) {
            namedSavepoints.clear();
        }
    }

    /**
     * Before {@code sql} runs: where the database would commit the open transaction by itself first
     * ({@link ImplicitCommit}), the driver commits it, so that a separate new database's part and
     * the transaction's records go with it (a transaction begun by SQL then ends, as it does there).
     */
    void beforeRunning(RewriteResult rewrite, String sql) throws SQLException {
        if (commitsFirst(rewrite, sql)) {
            commitBefore(rewrite);
        }
    }

    /** Whether the database commits the open transaction before {@code sql} runs ({@link ImplicitCommit}). */
    boolean commitsFirst(RewriteResult rewrite, String sql) {
        return session != null && ImplicitCommit.before(session.context().dialect(), rewrite.kind(), sql);
    }

    /** A statement that commits the open transaction first is about to run ({@link #beforeRunning}). */
    void commitBefore(RewriteResult rewrite) throws SQLException {
        if (!delegate.getAutoCommit()) {
            // DDL about to run: the catalog is read after it, at the next statement, not at this commit
            boolean changing = catalogChanging;
            catalogChanging = false;
            try {
                commit();
                endSqlTransaction();
            } finally {
                catalogChanging |= changing;
            }
            session.runsAlone(rewrite); // and commits itself: a record of it cannot wait for the application's commit
        }
    }

    private void endSqlTransaction() throws SQLException {
        forgetSavepoints();
        if (begunBySql) {
            begunBySql = false;
            setAutoCommit(true);
        }
    }

    @Override
    public Statement createStatement() throws SQLException {
        return ShiftStatement.wrap(delegate.createStatement(), this);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return resultSets(
                ShiftStatement.wrap(delegate.createStatement(resultSetType, resultSetConcurrency), this),
                resultSetType,
                resultSetConcurrency,
                -1);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return resultSets(
                ShiftStatement.wrap(
                        delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability), this),
                resultSetType,
                resultSetConcurrency,
                resultSetHoldability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return ShiftPreparedStatement.wrap(delegate.prepareStatement(sql), this, sql, rewrite(sql), KeyRequest.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return ShiftPreparedStatement.wrap(
                delegate.prepareStatement(sql, autoGeneratedKeys),
                this,
                sql,
                rewrite(sql),
                autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS ? KeyRequest.GENERATED : KeyRequest.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return ShiftPreparedStatement.wrap(
                delegate.prepareStatement(sql, columnIndexes), this, sql, rewrite(sql), KeyRequest.BY_INDEX);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        ShiftPreparedStatement ps = ShiftPreparedStatement.wrap(
                delegate.prepareStatement(sql, columnNames), this, sql, rewrite(sql), KeyRequest.BY_NAME);
        ps.keyColumns = columnNames.clone();
        return ps;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return resultSets(
                ShiftPreparedStatement.wrap(
                        delegate.prepareStatement(sql, resultSetType, resultSetConcurrency),
                        this,
                        sql,
                        rewrite(sql),
                        KeyRequest.NONE),
                resultSetType,
                resultSetConcurrency,
                -1);
    }

    @Override
    public PreparedStatement prepareStatement(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return resultSets(
                ShiftPreparedStatement.wrap(
                        delegate.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability),
                        this,
                        sql,
                        rewrite(sql),
                        KeyRequest.NONE),
                resultSetType,
                resultSetConcurrency,
                resultSetHoldability);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return ShiftCallableStatement.wrap(delegate.prepareCall(sql), this, sql, callable(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return resultSets(
                ShiftCallableStatement.wrap(
                        delegate.prepareCall(sql, resultSetType, resultSetConcurrency), this, sql, callable(sql)),
                resultSetType,
                resultSetConcurrency,
                -1);
    }

    @Override
    public CallableStatement prepareCall(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return resultSets(
                ShiftCallableStatement.wrap(
                        delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability),
                        this,
                        sql,
                        callable(sql)),
                resultSetType,
                resultSetConcurrency,
                resultSetHoldability);
    }

    /**
     * Gives a statement made for a kind of result set that kind for its side statements too, and marks one whose
     * result sets may change rows themselves, on a configured connection.
     *
     * @param holdability -1: the connection's
     */
    private <S extends ShiftStatement> S resultSets(S statement, int type, int concurrency, int holdability) {
        statement.updatable = session != null && concurrency == ResultSet.CONCUR_UPDATABLE;
        statement.resultSets = new SideStatements.ResultSets(type, concurrency, holdability);
        return statement;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return ShiftDatabaseMetaData.wrap(delegate.getMetaData(), this);
    }

    // ---- transaction control: the new side's transaction follows the application's --------

    @Override
    public void commit() throws SQLException {
        if (transaction == null) {
            delegate.commit();
            return;
        }
        Boolean kept = null;
        try {
            kept = transaction.commit();
        } finally {
            places.transactionEnded(kept);
            transactionEnded();
        }
    }

    @Override
    public void rollback() throws SQLException {
        if (transaction == null) {
            delegate.rollback();
            return;
        }
        try {
            transaction.rollback();
        } finally {
            places.transactionEnded(false);
            transactionEnded();
        }
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (transaction == null) {
            delegate.setAutoCommit(autoCommit);
            return;
        }
        Boolean kept = null;
        try {
            kept = transaction.setAutoCommit(autoCommit);
        } finally {
            if (autoCommit) {
                places.transactionEnded(kept);
                transactionEnded();
            }
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return followed(delegate.setSavepoint());
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return followed(delegate.setSavepoint(name));
    }

    private Savepoint followed(Savepoint savepoint) throws SQLException {
        if (transaction == null) {
            return savepoint;
        }
        Savepoint followed = transaction.setSavepoint(savepoint);
        places.savepoint(followed);
        return followed;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        if (transaction == null) {
            delegate.rollback(savepoint);
        } else {
            transaction.rollback(savepoint);
            places.rolledBackTo(savepoint);
            temporary.transactionEnded();
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        if (transaction == null) {
            delegate.releaseSavepoint(savepoint);
        } else {
            transaction.release(savepoint);
            places.released(savepoint);
        }
    }

    @Override
    public void close() throws SQLException {
        if (session != null && !inTransaction()) {
            transactionEnded(); // DDL as the connection's last statement, in auto-commit mode
        }
        if (transaction != null) {
            try {
                leaveAsLent();
            } finally {
                transaction.close();
            }
        }
        delegate.close();
    }

    /**
     * A pool's connection that the application moved to another schema goes back where the pool
     * lent it, so that the next borrower, placed by where the pool's connections start, is there.
     * PostgreSQL: uncommitted work is rolled back first (as the pool would), which may already undo
     * the switch. A connection that cannot be moved back is aborted rather than lent again.
     */
    private void leaveAsLent() throws SQLException {
        if (!start.lent() || !places.switched() || places.isAtStart()) {
            return;
        }
        try {
            Dialect dialect = session.context().dialect();
            if (dialect == Dialect.POSTGRESQL && !delegate.getAutoCommit()) {
                rollback();
                if (places.isAtStart()) {
                    return;
                }
            }
            switch (dialect) {
                case POSTGRESQL -> {
                    try (Statement st = delegate.createStatement()) {
                        st.execute("SET search_path TO " + (start.schema().isEmpty() ? "''" : start.schema()));
                    }
                    if (!delegate.getAutoCommit()) {
                        delegate.commit();
                    }
                }
                case MARIADB -> delegate.setCatalog(start.schema());
                default -> delegate.setSchema(start.schema());
            }
        } catch (SQLException | RuntimeException e) {
            delegate.abort(Runnable::run);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        if (transaction == null) {
            delegate.setTransactionIsolation(level);
        } else {
            transaction.setTransactionIsolation(level);
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        if (transaction == null) {
            delegate.setReadOnly(readOnly);
        } else {
            transaction.setReadOnly(readOnly);
        }
    }

    /** Like {@link #close()}: the session's new-side connections go back to their pool. */
    @Override
    public void abort(java.util.concurrent.Executor executor) throws SQLException {
        if (transaction != null) {
            transaction.close();
        }
        delegate.abort(executor);
    }

    @Override
    public String toString() {
        return "SchemaShift[" + delegate + "]";
    }
}
