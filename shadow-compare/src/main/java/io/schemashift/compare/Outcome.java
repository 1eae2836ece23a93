package io.schemashift.compare;

/** The outcome of one comparison. */
public enum Outcome {
    /** Both sides returned the same rows under the rules. */
    MATCH,
    /** The sides differ; {@link ComparisonResult#mismatch()} tells how. */
    MISMATCH,
    /** A side had more than {@link CompareRules#maxRows()} rows; the comparison stopped and claims nothing. */
    TRUNCATED
}
