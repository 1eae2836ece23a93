package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.mirror.AdjustedValues.Adjustment;
import io.schemashift.rewriter.KeptAlike;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdjustedValuesTest {

    @Test
    void of_readsCodeRowAndColumnOfMariadbsMessages() {
        assertThat(AdjustedValues.of(1265, "Data truncated for column 'code' at row 2"))
                .isEqualTo(new Adjustment(1265, 2, "code"));
        assertThat(AdjustedValues.of(1264, "Out of range value for column 'n' at row 1"))
                .isEqualTo(new Adjustment(1264, 1, "n"));
        assertThat(AdjustedValues.of(1048, "Column 'name' cannot be null")).isEqualTo(new Adjustment(1048, 0, "name"));
        assertThat(AdjustedValues.of(
                        1263, "Column set to default value; NULL supplied to NOT NULL column 'name' at row 3"))
                .isEqualTo(new Adjustment(1263, 3, "name"));
        assertThat(AdjustedValues.of(
                        1366,
                        "Incorrect integer value: 'column `x`.`y`' for column `shop`.`customers`.`code` at row 1"))
                .as("the last name: a value quoted before it may hold anything")
                .isEqualTo(new Adjustment(1366, 1, "code"));
        assertThat(AdjustedValues.of(1916, "Got overflow when converting '1e400' to DOUBLE. Value truncated"))
                .isEqualTo(new Adjustment(1916, 0, null));
    }

    @Test
    void apart_alikeAdjustmentsOfColumnsTypedApartOrUnnamed() {
        TableMapping customers = new TableMapping(
                        "customers", "clients", null, List.of("id"), Map.of("name", "full_name"), Map.of(), List.of())
                .withComputed(Map.of(), Map.of("name", KeptAlike.FITTING), Set.of());
        Mapping mapping = Mapping.of(List.of(customers));
        Set<String> tables = Set.of("customers");
        List<Adjustment> cutCode = List.of(new Adjustment(1265, 1, "code"));
        assertThat(AdjustedValues.apart(List.of(), List.of(), mapping, tables)).isFalse();
        assertThat(AdjustedValues.apart(cutCode, List.of(), mapping, tables))
                .as("one side only")
                .isTrue();
        assertThat(AdjustedValues.apart(cutCode, null, mapping, tables))
                .as("unread")
                .isTrue();
        assertThat(AdjustedValues.apart(cutCode, List.of(new Adjustment(1265, 2, "code")), mapping, tables))
                .as("another row")
                .isTrue();
        assertThat(AdjustedValues.apart(cutCode, cutCode, mapping, tables))
                .as("one type on both sides cuts alike")
                .isFalse();
        for (String named : List.of("name", "NAME", "full_name")) {
            List<Adjustment> cutName = List.of(new Adjustment(1265, 1, named));
            assertThat(AdjustedValues.apart(cutName, cutName, mapping, tables))
                    .as("two lengths cut apart, by the old or the new name: " + named)
                    .isTrue();
        }
        List<Adjustment> unnamed = List.of(new Adjustment(1916, 0, null));
        assertThat(AdjustedValues.apart(unnamed, unnamed, mapping, tables)).isTrue();
    }
}
