package io.schemashift.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A million rows per side, made on the fly and dropped after use. The test JVM has a small heap (see the module's
 * pom), smaller than one side's rows: holding them would fail with OutOfMemoryError.
 */
class OrderedStreamingTest {
    private static final int ROWS = 1_000_000;
    private static final List<String> COLUMNS = List.of("id", "payload", "amount");

    @Test
    void compare_millionOrderedRows_streamsWithoutHoldingThem() {
        CompareRules rules = CompareRules.builder().maxRows(ROWS).build();
        long start = System.nanoTime();

        ComparisonResult result = ShadowComparator.create(rules).compare(input(generated(-1), generated(-1)));

        assertThat(result.outcome()).isEqualTo(Outcome.MATCH);
        assertThat(result.primaryRows()).isEqualTo(ROWS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void compare_millionOrderedRows_findsOneChangedRowNearTheEnd() {
        CompareRules rules =
                CompareRules.builder().maxRows(ROWS).values(ValuesMode.PLAIN).build();

        MismatchReport report = ShadowComparator.create(rules)
                .compare(input(generated(-1), generated(ROWS - 3)))
                .mismatch()
                .orElseThrow();

        assertThat(report.changedRows()).isEqualTo(1);
        assertThat(report.firstDifferenceRow()).isEqualTo(ROWS - 3);
        assertThat(report.samples().get(0).key()).isEqualTo("id=" + (ROWS - 3));
    }

    private static ComparisonInput input(Iterator<Object[]> primary, Iterator<Object[]> other) {
        return ComparisonInput.builder()
                .columns(COLUMNS, COLUMNS)
                .key(List.of("id"))
                .orderBy(true)
                .rows(primary, other)
                .build();
    }

    /** Rows with a 300-character payload each, about 700 bytes a row; one row's amount differs if asked. */
    private static Iterator<Object[]> generated(int changedRow) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < ROWS;
            }

            @Override
            public Object[] next() {
                int i = next++;
                String payload = "p".repeat(290) + (1_000_000_000L + i);
                BigDecimal amount = BigDecimal.valueOf(i, 2).add(i == changedRow ? BigDecimal.ONE : BigDecimal.ZERO);
                return new Object[] {(long) i, payload, amount};
            }
        };
    }
}
