package io.schemashift.rewriter;

/** Why a statement that touches a mapped table cannot be rewritten. A closed set: metrics tag values. */
public enum RefusalReason {
    /** JSqlParser cannot parse the statement (or the parse hit the time/size bound). */
    UNPARSEABLE,
    /** A column that the old table does not have (per the known old columns). */
    UNKNOWN_COLUMN,
    /** A column mapped to {@code null} (dropped) is read, filtered on or written with a value. */
    DROPPED_COLUMN_READ,
    /** An unqualified column that more than one table in scope may own. */
    AMBIGUOUS_COLUMN,
    /** {@code *} or a column-less INSERT on a table whose old columns are not known. */
    COLUMNS_UNKNOWN,
    /**
     * The parse took longer than the time bound: an overloaded machine (a cold JIT under load) or
     * a pathological statement. Not cached the first time, so the next use tries again.
     */
    TIME_BOUND,
    /**
     * The statement reaches a mapped table through something in the database: it calls a stored
     * procedure or function whose definition names one (or is hidden from this user), writes a
     * table whose trigger names one, writes a mapped parent whose foreign key action changes one
     * on one side only, or reads or writes a view over one. What happens there is
     * neither rewritten nor mirrored.
     */
    INDIRECT,
    /**
     * A write to a table the migration does not map fires a foreign key's action ({@code ON DELETE
     * CASCADE}…) that changes a mapped table on one side only ({@link CascadingKey}). It runs where
     * it was sent, in every phase, and the mapped table is recorded: whichever side the action
     * changed, repair brings the other to the side that holds the truth.
     */
    FOREIGN_KEY_ACTION,
    /**
     * DDL that changes the rows or columns of a mapped old table ({@code DROP TABLE}, {@code ALTER
     * TABLE … DROP COLUMN}, a new column type, a rename…): it runs where it was sent, like any DDL,
     * and is recorded or refused like a write, since the other side does not change with it.
     */
    SCHEMA_CHANGE,
    /**
     * DDL that creates a table from a mapped table's rows ({@code CREATE TABLE … AS SELECT}, a
     * materialized view, PostgreSQL's {@code SELECT … INTO}): it runs where it was sent, on the
     * old table, which holds every row until {@code new-only}, and fails there.
     */
    ROWS_COPIED,
    /** A construct the rewriter does not handle; the message names it. */
    UNSUPPORTED_CONSTRUCT,
    /** The rewriter itself failed; a bug, reported instead of thrown. */
    INTERNAL_ERROR
}
