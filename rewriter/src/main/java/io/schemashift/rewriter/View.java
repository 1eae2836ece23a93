package io.schemashift.rewriter;

/**
 * A view as the database's catalog shows it: a statement through it reads or writes the tables
 * its definition names, out of the rewriter's sight.
 *
 * @param name the view's name as the catalog stores it
 * @param definition its query; {@code null} when the catalog hides it from this user (a MariaDB
 *     view without the SHOW VIEW privilege): a write through it then counts as a write to every
 *     mapped table, a read as none
 */
public record View(String name, String definition) {}
