package io.schemashift.verify;

/** How a {@link VerifyReport} shows the values of rows that differ. */
public enum ValuesMode {
    /**
     * A keyed hash (HMAC-SHA-256, 16 hex digits) of the row's normalized values: equal rows
     * show equal hashes within one report, but values cannot be guessed back. The default.
     */
    REDACTED,
    /** No values at all. */
    OMITTED,
    /** The normalized values themselves, as a JSON array of strings. Only where values may be seen. */
    PLAIN
}
