package io.schemashift.rewriter;

/**
 * A query shape: the SQL with literals replaced by {@code ?}, IN lists and VALUES rows collapsed
 * and white space folded, with a short stable hash of it.
 *
 * @param text the normalized SQL (carries no literal value)
 * @param hash 12 lower-case hex digits of a stable hash of {@code text}
 */
public record Fingerprint(String text, String hash) {}
