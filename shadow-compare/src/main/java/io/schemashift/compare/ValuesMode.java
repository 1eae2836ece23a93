package io.schemashift.compare;

/** How row values appear in a {@link MismatchReport}. */
public enum ValuesMode {
    /** Each value is shown as a keyed hash (HMAC-SHA256, truncated): equal values, equal tokens. */
    REDACTED,
    /** Values are shown as {@code ?}. */
    OMITTED,
    /** Values are shown as they were read. Only for test data: reports then carry row values. */
    PLAIN
}
