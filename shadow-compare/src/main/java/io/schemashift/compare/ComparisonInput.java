package io.schemashift.compare;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What one comparison reads: the column labels and rows of both sides, the key, the tables of the query and whether
 * it has an {@code ORDER BY}.
 *
 * <p>The other side's rows must already be mapped back to the old column labels and aligned with the primary's
 * columns: value {@code i} of every row belongs to label {@code i}. Values are what JDBC {@code getObject} returns,
 * except that {@code java.sql.Timestamp} should be handed over as {@code LocalDateTime} and {@code java.sql.Date} as
 * {@code LocalDate} (see {@code docs/shadow-reads.md}).
 *
 * <p>Single use and not thread-safe: one {@link ShadowComparator#compare} call consumes the iterators.
 */
public final class ComparisonInput {
    private final List<String> primaryColumns;
    private final List<String> otherColumns;
    private final List<String> keyColumns;
    private final Set<String> textColumns;
    private final Set<String> tables;
    private final boolean hasOrderBy;
    private final Iterator<Object[]> primaryRows;
    private final Iterator<Object[]> otherRows;

    private ComparisonInput(Builder b) {
        this.primaryColumns = List.copyOf(Objects.requireNonNull(b.primaryColumns, "columns"));
        this.otherColumns = List.copyOf(b.otherColumns);
        this.keyColumns = List.copyOf(b.keyColumns);
        this.textColumns = Set.copyOf(b.textColumns);
        this.tables = Set.copyOf(b.tables);
        this.hasOrderBy = b.hasOrderBy;
        this.primaryRows = Objects.requireNonNull(b.primaryRows, "rows");
        this.otherRows = b.otherRows;
    }

    /** Returns a builder; {@code columns} and {@code rows} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The primary side's column labels. */
    public List<String> primaryColumns() {
        return primaryColumns;
    }

    /** The other side's column labels, mapped back to old names. */
    public List<String> otherColumns() {
        return otherColumns;
    }

    /** The labels of the key columns; empty if the rows have no key. */
    public List<String> keyColumns() {
        return keyColumns;
    }

    /** The lower-case labels of the columns compared by their text ({@link Builder#textColumns}). */
    public Set<String> textColumns() {
        return textColumns;
    }

    /** The lower-case names of the (configured) tables the query reads. */
    public Set<String> tables() {
        return tables;
    }

    /** Whether the statement has an {@code ORDER BY}. */
    public boolean hasOrderBy() {
        return hasOrderBy;
    }

    Iterator<Object[]> primaryRows() {
        return primaryRows;
    }

    Iterator<Object[]> otherRows() {
        return otherRows;
    }

    @Override
    public String toString() {
        return "ComparisonInput[columns=" + primaryColumns + ", otherColumns=" + otherColumns + ", key=" + keyColumns
                + ", textColumns=" + textColumns + ", tables=" + tables + ", hasOrderBy=" + hasOrderBy + "]";
    }

    /** Builds a {@link ComparisonInput}. Not thread-safe. */
    public static final class Builder {
        private List<String> primaryColumns;
        private List<String> otherColumns;
        private List<String> keyColumns = List.of();
        private Set<String> textColumns = Set.of();
        private Set<String> tables = Set.of();
        private boolean hasOrderBy;
        private Iterator<Object[]> primaryRows;
        private Iterator<Object[]> otherRows;

        private Builder() {}

        /**
         * Sets the column labels of both sides, in the order of the row values.
         *
         * @throws NullPointerException if a list or a label is null
         */
        public Builder columns(List<String> primary, List<String> other) {
            this.primaryColumns = List.copyOf(primary);
            this.otherColumns = List.copyOf(other);
            return this;
        }

        /**
         * Sets the labels of the key columns, case-insensitive. If one of them is not among the columns, the rows
         * are compared without a key. Default: none.
         *
         * @throws NullPointerException if the list or a label is null
         */
        public Builder key(List<String> keyColumns) {
            this.keyColumns = List.copyOf(keyColumns);
            return this;
        }

        /**
         * Sets the labels of the columns compared by their text, case-insensitive: a column whose type
         * differs between the sides so that one reads a value as another kind (text against a number, a
         * date, a boolean or JSON), each value as text both spell alike. Default: none.
         *
         * @throws NullPointerException if the set or a label is null
         */
        public Builder textColumns(Set<String> labels) {
            this.textColumns = Set.copyOf(
                    labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).toList());
            return this;
        }

        /**
         * Sets the tables the query reads, for {@code table.column} ignore rules and the {@code table} tag of the
         * meters; pass configured table names only, so that the tag stays within a closed set. Default: none.
         *
         * @throws NullPointerException if the set or a name is null
         */
        public Builder tables(Set<String> tables) {
            this.tables = Set.copyOf(
                    tables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList());
            return this;
        }

        /** Sets whether the statement has an {@code ORDER BY}; used by {@link OrderMode#AUTO}. Default: false. */
        public Builder orderBy(boolean hasOrderBy) {
            this.hasOrderBy = hasOrderBy;
            return this;
        }

        /**
         * Sets the rows of both sides. The iterators are read once, on the thread that calls
         * {@link ShadowComparator#compare}.
         *
         * @throws NullPointerException if an iterator is null
         */
        public Builder rows(Iterator<Object[]> primary, Iterator<Object[]> other) {
            this.primaryRows = Objects.requireNonNull(primary, "primary rows");
            this.otherRows = Objects.requireNonNull(other, "other rows");
            return this;
        }

        /**
         * Returns the input.
         *
         * @throws NullPointerException if {@code columns} or {@code rows} was not set
         */
        public ComparisonInput build() {
            return new ComparisonInput(this);
        }
    }
}
