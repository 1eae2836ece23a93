package io.schemashift.backfill;

/** One side of a migration: the old schema or the new one. */
public enum Side {
    OLD,
    NEW
}
