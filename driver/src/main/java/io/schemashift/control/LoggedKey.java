package io.schemashift.control;

import java.time.Instant;

/**
 * A row the driver logged because the two sides may disagree on it: a failed or skipped mirror
 * write (divergence table) or a shadow read that did not match (mismatch table).
 *
 * @param table the (old) table name
 * @param key the row's key in {@link io.schemashift.rewriter.KeyCodec} text, or {@code null} when
 *     the driver could not tell which rows a statement touched
 * @param source where it was logged
 * @param firstSeen the earliest record of this key
 */
public record LoggedKey(String table, String key, Source source, Instant firstSeen) {

    /** Where a key was logged. */
    public enum Source {
        /** The divergence table: a mirror write that failed, was skipped or was refused. */
        DIVERGENCE,
        /** The mismatch table: a shadow read that did not match. */
        MISMATCH,
        /** A stale intent record: a transaction that may have committed on one side only. */
        INTENT
    }
}
