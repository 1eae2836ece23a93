package io.schemashift.invariant;

import io.schemashift.invariant.Step.Effect;
import io.schemashift.invariant.Step.Expect;
import io.schemashift.testing.TestDatabase.Kind;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements the invariant suite runs, per database: every statement kind an application
 * sends to a mapped table (docs/mapping.md, docs/phases.md, issue #12), in the dialect of the
 * database. {@link #workload} strings them into one deterministic run; {@link Op} builds single
 * steps for generated workloads.
 */
final class Palette {

    /** Rows in the long multi-row INSERT: about 130,000 characters of SQL. */
    static final int LONG_ROWS = 1500;

    /** Hibernate's {@code StatelessSession.upsert} on PostgreSQL 15+ and H2: id, then name. */
    private static final String HIBERNATE_MERGE = "merge into customers as t using (select cast(? as integer) id,"
            + " cast(? as varchar(100)) name) as s on (t.id=s.id) when not matched then insert (id, name)"
            + " values (s.id, s.name) when matched then update set name=s.name";

    private final Kind kind;
    private final InvariantMigration m;

    Palette(InvariantMigration m) {
        this.m = m;
        this.kind = m.kind;
    }

    /** The deterministic workload: every statement kind once, most on rows of their own. */
    List<Step> workload() {
        List<Step> w = new ArrayList<>();
        // INSERT with explicit keys
        w.add(Step.update(
                "INSERT one row, explicit key",
                "INSERT INTO customers (id, name, legacy_flag, email) VALUES (101, 'Ann 101', 1, 'a101@x')"));
        w.add(Step.prepared(
                "INSERT one row, explicit key, prepared",
                "INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)",
                102,
                "Bob 102",
                0,
                "b102@x"));
        w.add(insertRows("INSERT multi-row, explicit keys", 103, 3));
        w.add(Step.update(
                "INSERT without column list", "INSERT INTO customers VALUES (106, 'NoList 106', 0, 'n106@x', 0)"));
        w.add(Step.largeUpdate(
                "INSERT via executeLargeUpdate", "INSERT INTO customers (id, name) VALUES (107, 'Large 107')"));
        w.add(Step.update("INSERT duplicate key", "INSERT INTO customers (id, name) VALUES (101, 'Dup 101')")
                .expecting(Expect.FAILS));
        w.add(Step.update(
                "INSERT … SELECT from the mapped table",
                "INSERT INTO customers (id, name, email) SELECT id + 200, name, email FROM customers WHERE id <= 2"));
        w.add(Step.update(
                "INSERT … SELECT of a UNION, whose rows no item stands for one column of",
                "INSERT INTO customers (id, name, legacy_flag) SELECT id + 230, name, 1 FROM customers WHERE id <= 2"
                        + " UNION SELECT 240, 'Union 240', 0"));
        if (kind == Kind.POSTGRESQL) {
            w.add(Step.update(
                    "UPDATE … FROM copying another row's value",
                    "UPDATE customers SET email = r.email FROM customers r WHERE r.id = 2 AND customers.id = 3"));
        }
        if (kind == Kind.MARIADB) {
            w.add(Step.update(
                    "multi-table UPDATE through a derived table",
                    "UPDATE customers c JOIN (SELECT 103 AS id, 'joined@x' AS email) k ON k.id = c.id"
                            + " SET c.email = k.email, name = 'Joined 103'"));
            w.add(Step.update(
                    "multi-table UPDATE copying another row's value",
                    "UPDATE customers c JOIN customers r ON r.id = 2 SET c.email = r.email WHERE c.id = 3"));
            w.add(Step.update(
                    "multi-table DELETE through a derived table",
                    "DELETE c FROM customers c JOIN (SELECT 104 AS id) k ON k.id = c.id"));
        }
        if (kind == Kind.MARIADB) { // AUTO_INCREMENT generates a key given as NULL or 0
            w.add(Step.update(
                    "INSERT giving its key as NULL", "INSERT INTO customers (id, name) VALUES (NULL, 'Null key')"));
            w.add(Step.prepared(
                    "INSERT binding its key as 0", "INSERT INTO customers (id, name) VALUES (?, ?)", 0, "Zero key"));
        }
        // INSERT with generated keys
        w.add(Step.update(
                "INSERT one row, generated key, no RETURN_GENERATED_KEYS",
                "INSERT INTO customers (name, email) VALUES ('Gen plain', 'g1@x')"));
        if (kind != Kind.MARIADB) {
            w.add(Step.update("INSERT … DEFAULT VALUES", "INSERT INTO customers DEFAULT VALUES"));
        }
        w.add(Step.update(
                "INSERT with its key written as DEFAULT",
                "INSERT INTO customers (id, name, email) VALUES (DEFAULT, 'Default key', 'dk@x')"));
        w.add(Step.preparedWithKeys(
                "INSERT one row, generated key, RETURN_GENERATED_KEYS",
                "INSERT INTO customers (name, legacy_flag, email) VALUES (?, ?, ?)",
                "Gen Keys",
                1,
                "g2@x"));
        w.add(Step.preparedWithKeyColumn(
                "INSERT one row, generated key, key column names",
                "INSERT INTO customers (name, email) VALUES (?, ?)",
                kind == Kind.H2 ? "ID" : "id",
                "Gen Column",
                "g3@x"));
        w.add(Step.update(
                "INSERT multi-row, generated keys, no RETURN_GENERATED_KEYS",
                "INSERT INTO customers (name, email) VALUES ('Gen multi A', 'g4@x'), ('Gen multi B', 'g5@x')"));
        w.add(Step.updateWithKeys(
                "INSERT multi-row, generated keys, RETURN_GENERATED_KEYS",
                "INSERT INTO customers (name, email) VALUES ('Gen multi C', 'g6@x'), ('Gen multi D', 'g7@x')"));
        if (kind == Kind.H2) {
            w.add(Step.query(
                    "SELECT FROM FINAL TABLE (INSERT) via executeQuery",
                    "SELECT id FROM FINAL TABLE (INSERT INTO customers (name, email) VALUES ('Final gen', 'f@x'))"));
            w.add(Step.query(
                    "SELECT FROM FINAL TABLE (INSERT), explicit key",
                    "SELECT id FROM FINAL TABLE (INSERT INTO customers (id, name) VALUES (108, 'Final 108'))"));
        } else {
            w.add(Step.query(
                    "INSERT … RETURNING via executeQuery, explicit key",
                    "INSERT INTO customers (id, name, email) VALUES (108, 'Ret 108', 'r108@x') RETURNING id, name"));
            w.add(Step.query(
                    "INSERT … RETURNING via executeQuery, generated key",
                    "INSERT INTO customers (name, email) VALUES ('Ret gen', 'r@x') RETURNING id"));
        }
        // batches
        w.add(Step.batch(
                "batch of prepared INSERTs",
                "INSERT INTO customers (id, name, email) VALUES (?, ?, ?)",
                List.of(row(110, "Batch 110", "b@x"), row(111, "Batch 111", "b@x"), row(112, "Batch 112", "b@x"))));
        if (kind != Kind.H2) {
            // MariaDB's driver reports such a batch's counts as unknown (its bulk protocol)
            w.add(Step.batch(
                    "batch of INSERTs that skip a taken key",
                    kind == Kind.POSTGRESQL
                            ? "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING"
                            : "INSERT IGNORE INTO customers (id, name) VALUES (?, ?)",
                    List.of(row(160, "Skip 160"), row(101, "Skip 101"), row(161, "Skip 161"))));
        }
        w.add(Step.batch(
                "batch of prepared UPDATEs",
                "UPDATE customers SET email = ? WHERE id = ?",
                List.of(row("batch@x", 160), row("batch@x", 3))));
        w.add(Step.statementBatch(
                "batch of mixed statements",
                List.of(
                        "INSERT INTO customers (id, name) VALUES (113, 'Batch 113')",
                        "UPDATE customers SET name = 'Batch 110 again' WHERE id = 110",
                        "DELETE FROM customers WHERE id = 111")));
        w.add(Step.batch(
                        "batch with a failing entry (duplicate key)",
                        "INSERT INTO customers (id, name) VALUES (?, ?)",
                        List.of(row(114, "Batch 114"), row(101, "Batch dup 101"), row(115, "Batch 115")))
                .expecting(Expect.FAILS));
        w.add(Step.manualBegin());
        w.add(Step.batch(
                        "batch with a failing entry in a transaction",
                        "INSERT INTO customers (id, name) VALUES (?, ?)",
                        List.of(row(116, "Batch 116"), row(102, "Batch dup 102"), row(117, "Batch 117")))
                .expecting(Expect.FAILS));
        w.add(Step.commit());
        w.add(Step.manualEnd());
        // upserts
        w.addAll(upserts());
        // UPDATE
        w.add(Step.prepared(
                "UPDATE by key", "UPDATE customers SET name = ?, email = ? WHERE id = ?", "Renamed 1", "r1@x", 1));
        w.add(Step.update(
                "UPDATE by non-key predicate", "UPDATE customers SET email = 'seed10@x' WHERE name LIKE 'Seed 1%'"));
        w.add(Step.update(
                "UPDATE with an expression over a renamed column",
                "UPDATE customers SET name = upper(name) WHERE id IN (2, 3)"));
        w.addAll(Op.of(Op.Kind.UPDATE_FIRST_ROWS, 4, 1).steps(this, m));
        if (m.stamped != null) {
            // the stamped column written by the application: bound and literal instants with and
            // without fractional seconds, and one computed from the row
            String set = "UPDATE customers SET " + m.stamped + " = ";
            w.add(Step.prepared(
                    "UPDATE of the stamped column to a bound instant with microseconds",
                    set + "? WHERE id = 7",
                    Timestamp.valueOf("2021-05-05 10:00:00.123456")));
            w.add(Step.prepared(
                    "UPDATE of the stamped column to a bound whole second",
                    set + "? WHERE id = 8",
                    Timestamp.valueOf("2021-05-05 10:00:01")));
            w.add(Step.update(
                    "UPDATE of the stamped column to a literal with a fraction",
                    set + "TIMESTAMP '2021-06-06 11:00:00.5' WHERE id = 9"));
            w.add(Step.update(
                    "UPDATE of the stamped column to the current time", set + "CURRENT_TIMESTAMP WHERE id = 11"));
            w.add(Step.update(
                    "UPDATE of the stamped column to the local time, a keyword JSqlParser reads as a column",
                    set + "LOCALTIMESTAMP WHERE id = 6"));
            if (kind != Kind.MARIADB) {
                // time zones: an offset of the value's own, and a session in another zone
                w.add(Step.update(
                        "UPDATE of the stamped column to a string with an offset",
                        set + "'2021-07-07 12:00:00+05' WHERE id = 12"));
                w.add(Step.execute("SET TIME ZONE (Tokyo)", "SET TIME ZONE 'Asia/Tokyo'"));
                w.add(Step.update(
                        "UPDATE of the stamped column to a literal in Tokyo",
                        set + "TIMESTAMP '2021-08-08 13:00:00' WHERE id = 1"));
                w.add(Step.prepared(
                        "UPDATE of the stamped column to a bound wall clock in Tokyo",
                        set + "? WHERE id = 2",
                        java.time.LocalDateTime.parse("2021-08-08T13:00:01")));
                w.add(Step.execute("SET TIME ZONE (UTC)", "SET TIME ZONE 'UTC'"));
            }
        }
        w.add(Step.prepared(
                "UPDATE that moves a row to another key", "UPDATE customers SET id = ? WHERE id = ?", 150, 10));
        w.add(Step.prepared("UPDATE that moves it back", "UPDATE customers SET id = ? WHERE id = ?", 10, 150));
        w.add(Step.update(
                "UPDATE filtered on a dropped column", "UPDATE customers SET email = 'flag@x' WHERE legacy_flag = 1"));
        w.add(Step.update("UPDATE with a random value", "UPDATE customers SET email = " + random() + " WHERE id = 4"));
        w.add(Step.prepared(
                "versioned UPDATE (current version)",
                "UPDATE customers SET name = ?, version = version + 1 WHERE id = ? AND version = ?",
                "Versioned 5",
                5,
                0));
        w.add(Step.prepared(
                "versioned UPDATE (stale version)",
                "UPDATE customers SET name = ?, version = version + 1 WHERE id = ? AND version = ?",
                "Stale 5",
                5,
                0));
        // DELETE
        w.add(Step.prepared("DELETE by key", "DELETE FROM customers WHERE id = ?", 6));
        w.add(Step.update("DELETE by non-key predicate", "DELETE FROM customers WHERE email LIKE 'g%'"));
        w.add(
                Step.update(
                        "UPDATE picking rows through a subquery on the mapped table",
                        "UPDATE customers SET email = 'picked@x' WHERE id IN (SELECT id FROM customers WHERE name LIKE 'Ann%')"));
        if (kind != Kind.H2) {
            w.add(Step.query("DELETE … RETURNING via executeQuery", "DELETE FROM customers WHERE id = 7 RETURNING id"));
        }
        if (kind == Kind.POSTGRESQL) {
            w.add(Step.query(
                    "UPDATE … RETURNING via executeQuery",
                    "UPDATE customers SET email = 'ret@x' WHERE id = 4 RETURNING id"));
        }
        // writes inside reads
        switch (kind) {
            case POSTGRESQL -> {
                w.add(Step.query(
                        "data-modifying CTE (DELETE)",
                        "WITH d AS (DELETE FROM customers WHERE id = 8 RETURNING id) SELECT count(*) FROM d"));
                w.add(Step.query(
                        "data-modifying CTE (UPDATE)",
                        "WITH u AS (UPDATE customers SET name = 'Cte 9' WHERE id = 9 RETURNING id) SELECT id FROM u"));
                w.add(Step.query(
                        "data-modifying CTE (INSERT)",
                        "WITH i AS (INSERT INTO customers (id, name) VALUES (119, 'Cte 119') RETURNING id)"
                                + " SELECT id FROM i"));
            }
            case H2 ->
                w.add(Step.query(
                        "SELECT FROM OLD TABLE (DELETE) via executeQuery",
                        "SELECT count(*) FROM OLD TABLE (DELETE FROM customers WHERE id = 8)"));
            case MARIADB -> {
                // MariaDB has no data-modifying CTE.
            }
        }
        // other entry points (MariaDB's driver takes only {call …} through prepareCall)
        if (kind != Kind.MARIADB) {
            w.add(Step.call(
                    "INSERT via prepareCall",
                    "INSERT INTO customers (id, name, email) VALUES (?, ?, ?)",
                    120,
                    "Call 120",
                    "c@x"));
            w.add(Step.call("UPDATE via prepareCall", "UPDATE customers SET name = ? WHERE id = ?", "Call 10", 10));
        }
        w.add(Step.updatableRow("UPDATE through an updatable result set", 12, "Updatable 12"));
        if (kind != Kind.H2) { // H2's views are read-only
            w.add(Step.update("UPDATE through a view", "UPDATE customer_names SET name = 'Viewed 13' WHERE id = 13"));
        }
        // statements that carry a write the parser does not see: run by the database all the same
        switch (kind) {
            case POSTGRESQL -> {
                w.add(Step.execute(
                        "UPDATE inside a DO block",
                        "DO $$ BEGIN UPDATE customers SET name = 'Do 3' WHERE id = 3; END $$"));
                w.add(Step.execute(
                        "EXPLAIN ANALYZE of an UPDATE (it runs)",
                        "EXPLAIN ANALYZE UPDATE customers SET name = 'Explained 4' WHERE id = 4"));
                w.add(Step.execute("UPDATE inside a function", "SELECT rename_customer(5, 'Routine 5')"));
                w.add(Step.execute(
                        "UPDATE by a trigger of another table", "INSERT INTO orders (id, customer) VALUES (1, 6)"));
            }
            case MARIADB -> {
                w.add(Step.execute(
                        "ANALYZE of an UPDATE (it runs)",
                        "ANALYZE UPDATE customers SET name = 'Analyzed 4' WHERE id = 4"));
                w.add(Step.execute("UPDATE inside a procedure", "CALL rename_customer(5, 'Routine 5')"));
                w.add(Step.execute(
                        "UPDATE by a trigger of another table", "INSERT INTO orders (id, customer) VALUES (1, 6)"));
            }
            case H2 -> {
                // H2 has neither
            }
        }
        w.add(Step.execute(
                        "multi-statement text",
                        "INSERT INTO customers (id, name) VALUES (121, 'Multi 121'); UPDATE customers SET name = 'Multi 11'"
                                + " WHERE id = 11")
                .partial());
        // names: the same-named table elsewhere, the mapped table qualified, quoted, upper case
        w.add(Step.other(
                "INSERT into the same-named table of another schema",
                "INSERT INTO " + m.otherTable + " (id, name, email) VALUES (101, 'Other 101', 'o@x')",
                101,
                true));
        w.add(Step.other(
                "INSERT into the same-named table of another schema",
                "INSERT INTO " + m.otherTable + " (id, name) VALUES (130, 'Other 130')",
                130,
                true));
        w.add(Step.moved("INSERT on a connection moved to another schema", m, 131));
        w.add(Step.update(
                "UPDATE of the same-named table of another schema",
                "UPDATE " + m.otherTable + " SET name = 'Other 130b' WHERE id = 130"));
        w.add(Step.other(
                "DELETE from the same-named table of another schema",
                "DELETE FROM " + m.otherTable + " WHERE id = 101",
                101,
                false));
        w.add(Step.update(
                "UPDATE joined with the other schema's table",
                switch (kind) {
                    case POSTGRESQL ->
                        "UPDATE customers SET email = o.name FROM " + m.otherTable
                                + " o WHERE customers.id = 12 AND o.id = 130";
                    case MARIADB ->
                        "UPDATE customers c JOIN " + m.otherTable
                                + " o ON o.id = 130 SET c.email = o.name WHERE c.id = 12";
                    case H2 ->
                        "UPDATE customers SET email = (SELECT o.name FROM " + m.otherTable
                                + " o WHERE o.id = 130) WHERE id = 12";
                }));
        w.add(Step.update(
                "INSERT into the mapped table qualified with its schema",
                "INSERT INTO " + m.ownTable + " (id, name) VALUES (122, 'Qualified 122')"));
        w.add(Step.update(
                "INSERT with quoted identifiers",
                switch (kind) {
                    case POSTGRESQL -> "INSERT INTO \"customers\" (\"id\", \"name\") VALUES (123, 'Quoted 123')";
                    case MARIADB -> "INSERT INTO `customers` (`id`, `name`) VALUES (123, 'Quoted 123')";
                    case H2 -> "INSERT INTO \"CUSTOMERS\" (\"ID\", \"NAME\") VALUES (123, 'Quoted 123')";
                }));
        if (kind != Kind.MARIADB) { // MariaDB table names are case-sensitive on Linux
            w.add(Step.update(
                    "INSERT with upper-case names", "INSERT INTO CUSTOMERS (ID, NAME) VALUES (124, 'Upper 124')"));
        }
        w.add(Step.update(
                "INSERT with comments",
                "/* app */ INSERT INTO customers (id, name) /* cols */ VALUES (125, 'Commented 125') -- end"));
        // the long statement, then work on its rows
        w.add(longInsert(10_000));
        w.add(Step.update(
                "UPDATE of rows of the long statement",
                "UPDATE customers SET email = 'long@x' WHERE id >= 10000 AND id < 10010"));
        w.add(Step.update("DELETE of rows of the long statement", "DELETE FROM customers WHERE id >= 10100"));
        // transactions
        w.add(Step.manualBegin());
        w.add(Step.update("INSERT in a transaction", "INSERT INTO customers (id, name) VALUES (126, 'Tx 126')"));
        w.add(Step.update("UPDATE in a transaction", "UPDATE customers SET name = 'Tx 126 b' WHERE id = 126"));
        w.add(Step.update("DELETE in a transaction", "DELETE FROM customers WHERE id = 101"));
        w.add(Step.commit());
        w.add(Step.update(
                "INSERT in a rolled-back transaction", "INSERT INTO customers (id, name) VALUES (127, 'Tx 127')"));
        w.add(Step.update("UPDATE in a rolled-back transaction", "UPDATE customers SET name = 'Gone' WHERE id = 1"));
        w.add(Step.update("DELETE in a rolled-back transaction", "DELETE FROM customers WHERE id = 2"));
        w.add(Step.rollback());
        w.add(Step.update("INSERT before a savepoint", "INSERT INTO customers (id, name) VALUES (128, 'Sp 128')"));
        w.add(Step.savepoint());
        w.add(Step.update("INSERT after a savepoint", "INSERT INTO customers (id, name) VALUES (129, 'Sp 129')"));
        w.add(Step.update("UPDATE after a savepoint", "UPDATE customers SET name = 'Sp 128 b' WHERE id = 128"));
        w.add(Step.rollbackToSavepoint());
        w.add(Step.update(
                "INSERT after rollback to savepoint", "INSERT INTO customers (id, name) VALUES (131, 'Sp 131')"));
        w.add(Step.savepoint());
        w.add(Step.update(
                "UPDATE before releasing a savepoint", "UPDATE customers SET name = 'Sp 131 b' WHERE id = 131"));
        w.add(Step.releaseSavepoint());
        w.add(Step.commit());
        // a failed statement, then commit: PostgreSQL has aborted the transaction and rolls back
        w.add(Step.update("INSERT before a failure", "INSERT INTO customers (id, name) VALUES (136, 'Tx 136')"));
        w.add(Step.update("INSERT duplicate key in a transaction", "INSERT INTO customers (id, name) VALUES (1, 'Dup')")
                .expecting(Expect.FAILS));
        w.add(Step.commit());
        w.add(Step.manualEnd());
        // transaction control sent as SQL
        if (kind != Kind.H2) {
            w.add(Step.sql("BEGIN as SQL", "BEGIN", Effect.SQL_BEGIN));
            w.add(Step.update(
                    "INSERT after BEGIN as SQL, before a failure",
                    "INSERT INTO customers (id, name) VALUES (137, 'Sql tx 137')"));
            w.add(Step.update(
                            "INSERT duplicate key after BEGIN as SQL",
                            "INSERT INTO customers (id, name) VALUES (1, 'Dup')")
                    .expecting(Expect.FAILS));
            w.add(Step.sql("COMMIT as SQL after a failure", "COMMIT", Effect.COMMIT));
            w.add(Step.sql("BEGIN as SQL", "BEGIN", Effect.SQL_BEGIN));
            w.add(Step.update(
                    "INSERT after BEGIN as SQL", "INSERT INTO customers (id, name) VALUES (132, 'Sql tx 132')"));
            w.add(Step.sql("COMMIT as SQL", "COMMIT", Effect.COMMIT));
            w.add(Step.sql("BEGIN as SQL", "BEGIN", Effect.SQL_BEGIN));
            w.add(Step.update(
                    "INSERT after BEGIN as SQL", "INSERT INTO customers (id, name) VALUES (133, 'Sql tx 133')"));
            w.add(Step.update("UPDATE after BEGIN as SQL", "UPDATE customers SET name = 'Sql gone' WHERE id = 3"));
            w.add(Step.sql("ROLLBACK as SQL", "ROLLBACK", Effect.ROLLBACK));
        }
        if (kind != Kind.POSTGRESQL) {
            w.add(Step.sql("SET autocommit off as SQL", autocommitSql(false), Effect.MANUAL_BEGIN));
            w.add(Step.update(
                    "INSERT with autocommit off as SQL",
                    "INSERT INTO customers (id, name) VALUES (134, 'Sql ac 134')"));
            w.add(Step.sql("ROLLBACK as SQL", "ROLLBACK", Effect.ROLLBACK));
            w.add(Step.update(
                    "INSERT with autocommit off as SQL",
                    "INSERT INTO customers (id, name) VALUES (135, 'Sql ac 135')"));
            w.add(Step.sql("COMMIT as SQL", "COMMIT", Effect.COMMIT));
            w.add(Step.sql("SET autocommit on as SQL", autocommitSql(true), Effect.MANUAL_END));
        }
        // DDL that changes the old table's values, then a write the mirror takes as before
        w.addAll(schemaChange());
        w.add(Step.update("UPDATE after DDL", "UPDATE customers SET email = 'after-ddl@x' WHERE id = 4"));
        // TRUNCATE, then life goes on
        w.add(Step.update("TRUNCATE", "TRUNCATE TABLE customers"));
        w.add(insertRows("INSERT multi-row, explicit keys", 140, 2));
        w.add(Step.preparedWithKeys(
                "INSERT one row, generated key, RETURN_GENERATED_KEYS",
                "INSERT INTO customers (name, email) VALUES (?, ?)",
                "After truncate",
                "t@x"));
        return w;
    }

    private List<Step> upserts() {
        return switch (kind) {
            case POSTGRESQL ->
                List.of(
                        Step.update(
                                "upsert updating an existing row",
                                "INSERT INTO customers (id, name, email) VALUES (103, 'Upsert 103', 'u@x')"
                                        + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email"),
                        Step.update(
                                "upsert inserting a new row",
                                "INSERT INTO customers (id, name) VALUES (118, 'Upsert 118')"
                                        + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"),
                        Step.update(
                                "upsert doing nothing",
                                "INSERT INTO customers (id, name) VALUES (104, 'Nothing 104') ON CONFLICT DO NOTHING"),
                        Step.update(
                                "upsert on a named constraint",
                                "INSERT INTO customers (id, name) VALUES (105, 'Constraint 105')"
                                        + " ON CONFLICT ON CONSTRAINT customers_pkey DO UPDATE SET name = EXCLUDED.name"),
                        Step.prepared("MERGE by key (Hibernate's upsert)", HIBERNATE_MERGE, 106, "Merged 106"));
            case MARIADB ->
                List.of(
                        Step.update(
                                "upsert updating an existing row",
                                "INSERT INTO customers (id, name, email) VALUES (103, 'Upsert 103', 'u@x')"
                                        + " ON DUPLICATE KEY UPDATE name = VALUES(name), email = VALUES(email)"),
                        Step.update(
                                "upsert inserting a new row",
                                "INSERT INTO customers (id, name) VALUES (118, 'Upsert 118')"
                                        + " ON DUPLICATE KEY UPDATE name = VALUES(name)"),
                        Step.update(
                                "upsert doing nothing",
                                "INSERT IGNORE INTO customers (id, name) VALUES (104, 'Nothing 104')"),
                        Step.update(
                                "multi-row upsert, generated keys",
                                "INSERT INTO customers (name, email) VALUES ('Upsert gen A', 'ug1@x'),"
                                        + " ('Upsert gen B', 'ug2@x') ON DUPLICATE KEY UPDATE name = VALUES(name)"),
                        Step.update(
                                "REPLACE INTO",
                                "REPLACE INTO customers (id, name, email) VALUES (105, 'Replaced 105', 'x@x')"),
                        Step.prepared(
                                "INSERT … SET",
                                "INSERT INTO customers SET id = ?, name = ?, email = 's@x'",
                                119,
                                "Set 119"),
                        Step.update(
                                "INSERT … SET updating an existing row",
                                "INSERT INTO customers SET id = 118, name = 'Set 118' ON DUPLICATE KEY UPDATE name ="
                                        + " VALUES(name)"));
            case H2 ->
                List.of(
                        Step.update(
                                "upsert updating an existing row",
                                "MERGE INTO customers (id, name, email) KEY (id) VALUES (103, 'Upsert 103', 'u@x')"),
                        Step.update(
                                "upsert inserting a new row",
                                "MERGE INTO customers (id, name) KEY (id) VALUES (118, 'Upsert 118')"),
                        Step.update(
                                "MERGE INTO … USING",
                                "MERGE INTO customers c USING (VALUES (105, 'Merged 105')) s(id, name) ON c.id = s.id"
                                        + " WHEN MATCHED THEN UPDATE SET name = s.name"
                                        + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)"),
                        Step.prepared("MERGE by key (Hibernate's upsert)", HIBERNATE_MERGE, 119, "Merged 119"));
        };
    }

    /** A multi-row INSERT of {@code n} rows with explicit keys from {@code first}. */
    Step insertRows(String label, int first, int n) {
        StringBuilder sql = new StringBuilder("INSERT INTO customers (id, name, legacy_flag, email) VALUES ");
        for (int i = 0; i < n; i++) {
            int id = first + i;
            sql.append(i == 0 ? "" : ", ")
                    .append("(")
                    .append(id)
                    .append(", 'Row ")
                    .append(id)
                    .append("', ")
                    .append(id % 2)
                    .append(", 'row")
                    .append(id)
                    .append("@x')");
        }
        return Step.update(label, sql.toString());
    }

    /** The long multi-row INSERT: {@link #LONG_ROWS} rows, about 130,000 characters. */
    /** DDL that changes the emails the old table holds and keeps its shape (the column where it was). */
    List<Step> schemaChange() {
        String label = "DDL that changes a column's values";
        return switch (kind) {
            case POSTGRESQL ->
                List.of(Step.update(
                        label, "ALTER TABLE customers ALTER COLUMN email TYPE VARCHAR(100) USING upper(email)"));
            case MARIADB ->
                List.of(Step.update(
                        label,
                        "ALTER TABLE customers DROP COLUMN email, ADD COLUMN email VARCHAR(100) AFTER legacy_flag"));
            // H2 drops and adds in two statements: sent as one text, the snapshot between them never sees no column
            case H2 ->
                List.of(Step.update(
                        label,
                        "ALTER TABLE customers DROP COLUMN email; ALTER TABLE customers ADD COLUMN email VARCHAR(100)"
                                + " AFTER legacy_flag"));
        };
    }

    Step longInsert(int first) {
        StringBuilder sql = new StringBuilder("INSERT INTO customers (id, name, legacy_flag, email) VALUES ");
        for (int i = 0; i < LONG_ROWS; i++) {
            int id = first + i;
            sql.append(i == 0 ? "" : ", ")
                    .append(String.format(
                            "(%d, 'Long row number %05d of a long statement', %d, 'long%05d@example.com')",
                            id, id, id % 2, id));
        }
        return Step.update("INSERT multi-row, long (~130,000 characters)", sql.toString());
    }

    String random() {
        return switch (kind) {
            case POSTGRESQL -> "md5(random()::text)";
            case MARIADB -> "md5(rand())";
            case H2 -> "CAST(RAND() AS VARCHAR)";
        };
    }

    String autocommitSql(boolean on) {
        return kind == Kind.H2 ? "SET AUTOCOMMIT " + (on ? "TRUE" : "FALSE") : "SET autocommit = " + (on ? 1 : 0);
    }

    static Object[] row(Object... values) {
        return values;
    }
}
