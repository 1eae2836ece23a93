package io.schemashift.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyConditionTest {

    @Test
    void greater_singleKey_plainComparison() {
        KeyCondition c = KeyCondition.greater(Dialect.MARIADB, List.of("id"));
        assertThat(c.sql()).isEqualTo("(id > ?)");
        assertThat(c.positions()).containsExactly(0);
    }

    @Test
    void greater_compositeKeyOnPostgres_rowValue() {
        KeyCondition c = KeyCondition.greater(Dialect.POSTGRESQL, List.of("a", "b"));
        assertThat(c.sql()).isEqualTo("((a, b) > (?, ?))");
        assertThat(c.positions()).containsExactly(0, 1);
    }

    @Test
    void greater_compositeKeyOnMariadb_expandedWithRangePrefix() {
        KeyCondition c = KeyCondition.greater(Dialect.MARIADB, List.of("a", "b"));
        assertThat(c.sql()).isEqualTo("(a >= ? AND ((a > ?) OR (a = ? AND b > ?)))");
        assertThat(c.positions()).containsExactly(0, 0, 0, 1);
    }

    @Test
    void atMost_compositeKeyOnH2_includesEquality() {
        KeyCondition c = KeyCondition.atMost(Dialect.H2, List.of("a", "b"));
        assertThat(c.sql()).isEqualTo("(a <= ? AND ((a < ?) OR (a = ? AND b < ?) OR (a = ? AND b = ?)))");
        assertThat(c.positions()).containsExactly(0, 0, 0, 1, 0, 1);
    }
}
