package io.schemashift.rewriter;

/** Something in a write whose value could differ between the old and the new side. */
public enum NonDeterminism {
    /** {@code now()}, {@code current_timestamp} and friends. */
    NOW,
    /** {@code random()}, {@code rand()}. */
    RANDOM,
    /** {@code gen_random_uuid()}, {@code uuid()}, {@code random_uuid()}. */
    UUID,
    /** {@code nextval(…)}, {@code NEXT VALUE FOR …}. */
    SEQUENCE,
    /** A new-side column that the statement leaves to its default (not a key the primary generates). */
    DEFAULT_COLUMN
}
