package io.schemashift.jdbc;

import io.schemashift.rewriter.RewriteResult;
import java.lang.invoke.MethodHandle;
import java.sql.CallableStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The application's callable statement. Stored procedures run on the side they were sent to;
 * only OUT parameters that are cursors (PostgreSQL {@code refcursor}) need wrapping. SQL sent
 * through {@code prepareCall} is not rewritten: when it names a mapped table it is treated as
 * refused (recorded as a write, or failed where the new side holds the truth).
 */
public abstract class ShiftCallableStatement extends ShiftPreparedStatement implements CallableStatement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftCallableStatement.class);

    final CallableStatement callable;

    ShiftCallableStatement(CallableStatement delegate, ShiftConnection connection, String sql, RewriteResult judged) {
        super(delegate, connection, sql, judged, KeyRequest.NONE);
        this.callable = delegate;
    }

    /** @param judged how its SQL is routed ({@link ShiftConnection#callable}) */
    static ShiftCallableStatement wrap(
            CallableStatement delegate, ShiftConnection connection, String sql, RewriteResult judged) {
        try {
            return (ShiftCallableStatement) NEW.invokeExact(delegate, connection, sql, judged);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    @Override
    RewriteResult judgedAgain(String sql) {
        return connection.callable(sql);
    }

    private Object wrapCursor(Object value) {
        return value instanceof ResultSet rs ? wrap(rs) : value;
    }

    @Override
    public Object getObject(int parameterIndex) throws SQLException {
        return wrapCursor(callable.getObject(parameterIndex));
    }

    @Override
    public Object getObject(String parameterName) throws SQLException {
        return wrapCursor(callable.getObject(parameterName));
    }

    @Override
    public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
        return wrapCursor(callable.getObject(parameterIndex, map));
    }

    @Override
    public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
        return wrapCursor(callable.getObject(parameterName, map));
    }

    @Override
    public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
        return type.cast(wrapCursor(callable.getObject(parameterIndex, type)));
    }

    @Override
    public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
        return type.cast(wrapCursor(callable.getObject(parameterName, type)));
    }
}
