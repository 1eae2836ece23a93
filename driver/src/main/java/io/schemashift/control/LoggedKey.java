package io.schemashift.control;

import java.time.Instant;

/**
 * A row the driver logged because the two sides may disagree on it: a failed or skipped mirror
 * write (divergence table) or a shadow read that did not match (mismatch table).
 *
 * @param table the (old) table name
 * @param key the row's key in {@link io.schemashift.rewriter.KeyCodec} text, or {@code null} when
 *     the driver could not tell which rows a statement touched
 * @param source {@link #DIVERGENCE} or {@link #MISMATCH}
 * @param firstSeen the earliest record of this key
 */
public record LoggedKey(String table, String key, String source, Instant firstSeen) {

    /** Logged in the divergence table. */
    public static final String DIVERGENCE = "divergence";
    /** Logged in the mismatch table. */
    public static final String MISMATCH = "mismatch";
}
