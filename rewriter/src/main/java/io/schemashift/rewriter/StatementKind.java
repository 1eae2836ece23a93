package io.schemashift.rewriter;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    SELECT,
    INSERT,
    UPDATE,
    DELETE,
    /** INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE, MERGE. */
    UPSERT,
    /**
     * TRUNCATE: empties a table. A write (mirrored as a TRUNCATE of the new table) whose rows are
     * not known, so a divergence is recorded for the whole table.
     */
    TRUNCATE,
    /** CREATE, ALTER, DROP, COMMENT, GRANT…: runs on the side it was sent to, never mirrored. */
    DDL,
    /** Anything else: SET, transaction control, CALL, EXPLAIN… */
    OTHER;

    /** Whether the statement changes rows and so must be mirrored. */
    public boolean isWrite() {
        return this == INSERT || this == UPDATE || this == DELETE || this == UPSERT || this == TRUNCATE;
    }
}
