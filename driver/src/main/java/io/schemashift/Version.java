package io.schemashift;

/** The driver's version, as {@link java.sql.Driver} reports it. */
final class Version {
    static final int MAJOR = 0;
    static final int MINOR = 1;

    private Version() {}
}
