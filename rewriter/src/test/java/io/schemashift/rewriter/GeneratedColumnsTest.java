package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.TableMapping.ComputedBy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Columns a table generates itself ({@link TableMapping#computedOnOneSide}, here {@code city},
 * which one table computes and the other stores; and the derived {@code name_search}, which the
 * new table computes): every INSERT and UPDATE is {@link NonDeterminism#ONE_SIDED_TRIGGER}, and
 * the new side's statement never writes a column the new table computes.
 */
class GeneratedColumnsTest {

    private static Rewriter rewriter(ComputedBy by) {
        return Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.POSTGRESQL, true)
                                .withComputed(Map.of("city", by), Map.of(), Set.of("name_search")))),
                        Dialect.POSTGRESQL)
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, name, city) VALUES (?, ?, ?)"
                        + " | INSERT INTO app_v2.clients (id, full_name) OVERRIDING SYSTEM VALUE VALUES (?, ?) | 2",
                "INSERT INTO customers VALUES (1, 'a', 'e', 'c', 0, '2024-01-01')"
                        + " | INSERT INTO app_v2.clients (id, full_name, email_address, created_at)"
                        + " OVERRIDING SYSTEM VALUE VALUES (1, 'a', 'e', '2024-01-01') | 0",
                "UPDATE customers SET name = ?, city = ? WHERE id = ?"
                        + " | UPDATE app_v2.clients SET full_name = ? WHERE id = ? | 2",
                "INSERT INTO customers (id, city) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET city = EXCLUDED.city,"
                        + " name = 'x' | INSERT INTO app_v2.clients (id) OVERRIDING SYSTEM VALUE VALUES (?) ON CONFLICT (id) DO UPDATE SET"
                        + " full_name = 'x' | 1"
            })
    void writeOfAColumnTheNewTableComputes_leftToIt(String sql, String newSide, int params) {
        RewriteResult r = rewriter(ComputedBy.NEW_TABLE).rewrite(sql);
        assertThat(r).as(sql).isInstanceOfSatisfying(Rewritten.class, w -> {
            assertThat(w.newSide().sql()).isEqualTo(newSide);
            assertThat(w.newSide().params()).hasSize(params);
            assertThat(w.nondeterminism()).containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        });
    }

    @ParameterizedTest
    @EnumSource(names = {"OLD_TABLE", "NEW_TABLE"})
    void everyWriteOfTheTable_oneSided_aReadNot(ComputedBy by) {
        Rewriter r = rewriter(by);
        for (String write : List.of(
                "INSERT INTO customers (id, name) VALUES (?, ?)",
                "UPDATE customers SET email = ? WHERE id = ?",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
            assertThat(((Rewritten) r.rewrite(write)).nondeterminism())
                    .as(write)
                    .containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        }
        assertThat(((Rewritten) r.rewrite("DELETE FROM customers WHERE id = ?")).nondeterminism())
                .isEmpty();
        assertThat(((Rewritten) r.rewrite("SELECT city FROM customers WHERE id = ?"))
                        .newSide()
                        .sql())
                .as("read under its new name")
                .isEqualTo("SELECT town AS city FROM app_v2.clients WHERE id = ?");
    }

    @ParameterizedTest
    @EnumSource(ComputedBy.class)
    void updateOfOnlyAColumnTheNewTableComputes_refused(ComputedBy by) {
        RewriteResult r = rewriter(by).rewrite("UPDATE customers SET city = ? WHERE id = ?");
        if (by == ComputedBy.NEW_TABLE) {
            assertThat(r).isInstanceOf(Refused.class);
        } else {
            assertThat(((Rewritten) r).newSide().sql()).isEqualTo("UPDATE app_v2.clients SET town = ? WHERE id = ?");
        }
    }
}
