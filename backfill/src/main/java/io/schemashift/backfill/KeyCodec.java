package io.schemashift.backfill;

import java.util.List;

/**
 * Encodes a row key (the values of the key columns, in key order) as text and back: a JSON array
 * of strings, {@code null} for an SQL NULL — {@code ["42"]}, {@code ["7","3"]}. Numbers are
 * written without exponent, binary values as lower-case hex, everything else with {@link
 * String#valueOf(Object)}. The same codec as {@link io.schemashift.rewriter.KeyCodec}, which the
 * driver uses for the divergence log; this class delegates to it so the two cannot drift apart.
 * Thread-safe (stateless).
 */
public final class KeyCodec {

    private KeyCodec() {}

    /** The text form of a key tuple, e.g. {@code ["7","3"]}. */
    public static String encode(List<?> values) {
        return io.schemashift.rewriter.KeyCodec.encode(values);
    }

    /**
     * The values of an encoded key, as text ({@code null} for an SQL NULL).
     *
     * @throws IllegalArgumentException if {@code encoded} is not a JSON array of strings
     */
    public static List<String> decode(String encoded) {
        return io.schemashift.rewriter.KeyCodec.decode(encoded);
    }

    /** The text form of one key value, as {@link #encode} writes it. */
    public static String text(Object value) {
        return io.schemashift.rewriter.KeyCodec.text(value);
    }
}
