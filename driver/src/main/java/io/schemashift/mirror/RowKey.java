package io.schemashift.mirror;

/**
 * A row a write touched, as the divergence log names it.
 *
 * @param table the mapped table (old name)
 * @param key the encoded key ({@link io.schemashift.rewriter.KeyCodec}), or {@code null}: the whole table
 * @param fingerprint the statement's fingerprint hash
 */
public record RowKey(String table, String key, String fingerprint) {}
