package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.TableMapping.ComputedBy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A column whose two types round a written value apart ({@link ComputedBy#EACH_TABLE_ROUNDING},
 * here {@code city}: say {@code numeric(10,4)} on one side and {@code numeric(10,2)} on the other):
 * a write that sets it is {@link NonDeterminism#ONE_SIDED_TRIGGER}, mirrored with the column
 * written on both sides; a write that leaves it alone is plain.
 */
class RoundedColumnsTest {

    private static Rewriter rewriter(Dialect dialect) {
        return Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(dialect, true)
                                .withComputed(Map.of("city", ComputedBy.EACH_TABLE_ROUNDING), Set.of()))),
                        dialect)
                .build();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO customers (id, name, city) VALUES (?, ?, ?)",
                "INSERT INTO customers (id, name, CITY) SELECT id, name, 'x' FROM customers WHERE id = 1",
                "INSERT INTO customers VALUES (1, 'a', 'e', 'c', 0, '2024-01-01')",
                "UPDATE customers SET name = ?, city = ? WHERE id = ?",
                "UPDATE customers SET \"city\" = 'x' WHERE id = 1",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET city = 'x'"
            })
    void writeSettingTheColumn_mirroredAndRecorded(String sql) {
        RewriteResult r = rewriter(Dialect.POSTGRESQL).rewrite(sql);
        assertThat(r).as(sql).isInstanceOfSatisfying(Rewritten.class, w -> {
            assertThat(w.nondeterminism()).contains(NonDeterminism.ONE_SIDED_TRIGGER);
            assertThat(w.newSide().sql()).as("written on the new side too").containsIgnoringCase("town");
        });
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
        assertThat(((Rewritten) rewriter(Dialect.POSTGRESQL).rewrite(sql)).nondeterminism())
                .as(sql)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"city = VALUES(name)", "name = VALUES(name)"})
    void mariaDbUpsert_recordedWhereItSetsTheColumn(String set) {
        String sql = "INSERT INTO customers (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE " + set;
        assertThat(((Rewritten) rewriter(Dialect.MARIADB).rewrite(sql)).nondeterminism())
                .as(sql)
                .isEqualTo(set.startsWith("city") ? Set.of(NonDeterminism.ONE_SIDED_TRIGGER) : Set.of());
    }
}
