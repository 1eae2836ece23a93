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
 * @param definition what it runs: its function's definition or its statement; {@code null} when it
 *     is not SQL to judge: the user may not read it (MariaDB without the TRIGGER privilege on its
 *     table), its function is not PL/pgSQL, or it is an H2 Java class
 * @param before whether it runs before the row changes (PostgreSQL: also a rule {@code DO INSTEAD}),
 *     when it may change the row's values
 * @param stamps the column it sets to the current timestamp when it is a column's {@code ON UPDATE
 *     CURRENT_TIMESTAMP} (MariaDB, H2), by name as the catalog stores it; {@code null} for a trigger
 * @param rule whether it is a PostgreSQL rule: a {@code DO INSTEAD} one that is conditional, or has
 *     no {@code RETURNING} of its own, refuses a write's {@code RETURNING}
 */
public record Trigger(
        String table,
        Set<StatementKind> events,
        String name,
        String definition,
        boolean before,
        String stamps,
        boolean rule) {

    public Trigger {
        events = Set.copyOf(events);
    }

    /** A trigger proper or a column's {@code ON UPDATE} (no rule). */
    public Trigger(
            String table, Set<StatementKind> events, String name, String definition, boolean before, String stamps) {
        this(table, events, name, definition, before, stamps, false);
    }

    /** A trigger proper (not a column's {@code ON UPDATE}). */
    public Trigger(String table, Set<StatementKind> events, String name, String definition, boolean before) {
        this(table, events, name, definition, before, null, false);
    }
}
