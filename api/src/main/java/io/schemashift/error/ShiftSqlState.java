package io.schemashift.error;

import java.sql.SQLException;

/**
 * The SQLStates SchemaShift raises itself (driver, backfill, verify, control plane), each from the
 * SQL standard's classes, and the one factory that builds its exceptions: every message starts with
 * {@code "SchemaShift: "} so that an application's log tells SchemaShift's own errors from the
 * database's. Where scripts and tests already match a subclass the standard leaves to vendors
 * ({@code 23502}, {@code 23505}, {@code 57014}: PostgreSQL's and H2's), that subclass is kept.
 */
public enum ShiftSqlState {
    /** A statement SchemaShift cannot run safely in the current phase (SQL:2011 feature not supported). */
    FEATURE_NOT_SUPPORTED("0A000"),
    /** The driver cannot connect as asked, e.g. the URL names no real database (connection exception). */
    CANNOT_CONNECT("08001"),
    /** A query that returns no rows was run with {@code executeQuery} (no data). */
    NO_RESULT_SET("02000"),
    /** A parameter the statement needs was not bound (dynamic SQL error, using clause). */
    PARAMETERS_MISSING("07001"),
    /** A value SchemaShift cannot read: a control row of a newer version, a key that is not a key (data exception). */
    DATA_EXCEPTION("22000"),
    /** A key column holds NULL where backfill and verify need a key (integrity constraint violation: not null). */
    NULL_KEY("23502"),
    /** One key stands for two rows where backfill and verify need a unique key (integrity constraint violation: unique). */
    DUPLICATE_KEY("23505"),
    /** The transaction cannot go on: one side's part of it is gone; the application must roll back. */
    TRANSACTION_ROLLED_BACK("40000"),
    /** Another writer changed the control row first; read it again and retry (serialization failure). */
    CONCURRENT_CHANGE("40001"),
    /** A table, column or name the mapping needs does not exist or is not usable (syntax error or access rule violation). */
    NO_SUCH_OBJECT("42000"),
    /**
     * A configuration file SchemaShift cannot use (syntax error or access rule violation); its messages start with
     * {@code "SchemaShift configuration <file>"} and name the line and key.
     */
    BAD_CONFIGURATION("42000"),
    /** A long operation (backfill, verify) stopped because its thread was interrupted (query cancelled). */
    CANCELLED("57014"),
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

    /** What every message of an error SchemaShift raises starts with. */
    public static final String MESSAGE_PREFIX = "SchemaShift: ";

    /** An exception with this state and {@code "SchemaShift: " + message}. */
    public SQLException error(String message) {
        return new SQLException(MESSAGE_PREFIX + message, code);
    }

    /** Like {@link #error(String)}, with the exception that caused it. */
    public SQLException error(String message, Throwable cause) {
        return new SQLException(MESSAGE_PREFIX + message, code, cause);
    }
}
