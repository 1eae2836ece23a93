package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.mirror.DivergenceLog.Divergence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceLogTest {

    private static final Instant T = Instant.parse("2026-12-06T02:00:00Z");

    @Test
    void folded_oneRowPerTableKeyReasonAndStatement_atTheLatestTime() {
        Divergence table1 = new Divergence("customers", null, "f1", "mirror_picked_by_other_rows", T);
        Divergence table2 = new Divergence("customers", null, "f1", "mirror_picked_by_other_rows", T.plusSeconds(2));
        Divergence table3 = new Divergence("customers", null, "f1", "mirror_picked_by_other_rows", T.plusSeconds(1));
        Divergence otherStatement = new Divergence("customers", null, "f2", "mirror_picked_by_other_rows", T);
        Divergence otherReason = new Divergence("customers", null, "f1", "mirror_failed", T);
        Divergence otherTable = new Divergence("orders", null, "f1", "mirror_picked_by_other_rows", T);
        Divergence row7 = new Divergence("customers", "[\"7\"]", "f1", "mirror_failed", T);
        Divergence row7Again = new Divergence("customers", "[\"7\"]", "f1", "mirror_failed", T.plusSeconds(3));
        Divergence row8 = new Divergence("customers", "[\"8\"]", "f1", "mirror_failed", T);

        assertThat(DivergenceLog.folded(List.of(
                        table1, row7, table2, otherStatement, otherReason, table3, otherTable, row7Again, row8)))
                .as("in the order each first came, at its latest time")
                .containsExactly(table2, row7Again, otherStatement, otherReason, otherTable, row8);
        List<Divergence> distinct = List.of(table1, otherStatement, row7, row8);
        assertThat(DivergenceLog.folded(distinct)).isSameAs(distinct);
    }
}
