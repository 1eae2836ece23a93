package io.schemashift.compare;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Normalizes values under the rules and hashes them. Both sides go through the same code, so equal normalized values
 * give equal hashes. Thread-safe.
 */
final class Values {

    /** The category of a normalized value; part of its hash, so a string never equals a number. */
    enum Category {
        NULL,
        STRING,
        NUMBER,
        BOOLEAN,
        TIMESTAMP,
        DATE,
        TIME,
        TIMETZ,
        BYTES,
        ARRAY,
        OTHER;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    /** A value of a type this class does not know, compared by its text. */
    private record Other(String text) {}

    private static final int PLAIN_LIMIT = 100;

    /** A UUID in any case, with or without its hyphens, as {@link #normalizeText} reads one. */
    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile(
            "\\p{XDigit}{8}-?\\p{XDigit}{4}-?\\p{XDigit}{4}-?\\p{XDigit}{4}-?\\p{XDigit}{12}");

    /** A plain decimal number, as {@link #normalizeText} reads one. */
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?\\d+(\\.\\d+)?");

    private static final java.time.format.DateTimeFormatter WHOLE_SECONDS =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

    private final CompareRules rules;
    private final ChronoUnit precision;

    Values(CompareRules rules) {
        this.rules = rules;
        this.precision = rules.timestampPrecision().unit();
    }

    /** Returns the value in the canonical form that is hashed, or null for SQL NULL. */
    Object normalize(Object v) {
        if (v == null) {
            return null;
        } else if (v instanceof String s) {
            return string(s);
        } else if (v instanceof Character c) {
            return string(c.toString());
        } else if (v instanceof UUID u) {
            // PostgreSQL returns UUID, MySQL a CHAR(36) string
            return u.toString();
        } else if (v instanceof Number n) {
            return number(n);
        } else if (v instanceof Boolean) {
            return v;
        } else if (v instanceof Instant i) {
            return i.truncatedTo(precision);
        } else if (v instanceof LocalDateTime t) {
            return t.atZone(rules.timeZone()).toInstant().truncatedTo(precision);
        } else if (v instanceof OffsetDateTime t) {
            return t.toInstant().truncatedTo(precision);
        } else if (v instanceof ZonedDateTime t) {
            return t.toInstant().truncatedTo(precision);
        } else if (v instanceof Date d) {
            return instant(d).truncatedTo(precision);
        } else if (v instanceof LocalDate) {
            return v;
        } else if (v instanceof LocalTime t) {
            return t.truncatedTo(precision);
        } else if (v instanceof OffsetTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(precision);
        } else if (v instanceof byte[]) {
            return v;
        } else if (v instanceof Object[] a) {
            Object[] n = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                n[i] = normalize(a[i]);
            }
            return n;
        }
        return new Other(v.toString());
    }

    /**
     * A value of a column whose type differs between the sides ({@link ComparisonInput#textColumns}),
     * as text both spell alike, under the string rules: a boolean as {@code 1} or {@code 0} (as an
     * integer flag reads), a date as {@code yyyy-MM-dd}, a timestamp as {@code yyyy-MM-dd HH:mm:ss}
     * with its fraction of a second (if any, without trailing zeros), anything else (a UUID, JSON, an enum's label) as its
     * text; then a text that is a plain decimal number without leading or trailing zeros, as the
     * number the other side holds ({@code '7.50'} beside {@code 7.5}, {@code '007'} beside {@code 7}),
     * and a UUID in lower case without hyphens (an old text in upper case beside the new {@code uuid}).
     * Null stays null.
     */
    Object normalizeText(Object v) {
        if (v == null) {
            return null;
        }
        String text;
        if (v instanceof Boolean b) {
            text = b ? "1" : "0";
        } else if (v instanceof LocalDateTime t) {
            text = t.toLocalDate() + " " + t.toLocalTime().withNano(0).format(WHOLE_SECONDS)
                    + (t.getNano() == 0
                            ? ""
                            : String.format(Locale.ROOT, ".%09d", t.getNano()).replaceAll("0+$", ""));
        } else {
            text = v.toString();
        }
        if (DECIMAL.matcher(text).matches()) {
            text = new BigDecimal(text).stripTrailingZeros().toPlainString();
        } else if (UUID_TEXT.matcher(text).matches()) {
            text = text.replace("-", "").toLowerCase(Locale.ROOT);
        }
        return string(text);
    }

    private Object string(String s) {
        String r = s;
        if (rules.ignoreTrailingSpaces()) {
            int end = r.length();
            while (end > 0 && r.charAt(end - 1) == ' ') {
                end--;
            }
            r = r.substring(0, end);
        }
        if (rules.caseInsensitiveStrings()) {
            // upper then lower folds pairs like 'ß'/"SS" that a single lower-casing keeps apart
            r = r.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        }
        return r.isEmpty() && rules.emptyStringEqualsNull() ? null : r;
    }

    private Object number(Number n) {
        BigDecimal d;
        if (n instanceof BigDecimal b) {
            d = b;
        } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            d = BigDecimal.valueOf(n.longValue());
        } else if (n instanceof BigInteger b) {
            d = new BigDecimal(b);
        } else if (n instanceof Double || n instanceof Float) {
            double x = n.doubleValue();
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                return new Other(Double.toString(x));
            }
            // the shortest decimal that reads back as the same float or double: 0.1f equals 0.1
            d = new BigDecimal(n instanceof Float f ? Float.toString(f) : Double.toString(x));
        } else {
            try {
                d = new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                return new Other(n.toString());
            }
        }
        return rules.normalizeNumericScale() ? d.stripTrailingZeros() : d;
    }

    private static Instant instant(Date d) {
        try {
            // java.sql.Timestamp overrides toInstant() and keeps its nanoseconds
            return d.toInstant();
        } catch (UnsupportedOperationException e) {
            // java.sql.Date and java.sql.Time refuse toInstant(); their millis still order and compare
            return Instant.ofEpochMilli(d.getTime());
        }
    }

    static Category category(Object normalized) {
        if (normalized == null) {
            return Category.NULL;
        } else if (normalized instanceof String) {
            return Category.STRING;
        } else if (normalized instanceof BigDecimal) {
            return Category.NUMBER;
        } else if (normalized instanceof Boolean) {
            return Category.BOOLEAN;
        } else if (normalized instanceof Instant) {
            return Category.TIMESTAMP;
        } else if (normalized instanceof LocalDate) {
            return Category.DATE;
        } else if (normalized instanceof LocalTime) {
            return Category.TIME;
        } else if (normalized instanceof OffsetTime) {
            return Category.TIMETZ;
        } else if (normalized instanceof byte[]) {
            return Category.BYTES;
        } else if (normalized instanceof Object[]) {
            return Category.ARRAY;
        }
        return Category.OTHER;
    }

    /** Hashes a normalized value, its category included. */
    static long hash(Object normalized) {
        Category c = category(normalized);
        long h = Hashing.start(c.ordinal());
        switch (c) {
            case NULL -> {}
            case STRING -> h = Hashing.chars(h, (String) normalized);
            case NUMBER -> {
                BigDecimal d = (BigDecimal) normalized;
                BigInteger unscaled = d.unscaledValue();
                h = Hashing.add(h, d.scale());
                h = unscaled.bitLength() < Long.SIZE
                        ? Hashing.add(h, unscaled.longValue())
                        : Hashing.bytes(h, unscaled.toByteArray());
            }
            case BOOLEAN -> h = Hashing.add(h, (Boolean) normalized ? 1 : 0);
            case TIMESTAMP -> {
                Instant i = (Instant) normalized;
                h = Hashing.add(Hashing.add(h, i.getEpochSecond()), i.getNano());
            }
            case DATE -> h = Hashing.add(h, ((LocalDate) normalized).toEpochDay());
            case TIME -> h = Hashing.add(h, ((LocalTime) normalized).toNanoOfDay());
            case TIMETZ ->
                h = Hashing.add(h, ((OffsetTime) normalized).toLocalTime().toNanoOfDay());
            case BYTES -> h = Hashing.bytes(h, (byte[]) normalized);
            case ARRAY -> {
                Object[] a = (Object[]) normalized;
                h = Hashing.add(h, a.length);
                for (Object e : a) {
                    h = Hashing.add(h, hash(e));
                }
            }
            case OTHER -> h = Hashing.chars(h, ((Other) normalized).text());
        }
        return Hashing.finish(h);
    }

    /** Renders a value as read, for {@link ValuesMode#PLAIN} reports; strings quoted so padding shows. */
    static String plain(Object v) {
        String s;
        if (v == null) {
            return "NULL";
        } else if (v instanceof String || v instanceof Character) {
            s = "'" + v + "'";
        } else if (v instanceof byte[] b) {
            s = "0x" + HexFormat.of().formatHex(b);
        } else if (v instanceof Object[] a) {
            s = Arrays.deepToString(a);
        } else {
            s = v.toString();
        }
        return s.length() <= PLAIN_LIMIT ? s : s.substring(0, PLAIN_LIMIT) + "…(" + s.length() + " chars)";
    }
}
