package io.schemashift.compare;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The rules a comparison applies: which columns count, how order is treated, how values are normalized before they
 * are compared, how much is compared and how values appear in reports.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} gives the defaults listed on each
 * builder method. {@link #toString()} never shows the redaction key.
 *
 * @param ignoredColumns lower-case labels never compared: {@code column} applies to every query, {@code table.column}
 *     only to queries on that table (schema qualifiers of the table are not significant)
 * @param orderMode how row order is treated
 * @param normalizeNumericScale whether numbers compare by value only ({@code 1.50 == 1.5}, {@code 1 == 1.0})
 * @param timestampPrecision the finest time unit compared
 * @param timeZone the zone that places a {@code LocalDateTime} on the time line, so it compares with instants
 * @param ignoreTrailingSpaces whether trailing spaces of strings are ignored (CHAR padding)
 * @param caseInsensitiveStrings whether strings compare ignoring case
 * @param emptyStringEqualsNull whether an empty string equals SQL NULL
 * @param maxRows the most rows read from either side; one more makes the outcome {@link Outcome#TRUNCATED}
 * @param values how values appear in reports
 * @param maxSamples the most sample rows a report carries
 * @param redactionKey the HMAC key for {@link ValuesMode#REDACTED}, or {@code null} for a random key per process
 */
public record CompareRules(
        Set<String> ignoredColumns,
        OrderMode orderMode,
        boolean normalizeNumericScale,
        TimestampPrecision timestampPrecision,
        ZoneId timeZone,
        boolean ignoreTrailingSpaces,
        boolean caseInsensitiveStrings,
        boolean emptyStringEqualsNull,
        int maxRows,
        ValuesMode values,
        int maxSamples,
        String redactionKey) {

    private static final int MIN_KEY_BYTES = 16;

    /**
     * Validates and copies the arguments.
     *
     * @throws NullPointerException if an argument other than {@code redactionKey} is null
     * @throws IllegalArgumentException if a value breaks the rule its builder method states
     */
    public CompareRules {
        ignoredColumns = Set.copyOf(
                ignoredColumns.stream().map(CompareRules::checkedIgnore).toList());
        Objects.requireNonNull(orderMode, "orderMode");
        Objects.requireNonNull(timestampPrecision, "timestampPrecision");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(values, "values");
        checkMaxRows(maxRows);
        checkMaxSamples(maxSamples);
        checkRedactionKey(redactionKey);
    }

    /** Returns the default rules. */
    public static CompareRules defaults() {
        return builder().build();
    }

    /** Returns a builder holding the default rules. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these rules. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ignored.addAll(ignoredColumns);
        b.orderMode = orderMode;
        b.normalizeNumericScale = normalizeNumericScale;
        b.timestampPrecision = timestampPrecision;
        b.timeZone = timeZone;
        b.ignoreTrailingSpaces = ignoreTrailingSpaces;
        b.caseInsensitiveStrings = caseInsensitiveStrings;
        b.emptyStringEqualsNull = emptyStringEqualsNull;
        b.maxRows = maxRows;
        b.values = values;
        b.maxSamples = maxSamples;
        b.redactionKey = redactionKey;
        return b;
    }

    /** Returns whether a statement with or without {@code ORDER BY} is compared position by position. */
    public boolean ordered(boolean hasOrderBy) {
        return switch (orderMode) {
            case AUTO -> hasOrderBy;
            case ORDERED -> true;
            case MULTISET -> false;
        };
    }

    @Override
    public String toString() {
        return "CompareRules[ignoredColumns=" + ignoredColumns + ", orderMode=" + orderMode
                + ", normalizeNumericScale=" + normalizeNumericScale + ", timestampPrecision=" + timestampPrecision
                + ", timeZone=" + timeZone + ", ignoreTrailingSpaces=" + ignoreTrailingSpaces
                + ", caseInsensitiveStrings=" + caseInsensitiveStrings + ", emptyStringEqualsNull="
                + emptyStringEqualsNull + ", maxRows=" + maxRows + ", values=" + values + ", maxSamples=" + maxSamples
                + ", redactionKey=" + (redactionKey == null ? "<per-process>" : "****") + "]";
    }

    private static String checkedIgnore(String column) {
        Objects.requireNonNull(column, "ignored column");
        String c = column.strip().toLowerCase(Locale.ROOT);
        if (c.isEmpty() || c.startsWith(".") || c.endsWith(".")) {
            throw new IllegalArgumentException(
                    "ignored column must be 'column' or 'table.column', was '" + column + "'");
        }
        return c;
    }

    private static void checkMaxRows(int maxRows) {
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
        }
    }

    private static void checkMaxSamples(int maxSamples) {
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must not be negative, was " + maxSamples);
        }
    }

    private static void checkRedactionKey(String key) {
        if (key != null && key.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("redactionKey must be at least " + MIN_KEY_BYTES + " bytes");
        }
    }

    /**
     * Builds {@link CompareRules}. Each method checks its argument at once. Not thread-safe.
     */
    public static final class Builder {
        private final Set<String> ignored = new LinkedHashSet<>();
        private OrderMode orderMode = OrderMode.AUTO;
        private boolean normalizeNumericScale = true;
        private TimestampPrecision timestampPrecision = TimestampPrecision.MICROS;
        private ZoneId timeZone = ZoneOffset.UTC;
        private boolean ignoreTrailingSpaces = true;
        private boolean caseInsensitiveStrings;
        private boolean emptyStringEqualsNull;
        private int maxRows = 10_000;
        private ValuesMode values = ValuesMode.REDACTED;
        private int maxSamples = 10;
        private String redactionKey;

        private Builder() {}

        /**
         * Adds columns never compared, as {@code column} or {@code table.column}, case-insensitive. Default: none.
         *
         * @throws IllegalArgumentException if an entry is blank or starts or ends with a dot
         */
        public Builder ignore(String... columns) {
            for (String c : columns) {
                ignored.add(checkedIgnore(c));
            }
            return this;
        }

        /**
         * Adds columns never compared; see {@link #ignore(String...)}.
         *
         * @throws IllegalArgumentException if an entry is blank or starts or ends with a dot
         */
        public Builder ignore(Iterable<String> columns) {
            for (String c : columns) {
                ignored.add(checkedIgnore(c));
            }
            return this;
        }

        /** Sets how row order is treated. Default: {@link OrderMode#AUTO}. */
        public Builder orderMode(OrderMode mode) {
            this.orderMode = Objects.requireNonNull(mode, "orderMode");
            return this;
        }

        /** Sets whether numbers compare by value only, across scales and Java types. Default: true. */
        public Builder normalizeNumericScale(boolean normalize) {
            this.normalizeNumericScale = normalize;
            return this;
        }

        /** Sets the finest time unit compared. Default: {@link TimestampPrecision#MICROS}. */
        public Builder timestampPrecision(TimestampPrecision precision) {
            this.timestampPrecision = Objects.requireNonNull(precision, "timestampPrecision");
            return this;
        }

        /** Sets the zone in which a {@code LocalDateTime} is read to compare it with an instant. Default: UTC. */
        public Builder timeZone(ZoneId zone) {
            this.timeZone = Objects.requireNonNull(zone, "timeZone");
            return this;
        }

        /** Sets whether trailing spaces of strings are ignored (CHAR padding). Default: true. */
        public Builder ignoreTrailingSpaces(boolean ignore) {
            this.ignoreTrailingSpaces = ignore;
            return this;
        }

        /** Sets whether strings compare ignoring case. Default: false. */
        public Builder caseInsensitiveStrings(boolean caseInsensitive) {
            this.caseInsensitiveStrings = caseInsensitive;
            return this;
        }

        /** Sets whether an empty string equals NULL (as in Oracle). Default: false. */
        public Builder emptyStringEqualsNull(boolean equal) {
            this.emptyStringEqualsNull = equal;
            return this;
        }

        /**
         * Sets the most rows read from either side. Default: 10,000.
         *
         * @throws IllegalArgumentException if {@code maxRows} is not positive
         */
        public Builder maxRows(int maxRows) {
            checkMaxRows(maxRows);
            this.maxRows = maxRows;
            return this;
        }

        /** Sets how values appear in reports. Default: {@link ValuesMode#REDACTED}. */
        public Builder values(ValuesMode mode) {
            this.values = Objects.requireNonNull(mode, "values");
            return this;
        }

        /**
         * Sets the most sample rows a report carries. Default: 10.
         *
         * @throws IllegalArgumentException if {@code maxSamples} is negative
         */
        public Builder maxSamples(int maxSamples) {
            checkMaxSamples(maxSamples);
            this.maxSamples = maxSamples;
            return this;
        }

        /**
         * Sets the HMAC key for redacted values, so tokens agree across processes; {@code null} (the default) uses a
         * random key per process.
         *
         * @throws IllegalArgumentException if the key is shorter than 16 bytes in UTF-8
         */
        public Builder redactionKey(String key) {
            checkRedactionKey(key);
            this.redactionKey = key;
            return this;
        }

        /** Returns the rules; this builder may be used again. */
        public CompareRules build() {
            return new CompareRules(
                    ignored,
                    orderMode,
                    normalizeNumericScale,
                    timestampPrecision,
                    timeZone,
                    ignoreTrailingSpaces,
                    caseInsensitiveStrings,
                    emptyStringEqualsNull,
                    maxRows,
                    values,
                    maxSamples,
                    redactionKey);
        }
    }
}
