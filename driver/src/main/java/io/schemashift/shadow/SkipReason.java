package io.schemashift.shadow;

/**
 * Why a shadowed read was not compared; the {@code reason} tag of {@value ShadowMetrics#SKIPS} (the lower-case name).
 */
enum SkipReason {
    /** The application's own query failed: there is nothing to compare. */
    PRIMARY_FAILED,
    /** The application closed the result set before its end: only part of the answer was seen. */
    PARTIAL_READ,
    /** Reading a row into the capture failed. */
    CAPTURE_FAILED,
    /** A scrollable result set can be read in any order; its rows cannot be captured as they pass. */
    SCROLLABLE,
    /** The transaction has writes the other side cannot see yet. */
    UNCOMMITTED_WRITES,
    /**
     * A locking read ({@code FOR UPDATE}, {@code FOR SHARE}): its copy would lock the other side's rows
     * from another connection, where the application's mirrored writes can wait on it (a deadlock), and
     * {@code SKIP LOCKED} answers by other transactions' locks.
     */
    LOCKING_READ,
    /** The query reads now(), random() or the like: the sides may answer differently and both be right. */
    NONDETERMINISTIC,
    /** A parameter can be read only once (a stream) and cannot be sent to the other side. */
    UNREPLAYABLE_PARAMETER,
    /**
     * The user may not read a table on the side the copy would run on (PostgreSQL, before its grant
     * there): the copy would fail and count as an error.
     */
    NOT_GRANTED,
    /** The runtime is shutting down. */
    SHUT_DOWN
}
