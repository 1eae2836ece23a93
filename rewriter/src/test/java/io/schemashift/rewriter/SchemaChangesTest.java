package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DDL on a mapped table: the forms that change its rows or columns are refused as {@link
 * RefusalReason#SCHEMA_CHANGE} (the driver records or refuses them like writes), the forms that
 * keep every value as {@code UNSUPPORTED_CONSTRUCT} (they run where they were sent, unrecorded);
 * DDL that changes a table inside a block, a string or several statements is a write.
 */
class SchemaChangesTest {

    private static final RefusalReason CHANGE = RefusalReason.SCHEMA_CHANGE;
    private static final RefusalReason KEEPS = RefusalReason.UNSUPPORTED_CONSTRUCT;

    static Stream<Arguments> ddl_onAMappedTable() {
        return Stream.of(
                // the table goes, moves or is replaced
                Arguments.of(Dialect.POSTGRESQL, "DROP TABLE customers", CHANGE),
                Arguments.of(Dialect.POSTGRESQL, "DROP TABLE IF EXISTS public.customers CASCADE", CHANGE),
                Arguments.of(Dialect.MARIADB, "DROP TABLE orders, customers", CHANGE),
                Arguments.of(Dialect.MARIADB, "RENAME TABLE customers TO customers_old", CHANGE),
                Arguments.of(Dialect.MARIADB, "CREATE OR REPLACE TABLE customers (id INT PRIMARY KEY)", CHANGE),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers RENAME TO customers_old", CHANGE),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers SET SCHEMA archive", CHANGE),
                // a column goes, is renamed or gets another type
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers DROP COLUMN email", CHANGE),
                Arguments.of(Dialect.H2, "ALTER TABLE customers DROP COLUMN email", CHANGE),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE `customers` DROP email", CHANGE),
                Arguments.of(
                        Dialect.POSTGRESQL, "ALTER TABLE IF EXISTS ONLY customers RENAME COLUMN name TO n", CHANGE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "ALTER TABLE customers ALTER COLUMN email TYPE text USING upper(email)",
                        CHANGE),
                Arguments.of(Dialect.H2, "ALTER TABLE customers ALTER COLUMN email SET DATA TYPE VARCHAR(10)", CHANGE),
                Arguments.of(Dialect.H2, "ALTER TABLE customers ALTER COLUMN email VARCHAR(10)", CHANGE),
                Arguments.of(Dialect.H2, "ALTER TABLE customers ALTER COLUMN email RENAME TO mail", CHANGE),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers MODIFY email VARCHAR(10)", CHANGE),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers CHANGE email mail VARCHAR(200)", CHANGE),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers CONVERT TO CHARACTER SET latin1", CHANGE),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers TRUNCATE PARTITION p0", CHANGE),
                // an action that changes values after actions that keep them
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "ALTER TABLE customers ADD COLUMN score numeric(10, 2) DEFAULT 0, DROP COLUMN email",
                        CHANGE),
                // every value kept
                Arguments.of(Dialect.POSTGRESQL, "CREATE INDEX customers_name ON customers (name)", KEEPS),
                Arguments.of(Dialect.POSTGRESQL, "COMMENT ON TABLE customers IS 'the customers'", KEEPS),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers ADD COLUMN score INT DEFAULT 0", KEEPS),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "ALTER TABLE customers ADD CONSTRAINT name_set CHECK (name IS NOT NULL), ALTER COLUMN email"
                                + " SET DEFAULT 'none', ALTER COLUMN name SET NOT NULL",
                        KEEPS),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers DROP CONSTRAINT IF EXISTS name_set", KEEPS),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers OWNER TO app", KEEPS),
                Arguments.of(Dialect.POSTGRESQL, "ALTER TABLE customers ALTER COLUMN email DROP DEFAULT", KEEPS),
                Arguments.of(Dialect.H2, "ALTER TABLE customers ALTER COLUMN email SET NOT NULL", KEEPS),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers ALTER INDEX by_name INVISIBLE", KEEPS),
                Arguments.of(
                        Dialect.MARIADB,
                        "ALTER TABLE customers ADD INDEX by_name (name), ALGORITHM=INPLACE, LOCK=NONE",
                        KEEPS),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers DROP INDEX by_name", KEEPS),
                Arguments.of(Dialect.MARIADB, "DROP TEMPORARY TABLE customers", KEEPS), // the driver judges it
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers RENAME INDEX by_name TO customers_name", KEEPS),
                Arguments.of(Dialect.MARIADB, "ALTER TABLE customers ENGINE=InnoDB", KEEPS),
                Arguments.of(Dialect.H2, "ALTER TABLE customers ADD CONSTRAINT one_email UNIQUE (email)", KEEPS),
                // a new table from the rows: runs on the old table, fails in new-only
                Arguments.of(Dialect.H2, "CREATE TABLE archive AS SELECT * FROM customers", RefusalReason.ROWS_COPIED),
                Arguments.of(
                        Dialect.MARIADB, "CREATE TABLE archive SELECT * FROM customers", RefusalReason.ROWS_COPIED),
                Arguments.of(
                        Dialect.POSTGRESQL, "CREATE TEMP TABLE archive AS TABLE customers", RefusalReason.ROWS_COPIED),
                Arguments.of(
                        Dialect.MARIADB,
                        "CREATE OR REPLACE TABLE archive AS SELECT * FROM customers",
                        RefusalReason.ROWS_COPIED),
                Arguments.of(Dialect.MARIADB, "CREATE OR REPLACE TABLE customers AS SELECT * FROM staging", CHANGE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "CREATE MATERIALIZED VIEW archive AS SELECT id FROM customers",
                        RefusalReason.ROWS_COPIED),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "SELECT id, name INTO archive FROM customers WHERE id > 3",
                        RefusalReason.ROWS_COPIED),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "SELECT id INTO archive FROM customers UNION SELECT id FROM customers",
                        RefusalReason.ROWS_COPIED));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void ddl_onAMappedTable(Dialect dialect, String sql, RefusalReason reason) {
        RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.reason()).isEqualTo(reason);
            assertThat(f.kind()).isEqualTo(StatementKind.DDL);
            assertThat(f.tables()).contains("customers");
        });
    }

    static Stream<Arguments> ddlThatChangesATable_insideOtherText_isAWrite() {
        return Stream.of(
                Arguments.of(Dialect.POSTGRESQL, "SELECT 1; ALTER TABLE customers DROP COLUMN email"),
                Arguments.of(Dialect.MARIADB, "BEGIN NOT ATOMIC ALTER TABLE customers DROP COLUMN email; END"),
                Arguments.of(Dialect.MARIADB, "EXECUTE IMMEDIATE 'DROP TABLE customers'"),
                Arguments.of(Dialect.MARIADB, "PREPARE s FROM 'ALTER TABLE customers MODIFY email VARCHAR(3)'"),
                Arguments.of(
                        Dialect.POSTGRESQL, "DO $$ BEGIN EXECUTE 'ALTER TABLE customers DROP COLUMN email'; END $$"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void ddlThatChangesATable_insideOtherText_isAWrite(Dialect dialect, String sql) {
        RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(r.kind().isWrite()).as("kind %s", r.kind()).isTrue();
        assertThat(r.tables()).contains("customers");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.schemashift.rewriter.SchemaChangesTest#keeping")
    void ddlThatKeepsValues_insideABlock_isNoWrite(Dialect dialect, String sql) {
        assertThat(Fixtures.rewriter(dialect).rewrite(sql).kind().isWrite()).isFalse();
    }

    static Stream<Arguments> keeping() {
        return Stream.of(
                Arguments.of(Dialect.MARIADB, "BEGIN NOT ATOMIC ALTER TABLE customers ADD INDEX i (name); END"),
                Arguments.of(Dialect.POSTGRESQL, "DO $$ BEGIN EXECUTE 'CREATE INDEX i ON customers (name)'; END $$"));
    }
}
