package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DDL that drops or renames a whole schema names no table, yet takes every table in it: one that
 * holds a mapped table (the old one, or a new one the mapping puts there) is refused as the
 * {@code DROP TABLE} of each; a statement that drops the tables of an owner or of every schema, or
 * with {@code CASCADE} a type, domain, extension or function that columns may use, or renames an
 * enum's value, as a change of every mapped table. Any other schema, and a change that keeps the
 * tables, is left alone.
 */
class SchemaDropsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | DROP SCHEMA public CASCADE | true",
                "POSTGRESQL | drop schema if exists scratch, \"public\" cascade | true",
                "POSTGRESQL | DROP SCHEMA app_v2 CASCADE | true",
                "POSTGRESQL | DROP SCHEMA scratch CASCADE | false",
                "POSTGRESQL | DROP SCHEMA \"Public\" | false",
                "POSTGRESQL | ALTER SCHEMA public RENAME TO retired | true",
                "POSTGRESQL | ALTER SCHEMA public OWNER TO bob | false",
                "POSTGRESQL | DROP OWNED BY app | true",
                "POSTGRESQL | DROP TABLE scratch | false",
                "POSTGRESQL | DROP TYPE mood CASCADE | true",
                "POSTGRESQL | DROP TYPE IF EXISTS mood | false",
                "POSTGRESQL | DROP EXTENSION citext CASCADE | true",
                "POSTGRESQL | DROP FUNCTION slug(text) CASCADE | true",
                "POSTGRESQL | DROP DOMAIN email_address CASCADE | true",
                "POSTGRESQL | DROP VIEW v CASCADE | false",
                "POSTGRESQL | ALTER TYPE mood RENAME VALUE 'ok' TO 'fine' | true",
                "POSTGRESQL | ALTER TYPE mood ADD VALUE 'meh' | false",
                "MARIADB | DROP DATABASE shop | true",
                "MARIADB | DROP SCHEMA IF EXISTS `SHOP` | true",
                "MARIADB | DROP DATABASE scratch | false",
                "MARIADB | ALTER DATABASE shop CHARACTER SET utf8mb4 | false",
                "H2 | DROP ALL OBJECTS | true",
                "H2 | DROP SCHEMA public CASCADE | true",
                "H2 | DROP SCHEMA scratch CASCADE | false"
            })
    void dropOfASchemaHoldingAMappedTable_refusedAsASchemaChange(Dialect dialect, String sql, boolean refused) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .oldSchema(
                        switch (dialect) {
                            case POSTGRESQL -> "public";
                            case MARIADB -> "shop";
                            case H2 -> "PUBLIC";
                        })
                .build();
        RewriteResult result = r.rewrite(sql);
        if (refused) {
            assertThat(result).isInstanceOfSatisfying(Refused.class, f -> {
                assertThat(f.reason()).isEqualTo(RefusalReason.SCHEMA_CHANGE);
                assertThat(f.kind()).isEqualTo(StatementKind.DDL);
                assertThat(f.tables()).containsExactly("customers");
            });
        } else {
            assertThat(result).isInstanceOf(Untouched.class);
        }
    }
}
