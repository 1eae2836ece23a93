package io.schemashift.rewriter;

/**
 * A stored procedure or function as the database's catalog shows it: what a call of it may change
 * is in its definition, not in the statement that calls it.
 *
 * @param name the routine's name as the catalog stores it (overloads share it)
 * @param definition its body or whole definition; {@code null} when the catalog hides it from
 *     this user (a MariaDB routine of another definer), which counts as touching every mapped table
 */
public record Routine(String name, String definition) {}
