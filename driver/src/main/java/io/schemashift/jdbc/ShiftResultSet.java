package io.schemashift.jdbc;

import io.schemashift.shadow.ShadowCapture;
import java.lang.invoke.MethodHandle;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A result set handed to the application. Its back-reference is the statement wrapper that
 * produced it (or, for metadata result sets, a wrapper of the driver's own statement).
 */
public abstract class ShiftResultSet implements ResultSet {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftResultSet.class);

    final ResultSet delegate;
    private final ShiftConnection connection;
    private Statement statement;
    /** The rows of a shadowed read being captured; {@code null} for every other result set. */
    ShadowCapture capture;

    ShiftResultSet(ResultSet delegate, ShiftStatement statement, ShiftConnection connection) {
        this.delegate = delegate;
        this.statement = statement;
        this.connection = connection;
    }

    static ShiftResultSet wrap(ResultSet delegate, ShiftStatement statement, ShiftConnection connection) {
        try {
            return (ShiftResultSet) NEW.invokeExact(delegate, statement, connection);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    @Override
    public Statement getStatement() throws SQLException {
        if (statement == null) {
            Statement raw = delegate.getStatement();
            if (raw != null) {
                statement = ShiftStatement.wrap(raw, connection);
            }
        }
        return statement;
    }

    @Override
    public boolean next() throws SQLException {
        ShadowCapture c = capture;
        return c == null ? delegate.next() : c.next(delegate);
    }

    @Override
    public void close() throws SQLException {
        finishShadow();
        delegate.close();
        if (statement instanceof ShiftStatement owner) {
            owner.resultSetClosed();
        }
    }

    /** Hands a shadowed read's rows over for comparison while the result set is still open. */
    void finishShadow() {
        ShadowCapture c = capture;
        if (c != null) {
            capture = null;
            c.finish(delegate);
        }
    }

    // A column of a cursor type (PostgreSQL refcursor) is itself a result set.
    private Object wrapCursor(Object value) throws SQLException {
        return value instanceof ResultSet rs ? wrap(rs, (ShiftStatement) getStatement(), connection) : value;
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return wrapCursor(delegate.getObject(columnIndex));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return wrapCursor(delegate.getObject(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return wrapCursor(delegate.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return wrapCursor(delegate.getObject(columnLabel, map));
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return type.cast(wrapCursor(delegate.getObject(columnIndex, type)));
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return type.cast(wrapCursor(delegate.getObject(columnLabel, type)));
    }
}
