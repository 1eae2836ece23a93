package io.schemashift.jdbc;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.StatementKind;
import java.util.regex.Pattern;

/**
 * Statements before which the database commits the open transaction by itself: DDL and {@code
 * TRUNCATE} on MariaDB and H2, and on MariaDB {@code LOCK TABLES}, {@code ANALYZE TABLE}, {@code
 * FLUSH} and their kind. Unseen, such a commit keeps the old side's part of the transaction while a
 * separate new database's part stays open, and the application's {@code ROLLBACK} then takes back
 * only that: so the driver commits the transaction itself first, both sides with it. PostgreSQL's
 * DDL is transactional.
 */
final class ImplicitCommit {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    /** MariaDB statements besides DDL that commit first. */
    private static final Pattern MARIADB_OTHER = Pattern.compile(
            "\\s*(?:LOCK\\s+TABLES?|UNLOCK\\s+TABLES?|(?:ANALYZE|CHECK|OPTIMIZE|REPAIR)\\s+(?:NO_WRITE_TO_BINLOG\\s+"
                    + "|LOCAL\\s+)?TABLES?|FLUSH|RESET|CACHE\\s+INDEX|LOAD\\s+INDEX)\\b.*",
            FLAGS);
    /** MariaDB's temporary tables come and go without a commit. */
    private static final Pattern MARIADB_TEMPORARY =
            Pattern.compile("\\s*(?:CREATE|DROP)\\s+(?:OR\\s+REPLACE\\s+)?TEMPORARY\\b.*", FLAGS);
    /** H2's {@code CREATE LOCAL TEMPORARY TABLE … TRANSACTIONAL} leaves the transaction open. */
    private static final Pattern H2_TRANSACTIONAL = Pattern.compile(".*\\bTRANSACTIONAL\\b.*", FLAGS);

    private ImplicitCommit() {}

    /** Whether {@code sql}, of {@code kind}, commits the open transaction before it runs on {@code dialect}. */
    static boolean before(Dialect dialect, StatementKind kind, String sql) {
        return switch (dialect) {
            case POSTGRESQL -> false;
            case MARIADB ->
                switch (kind) {
                    case DDL -> !MARIADB_TEMPORARY.matcher(sql).matches();
                    case TRUNCATE -> true;
                    case OTHER -> MARIADB_OTHER.matcher(sql).matches();
                    default -> false;
                };
            case H2 ->
                (kind == StatementKind.DDL && !H2_TRANSACTIONAL.matcher(sql).matches())
                        || kind == StatementKind.TRUNCATE;
        };
    }
}
