package io.schemashift.rewriter;

import java.util.Set;

/**
 * A trigger as the database's catalog shows it: a write to its table runs its definition, which
 * may change other tables inside the database.
 *
 * @param table the table it is on, by name as the catalog stores it
 * @param events the writes that fire it: {@link StatementKind#INSERT}, {@code UPDATE}, {@code
 *     DELETE}, {@code TRUNCATE}
 * @param name the trigger's name, for messages
 * @param definition what it runs: its function's definition or its statement
 * @param before whether it runs before the row changes (PostgreSQL: also a rule {@code DO INSTEAD}),
 *     when it may change the row's values
 */
public record Trigger(String table, Set<StatementKind> events, String name, String definition, boolean before) {

    public Trigger {
        events = Set.copyOf(events);
    }
}
