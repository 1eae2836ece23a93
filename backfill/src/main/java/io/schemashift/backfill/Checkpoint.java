package io.schemashift.backfill;

import io.schemashift.rewriter.KeyCodec;
import java.time.Instant;

/**
 * How far the backfill of one table got: the last key copied, encoded with {@link KeyCodec}.
 *
 * @param migration the migration id
 * @param table the old table name
 * @param lastKey the last key copied ({@link KeyCodec} text), {@code null} before the first batch
 * @param rowsCopied rows copied so far, over every run
 * @param updatedAt when the checkpoint was written
 */
public record Checkpoint(String migration, String table, String lastKey, long rowsCopied, Instant updatedAt) {}
