package io.schemashift.control;

import java.time.Instant;

/**
 * How often one query shape disagreed on one table.
 *
 * @param fingerprint the query fingerprint
 * @param table the (old) table name
 * @param queryShape the SQL with literals removed
 * @param count reports in the window asked for
 * @param lastSeen the most recent of them
 */
public record MismatchCount(String fingerprint, String table, String queryShape, long count, Instant lastSeen) {}
