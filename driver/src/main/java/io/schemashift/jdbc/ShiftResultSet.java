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
    /**
     * The statement wrapper that produced this result set; for a metadata result set, the connection until {@link
     * #getStatement()} wraps the driver's own statement. One field rather than two: a result set is allocated on
     * every query.
     */
    private Object owner;
    /** The rows of a shadowed read being captured; {@code null} for every other result set. */
    ShadowCapture capture;

    /** @param owner the statement wrapper that produced it, or the connection of a metadata result set */
    ShiftResultSet(ResultSet delegate, Object owner) {
        this.delegate = delegate;
        this.owner = owner;
    }

    static ShiftResultSet wrap(ResultSet delegate, ShiftStatement statement) {
        return wrap(delegate, (Object) statement);
    }

    /** A metadata result set: its statement, if the driver has one, is wrapped when the application asks. */
    static ShiftResultSet wrap(ResultSet delegate, ShiftConnection connection) {
        return wrap(delegate, (Object) connection);
    }

    private static ShiftResultSet wrap(ResultSet delegate, Object owner) {
        try {
            return (ShiftResultSet) NEW.invokeExact(delegate, owner);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    @Override
    public Statement getStatement() throws SQLException {
        if (owner instanceof ShiftConnection connection) {
            Statement raw = delegate.getStatement();
            if (raw == null) {
                return null;
            }
            owner = ShiftStatement.wrap(raw, connection);
        }
        return (Statement) owner;
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
        if (owner instanceof ShiftStatement statement) {
            statement.resultSetClosed(this);
        }
    }

    @Override
    public void updateRow() throws SQLException {
        refuseRowChange("updateRow");
        delegate.updateRow();
    }

    @Override
    public void insertRow() throws SQLException {
        refuseRowChange("insertRow");
        delegate.insertRow();
    }

    @Override
    public void deleteRow() throws SQLException {
        refuseRowChange("deleteRow");
        delegate.deleteRow();
    }

    private void refuseRowChange(String method) throws SQLException {
        if (owner instanceof ShiftStatement statement) {
            statement.refuseRowChange(method);
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
        if (!(value instanceof ResultSet rs)) {
            return value;
        }
        Statement statement = getStatement();
        return statement == null ? wrap(rs, (ShiftConnection) owner) : wrap(rs, (ShiftStatement) statement);
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
