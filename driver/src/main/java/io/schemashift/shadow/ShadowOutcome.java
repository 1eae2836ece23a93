package io.schemashift.shadow;

/** What became of one shadowed read; the {@code outcome} tag of {@value ShadowMetrics#COMPARISONS}. */
enum ShadowOutcome {
    /** Both sides returned the same rows under the rules. */
    MATCH,
    /** The sides differed, and still differed when both were read again: reported. */
    MISMATCH,
    /** The sides differed once but agreed when both were read again: a read raced a write. */
    TRANSIENT,
    /** A shadow query or re-read failed. */
    ERROR,
    /** A shadow query or re-read ran past {@code shadow.timeout}. */
    TIMEOUT,
    /** The executor was full: the comparison was not run. */
    DROPPED,
    /** A side returned more than {@code compare.maxRows} rows: nothing is claimed. */
    TRUNCATED,
    /** The read cannot be compared fairly (see the {@code reason} of {@value ShadowMetrics#SKIPS}). */
    SKIPPED
}
