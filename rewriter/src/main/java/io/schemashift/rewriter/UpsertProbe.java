package io.schemashift.rewriter;

import java.util.List;

/**
 * What decides whether an upsert updates a row or inserts one: the columns its conflict is
 * judged on (the key, or PostgreSQL's {@code ON CONFLICT (email)} target), by old name, and their
 * values in each row it writes. A driver looks these rows up on each side before writing, to find
 * a row one side holds and the other lacks.
 *
 * @param columns old column names
 * @param rows per row written, one source per column: a parameter or a literal of the statement
 */
public record UpsertProbe(List<String> columns, List<List<ParamSource>> rows) {

    public UpsertProbe {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
