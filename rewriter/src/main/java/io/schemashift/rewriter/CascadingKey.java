package io.schemashift.rewriter;

import java.util.Set;

/**
 * A foreign key whose {@code ON DELETE} or {@code ON UPDATE} action ({@code CASCADE}, {@code SET
 * NULL}, {@code SET DEFAULT}) changes a mapped table's rows when a row of its parent changes,
 * inside the database, where the other side does not do the same: the new table has no key with
 * the same columns, parent and actions, or its parent is a copy in a separate database that the
 * application's writes never reach. A write to the parent that fires it changes one side only.
 *
 * @param parent the parent table as the application writes it (a mapped parent by its old name),
 *     by name as the catalog stores it
 * @param child the mapped table whose rows it changes, by old name
 * @param name the key's name, for messages
 * @param events the parent's writes that fire it: {@link StatementKind#DELETE}, {@link
 *     StatementKind#UPDATE}
 * @param parentColumns the parent's referenced columns, lower case: an UPDATE that sets none of
 *     them fires no {@code ON UPDATE} action
 * @param description the key as {@code schemashift doctor} reports it: columns, parent and actions
 */
public record CascadingKey(
        String parent,
        String child,
        String name,
        Set<StatementKind> events,
        Set<String> parentColumns,
        String description) {

    public CascadingKey {
        events = Set.copyOf(events);
        parentColumns = Set.copyOf(parentColumns);
    }
}
