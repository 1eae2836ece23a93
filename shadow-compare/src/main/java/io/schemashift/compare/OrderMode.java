package io.schemashift.compare;

/** How row order is treated when two results are compared. */
public enum OrderMode {
    /** Ordered if the statement has an {@code ORDER BY}, else a multiset. */
    AUTO,
    /** Rows must match position by position. */
    ORDERED,
    /** Row order is irrelevant; each row must occur as often on both sides. */
    MULTISET
}
