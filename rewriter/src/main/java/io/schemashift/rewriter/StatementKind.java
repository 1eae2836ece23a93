package io.schemashift.rewriter;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    SELECT,
    INSERT,
    UPDATE,
    DELETE,
    /** INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE, MERGE. */
    UPSERT,
    DDL,
    /** Anything else: SET, transaction control, CALL, EXPLAIN… */
    OTHER;

    /** Whether the statement changes rows and so must be mirrored. */
    public boolean isWrite() {
        return this == INSERT || this == UPDATE || this == DELETE || this == UPSERT;
    }
}
