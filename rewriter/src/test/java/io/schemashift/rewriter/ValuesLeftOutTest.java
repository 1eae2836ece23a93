package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A source of a derived column that an INSERT leaves out, where the catalog says what the old
 * column stores then ({@link TableMapping#valuesLeftOut}, here {@code name} under {@code
 * name_search = lower(name)}: {@code NULL}, or a constant default): the new side computes the
 * derived column from that value, as the backfill computes it from the stored row, and the write
 * is mirrored. Where the catalog does not say so, or the row may update one whose value stays
 * (H2's {@code MERGE}), it is {@link NonDeterminism#DEFAULT_COLUMN} as before.
 */
class ValuesLeftOutTest {

    private static Rewritten rewrite(Dialect dialect, String sql, boolean nullKnown) {
        return rewrite(
                dialect, sql, nullKnown ? (dialect == Dialect.POSTGRESQL ? "CAST(NULL AS varchar)" : "NULL") : null);
    }

    /** {@code sql} rewritten where an INSERT that leaves {@code name} out stores {@code leftOut} ({@code null}: not known). */
    private static Rewritten rewrite(Dialect dialect, String sql, String leftOut) {
        TableMapping customers = Fixtures.customers(dialect, true);
        if (leftOut != null) {
            customers = customers.withDefaults(Set.of(), Map.of(), Map.of("name", leftOut));
        }
        RewriteResult r = Rewriter.builder(Mapping.of(List.of(customers)), dialect)
                .build()
                .rewrite(sql);
        assertThat(r).as(sql).isInstanceOf(Rewritten.class);
        return (Rewritten) r;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | INSERT INTO customers (id, email) VALUES (?, ?)"
                        + " | INSERT INTO app_v2.clients (id, email_address, name_search) OVERRIDING SYSTEM VALUE"
                        + " VALUES (?, ?, lower(CAST(NULL AS varchar)))",
                "POSTGRESQL | INSERT INTO customers (id, email) SELECT id + 100, email FROM customers WHERE id < ?"
                        + " | INSERT INTO app_v2.clients (id, email_address, name_search) OVERRIDING SYSTEM VALUE"
                        + " SELECT id + 100, email_address AS email, lower(CAST(NULL AS varchar)) FROM app_v2.clients"
                        + " WHERE id < ?",
                "POSTGRESQL | INSERT INTO customers (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email ="
                        + " EXCLUDED.email"
                        + " | INSERT INTO app_v2.clients (id, email_address, name_search) OVERRIDING SYSTEM VALUE"
                        + " VALUES (?, ?, lower(CAST(NULL AS varchar))) ON CONFLICT (id) DO UPDATE SET email_address ="
                        + " EXCLUDED.email_address",
                "H2 | INSERT INTO customers (id, email) VALUES (1, 'a@x'), (2, 'b@x')"
                        + " | INSERT INTO clients (id, email_address, name_search) OVERRIDING SYSTEM VALUE"
                        + " VALUES (1, 'a@x', lower(NULL)), (2, 'b@x', lower(NULL))",
                "MARIADB | INSERT INTO customers (id, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email)"
                        + " | INSERT INTO clients (id, email_address, name_search) VALUES (?, ?, lower(NULL)) ON"
                        + " DUPLICATE KEY UPDATE email_address = VALUES(email_address)"
            })
    void sourceLeftOut_derivedComputedFromItsNull(Dialect dialect, String sql, String newSide) {
        Rewritten r = rewrite(dialect, sql, true);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
        assertThat(rewrite(dialect, sql, false).nondeterminism())
                .as("without the catalog's word: left to the new column's default")
                .contains(NonDeterminism.DEFAULT_COLUMN);
    }

    @Test
    void sourceLeftOutToAConstantDefault_derivedComputedFromIt() {
        Rewritten r = rewrite(
                Dialect.POSTGRESQL, "INSERT INTO customers (id, email) VALUES (?, ?)", "CAST('it''s anon' AS varchar)");
        assertThat(r.newSide().sql())
                .isEqualTo(
                        "INSERT INTO app_v2.clients (id, email_address, name_search) OVERRIDING SYSTEM VALUE VALUES (?,"
                                + " ?, lower(CAST('it''s anon' AS varchar)))");
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    @Test
    void mergeIntoAMatchedRow_orDefaultValues_stillLeftToTheDefault() {
        assertThat(rewrite(Dialect.H2, "MERGE INTO customers (id, email) KEY (id) VALUES (?, ?)", true)
                        .nondeterminism())
                .as("a matched row keeps its name, whatever the new side would compute from NULL")
                .contains(NonDeterminism.DEFAULT_COLUMN);
        assertThat(rewrite(Dialect.POSTGRESQL, "INSERT INTO customers DEFAULT VALUES", true)
                        .nondeterminism())
                .contains(NonDeterminism.DEFAULT_COLUMN);
    }

    @Test
    void mergesInsertBranch_computedFromTheNull() {
        Rewritten r = rewrite(
                Dialect.POSTGRESQL,
                "MERGE INTO customers t USING (VALUES (?, ?)) s(id, email) ON t.id = s.id"
                        + " WHEN MATCHED THEN UPDATE SET email = s.email"
                        + " WHEN NOT MATCHED THEN INSERT (id, email) VALUES (s.id, s.email)",
                true);
        assertThat(r.newSide().sql())
                .contains("INSERT (id, email_address, name_search) OVERRIDING SYSTEM VALUE VALUES (s.id, s.email,"
                        + " lower(CAST(NULL AS varchar)))");
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    /**
     * A derived column over a column both tables default to the current time ({@code created_day =
     * CAST(created_at AS date)}), which an INSERT leaves out: the column gets the time both sides are
     * given ({@link TableMapping#clockDefaults}) and the derived column is computed from it as the
     * column stores it ({@code CAST(… AS timestamp(6))}, its {@link TableMapping#roundingTypes}
     * type): mirrored, not {@link NonDeterminism#DEFAULT_COLUMN}.
     */
    @ParameterizedTest(name = "{0}, separate {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | true | CAST(? AS timestamptz) | timestamp(6)",
                "POSTGRESQL | false | now() | timestamp(6)",
                "MARIADB | false | CONVERT_TZ(CAST(? AS DATETIME(0)), '+00:00', @@session.time_zone) | DATETIME(6)",
                "H2 | false | CAST(? AS TIMESTAMP WITH TIME ZONE) | TIMESTAMP(6)"
            })
    void clockDefaultLeftOut_derivedComputedFromTheTimeGiven(
            Dialect dialect, boolean separate, String time, String type) {
        TableMapping events = new TableMapping(
                        "customers",
                        "clients",
                        null,
                        List.of("id"),
                        Map.of(),
                        Map.of("created_day", "CAST(created_at AS date)"),
                        Fixtures.CUSTOMER_COLUMNS)
                .withDefaults(
                        Set.of(),
                        Map.of("created_at", dialect == Dialect.POSTGRESQL ? "now()" : "CURRENT_TIMESTAMP"),
                        Map.of())
                .withRoundingTypes(Map.of("created_at", type));
        Rewriter.Builder b = Rewriter.builder(Mapping.of(List.of(events)), dialect);
        Rewritten r = (Rewritten) (separate ? b.newTriggers(List.of()) : b)
                .build()
                .rewrite("INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(r.newSide().sql())
                .isEqualTo("INSERT INTO clients (id, name, created_day, created_at)"
                        + dialect.overridingIdentity() + " VALUES (?, ?, CAST(CAST(" + time + " AS " + type
                        + ") AS date), "
                        + time + ")");
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
        assertThat(r.newSide().bindsNow()).isEqualTo(time.contains("?"));
    }

    /**
     * {@code DEFAULT} written for a source of a derived column (jOOQ's multi-row INSERT gives it for
     * a value one record leaves unset; {@code SET name = DEFAULT}): the derived column is computed
     * from the value the old column then stores, where the catalog says what that is; refused
     * where it does not, as before.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, name, email) VALUES (1, 'Ann', 'a@x'), (2, DEFAULT, 'b@x')"
                        + " | INSERT INTO app_v2.clients (id, full_name, email_address, name_search) OVERRIDING SYSTEM"
                        + " VALUE VALUES (1, 'Ann', 'a@x', lower('Ann')), (2, DEFAULT, 'b@x', lower(CAST(NULL AS"
                        + " varchar)))",
                "UPDATE customers SET name = DEFAULT, email = ? WHERE id = ?"
                        + " | UPDATE app_v2.clients SET full_name = DEFAULT, email_address = ?, name_search ="
                        + " lower(CAST(NULL AS varchar)) WHERE id = ?"
            })
    void defaultWrittenForASource_derivedComputedFromItsValue(String sql, String newSide) {
        Rewritten r = rewrite(Dialect.POSTGRESQL, sql, true);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.nondeterminism()).isEmpty();
        RewriteResult unknown = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .build()
                .rewrite(sql);
        assertThat(unknown).as("without the catalog's word").isInstanceOf(Refused.class);
    }

    /**
     * A derived column over a column whose type rounds a written value ({@code numeric(10,2)}):
     * computed from the value cast to that type, what the old column stores and the backfill reads
     * ({@code 1.005} is {@code 1.01} there, so twice it is {@code 2.02}, not {@code 2.01}).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, legacy_flag) VALUES (?, ?)"
                        + " | INSERT INTO clients (id, legacy_flag, twice) OVERRIDING SYSTEM VALUE VALUES (?, ?,"
                        + " CAST(? AS numeric(10,2)) * 2)",
                "INSERT INTO customers (id, legacy_flag) VALUES (1, 1.005 + 0)"
                        + " | INSERT INTO clients (id, legacy_flag, twice) OVERRIDING SYSTEM VALUE VALUES (1, 1.005 + 0,"
                        + " CAST(1.005 + 0 AS numeric(10,2)) * 2)",
                "UPDATE customers SET legacy_flag = ? WHERE id = ?"
                        + " | UPDATE clients SET legacy_flag = ?, twice = CAST(? AS numeric(10,2)) * 2 WHERE id = ?"
            })
    void sourceOfARoundingType_derivedComputedFromTheValueAsStored(String sql, String newSide) {
        TableMapping amounts = new TableMapping(
                        "customers",
                        "clients",
                        null,
                        List.of("id"),
                        Map.of(),
                        Map.of("twice", "legacy_flag * 2"),
                        Fixtures.CUSTOMER_COLUMNS)
                .withRoundingTypes(Map.of("legacy_flag", "numeric(10,2)"));
        Rewritten r = (Rewritten) Rewriter.builder(Mapping.of(List.of(amounts)), Dialect.POSTGRESQL)
                .build()
                .rewrite(sql);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.nondeterminism()).isEmpty();
    }
}
