package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.TableMapping.ComputedBy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A column whose two types round a written value apart ({@link ComputedBy#EACH_TABLE_ROUNDING},
 * here {@code city}: say {@code numeric(10,4)} on one side and {@code numeric(10,2)} on the other,
 * which keep 2 decimals alike): a write that sets it to a {@code ?} or a literal gives the driver
 * each value to judge at each execution ({@link Rewritten#rounded}); one that sets it to a value
 * not known before it runs is {@link NonDeterminism#ROUNDS_APART}; both are mirrored with the column
 * written on both sides. A write that leaves it alone is plain.
 */
class RoundedColumnsTest {

    private static final KeptAlike TWO_DECIMALS = new KeptAlike(KeptAlike.Measure.DECIMALS, 2);

    private static Rewriter rewriter(Dialect dialect) {
        return Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(dialect, true)
                                .withComputed(
                                        Map.of("city", ComputedBy.EACH_TABLE_ROUNDING),
                                        Map.of("city", TWO_DECIMALS),
                                        Set.of()))),
                        dialect)
                .build();
    }

    private static Rewritten rewrite(Dialect dialect, String sql) {
        RewriteResult r = rewriter(dialect).rewrite(sql);
        assertThat(r).as(sql).isInstanceOf(Rewritten.class);
        return (Rewritten) r;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, name, city) VALUES (?, ?, ?) | [[Bound[index=3]]]",
                "INSERT INTO customers (id, name, city) VALUES (1, 'a', 1.5), (2, 'b', '2.25') | [[Literal[sqlText=1.5]],"
                        + " [Literal[sqlText='2.25']]]",
                "INSERT INTO customers VALUES (1, 'a', 'e', 'c', 0, '2024-01-01') | [[Literal[sqlText='c']]]",
                "UPDATE customers SET name = ?, city = ? WHERE id = ? | [[Bound[index=2]]]",
                "UPDATE customers SET \"city\" = 'x' WHERE id = 1 | [[Literal[sqlText='x']]]",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET city = 'x'"
                        + " | [[Literal[sqlText='x']]]",
                "INSERT INTO customers (id, name, city) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET city ="
                        + " EXCLUDED.city | [[Bound[index=3]]]"
            })
    void writeSettingTheColumnToAKnownValue_judgedAtEachExecution(String sql, String values) {
        Rewritten w = rewrite(Dialect.POSTGRESQL, sql);
        assertThat(w.nondeterminism()).isEmpty();
        assertThat(w.rounded().rows()).hasToString(values);
        assertThat(w.rounded().kept()).containsOnly(TWO_DECIMALS);
        assertThat(w.newSide().sql()).as("written on the new side too").containsIgnoringCase("town");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO customers (id, name, CITY) SELECT id, name, 'x' FROM customers WHERE id = 1",
                "INSERT INTO customers (id, name, city) VALUES (1, 'a', 1.5 * 2)",
                "UPDATE customers SET city = upper(name) WHERE id = ?",
                "INSERT INTO customers (id, name, city) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET city = customers.city"
            })
    void writeSettingTheColumnToAValueNotKnownBeforeItRuns_roundsApart(String sql) {
        Rewritten w = rewrite(Dialect.POSTGRESQL, sql);
        assertThat(w.nondeterminism()).contains(NonDeterminism.ROUNDS_APART);
        assertThat(w.rounded()).isNull();
        assertThat(w.recordedThoughMirrored(false)).isEqualTo(NonDeterminism.ROUNDS_APART);
        assertThat(w.unmirrorable(false)).as("mirrored all the same").isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO customers (id, name) VALUES (?, ?)",
                "UPDATE customers SET email = ? WHERE id = ?",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = 'x'",
                "DELETE FROM customers WHERE city = ?",
                "SELECT city FROM customers WHERE id = ?"
            })
    void statementLeavingTheColumnAlone_plain(String sql) {
        Rewritten w = rewrite(Dialect.POSTGRESQL, sql);
        assertThat(w.nondeterminism()).as(sql).isEmpty();
        assertThat(w.rounded()).as(sql).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "city = VALUES(city) | [[Bound[index=3]]] | ",
                "city = ? | [[Bound[index=3], Bound[index=4]]] | ",
                "city = VALUES(name) | | ROUNDS_APART",
                "name = VALUES(name) | [[Bound[index=3]]] | "
            })
    void mariaDbUpsert_theRowsValueAndWhatTheUpdateSets(String set, String values, NonDeterminism nd) {
        String sql = "INSERT INTO customers (id, name, city) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE " + set;
        Rewritten w = rewrite(Dialect.MARIADB, sql);
        assertThat(w.nondeterminism()).as(sql).isEqualTo(nd == null ? Set.of() : Set.of(nd));
        if (values == null) {
            assertThat(w.rounded()).isNull();
        } else {
            assertThat(w.rounded().rows()).as(sql).hasToString(values);
        }
    }

    /** MariaDB's multi-table UPDATE and REPLACE are judged as the UPDATE and INSERT they rewrite as. */
    @Test
    void mariaDbMultiTableUpdateAndReplace_judgedLikeTheirSingleTableForms() {
        Rewritten joined = rewrite(
                Dialect.MARIADB,
                "UPDATE customers c JOIN orders o ON o.customer = c.id SET c.city = o.city WHERE o.id = 1");
        assertThat(joined.nondeterminism()).as("a joined table's value").contains(NonDeterminism.ROUNDS_APART);
        Rewritten bound =
                rewrite(Dialect.MARIADB, "UPDATE customers c JOIN orders o ON o.customer = c.id SET c.city = ?");
        assertThat(bound.rounded().rows()).hasToString("[[Bound[index=1]]]");
        Rewritten replaced = rewrite(Dialect.MARIADB, "REPLACE INTO customers (id, name, city) VALUES (?, ?, ?)");
        assertThat(replaced.rounded().rows()).hasToString("[[Bound[index=3]]]");
    }

    @Test
    void statementsOfOneShape_eachItsOwnLiterals() {
        Rewriter r = rewriter(Dialect.POSTGRESQL);
        for (String value : List.of("1.5", "2.125", "'3'")) {
            Rewritten w = (Rewritten) r.rewrite("UPDATE customers SET city = " + value + " WHERE id = 7");
            assertThat(w.rounded().rows()).as(value).containsExactly(List.of(new ParamSource.Literal(value)));
        }
    }
}
