package io.schemashift.error;

import java.sql.SQLException;

/**
 * The SQLStates SchemaShift raises itself, each from the SQL standard's classes, and the one
 * factory that builds its exceptions: every message starts with {@code "SchemaShift: "} so that
 * an application's log tells the driver's own errors from the database's.
 */
public enum ShiftSqlState {
    /** A statement SchemaShift cannot run safely in the current phase (SQL:2011 feature not supported). */
    FEATURE_NOT_SUPPORTED("0A000"),
    /** A query that returns no rows was run with {@code executeQuery} (no data). */
    NO_RESULT_SET("02000"),
    /** A parameter the statement needs was not bound (dynamic SQL error, using clause). */
    PARAMETERS_MISSING("07001"),
    /** The transaction cannot go on: one side's part of it is gone; the application must roll back. */
    TRANSACTION_ROLLED_BACK("40000"),
    /** A transaction-control statement that conflicts with the connection's state. */
    INVALID_TRANSACTION_STATE("25000"),
    /** The driver is not in a state that allows the operation (e.g. the control row is unknown). */
    NOT_IN_PREREQUISITE_STATE("55000"),
    /** SchemaShift itself failed; a bug, reported as an exception the application can catch. */
    INTERNAL_ERROR("HY000");

    private final String code;

    ShiftSqlState(String code) {
        this.code = code;
    }

    /** The five-character SQLState. */
    public String code() {
        return code;
    }

    /** An exception with this state and {@code "SchemaShift: " + message}. */
    public SQLException error(String message) {
        return new SQLException("SchemaShift: " + message, code);
    }

    /** Like {@link #error(String)}, with the exception that caused it. */
    public SQLException error(String message, Throwable cause) {
        return new SQLException("SchemaShift: " + message, code, cause);
    }
}
