package io.schemashift.api;

/** The two schemas. */
public enum Side {
    OLD,
    NEW;

    public Side other() {
        return this == OLD ? NEW : OLD;
    }
}
