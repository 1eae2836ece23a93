package io.schemashift.rewriter;

import java.util.List;

/**
 * What decides whether an upsert updates a row or inserts one: the columns its conflict is
 * judged on (the key, PostgreSQL's {@code ON CONFLICT (email)} target, or each unique index for
 * MariaDB's {@code ON DUPLICATE KEY UPDATE}), by old name, and their values in each row it
 * writes. A row conflicts when it equals a held row on every column of one group. A driver looks
 * these rows up on each side before writing, to find a row one side holds and the other lacks.
 *
 * @param columns old column names
 * @param groups the column sets a conflict is judged on, as indexes into {@code columns}; none
 *     when no row can conflict (MariaDB, with no unique index but a generated key)
 * @param rows per row written, one source per column: a parameter or a literal of the statement
 */
public record UpsertProbe(List<String> columns, List<List<Integer>> groups, List<List<ParamSource>> rows) {

    /**
     * No row to look up: what the upsert leaves does not depend on the rows it finds (MariaDB's
     * {@code REPLACE} deletes them and inserts its values).
     */
    public static final UpsertProbe NOTHING = new UpsertProbe(List.of(), List.of(), List.of());

    public UpsertProbe {
        columns = List.copyOf(columns);
        groups = groups.stream().map(List::copyOf).toList();
        rows = List.copyOf(rows);
    }

    /** One group: every column. */
    public UpsertProbe(List<String> columns, List<List<ParamSource>> rows) {
        this(
                columns,
                List.of(java.util.stream.IntStream.range(0, columns.size())
                        .boxed()
                        .toList()),
                rows);
    }
}
