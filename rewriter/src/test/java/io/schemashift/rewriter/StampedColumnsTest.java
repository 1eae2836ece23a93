package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A column both tables stamp with the current timestamp at every UPDATE (MariaDB's and H2's {@code
 * ON UPDATE CURRENT_TIMESTAMP}, here {@code created_at}, {@link Trigger#stamps}): each side would
 * read its own clock, so an UPDATE (or an upsert's update) that leaves it alone sets it to one
 * captured instant on both sides; one that sets it is left as written; with the stamp on one table
 * only, the write is a one-sided trigger's instead.
 */
class StampedColumnsTest {

    private static Rewriter rewriter(Dialect dialect, boolean onBoth) {
        Trigger old = stamp(dialect, "customers");
        Trigger neu = stamp(dialect, "clients");
        return Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .triggers(List.of(old))
                .newTriggers(onBoth ? List.of(neu) : List.of())
                .build();
    }

    /** {@code table}'s {@code created_at ON UPDATE CURRENT_TIMESTAMP}, as the catalog shows it. */
    private static Trigger stamp(Dialect dialect, String table) {
        boolean h2 = dialect == Dialect.H2;
        String column = h2 ? "CREATED_AT" : "created_at";
        return new Trigger(
                h2 ? table.toUpperCase(java.util.Locale.ROOT) : table,
                Set.of(StatementKind.UPDATE),
                column + " (ON UPDATE)",
                "SET NEW." + column + " = CURRENT_TIMESTAMP",
                true,
                column);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "MARIADB | UPDATE customers SET name = ? WHERE id = ?"
                        + " | UPDATE customers SET name = ?, created_at = CONVERT_TZ(CAST(? AS DATETIME(6)), '+00:00', @@session.time_zone) WHERE id = ?"
                        + " | UPDATE clients SET full_name = ?, name_search = lower(?), created_at = CONVERT_TZ(CAST(? AS DATETIME(6)), '+00:00', @@session.time_zone) WHERE id = ?",
                "H2 | UPDATE customers SET email = 'x' WHERE id = 1"
                        + " | UPDATE customers SET email = 'x', created_at = CAST(? AS TIMESTAMP WITH TIME ZONE) WHERE id = 1"
                        + " | UPDATE clients SET email_address = 'x', created_at = CAST(? AS TIMESTAMP WITH TIME ZONE)"
                        + " WHERE id = 1",
                "MARIADB | INSERT INTO customers (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = 'u'"
                        + " | INSERT INTO customers (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = 'u',"
                        + " created_at = CONVERT_TZ(CAST(? AS DATETIME(6)), '+00:00', @@session.time_zone)"
                        + " | INSERT INTO clients (id, full_name, name_search) VALUES (?, ?, lower(?)) ON DUPLICATE KEY"
                        + " UPDATE email_address = 'u', created_at = CONVERT_TZ(CAST(? AS DATETIME(6)), '+00:00', @@session.time_zone)"
            })
    void stampedOnBoth_leftAlone_oneInstantOnBothSides(Dialect dialect, String sql, String oldSide, String newSide) {
        Rewritten r = (Rewritten) rewriter(dialect, true).rewrite(sql);
        assertThat(r.oldSide().sql()).isEqualTo(oldSide);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.oldSide().bindsNow()).isTrue();
        assertThat(r.newSide().bindsNow()).isTrue();
        assertThat(r.nondeterminism()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"MARIADB", "H2"})
    void setByTheStatement_leftAsWritten(Dialect dialect) {
        String sql = "UPDATE customers SET created_at = ?, name = ? WHERE id = ?";
        Rewritten r = (Rewritten) rewriter(dialect, true).rewrite(sql);
        assertThat(r.oldSide().sql()).isEqualTo(sql);
        assertThat(r.oldSide().bindsNow()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"MARIADB", "H2"})
    void stampedOnOneTableOnly_aOneSidedTrigger(Dialect dialect) {
        Rewritten r = (Rewritten) rewriter(dialect, false).rewrite("UPDATE customers SET name = ? WHERE id = ?");
        assertThat(r.oldSide().bindsNow()).isFalse();
        assertThat(r.nondeterminism()).containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
    }
}
