package io.schemashift.rewriter;

/** Something in a write whose value could differ between the old and the new side. */
public enum NonDeterminism {
    /** {@code now()}, {@code current_timestamp} and friends. */
    NOW,
    /** {@code random()}, {@code rand()}. */
    RANDOM,
    /** {@code gen_random_uuid()}, {@code uuid()}, {@code random_uuid()}. */
    UUID,
    /**
     * {@code nextval(…)}, {@code setval(…)}, {@code NEXT VALUE FOR …}; a key written as {@code NULL}
     * in an INSERT, which MariaDB's {@code AUTO_INCREMENT} generates.
     */
    SEQUENCE,
    /**
     * A value the session's previous statement set, which the primary's own execution may change
     * before the mirror runs: MariaDB {@code LAST_INSERT_ID()}, {@code ROW_COUNT()}, {@code
     * FOUND_ROWS()}, PostgreSQL {@code currval(…)}, {@code lastval()}, a variable the write assigns
     * ({@code @n := @n + 1}).
     */
    SESSION,
    /**
     * Who or where the connection is, or what its session holds ({@code current_user()}, {@code
     * connection_id()}, {@code pg_backend_pid()}, a MariaDB variable {@code @v} or {@code @@v},
     * PostgreSQL's {@code current_setting(…)}): the same on the application's own connection,
     * different on a separate new database's.
     */
    CONNECTION,
    /**
     * A function the database declares volatile (PostgreSQL) or not deterministic (MariaDB, H2):
     * the application's own, an extension's or a built-in outside the lists above.
     */
    VOLATILE,
    /**
     * Rows picked by a {@code LIMIT} (or {@code FETCH}, {@code TOP}, {@code OFFSET}) without an
     * {@code ORDER BY} on the key, or by {@code SKIP LOCKED}: the other side may pick other rows.
     */
    ROW_CHOICE,
    /**
     * A statement that reads a table the mapping does not map ({@code INSERT INTO customers … SELECT …
     * FROM staging}, a subquery or a join on {@code countries}): the same table with the new schema in
     * the same database, another table (or none) in a separate new database.
     */
    UNMAPPED_READ,
    /**
     * A write to a mapped table that fires a trigger (or PostgreSQL rule) one side's table has and
     * the other's lacks at the same moment, which may change the rows: one that runs before an
     * INSERT or UPDATE (it may set the row's values), or whose definition names a mapped table; and
     * an INSERT or UPDATE of a table with a column one side computes (a generated column) and the
     * other stores ({@link TableMapping#computedOnOneSide}). It is mirrored, and the rows it writes
     * are recorded so that {@code verify} checks them; unlike the two below, the record counts: the
     * sides do differ where the trigger changed something.
     * Declared before them, so that it is the record a write with several of these leaves.
     */
    ONE_SIDED_TRIGGER,
    /**
     * A write that sets a column whose two types round a written value apart (a scale, fractional
     * seconds, float width or {@code CHAR} padding of its own on each side) to a value the driver
     * cannot judge before it runs: an expression, a {@code SELECT}'s. (A {@code ?} or a literal is
     * judged at each execution, {@link Rewritten#rounded}.) Also a {@code SET} of a column from a
     * column whose type changed, read as its old type ({@code SET label = ref}): each side spells the
     * value by its own type. Mirrored, and its rows recorded; the record counts.
     */
    ROUNDS_APART,
    /**
     * A write whose values read rows of a mapped table besides those it writes (a subquery, a
     * column of {@code UPDATE … FROM}, an {@code INSERT … SELECT} copy): the same on both sides only while they hold the same
     * rows, which they do not before the backfill ends or where a divergence waits for repair. It
     * is mirrored, and the rows it writes are recorded so that {@code verify} checks them.
     */
    READS_OTHER_ROWS,
    /**
     * A write that picks its rows by rows of a mapped table besides them (a subquery in its {@code
     * WHERE}, the items of {@code UPDATE … FROM} or {@code DELETE … USING}) and does not name the
     * one row it writes: where a row it picks by differs between the sides, each side may change
     * other rows with the same update count. Also a write that compares a PostgreSQL column whose
     * type changed from a string type by order ({@code WHERE qty < ?}), which each side's type
     * orders its own way, or that picks its rows by the spelling of a retyped column ({@code WHERE
     * length(qty) = 2}, {@code ref LIKE ?}, {@code qty::text = ?}), which each side spells its own
     * way. It is mirrored, and the rows it writes are recorded (the whole table,
     * unless the statement names their keys) so that {@code verify} checks them.
     */
    PICKS_BY_OTHER_ROWS,
    /**
     * A column the statement leaves to its default (not a key the primary generates) where the sides'
     * defaults differ: a derived new column whose sources it does not all write, or an old column
     * whose new column has another default.
     */
    DEFAULT_COLUMN;

    /**
     * Whether its value is the application's only on the application's own connection: what that
     * connection's session holds, who or where it is, a table outside the mapping (in the old
     * database). A separate new database's connection gives its own.
     */
    public boolean ofTheApplicationsConnection() {
        return this == SESSION || this == CONNECTION || this == UNMAPPED_READ;
    }

    /** Whether a write with it is mirrored all the same, and its rows recorded for {@code verify} to check. */
    public boolean mirroredAndRecorded() {
        return this == ONE_SIDED_TRIGGER
                || this == ROUNDS_APART
                || this == READS_OTHER_ROWS
                || this == PICKS_BY_OTHER_ROWS;
    }
}
