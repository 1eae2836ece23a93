package io.schemashift.jdbc;

import java.lang.invoke.MethodHandle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application's statement. Intercepts what executes SQL and what hands out result sets;
 * everything else is generated delegation.
 */
public abstract class ShiftStatement implements Statement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftStatement.class);

    final Statement delegate;
    final ShiftConnection connection;
    private ShiftResultSet current;

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
        return current = ShiftResultSet.wrap(rs, this, connection);
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return wrap(delegate.executeQuery(sql));
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return wrap(delegate.getResultSet());
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        ResultSet keys = delegate.getGeneratedKeys();
        return keys == null ? null : ShiftResultSet.wrap(keys, this, connection);
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Wrappers.unwrap(this, delegate, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return Wrappers.isWrapperFor(this, delegate, iface);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
