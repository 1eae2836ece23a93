package io.schemashift.compare;

import java.util.List;
import java.util.Set;

/** Builds comparison inputs for tests. */
final class Inputs {
    static final List<String> COLUMNS = List.of("id", "name", "amount");

    private Inputs() {}

    static Object[] row(Object... values) {
        return values;
    }

    static ComparisonInput keyed(boolean orderBy, List<Object[]> primary, List<Object[]> other) {
        return of(COLUMNS, List.of("id"), orderBy, primary, other);
    }

    static ComparisonInput of(
            List<String> columns, List<String> key, boolean orderBy, List<Object[]> primary, List<Object[]> other) {
        return ComparisonInput.builder()
                .columns(columns, columns)
                .key(key)
                .tables(Set.of("customers"))
                .orderBy(orderBy)
                .rows(primary.iterator(), other.iterator())
                .build();
    }

    static ComparisonResult compare(CompareRules rules, ComparisonInput input) {
        return ShadowComparator.create(rules).compare(input);
    }
}
