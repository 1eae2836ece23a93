package io.schemashift.jdbc;

import java.lang.invoke.MethodHandle;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The application's prepared statement; parameter setters and the like are generated delegation. */
public abstract class ShiftPreparedStatement extends ShiftStatement implements PreparedStatement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftPreparedStatement.class);

    final PreparedStatement prepared;

    ShiftPreparedStatement(PreparedStatement delegate, ShiftConnection connection) {
        super(delegate, connection);
        this.prepared = delegate;
    }

    static ShiftPreparedStatement wrap(PreparedStatement delegate, ShiftConnection connection) {
        try {
            return (ShiftPreparedStatement) NEW.invokeExact(delegate, connection);
        } catch (Throwable t) {
            throw Wrappers.constructionFailed(t);
        }
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return wrap(prepared.executeQuery());
    }
}
