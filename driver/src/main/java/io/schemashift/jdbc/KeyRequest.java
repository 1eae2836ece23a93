package io.schemashift.jdbc;

/** How the application asked for generated keys when it prepared a statement. */
enum KeyRequest {
    /** No keys ({@code prepareStatement(sql)}, {@code NO_GENERATED_KEYS}, a result-set type). */
    NONE,
    /** {@code RETURN_GENERATED_KEYS}: the database picks the key columns. */
    GENERATED,
    /** Keys by column index. */
    BY_INDEX,
    /** Keys by column name. */
    BY_NAME
}
