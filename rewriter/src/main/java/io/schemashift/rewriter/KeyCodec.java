package io.schemashift.rewriter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Encodes a row key (the values of the key columns, in key order) as text and back. The text is
 * a JSON array of strings, {@code null} for an SQL NULL: {@code ["42"]}, {@code ["7","3"]}.
 * Each value is written in its plain text form: numbers without exponent ({@link
 * BigDecimal#toPlainString()}), binary values as lower-case hex, everything else {@link
 * String#valueOf(Object)}. The driver writes divergence keys in this codec, and verify reads them
 * back, so both must agree. Thread-safe (stateless).
 */
public final class KeyCodec {

    private static final HexFormat HEX = HexFormat.of();

    private KeyCodec() {}

    /** The text form of a key tuple, e.g. {@code ["7","3"]}. */
    public static String encode(List<?> values) {
        StringBuilder out = new StringBuilder(16 * values.size() + 2).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                out.append("null");
            } else {
                quote(text(v), out);
            }
        }
        return out.append(']').toString();
    }

    /**
     * The values of an encoded key, as text ({@code null} for an SQL NULL).
     *
     * @throws IllegalArgumentException if {@code encoded} is not a JSON array of strings
     */
    public static List<String> decode(String encoded) {
        Parser p = new Parser(encoded);
        List<String> values = p.array();
        return Collections.unmodifiableList(values);
    }

    /** The text form of one key value, as {@link #encode} writes it. */
    public static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof byte[] b) {
            return HEX.formatHex(b);
        }
        return String.valueOf(value);
    }

    /** Appends {@code s} as a JSON string literal (also used for the driver's coverage file). */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A parser for exactly the JSON subset {@link #encode} writes, plus insignificant blanks. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            if (s == null) {
                throw new IllegalArgumentException("encoded key is null; expected a JSON array of strings");
            }
            this.s = s;
        }

        List<String> array() {
            List<String> values = new ArrayList<>();
            expect('[');
            blanks();
            if (peek() == ']') {
                pos++;
            } else {
                while (true) {
                    blanks();
                    values.add(value());
                    blanks();
                    char c = next();
                    if (c == ']') {
                        break;
                    }
                    if (c != ',') {
                        throw error("expected ',' or ']'");
                    }
                }
            }
            blanks();
            if (pos != s.length()) {
                throw error("unexpected text after the array");
            }
            return values;
        }

        private String value() {
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            }
        }

        private void blanks() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            blanks();
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    "encoded key is not a JSON array of strings: " + what + " at position " + pos);
        }
    }
}
