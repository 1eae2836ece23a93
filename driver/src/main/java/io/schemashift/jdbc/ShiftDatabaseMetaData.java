package io.schemashift.jdbc;

import java.lang.invoke.MethodHandle;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;

/**
 * Database metadata. Every method that returns a {@link ResultSet} is generated as {@code
 * wrap(delegate.method(…))}; the rest delegate.
 */
public abstract class ShiftDatabaseMetaData implements DatabaseMetaData {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftDatabaseMetaData.class);

    final DatabaseMetaData delegate;
    private final ShiftConnection connection;

    ShiftDatabaseMetaData(DatabaseMetaData delegate, ShiftConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    static ShiftDatabaseMetaData wrap(DatabaseMetaData delegate, ShiftConnection connection) {
        try {
            return (ShiftDatabaseMetaData) NEW.invokeExact(delegate, connection);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    /** Called by the generated metadata queries. */
    protected ResultSet wrap(ResultSet rs) {
        return rs == null ? null : ShiftResultSet.wrap(rs, connection);
    }

    @Override
    public Connection getConnection() {
        return connection;
    }
}
