package io.schemashift.invariant;

import io.schemashift.invariant.Step.Effect;
import io.schemashift.testing.TestDatabase.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated application action, independent of the database: {@link #steps} turns it into
 * the {@link Step}s of a dialect. Keys come from a small range (1–40; the seed rows are 1–12) so
 * that inserts collide, updates and deletes hit rows, and batches fail part-way.
 *
 * @param a the key (or first key) the action works on
 * @param n a count (rows of a multi-row insert or a batch) or a variant
 * @param inner the actions inside a transaction block
 */
record Op(Kind kind, int a, int n, List<Op> inner) {

    /** What the generator can do; every kind of statement the palette covers. */
    enum Kind {
        INSERT_KEY,
        INSERT_KEY_PREPARED,
        INSERT_MULTI_KEYS,
        INSERT_GENERATED,
        INSERT_GENERATED_KEYS,
        INSERT_MULTI_GENERATED,
        INSERT_RETURNING,
        INSERT_SELECT,
        /** Seed data: one row selected without FROM, inserted unless there, its key generated; a batch of them. */
        INSERT_SEED,
        /** Rows copied from the mapped table itself, their keys generated (read back on the primary). */
        INSERT_COPY,
        BATCH,
        /** A batch whose middle entry repeats a seed key: it fails. */
        BATCH_FAILING,
        UPSERT,
        UPDATE_KEY,
        UPDATE_PREDICATE,
        UPDATE_DROPPED_COLUMN,
        UPDATE_VERSIONED,
        /** The first rows after a key, by key: a MariaDB UPDATE's own ORDER BY LIMIT (a queue's claim), else a subquery. */
        UPDATE_FIRST_ROWS,
        /**
         * A job queue's claim: rows it picks itself (SKIP LOCKED, an unordered LIMIT), returning their
         * keys (PostgreSQL UPDATE, MariaDB DELETE; H2 has no RETURNING).
         */
        CLAIM,
        DELETE_KEY,
        DELETE_PREDICATE,
        /** A write inside a read: a data-modifying CTE (PG), OLD TABLE (H2), DELETE … RETURNING (MariaDB). */
        WRITE_IN_QUERY,
        TRUNCATE,
        /** DDL that changes the values of a column of the old table. */
        SCHEMA_CHANGE,
        LONG_INSERT,
        PREPARE_CALL,
        /** {@code updateRow()} on an updatable result set (the database driver's own UPDATE). */
        UPDATABLE_ROW,
        MULTI_STATEMENT,
        OTHER_SCHEMA_INSERT,
        OTHER_SCHEMA_DELETE,
        /** An unqualified INSERT on a connection moved to the other schema, moved back with SQL after it. */
        MOVED_INSERT,
        /** {@code setAutoCommit(false)}, {@link #inner}, a savepoint rolled back to when n is odd, commit or rollback. */
        TRANSACTION,
        /** Transaction control as SQL text around {@link #inner}. */
        SQL_TRANSACTION
    }

    static Op of(Kind kind, int a, int n) {
        return new Op(kind, a, n, List.of());
    }

    @Override
    public String toString() {
        return inner.isEmpty() ? kind + "(" + a + "," + n + ")" : kind + "(" + a + "," + n + ")" + inner;
    }

    /** The steps of this action on {@code m}'s database. */
    List<Step> steps(Palette p, InvariantMigration m) {
        io.schemashift.testing.TestDatabase.Kind db = m.kind;
        String name = "'P" + a + " v" + n + "'";
        return switch (kind) {
            case INSERT_KEY ->
                List.of(Step.update(
                        "INSERT one row, explicit key",
                        "INSERT INTO customers (id, name, legacy_flag, email) VALUES (" + a + ", " + name + ", "
                                + (n % 2) + ", 'p" + a + "@x')"));
            case INSERT_KEY_PREPARED ->
                List.of(Step.prepared(
                        "INSERT one row, explicit key, prepared",
                        "INSERT INTO customers (id, name, email) VALUES (?, ?, ?)",
                        a,
                        "P" + a + " v" + n,
                        "p@x"));
            case INSERT_MULTI_KEYS -> List.of(p.insertRows("INSERT multi-row, explicit keys", a, 1 + n % 3));
            case INSERT_GENERATED ->
                List.of(Step.update(
                        "INSERT one row, generated key, no RETURN_GENERATED_KEYS",
                        "INSERT INTO customers (name, email) VALUES (" + name + ", 'g@x')"));
            case INSERT_GENERATED_KEYS ->
                List.of(Step.preparedWithKeys(
                        "INSERT one row, generated key, RETURN_GENERATED_KEYS",
                        "INSERT INTO customers (name, email) VALUES (?, ?)",
                        "P gen " + n,
                        "g@x"));
            case INSERT_MULTI_GENERATED ->
                List.of(
                        n % 2 == 0
                                ? Step.update(
                                        "INSERT multi-row, generated keys, no RETURN_GENERATED_KEYS",
                                        "INSERT INTO customers (name) VALUES ('Pm " + n + "'), ('Pm " + a + "')")
                                : Step.updateWithKeys(
                                        "INSERT multi-row, generated keys, RETURN_GENERATED_KEYS",
                                        "INSERT INTO customers (name) VALUES ('Pm " + n + "'), ('Pm " + a + "')"));
            case INSERT_RETURNING ->
                List.of(
                        db == io.schemashift.testing.TestDatabase.Kind.H2
                                ? Step.query(
                                        "SELECT FROM FINAL TABLE (INSERT)",
                                        "SELECT id FROM FINAL TABLE (INSERT INTO customers (id, name) VALUES (" + a
                                                + ", " + name + "))")
                                : Step.query(
                                        "INSERT … RETURNING via executeQuery",
                                        "INSERT INTO customers (id, name) VALUES (" + a + ", " + name
                                                + ") RETURNING id"));
            case INSERT_SELECT ->
                List.of(Step.update(
                        "INSERT … SELECT from the mapped table",
                        "INSERT INTO customers (id, name, email) SELECT id + " + (100 + a)
                                + ", name, email FROM customers" + " WHERE id = " + (1 + n % 12)));
            case INSERT_SEED -> {
                String seed = "INSERT INTO customers (name, email) SELECT ?, 's@x' WHERE NOT EXISTS"
                        + " (SELECT * FROM customers WHERE name = ?)";
                if (n % 2 == 0 || db == io.schemashift.testing.TestDatabase.Kind.MARIADB) {
                    String named = "'Seed " + a % 5 + "'";
                    yield List.of(Step.update(
                            "INSERT … SELECT one row without FROM (seed), generated key", seed.replace("?", named)));
                }
                // MariaDB's bulk protocol takes no INSERT … SELECT of parameters, with or without SchemaShift
                yield List.of(Step.batch(
                        "batch of seed INSERT … SELECT, generated keys",
                        seed,
                        List.of(Palette.row("Seed " + a % 5, "Seed " + a % 5), Palette.row("Seed " + n, "Seed " + n))));
            }
            case INSERT_COPY -> {
                String copy = "INSERT INTO customers (name, email) SELECT CONCAT('Pc ', name), email FROM customers"
                        + " WHERE id BETWEEN ? AND ?";
                int from = 1 + n % 12;
                yield List.of(
                        n % 2 == 0
                                ? Step.update(
                                        "INSERT … SELECT … FROM, generated keys",
                                        copy.replaceFirst("\\?", String.valueOf(from))
                                                .replaceFirst("\\?", String.valueOf(from + a % 3)))
                                : Step.preparedWithKeys(
                                        "INSERT … SELECT … FROM, generated keys, RETURN_GENERATED_KEYS",
                                        copy,
                                        from,
                                        from + a % 3));
            }
            case BATCH -> {
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 1 + n % 4; i++) {
                    rows.add(Palette.row(a + i, "Pb " + (a + i)));
                }
                yield List.of(Step.batch(
                        "batch of prepared INSERTs", "INSERT INTO customers (id, name) VALUES (?, ?)", rows));
            }
            case BATCH_FAILING ->
                List.of(Step.batch(
                        "batch with a failing entry (duplicate key)",
                        "INSERT INTO customers (id, name) VALUES (?, ?)",
                        List.of(
                                Palette.row(a, "Pf " + a),
                                Palette.row(1 + n % 12, "Pf dup"),
                                Palette.row(a + 1, "Pf " + (a + 1)))));
            case UPSERT -> List.of(Step.update("upsert", upsert(db, name)));
            case UPDATE_KEY ->
                List.of(Step.prepared(
                        "UPDATE by key", "UPDATE customers SET name = ?, email = ? WHERE id = ?", "Pu " + n, "u@x", a));
            case UPDATE_PREDICATE ->
                List.of(Step.update(
                        "UPDATE by non-key predicate",
                        "UPDATE customers SET email = 'pred" + n + "@x' WHERE name LIKE 'P" + (a % 10) + "%'"));
            case UPDATE_DROPPED_COLUMN ->
                List.of(Step.update(
                        "UPDATE filtered on a dropped column",
                        "UPDATE customers SET email = 'flag" + n + "@x' WHERE legacy_flag = " + (n % 2)));
            case UPDATE_VERSIONED ->
                List.of(Step.prepared(
                        "versioned UPDATE",
                        "UPDATE customers SET name = ?, version = version + 1 WHERE id = ? AND version = ?",
                        "Pv " + n,
                        a,
                        n % 2));
            case UPDATE_FIRST_ROWS -> List.of(Step.update("UPDATE of the first rows by key", firstRows(db)));
            case CLAIM ->
                switch (db) {
                    case POSTGRESQL -> {
                        String claim = "UPDATE customers SET name = 'Claim " + n + "' WHERE id IN (SELECT id FROM"
                                + " customers WHERE id > " + a + " ORDER BY email FOR UPDATE SKIP LOCKED LIMIT "
                                + (1 + n % 3) + ")";
                        // returning no rows, the driver appends the RETURNING
                        yield List.of(
                                n % 2 == 0
                                        ? Step.query(
                                                "claim by SKIP LOCKED, RETURNING its keys", claim + " RETURNING id")
                                        : Step.update("claim by SKIP LOCKED, returning no rows", claim));
                    }
                    case MARIADB -> {
                        String slice = "DELETE FROM customers WHERE id > " + a + " ORDER BY email LIMIT " + (1 + n % 3);
                        yield List.of(
                                n % 2 == 0
                                        ? Step.query(
                                                "DELETE of rows an unordered LIMIT picks, RETURNING their keys",
                                                slice + " RETURNING id")
                                        : Step.update(
                                                "DELETE of rows an unordered LIMIT picks, returning no rows", slice));
                    }
                    case H2 -> List.of();
                };
            case DELETE_KEY -> List.of(Step.prepared("DELETE by key", "DELETE FROM customers WHERE id = ?", a));
            case DELETE_PREDICATE ->
                List.of(Step.update(
                        "DELETE by non-key predicate",
                        "DELETE FROM customers WHERE id > " + a + " AND id < " + (a + 1 + n % 5)));
            case WRITE_IN_QUERY ->
                List.of(
                        switch (db) {
                            case POSTGRESQL ->
                                Step.query(
                                        "data-modifying CTE (DELETE)",
                                        "WITH d AS (DELETE FROM customers WHERE id = " + a
                                                + " RETURNING id) SELECT count(*) FROM d");
                            case H2 ->
                                Step.query(
                                        "SELECT FROM OLD TABLE (DELETE)",
                                        "SELECT count(*) FROM OLD TABLE (DELETE FROM customers WHERE id = " + a + ")");
                            case MARIADB ->
                                Step.query(
                                        "DELETE … RETURNING via executeQuery",
                                        "DELETE FROM customers WHERE id = " + a + " RETURNING id");
                        });
            case TRUNCATE -> List.of(Step.update("TRUNCATE", "TRUNCATE TABLE customers"));
            case SCHEMA_CHANGE -> p.schemaChange();
            case LONG_INSERT -> List.of(p.longInsert(10_000 + a * 10));
            // MariaDB's driver takes only {call …} through prepareCall.
            case PREPARE_CALL ->
                db == io.schemashift.testing.TestDatabase.Kind.MARIADB
                        ? List.of()
                        : List.of(Step.call(
                                "INSERT via prepareCall",
                                "INSERT INTO customers (id, name) VALUES (?, ?)",
                                a,
                                "Pc " + n));
            case UPDATABLE_ROW -> List.of(Step.updatableRow("UPDATE through an updatable result set", a, "Ur " + n));
            case MULTI_STATEMENT ->
                List.of(Step.execute(
                                "multi-statement text",
                                "INSERT INTO customers (id, name) VALUES (" + a + ", " + name
                                        + "); DELETE FROM customers WHERE id = " + (1 + n % 12))
                        .partial());
            case OTHER_SCHEMA_INSERT ->
                List.of(Step.other(
                        "INSERT into the same-named table of another schema",
                        "INSERT INTO " + m.otherTable + " (id, name) VALUES (" + a + ", 'Other " + a + "')",
                        a,
                        true));
            case MOVED_INSERT -> List.of(Step.moved("INSERT on a connection moved to another schema", m, a));
            case OTHER_SCHEMA_DELETE ->
                List.of(Step.other(
                        "DELETE from the same-named table of another schema",
                        "DELETE FROM " + m.otherTable + " WHERE id = " + a,
                        a,
                        false));
            case TRANSACTION -> {
                List<Step> s = new ArrayList<>();
                s.add(Step.manualBegin());
                for (int i = 0; i < inner.size(); i++) {
                    if (n % 2 == 1 && i == inner.size() / 2) {
                        s.add(Step.savepoint());
                    }
                    s.addAll(inner.get(i).steps(p, m));
                }
                if (n % 2 == 1) {
                    s.add(Step.rollbackToSavepoint());
                }
                s.add(n % 3 == 0 ? Step.rollback() : Step.commit());
                s.add(Step.manualEnd());
                yield s;
            }
            case SQL_TRANSACTION -> {
                List<Step> s = new ArrayList<>();
                boolean begin = db != io.schemashift.testing.TestDatabase.Kind.H2
                        && (db == io.schemashift.testing.TestDatabase.Kind.POSTGRESQL || n % 2 == 0);
                s.add(
                        begin
                                ? Step.sql("BEGIN as SQL", "BEGIN", Effect.SQL_BEGIN)
                                : Step.sql("SET autocommit off as SQL", p.autocommitSql(false), Effect.MANUAL_BEGIN));
                for (Op o : inner) {
                    s.addAll(o.steps(p, m));
                }
                s.add(
                        n % 3 == 0
                                ? Step.sql("ROLLBACK as SQL", "ROLLBACK", Effect.ROLLBACK)
                                : Step.sql("COMMIT as SQL", "COMMIT", Effect.COMMIT));
                if (!begin) {
                    s.add(Step.sql("SET autocommit on as SQL", p.autocommitSql(true), Effect.MANUAL_END));
                }
                yield s;
            }
        };
    }

    private String firstRows(io.schemashift.testing.TestDatabase.Kind db) {
        String update = "UPDATE customers SET email = 'first" + n + "@x' WHERE ";
        String first = "id > " + a + " ORDER BY id LIMIT " + (1 + n % 3);
        return db == io.schemashift.testing.TestDatabase.Kind.MARIADB
                ? update + first
                : update + "id IN (SELECT id FROM customers WHERE " + first + ")";
    }

    private String upsert(io.schemashift.testing.TestDatabase.Kind db, String name) {
        return switch (db) {
            case POSTGRESQL ->
                "INSERT INTO customers (id, name) VALUES (" + a + ", " + name
                        + ") ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";
            case MARIADB ->
                "INSERT INTO customers (id, name) VALUES (" + a + ", " + name
                        + ") ON DUPLICATE KEY UPDATE name = VALUES(name)";
            case H2 -> "MERGE INTO customers (id, name) KEY (id) VALUES (" + a + ", " + name + ")";
        };
    }
}
