package io.schemashift.compare;

import static io.schemashift.compare.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompareMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ShadowComparator comparator = ShadowComparator.create(CompareRules.defaults())
            .withMetrics(CompareMetrics.monitor(registry, "split-name"));

    @Test
    void compare_recordsRowsAndDurationPerTable() {
        List<Object[]> three = List.of(row(1, "secret-a", 1), row(2, "secret-b", 2), row(3, "secret-c", 3));
        comparator.compare(input(Set.of("Customers"), three, three));
        comparator.compare(input(Set.of("customers"), three, three.subList(0, 1)));

        DistributionSummary rows = registry.get(CompareMetrics.ROWS_COMPARED)
                .tags("migration", "split-name", "table", "customers")
                .summary();
        Timer duration = registry.get(CompareMetrics.COMPARE_DURATION)
                .tags("migration", "split-name", "table", "customers")
                .timer();
        assertThat(rows.count()).isEqualTo(2);
        assertThat(rows.totalAmount()).isEqualTo(6);
        assertThat(rows.getId().getBaseUnit()).isEqualTo("rows");
        assertThat(rows.getId().getDescription()).isNotBlank();
        assertThat(duration.count()).isEqualTo(2);
        assertThat(duration.getId().getDescription()).isNotBlank();
    }

    @Test
    void compare_joinOrNoTable_tagsClosedNames() {
        List<Object[]> one = List.<Object[]>of(row(1, "secret", 1));
        comparator.compare(input(Set.of("orders", "customers"), one, one));
        comparator.compare(input(Set.of(), one, one));

        assertThat(registry.getMeters())
                .map(Meter::getId)
                .map(id -> id.getTag("table"))
                .containsOnly("customers,orders", "none");
        assertThat(registry.getMeters()).flatMap(m -> m.getId().getTags()).noneMatch(t -> t.getValue()
                .contains("secret"));
        assertThat(registry.getMeters()).map(m -> m.getId().getName()).allMatch(n -> n.matches("[a-z.]+"));
    }

    private static ComparisonInput input(Set<String> tables, List<Object[]> primary, List<Object[]> other) {
        return ComparisonInput.builder()
                .columns(Inputs.COLUMNS, Inputs.COLUMNS)
                .key(List.of("id"))
                .tables(tables)
                .rows(primary.iterator(), other.iterator())
                .build();
    }
}
