package io.schemashift.api;

/** How mismatch and verify reports (and logs) show row values: {@code report.values} in the YAML. */
public enum ReportValues {
    /** Each value as a keyed hash: equal values, equal tokens. */
    REDACTED,
    /** Values left out. */
    OMITTED,
    /** Values as they were read. Only for test data. */
    PLAIN
}
