package io.schemashift.jdbc;

import io.schemashift.api.Side;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.mirror.Params;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.Untouched;
import io.schemashift.routing.Execution;
import io.schemashift.routing.Plan;
import io.schemashift.shadow.ShadowRead;
import java.io.InputStream;
import java.io.Reader;
import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * The application's prepared statement. Its SQL is rewritten once, when it is prepared. If it
 * touches a mapped table, the parameters the application binds are also kept, so that they can
 * be bound to the statement's other-side form; executions then run where the session's {@link
 * Plan} says. Otherwise every call goes straight to the real statement.
 */
public abstract class ShiftPreparedStatement extends ShiftStatement implements PreparedStatement {

    private static final MethodHandle NEW = WrapperClasses.constructor(ShiftPreparedStatement.class);

    final PreparedStatement prepared;
    /** The rewrite of this statement's SQL; {@code null} without a configuration. */
    private final RewriteResult rewrite;
    /** The bound parameters, kept only for a statement on mapped tables. */
    private final Params params;

    private List<Params> batch;
    /** The statement is transaction control sent as SQL ({@code COMMIT}…), carried out by the connection. */
    private final TransactionControl control;

    ShiftPreparedStatement(
            PreparedStatement delegate, ShiftConnection connection, RewriteResult rewrite, boolean wantsKeys) {
        super(delegate, connection);
        this.prepared = delegate;
        this.rewrite = rewrite;
        this.params = rewrite instanceof Rewritten ? new Params() : null;
        this.wantsKeys = wantsKeys;
        this.control = rewrite instanceof Untouched u && u.kind() == StatementKind.OTHER
                ? TransactionControl.of(u.sql())
                : null;
    }

    static ShiftPreparedStatement wrap(
            PreparedStatement delegate, ShiftConnection connection, RewriteResult rewrite, boolean wantsKeys) {
        try {
            return (ShiftPreparedStatement) NEW.invokeExact(delegate, connection, rewrite, wantsKeys);
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
        if (params == null) {
            if (rewrite instanceof Refused) {
                connection.session.plan(rewrite); // counts the refusal, logs a refused write
            }
            return null;
        }
        Plan plan = connection.session.plan(rewrite);
        if (plan != Plan.OLD && params.unmirrorable() != null) {
            return unreplayable(plan);
        }
        return plan == Plan.OLD ? null : plan;
    }

    /**
     * A value that can be read only once (a stream, a reader) cannot be bound twice: on the old
     * side the application's own statement runs with it, and the mirror is recorded as missed;
     * the new side as primary cannot take it at all.
     */
    private Plan unreplayable(Plan plan) throws SQLException {
        if (plan.primary() == Side.NEW) {
            throw new SQLException(
                    "SchemaShift: " + params.unmirrorable() + " cannot be sent to the new schema (it can be read"
                            + " only once); bind a byte[] or String instead",
                    "0A000");
        }
        connection.session.unmirrored(rewrite, DivergenceReason.UNREPLAYABLE_PARAMETER);
        return null;
    }

    private Execution.Result run(Plan plan, Execution.Mode mode) throws SQLException {
        return run((Rewritten) rewrite, plan, mode, params);
    }

    @Override
    List<Params> batchEntries(Execution.Mode mode) throws SQLException {
        return mode == Execution.Mode.BATCH ? takeBatch() : null;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        Plan plan = plan();
        ShadowRead shadow = params == null ? null : shadow(rewrite, plan == null ? Side.OLD : plan.primary(), params);
        if (plan != null) {
            return wrap(run(plan, Execution.Mode.QUERY).resultSet(), shadow);
        }
        try {
            return wrap(prepared.executeQuery(), shadow);
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public int executeUpdate() throws SQLException {
        if (control != null && connection.control(control)) {
            return 0;
        }
        Plan plan = plan();
        if (plan != null) {
            return (int) run(plan, Execution.Mode.UPDATE).updateCount();
        }
        try {
            return prepared.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        if (control != null && connection.control(control)) {
            return 0;
        }
        Plan plan = plan();
        if (plan != null) {
            return run(plan, Execution.Mode.UPDATE).updateCount();
        }
        try {
            return prepared.executeLargeUpdate();
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public boolean execute() throws SQLException {
        if (control != null && connection.control(control)) {
            return false;
        }
        Plan plan = plan();
        if (plan != null) {
            return run(plan, Execution.Mode.EXECUTE).isResultSet();
        }
        try {
            return prepared.execute();
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            ranOnDelegate();
        }
    }

    @Override
    public void addBatch() throws SQLException {
        prepared.addBatch();
        if (params != null) {
            if (batch == null) {
                batch = new ArrayList<>();
            }
            batch.add(params.snapshot());
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        prepared.clearBatch();
        if (batch != null) {
            batch.clear();
        }
    }

    private List<Params> takeBatch() throws SQLException {
        List<Params> entries = batch == null ? List.of() : new ArrayList<>(batch);
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
            return prepared.executeBatch();
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            if (batch != null) {
                batch.clear();
            }
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
            return prepared.executeLargeBatch();
        } catch (SQLException | RuntimeException e) {
            delegateFailed();
            throw e;
        } finally {
            if (batch != null) {
                batch.clear();
            }
            ranOnDelegate();
        }
    }

    @Override
    public void clearParameters() throws SQLException {
        prepared.clearParameters();
        if (params != null) {
            params.clear();
        }
    }

    // ---- parameters: to the real statement at once, and kept when the statement is mapped --

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        prepared.setNull(parameterIndex, sqlType);
        if (params != null) {
            params.set(parameterIndex, null, (ps, i) -> ps.setNull(i, sqlType));
        }
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        prepared.setNull(parameterIndex, sqlType, typeName);
        if (params != null) {
            params.set(parameterIndex, null, (ps, i) -> ps.setNull(i, sqlType, typeName));
        }
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        prepared.setBoolean(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setBoolean(i, x));
        }
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        prepared.setByte(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setByte(i, x));
        }
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        prepared.setShort(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setShort(i, x));
        }
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        prepared.setInt(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setInt(i, x));
        }
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        prepared.setLong(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setLong(i, x));
        }
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        prepared.setFloat(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setFloat(i, x));
        }
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        prepared.setDouble(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setDouble(i, x));
        }
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        prepared.setBigDecimal(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setBigDecimal(i, x));
        }
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        prepared.setString(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setString(i, x));
        }
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        prepared.setNString(parameterIndex, value);
        if (params != null) {
            params.set(parameterIndex, value, (ps, i) -> ps.setNString(i, value));
        }
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        prepared.setBytes(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setBytes(i, x));
        }
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        prepared.setDate(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setDate(i, x));
        }
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        prepared.setDate(parameterIndex, x, cal);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setDate(i, x, cal));
        }
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        prepared.setTime(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setTime(i, x));
        }
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        prepared.setTime(parameterIndex, x, cal);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setTime(i, x, cal));
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        prepared.setTimestamp(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setTimestamp(i, x));
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        prepared.setTimestamp(parameterIndex, x, cal);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setTimestamp(i, x, cal));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        prepared.setObject(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setObject(i, x));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        prepared.setObject(parameterIndex, x, targetSqlType);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        prepared.setObject(parameterIndex, x, targetSqlType);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
        }
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        prepared.setArray(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setArray(i, x));
        }
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        prepared.setURL(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setURL(i, x));
        }
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        prepared.setRowId(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setRowId(i, x));
        }
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        prepared.setRef(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setRef(i, x));
        }
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        prepared.setSQLXML(parameterIndex, xmlObject);
        if (params != null) {
            params.set(parameterIndex, xmlObject, (ps, i) -> ps.setSQLXML(i, xmlObject));
        }
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        prepared.setBlob(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setBlob(i, x));
        }
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        prepared.setClob(parameterIndex, x);
        if (params != null) {
            params.set(parameterIndex, x, (ps, i) -> ps.setClob(i, x));
        }
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        prepared.setNClob(parameterIndex, value);
        if (params != null) {
            params.set(parameterIndex, value, (ps, i) -> ps.setNClob(i, value));
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        prepared.setAsciiStream(parameterIndex, x, length);
        if (params != null) {
            params.cannotReplay("setAsciiStream");
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        prepared.setAsciiStream(parameterIndex, x, length);
        if (params != null) {
            params.cannotReplay("setAsciiStream");
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        prepared.setAsciiStream(parameterIndex, x);
        if (params != null) {
            params.cannotReplay("setAsciiStream");
        }
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        prepared.setUnicodeStream(parameterIndex, x, length);
        if (params != null) {
            params.cannotReplay("setUnicodeStream");
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        prepared.setBinaryStream(parameterIndex, x, length);
        if (params != null) {
            params.cannotReplay("setBinaryStream");
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        prepared.setBinaryStream(parameterIndex, x, length);
        if (params != null) {
            params.cannotReplay("setBinaryStream");
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        prepared.setBinaryStream(parameterIndex, x);
        if (params != null) {
            params.cannotReplay("setBinaryStream");
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
        prepared.setCharacterStream(parameterIndex, reader, length);
        if (params != null) {
            params.cannotReplay("setCharacterStream");
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        prepared.setCharacterStream(parameterIndex, reader, length);
        if (params != null) {
            params.cannotReplay("setCharacterStream");
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        prepared.setCharacterStream(parameterIndex, reader);
        if (params != null) {
            params.cannotReplay("setCharacterStream");
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
        prepared.setNCharacterStream(parameterIndex, value, length);
        if (params != null) {
            params.cannotReplay("setNCharacterStream");
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
        prepared.setNCharacterStream(parameterIndex, value);
        if (params != null) {
            params.cannotReplay("setNCharacterStream");
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        prepared.setBlob(parameterIndex, inputStream, length);
        if (params != null) {
            params.cannotReplay("setBlob");
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        prepared.setBlob(parameterIndex, inputStream);
        if (params != null) {
            params.cannotReplay("setBlob");
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        prepared.setClob(parameterIndex, reader, length);
        if (params != null) {
            params.cannotReplay("setClob");
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        prepared.setClob(parameterIndex, reader);
        if (params != null) {
            params.cannotReplay("setClob");
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        prepared.setNClob(parameterIndex, reader, length);
        if (params != null) {
            params.cannotReplay("setNClob");
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        prepared.setNClob(parameterIndex, reader);
        if (params != null) {
            params.cannotReplay("setNClob");
        }
    }
}
