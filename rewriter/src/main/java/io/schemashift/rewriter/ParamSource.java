package io.schemashift.rewriter;

/** Where the value of one {@code ?} of a rewritten statement comes from. */
public sealed interface ParamSource {

    /** The application's bound parameter {@code index} (1-based) of the original statement. */
    record Bound(int index) implements ParamSource {}

    /**
     * A key the primary side generated: column {@code column} (0-based, in {@link
     * Rewritten#generatedKeyColumns()} order) of the {@code row}-th row (0-based) the statement
     * inserts.
     */
    record GeneratedKey(int row, int column) implements ParamSource {}

    /** The one timestamp captured per execution and bound on both sides (replaces {@code now()}), bound as {@code form}. */
    record Now(NowForm form) implements ParamSource {
        public Now() {
            this(NowForm.TIMESTAMP);
        }
    }

    /** How the captured timestamp is bound. */
    enum NowForm {
        /** {@code setTimestamp}: the statement reads it as the instant it is. */
        TIMESTAMP,
        /**
         * The text of its UTC wall clock, which the statement turns into the session's (MariaDB: its
         * driver writes a timestamp as the JVM's wall clock, which the server cannot tell from the session's).
         */
        UTC_TEXT
    }

    /** A literal written in the SQL text, e.g. a key value in {@code WHERE id = 42}. */
    record Literal(String sqlText) implements ParamSource {}
}
