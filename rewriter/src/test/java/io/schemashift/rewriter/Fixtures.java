package io.schemashift.rewriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mapping the tests use: customers → clients with renamed, dropped and derived columns. */
final class Fixtures {

    static final List<String> CUSTOMER_COLUMNS = List.of("id", "name", "email", "city", "legacy_flag", "created_at");

    private Fixtures() {}

    static TableMapping customers(Dialect dialect, boolean columnsKnown) {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("name", "full_name");
        columns.put("email", "email_address");
        columns.put("city", "town");
        columns.put("legacy_flag", null);
        return new TableMapping(
                "customers",
                "clients",
                dialect == Dialect.POSTGRESQL ? "app_v2" : null,
                List.of("id"),
                columns,
                Map.of("name_search", "lower(name)"),
                columnsKnown ? CUSTOMER_COLUMNS : List.of());
    }

    static Mapping mapping(Dialect dialect) {
        return Mapping.of(List.of(customers(dialect, true)));
    }

    static Rewriter rewriter(Dialect dialect) {
        return Rewriter.builder(mapping(dialect), dialect).build();
    }

    /** {@link #rewriter} for new tables in a separate database (none of its tables has a trigger). */
    static Rewriter separateRewriter(Dialect dialect) {
        return Rewriter.builder(mapping(dialect), dialect)
                .newTriggers(List.of())
                .build();
    }
}
