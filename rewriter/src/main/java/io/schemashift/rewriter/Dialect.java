package io.schemashift.rewriter;

import java.util.Locale;
import java.util.Optional;

/** The SQL dialects the rewriter understands. */
public enum Dialect {
    POSTGRESQL,
    /** MariaDB and MySQL. */
    MARIADB,
    H2;

    /** The dialect of a JDBC URL ({@code jdbc:postgresql:…}, {@code jdbc:mysql:…}…), if known. */
    public static Optional<Dialect> fromJdbcUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return Optional.of(MARIADB);
        }
        if (u.startsWith("jdbc:h2:")) {
            return Optional.of(H2);
        }
        return Optional.empty();
    }

    /**
     * What follows an INSERT's column list so that the values it writes go into an identity column
     * numbered {@code GENERATED ALWAYS} too (PostgreSQL 10 and later, H2; a no-op on any other
     * column): mirrored inserts, backfill and repair write the keys the other side holds. Empty on
     * MariaDB, which has no such identity.
     */
    public String overridingIdentity() {
        return this == MARIADB ? "" : " OVERRIDING SYSTEM VALUE";
    }

    /**
     * A name as the catalog stores it (a schema's, from {@code current_schema()}), written into
     * SQL: as is where the database folds it unquoted to itself, quoted otherwise.
     */
    public String sqlOfStored(String stored) {
        boolean folds =
                switch (this) {
                    case POSTGRESQL -> stored.matches("[a-z_][a-z0-9_]*");
                    case H2 -> stored.matches("[A-Z_][A-Z0-9_]*");
                    case MARIADB -> false;
                };
        if (folds) {
            return stored;
        }
        String q = this == MARIADB ? "`" : "\"";
        return q + stored.replace(q, q + q) + q;
    }
}
