package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: one statement per construct and dialect, and the exact new-side text or refusal. */
class GoldenTest {

    static Stream<Arguments> rewritten() {
        return Stream.of(
                // SELECT
                pg(
                        "SELECT id, name FROM customers WHERE id = ?",
                        "SELECT id, full_name AS name FROM app_v2.clients WHERE id = ?"),
                my(
                        "SELECT id, name FROM customers WHERE id = ?",
                        "SELECT id, full_name AS name FROM clients WHERE id = ?"),
                h2(
                        "SELECT id, name FROM customers WHERE id = ?",
                        "SELECT id, full_name AS name FROM clients WHERE id = ?"),
                pg(
                        "SELECT customers.name FROM customers",
                        "SELECT app_v2.clients.full_name AS name FROM app_v2.clients"),
                pg(
                        "SELECT c.name n, o.total FROM customers c JOIN orders o ON o.customer_id = c.id",
                        "SELECT c.full_name n, o.total FROM app_v2.clients c JOIN orders o ON o.customer_id = c.id"),
                h2(
                        "SELECT * FROM customers ORDER BY name",
                        "SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM clients ORDER BY full_name"),
                my(
                        "SELECT c.*, o.total FROM customers c JOIN orders o ON o.customer_id = c.id",
                        "SELECT c.id, c.full_name AS name, c.email_address AS email, c.town AS city, c.created_at, o.total FROM clients c JOIN orders o ON o.customer_id = c.id"),
                pg(
                        "SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id",
                        "SELECT c.id, c.full_name AS name, c.email_address AS email, c.town AS city, c.created_at, o.* FROM app_v2.clients c JOIN orders o ON o.customer_id = c.id"),
                h2(
                        "SELECT city, count(*) AS n FROM customers GROUP BY city HAVING count(*) > 1 ORDER BY city",
                        "SELECT town AS city, count(*) AS n FROM clients GROUP BY town HAVING count(*) > 1 ORDER BY town"),
                pg(
                        "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > ?) LIMIT 10 OFFSET 5",
                        "SELECT full_name AS name FROM app_v2.clients WHERE id IN (SELECT customer_id FROM orders WHERE total > ?) LIMIT 10 OFFSET 5"),
                my(
                        "WITH x AS (SELECT id, email FROM customers) SELECT email FROM x",
                        "WITH x AS (SELECT id, email_address AS email FROM clients) SELECT email FROM x"),
                h2(
                        "SELECT name FROM customers UNION SELECT city FROM customers",
                        "SELECT full_name AS name FROM clients UNION SELECT town AS city FROM clients"),
                pg(
                        "SELECT * FROM customers ORDER BY 4, 1",
                        "SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM"
                                + " app_v2.clients ORDER BY 4, 1"),
                h2(
                        "SELECT * FROM customers UNION SELECT * FROM customers ORDER BY 2",
                        "SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM clients UNION"
                                + " SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM"
                                + " clients ORDER BY 2"),
                // a column in parentheses is labelled with its name, as the column itself
                pg(
                        "SELECT (name), ((c.city)) FROM customers c",
                        "SELECT (full_name) AS name, ((c.town)) AS city FROM app_v2.clients c"),
                my("SELECT (name) FROM customers", "SELECT (full_name) AS name FROM clients"),
                h2("SELECT (name) FROM customers", "SELECT (full_name) AS name FROM clients"),
                // DISTINCT ON's expressions pick rows, they label nothing
                pg(
                        "SELECT DISTINCT ON (city, lower(c.name)) city, name FROM customers c ORDER BY city, lower(c.name)",
                        "SELECT DISTINCT ON (town, lower(c.full_name)) town AS city, full_name AS name FROM app_v2.clients c"
                                + " ORDER BY town, lower(c.full_name)"),
                my("SELECT lower(name) FROM customers", "SELECT lower(full_name) AS `lower(name)` FROM clients"),
                // H2 labels a computed item with its own printing of it: the new side keeps the old label
                h2(
                        "SELECT upper(name) FROM customers WHERE id IN (1, 2)",
                        "SELECT upper(full_name) AS \"UPPER(NAME)\" FROM clients WHERE id IN (1, 2)"),
                h2(
                        "SELECT c.id, coalesce(c.city, 'n/a') || '-' || (c.name) FROM customers c",
                        "SELECT c.id, coalesce(c.town, 'n/a') || '-' || (c.full_name) AS \"COALESCE(C.CITY, 'n/a') || '-' || C.NAME\" FROM clients c"),
                h2(
                        "SELECT customers.id * 2, count(DISTINCT city) FROM customers GROUP BY customers.id",
                        "SELECT clients.id * 2 AS \"CUSTOMERS.ID * 2\", count(DISTINCT town) AS \"COUNT(DISTINCT CITY)\" FROM clients GROUP BY clients.id"),
                // a select list inside an expression has labels no one reads
                h2("SELECT (SELECT max(name) FROM customers) AS m", "SELECT (SELECT max(full_name) FROM clients) AS m"),
                h2(
                        "SELECT id FROM customers c WHERE EXISTS (SELECT substring(name, 1, 1) FROM customers d WHERE d.id = c.id)",
                        "SELECT id FROM clients c WHERE EXISTS (SELECT substring(full_name, 1, 1) FROM clients d WHERE d.id = c.id)"),
                pg("SELECT \"name\" FROM \"customers\"", "SELECT full_name AS \"name\" FROM app_v2.clients"),
                h2("SELECT NAME FROM CUSTOMERS", "SELECT full_name AS NAME FROM clients"),
                pg(
                        "/*+ IndexScan(c) */ SELECT name -- why\n FROM customers c",
                        "/*+ IndexScan(c) */ SELECT full_name AS name -- why\n FROM app_v2.clients c"),
                pg(
                        "SELECT name FROM customers WHERE name = '?' AND id = ?",
                        "SELECT full_name AS name FROM app_v2.clients WHERE full_name = '?' AND id = ?"),
                my(
                        "SELECT `name`, `City` FROM `customers` WHERE `id` = ?",
                        "SELECT full_name AS `name`, town AS `City` FROM clients WHERE `id` = ?"),
                my(
                        "SELECT * FROM customers WHERE id = ? /* tail */",
                        "SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM clients WHERE id = ? /* tail */"),
                h2(
                        "SELECT c.* FROM customers c -- note\n WHERE c.id = ?",
                        "SELECT c.id, c.full_name AS name, c.email_address AS email, c.town AS city, c.created_at FROM clients c -- note\n WHERE c.id = ?"),
                h2(
                        "SELECT name FROM customers WHERE city IN (?, ?) AND email LIKE ? LIMIT 5 OFFSET 2",
                        "SELECT full_name AS name FROM clients WHERE town IN (?, ?) AND email_address LIKE ? LIMIT 5 OFFSET 2"),
                pg(
                        "SELECT city, count(*) FROM customers GROUP BY city HAVING count(*) > ? ORDER BY city",
                        "SELECT town AS city, count(*) FROM app_v2.clients GROUP BY town HAVING count(*) > ? ORDER BY town"),
                // INSERT
                pg(
                        "INSERT INTO customers(id, name) VALUES (?, ?)",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?))"),
                my(
                        "INSERT INTO customers(id, name, legacy_flag) VALUES (1, 'a', 1), (2, ?, 0)",
                        "INSERT INTO clients(id, full_name, name_search) VALUES (1, 'a', lower('a')), (2, ?, lower(?))"),
                h2(
                        "INSERT INTO customers VALUES (1, 'a', 'e', 'c', true, NULL)",
                        "INSERT INTO clients (id, full_name, email_address, town, created_at, name_search) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 'e', 'c', NULL, lower('a'))"),
                pg(
                        "INSERT INTO customers(id, name) SELECT customer_id, 'x' || total FROM orders",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE SELECT customer_id, 'x' || total, lower(('x' || total)) FROM orders"),
                pg(
                        "INSERT INTO customers(id, city) VALUES (?, ?) RETURNING id, city",
                        "INSERT INTO app_v2.clients(id, town) OVERRIDING SYSTEM VALUE VALUES (?, ?) RETURNING id, town AS city"),
                h2(
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?), (?, ?, ?)",
                        "INSERT INTO clients(id, full_name, town, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?, lower(?)), (?, ?, ?, lower(?))"),
                h2(
                        "INSERT INTO customers(id, name) SELECT customer_id, CONCAT('o', total) FROM orders",
                        "INSERT INTO clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE SELECT customer_id, CONCAT('o', total), lower((CONCAT('o', total))) FROM orders"),
                my(
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) RETURNING id, name",
                        "INSERT INTO clients(id, full_name, town, name_search) VALUES (?, ?, ?, lower(?)) RETURNING id, full_name AS name"),
                my(
                        "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)",
                        "INSERT INTO clients (id, full_name, email_address, town, created_at, name_search) VALUES (?, ?, ?, ?, ?, lower(?))"),
                // eight rows or more: rows after the first are not parsed, the tail after them is
                pg(
                        "INSERT INTO customers(id, name, city) VALUES " + times(8, "(?, ?, ?)")
                                + " ON CONFLICT (id) DO UPDATE SET city = EXCLUDED.city RETURNING id, city",
                        "INSERT INTO app_v2.clients(id, full_name, town, name_search) OVERRIDING SYSTEM VALUE VALUES "
                                + times(8, "(?, ?, ?, lower(?))")
                                + " ON CONFLICT (id) DO UPDATE SET town = EXCLUDED.town RETURNING id, town AS city"),
                h2(
                        "INSERT INTO customers(id, legacy_flag, name, city) VALUES (1, true, 'a', 'x'), "
                                + times(8, "(-2, NULL, 'it''s', DEFAULT)") + " -- bulk",
                        "INSERT INTO clients(id, full_name, town, name_search) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 'x', lower('a')), "
                                + times(8, "(-2, 'it''s', DEFAULT, lower('it''s'))") + " -- bulk"),
                my(
                        "INSERT INTO customers(id, name) VALUES (?, ?), " + times(7, "(?, upper(?))")
                                + " ON DUPLICATE KEY UPDATE name = VALUES(name)",
                        "INSERT INTO clients(id, full_name, name_search) VALUES (?, ?, lower(?)), "
                                + times(7, "(?, upper(?), lower((upper(?))))")
                                + " ON DUPLICATE KEY UPDATE full_name = VALUES(full_name), name_search = lower(full_name)"),
                // UPDATE / DELETE
                pg(
                        "UPDATE customers SET name = ? WHERE id = ?",
                        "UPDATE app_v2.clients SET full_name = ?, name_search = lower(?) WHERE id = ?"),
                my(
                        "UPDATE customers SET name = upper(name) WHERE id = 3",
                        "UPDATE clients SET full_name = upper(full_name), name_search = lower(full_name) WHERE id = 3"),
                h2(
                        "UPDATE customers SET city = ?, legacy_flag = ? WHERE email = ?",
                        "UPDATE clients SET town = ? WHERE email_address = ?"),
                pg(
                        "DELETE FROM customers WHERE city = ? RETURNING name",
                        "DELETE FROM app_v2.clients WHERE town = ? RETURNING full_name AS name"),
                h2(
                        "DELETE FROM customers WHERE name = ? AND id IN (SELECT customer_id FROM orders)",
                        "DELETE FROM clients WHERE full_name = ? AND id IN (SELECT customer_id FROM orders)"),
                my(
                        "DELETE FROM customers WHERE city = ? RETURNING id, name",
                        "DELETE FROM clients WHERE town = ? RETURNING id, full_name AS name"),
                h2(
                        "UPDATE customers SET name = ?, email = ? WHERE city = ?",
                        "UPDATE clients SET full_name = ?, email_address = ?, name_search = lower(?) WHERE town = ?"),
                my(
                        "UPDATE `customers` SET `name` = ? WHERE `id` = ?",
                        "UPDATE clients SET full_name = ?, name_search = lower(?) WHERE `id` = ?"),
                // a row of columns set from a row of values: one assignment per column on the new side
                pg(
                        "UPDATE customers SET (name, email) = (?, ?) WHERE id = ?",
                        "UPDATE app_v2.clients SET full_name = ?, email_address = ?, name_search = lower(?) WHERE id = ?"),
                h2(
                        "UPDATE customers SET (city, legacy_flag) = (upper(?), 1), email = ? WHERE id = ?",
                        "UPDATE clients SET town = upper(?), email_address = ? WHERE id = ?"),
                h2(
                        "UPDATE customers SET ( name ) = ( SELECT max(total) || '' FROM orders ), email = ? WHERE id = ?",
                        "UPDATE clients SET full_name = ( SELECT max(total) || '' FROM orders ), email_address = ?, name_search = lower((( SELECT max(total) || '' FROM orders ))) WHERE id = ?"),
                // a parameter right before || or &&: not PostgreSQL's ?| and ?& operators
                pg(
                        "SELECT c.id FROM customers c WHERE c.name LIKE '%'||?||'%' AND c.city ILIKE ('%'||?||'%')",
                        "SELECT c.id FROM app_v2.clients c WHERE c.full_name LIKE '%'||?||'%' AND c.town ILIKE"
                                + " ('%'||?||'%')"),
                h2(
                        "SELECT id FROM customers WHERE ?||'x' = name AND city = ?&&email = ?",
                        "SELECT id FROM clients WHERE ?||'x' = full_name AND town = ?&&email_address = ?"),
                pg(
                        "UPDATE customers SET name = ?||'-'||name WHERE id = ?",
                        "UPDATE app_v2.clients SET full_name = ?||'-'||full_name, name_search = lower((?||'-'||full_name))"
                                + " WHERE id = ?"),
                // MariaDB's own share lock (Hibernate's and jOOQ's PESSIMISTIC_READ there), kept as written
                my(
                        "select c1_0.id,c1_0.name from customers c1_0 where c1_0.id=? lock in share mode",
                        "select c1_0.id,c1_0.full_name AS name from clients c1_0 where c1_0.id=? lock in share mode"),
                my(
                        "SELECT * FROM customers WHERE id = ? LOCK IN SHARE MODE NOWAIT;",
                        "SELECT id, full_name AS name, email_address AS email, town AS city, created_at FROM clients WHERE"
                                + " id = ? LOCK IN SHARE MODE NOWAIT;"),
                my(
                        "SELECT name FROM customers WHERE city = ? LOCK /* s */ IN SHARE MODE WAIT 5",
                        "SELECT full_name AS name FROM clients WHERE town = ? LOCK /* s */ IN SHARE MODE WAIT 5"),
                my(
                        "SELECT id FROM customers WHERE city = ? ORDER BY id LIMIT 3 LOCK IN SHARE MODE SKIP LOCKED",
                        "SELECT id FROM clients WHERE town = ? ORDER BY id LIMIT 3 LOCK IN SHARE MODE SKIP LOCKED"),
                // MariaDB's select modifiers in any order, and its MOD operator, kept as written
                my(
                        "SELECT DISTINCT SQL_CALC_FOUND_ROWS SQL_NO_CACHE name FROM customers WHERE id MOD 2 = ? LIMIT 10",
                        "SELECT DISTINCT SQL_CALC_FOUND_ROWS SQL_NO_CACHE full_name AS name FROM clients WHERE id MOD 2 = ? LIMIT 10"),
                my(
                        "SELECT HIGH_PRIORITY STRAIGHT_JOIN c.name FROM customers c WHERE c.id = ?",
                        "SELECT HIGH_PRIORITY STRAIGHT_JOIN c.full_name AS name FROM clients c WHERE c.id = ?"),
                my(
                        "UPDATE customers SET city = ? WHERE (id MOD ?) = MOD(?, 7)",
                        "UPDATE clients SET town = ? WHERE (id MOD ?) = MOD(?, 7)"),
                my(
                        "SELECT id MOD 3 AS mod FROM customers ORDER BY mod DESC, MOD (id, 2)",
                        "SELECT id MOD 3 AS mod FROM clients ORDER BY mod DESC, MOD (id, 2)"),
                // MariaDB's BINARY operator (a case-sensitive match), kept as written
                my(
                        "UPDATE customers SET email = ? WHERE BINARY name = ?",
                        "UPDATE clients SET email_address = ? WHERE BINARY full_name = ?"),
                my(
                        "SELECT id FROM customers WHERE (BINARY city = ? OR name = BINARY ?) ORDER BY BINARY name, id",
                        "SELECT id FROM clients WHERE (BINARY town = ? OR full_name = BINARY ?) ORDER BY BINARY full_name, id"),
                my(
                        "SELECT id FROM customers WHERE name LIKE BINARY 'A%' AND NOT BINARY city <=> ?",
                        "SELECT id FROM clients WHERE full_name LIKE BINARY 'A%' AND NOT BINARY town <=> ?"),
                // INSERT … SELECT whose rows no item stands for one column of: named by position in a CTE
                pg(
                        "INSERT INTO customers(id, name) SELECT ?, ? UNION ALL SELECT ?, ?",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE WITH schemashift_rows (c1, c2) AS (SELECT"
                                + " ?, ? UNION ALL SELECT ?, ?) SELECT c1, c2, lower((c2)) FROM schemashift_rows"),
                my(
                        "INSERT INTO customers (id, name, legacy_flag) SELECT * FROM staging UNION SELECT 1, 'x', 0",
                        "INSERT INTO clients (id, full_name, name_search) WITH schemashift_rows (c1, c2, c3) AS (SELECT *"
                                + " FROM staging UNION SELECT 1, 'x', 0) SELECT c1, c2, lower((c2)) FROM schemashift_rows"),
                h2(
                        "INSERT INTO customers (id, name) (SELECT id + 100, CONCAT('s', ?) FROM orders)",
                        "INSERT INTO clients (id, full_name, name_search) OVERRIDING SYSTEM VALUE WITH schemashift_rows (c1, c2) AS ((SELECT id +"
                                + " 100, CONCAT('s', ?) FROM orders)) SELECT c1, c2, lower((c2)) FROM schemashift_rows"),
                // an escape string with a backslash-escaped quote
                pg(
                        "SELECT id FROM customers WHERE name = E'it\\'s' AND city <> E'a\\\\' AND email = ?",
                        "SELECT id FROM app_v2.clients WHERE full_name = E'it\\'s' AND town <> E'a\\\\' AND"
                                + " email_address = ?"),
                pg(
                        "UPDATE customers SET city = $q$O'Hare$q$ WHERE name = $$it's$$ AND id = ?",
                        "UPDATE app_v2.clients SET town = $q$O'Hare$q$ WHERE full_name = $$it's$$ AND id = ?"),
                // a collation JSqlParser takes only as one bare word
                pg(
                        "SELECT id, name FROM customers WHERE name ILIKE ? ORDER BY name COLLATE \"C\", city COLLATE"
                                + " pg_catalog.\"default\"",
                        "SELECT id, full_name AS name FROM app_v2.clients WHERE full_name ILIKE ? ORDER BY full_name"
                                + " COLLATE \"C\", town COLLATE pg_catalog.\"default\""),
                my(
                        "SELECT name FROM customers WHERE city COLLATE 'utf8mb4_bin' = ?",
                        "SELECT full_name AS name FROM clients WHERE town COLLATE 'utf8mb4_bin' = ?"),
                // a locking clause naming the table (jOOQ's forUpdate().of(CUSTOMERS))
                pg(
                        "SELECT id FROM customers WHERE id = ? FOR UPDATE OF customers NOWAIT",
                        "SELECT id FROM app_v2.clients WHERE id = ? FOR UPDATE OF clients NOWAIT"),
                pg(
                        "SELECT c.id FROM customers c JOIN orders o ON o.customer_id = c.id FOR SHARE OF c",
                        "SELECT c.id FROM app_v2.clients c JOIN orders o ON o.customer_id = c.id FOR SHARE OF c"),
                // a VALUES list as a derived table beside a mapped one
                pg(
                        "SELECT * FROM (VALUES (1, 'a')) AS v(x, y) JOIN customers c ON c.id = v.x",
                        "SELECT v.*, c.id, c.full_name AS name, c.email_address AS email, c.town AS city, c.created_at FROM"
                                + " (VALUES (1, 'a')) AS v(x, y) JOIN app_v2.clients c ON c.id = v.x"),
                // MariaDB select modifiers JSqlParser reads as a column aliased by the next item
                my(
                        "SELECT HIGH_PRIORITY SQL_BUFFER_RESULT name, c.city FROM customers c JOIN orders o ON o.customer_id = c.id",
                        "SELECT HIGH_PRIORITY SQL_BUFFER_RESULT full_name AS name, c.town AS city FROM clients c JOIN orders o ON"
                                + " o.customer_id = c.id"),
                // TRUNCATE
                pg("TRUNCATE TABLE customers", "TRUNCATE TABLE app_v2.clients"),
                pg("TRUNCATE customers RESTART IDENTITY", "TRUNCATE app_v2.clients RESTART IDENTITY"),
                pg(
                        "TRUNCATE TABLE ONLY customers CONTINUE IDENTITY",
                        "TRUNCATE TABLE ONLY app_v2.clients CONTINUE IDENTITY"),
                // PostgreSQL's ONLY: the table without inheritance children
                pg(
                        "UPDATE ONLY customers SET name = ? WHERE id = ?",
                        "UPDATE ONLY app_v2.clients SET full_name = ?, name_search = lower(?) WHERE id = ?"),
                pg("DELETE FROM ONLY customers WHERE city = ?", "DELETE FROM ONLY app_v2.clients WHERE town = ?"),
                pg("TRUNCATE ONLY public.customers -- all", "TRUNCATE ONLY app_v2.clients -- all"),
                my("TRUNCATE customers", "TRUNCATE clients"),
                h2("TRUNCATE TABLE CUSTOMERS", "TRUNCATE TABLE clients"),
                // upserts
                pg(
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?)) ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name, name_search = lower((EXCLUDED.full_name))"),
                my(
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)",
                        "INSERT INTO clients(id, full_name, name_search) VALUES (?, ?, lower(?)) ON DUPLICATE KEY UPDATE full_name = VALUES(full_name), name_search = lower(full_name)"),
                // RETURNING * reads the written row, never the row an upsert proposed (EXCLUDED)
                pg(
                        "INSERT INTO customers(id, name) VALUES (?, ?) RETURNING *",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?)) RETURNING id,"
                                + " full_name AS name, email_address AS email, town AS city, created_at"),
                pg(
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING *",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?)) ON CONFLICT (id) DO"
                                + " UPDATE SET full_name = EXCLUDED.full_name, name_search = lower((EXCLUDED.full_name)) RETURNING"
                                + " id, full_name AS name, email_address AS email, town AS city, created_at"),
                my(
                        "INSERT INTO customers(id, name) VALUES (?, ?) RETURNING *",
                        "INSERT INTO clients(id, full_name, name_search) VALUES (?, ?, lower(?)) RETURNING id,"
                                + " full_name AS name, email_address AS email, town AS city, created_at"),
                pg(
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET (name, email) = (EXCLUDED.name, lower(EXCLUDED.email))",
                        "INSERT INTO app_v2.clients(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?)) ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name, email_address = lower(EXCLUDED.email_address), name_search = lower((EXCLUDED.full_name))"),
                // MERGE by key
                pg(
                        "MERGE INTO customers c USING (VALUES (?, ?)) s(id, name) ON c.id = s.id"
                                + " WHEN MATCHED THEN UPDATE SET name = s.name"
                                + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)",
                        "MERGE INTO app_v2.clients c USING (VALUES (?, ?)) s(id, name) ON c.id = s.id"
                                + " WHEN MATCHED THEN UPDATE SET full_name = s.name, name_search = lower((s.name))"
                                + " WHEN NOT MATCHED THEN INSERT (id, full_name, name_search) OVERRIDING SYSTEM VALUE"
                                + " VALUES (s.id, s.name, lower((s.name)))"),
                h2(
                        "MERGE INTO customers (id, city) KEY (id) VALUES (?, ?)",
                        "MERGE INTO clients (id, town) KEY (id) VALUES (?, ?)"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void rewritten(Dialect dialect, String sql, String expected) {
        RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r).isInstanceOf(Rewritten.class);
        Rewritten w = (Rewritten) r;
        assertThat(w.newSide().sql()).isEqualTo(expected);
        assertThat(w.oldSide().sql()).isEqualTo(sql);
        assertThat(w.tables()).containsExactly("customers");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                pg("SELECT legacy_flag FROM customers", RefusalReason.DROPPED_COLUMN_READ),
                my("DELETE FROM customers WHERE legacy_flag = 1", RefusalReason.DROPPED_COLUMN_READ),
                h2("SELECT nme FROM customers", RefusalReason.UNKNOWN_COLUMN),
                pg("SELECT c.nme FROM customers c", RefusalReason.UNKNOWN_COLUMN),
                pg("SELECT FROM WHERE customers", RefusalReason.UNPARSEABLE),
                h2("SELECT substring(name, 1, 2) FROM customers", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg("SELECT * FROM customers JOIN orders USING (id)", RefusalReason.UNSUPPORTED_CONSTRUCT),
                // whole-row references: a row of the new table's columns on the new side
                pg("SELECT c FROM customers c WHERE c.id = ?", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg(
                        "SELECT row_to_json(customers) FROM customers JOIN orders o ON o.customer_id = customers.id",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                // H2 would not type the ? the CTE selects
                h2("INSERT INTO customers (id, name) (SELECT ?, ?)", RefusalReason.UNSUPPORTED_CONSTRUCT),
                // the new side's * would leave legacy_flag out of the rows it copies
                pg("INSERT INTO customers SELECT * FROM customers WHERE id = ?", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg(
                        "INSERT INTO customers (id, name) WITH x AS (SELECT 1 AS a) SELECT a, 'n' FROM x UNION SELECT 2, 'm'",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg("CREATE INDEX i ON customers(name)", RefusalReason.UNSUPPORTED_CONSTRUCT),
                my("ALTER TABLE customers ADD COLUMN x INT", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg("UPDATE customers SET legacy_flag = true WHERE id = 1", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg(
                        "UPDATE customers SET (name, email) = (SELECT name, email FROM customers WHERE id = 2) WHERE id = 1",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                h2("UPDATE customers SET (name, email) = (?, ?, ?) WHERE id = 1", RefusalReason.UNSUPPORTED_CONSTRUCT),
                // a position at or after a column * leaves out (legacy_flag, the fifth) names another one there
                pg("SELECT * FROM customers ORDER BY 6", RefusalReason.UNSUPPORTED_CONSTRUCT),
                pg(
                        "SELECT * FROM customers WHERE id = 1 UNION ALL (SELECT * FROM customers) ORDER BY 6",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                h2(
                        "(SELECT * FROM customers) UNION SELECT * FROM customers ORDER BY 6 DESC",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                my(
                        "SELECT c.*, o.total FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY 7",
                        RefusalReason.UNSUPPORTED_CONSTRUCT),
                h2(
                        "SELECT city, count(*) FROM (SELECT *, 1 FROM customers GROUP BY 5) t GROUP BY city",
                        RefusalReason.UNSUPPORTED_CONSTRUCT));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void refused(Dialect dialect, String sql, RefusalReason reason) {
        RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.reason()).isEqualTo(reason);
            assertThat(f.message()).doesNotContain("'");
        });
    }

    /** Statements refused as a write (or not) on their tables, so that the driver records them. */
    static Stream<Arguments> refusedAs() {
        RefusalReason unsupported = RefusalReason.UNSUPPORTED_CONSTRUCT;
        return Stream.of(
                // data-modifying CTEs are writes
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH d AS (DELETE FROM customers WHERE id = 1 RETURNING id) SELECT count(*) FROM d",
                        unsupported,
                        StatementKind.DELETE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH u AS (UPDATE customers SET name = 'x' WHERE id = 2 RETURNING id) SELECT * FROM u",
                        unsupported,
                        StatementKind.UPDATE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH i AS (INSERT INTO customers(id, name) VALUES (9, 'n') RETURNING id) SELECT id FROM i",
                        unsupported,
                        StatementKind.INSERT),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH d AS (DELETE FROM orders RETURNING customer_id) UPDATE customers SET name = 'x' WHERE id IN (SELECT customer_id FROM d)",
                        unsupported,
                        StatementKind.UPDATE),
                // multi-statement text: the first write among the statements
                Arguments.of(Dialect.POSTGRESQL, "SELECT 1; DELETE FROM customers", unsupported, StatementKind.DELETE),
                Arguments.of(
                        Dialect.MARIADB,
                        "SELECT name FROM customers; UPDATE customers SET name = 'x'",
                        unsupported,
                        StatementKind.UPDATE),
                Arguments.of(
                        Dialect.H2,
                        "INSERT INTO customers(id) VALUES (1); SELECT 1",
                        unsupported,
                        StatementKind.INSERT),
                Arguments.of(Dialect.H2, "SELECT name FROM customers; SELECT 2", unsupported, StatementKind.SELECT),
                // TRUNCATE that empties more than the mapped table
                Arguments.of(Dialect.POSTGRESQL, "TRUNCATE customers, orders", unsupported, StatementKind.TRUNCATE),
                Arguments.of(Dialect.POSTGRESQL, "TRUNCATE customers CASCADE", unsupported, StatementKind.TRUNCATE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "TRUNCATE customers RESTART IDENTITY CASCADE",
                        unsupported,
                        StatementKind.TRUNCATE),
                // unparseable: the lexical kind, WITH bodies included
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH d AS (DELETE FROM customers RETURNING id) SELECT count(*) FROM d WHERE",
                        RefusalReason.UNPARSEABLE,
                        StatementKind.DELETE),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH x AS (SELECT id FROM customers FOR UPDATE) SELECT * FROM x WHERE",
                        RefusalReason.UNPARSEABLE,
                        StatementKind.SELECT),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "WITH x AS (SELECT 1) INSERT INTO customers(id) VALUES (1) ON CONFLICT (id) DO UPDATE SET WHERE",
                        RefusalReason.UNPARSEABLE,
                        StatementKind.UPSERT));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void refusedAs(Dialect dialect, String sql, RefusalReason reason, StatementKind kind) {
        RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.reason()).isEqualTo(reason);
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.tables()).containsExactly("customers");
        });
    }

    /**
     * Tables are matched by schema and name once the old schema is known: {@code null} expected
     * means untouched. Regression: {@code INSERT INTO other_schema.customers} was mirrored into
     * {@code clients}.
     */
    static Stream<Arguments> schemaQualified() {
        return Stream.of(
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "public",
                        "INSERT INTO other_schema.customers(id, name) VALUES (1, 'a')",
                        null),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "public",
                        "SELECT name FROM public.customers",
                        "SELECT full_name AS name FROM app_v2.clients"),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "public",
                        "SELECT name FROM PUBLIC.customers",
                        "SELECT full_name AS name FROM app_v2.clients"),
                Arguments.of(Dialect.POSTGRESQL, "public", "SELECT name FROM \"Public\".customers", null),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "public",
                        "SELECT c.name FROM app.public.customers c",
                        "SELECT c.full_name AS name FROM app_v2.clients c"),
                Arguments.of(Dialect.POSTGRESQL, "public", "SELECT name FROM app.other.customers", null),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "public",
                        "SELECT o.total FROM orders o JOIN other.customers c ON c.id = o.customer_id",
                        null),
                Arguments.of(Dialect.POSTGRESQL, "public", "TRUNCATE TABLE other.customers", null),
                Arguments.of(Dialect.MARIADB, "app", "INSERT INTO otherdb.customers (id) VALUES (1)", null),
                Arguments.of(
                        Dialect.MARIADB,
                        "app",
                        "UPDATE `app`.`customers` SET name = ? WHERE id = ?",
                        "UPDATE clients SET full_name = ?, name_search = lower(?) WHERE id = ?"),
                Arguments.of(Dialect.H2, "PUBLIC", "DELETE FROM other.customers WHERE id = 1", null),
                Arguments.of(
                        Dialect.H2,
                        "PUBLIC",
                        "DELETE FROM public.customers WHERE id = 1",
                        "DELETE FROM clients WHERE id = 1"),
                Arguments.of(
                        Dialect.H2,
                        "PUBLIC",
                        "SELECT public.customers.city FROM public.customers",
                        "SELECT clients.town AS city FROM clients"),
                // old schema unknown: a qualified name matches by table name (the documented fallback)
                Arguments.of(
                        Dialect.H2,
                        null,
                        "DELETE FROM other.customers WHERE id = 1",
                        "DELETE FROM clients WHERE id = 1"));
    }

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @MethodSource
    void schemaQualified(Dialect dialect, String oldSchema, String sql, String expected) {
        Rewriter rewriter = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .oldSchema(oldSchema)
                .build();
        RewriteResult r = rewriter.rewrite(sql);
        if (expected == null) {
            assertThat(r).isInstanceOf(Untouched.class);
            assertThat(r.tables()).isEmpty();
        } else {
            assertThat(r)
                    .isInstanceOfSatisfying(
                            Rewritten.class, w -> assertThat(w.newSide().sql()).isEqualTo(expected));
        }
    }

    @org.junit.jupiter.api.Test
    void lexicalScan_otherSchema_notTheMappedTable() {
        Rewriter tight = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .oldSchema("public")
                .maxSqlLength(10)
                .build();
        assertThat(tight.rewrite("SELECT * FROM other.customers WHERE id = 1").tables())
                .isEmpty();
        assertThat(tight.rewrite("SELECT * FROM public.customers WHERE id = 1").tables())
                .containsExactly("customers");
        assertThat(tight.rewrite("SELECT * FROM customers WHERE id = 1").tables())
                .containsExactly("customers");
    }

    /** Whether the new side has fewer columns than the old: a {@code *} that reaches the result over a dropped column. */
    static Stream<Arguments> narrowsResult() {
        return Stream.of(
                Arguments.of("SELECT * FROM customers WHERE id = ?", true),
                Arguments.of("SELECT c.*, o.total FROM customers c JOIN orders o ON o.customer_id = c.id", true),
                Arguments.of("SELECT * FROM (SELECT * FROM customers) x", true),
                Arguments.of("WITH x AS (SELECT * FROM customers) SELECT id FROM x", true),
                Arguments.of("SELECT id FROM customers UNION SELECT * FROM customers", true),
                Arguments.of("SELECT id, name FROM customers", false),
                Arguments.of("SELECT count(*) FROM customers", false),
                Arguments.of(
                        "SELECT id FROM orders o WHERE EXISTS (SELECT * FROM customers c WHERE c.id = o.customer_id)",
                        false),
                Arguments.of("SELECT (SELECT count(*) FROM customers) AS n", false));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void narrowsResult(String sql, boolean narrows) {
        for (Dialect dialect : Dialect.values()) {
            RewriteResult r = Fixtures.rewriter(dialect).rewrite(sql);
            assertThat(r).as(dialect + ": " + sql).isInstanceOfSatisfying(Rewritten.class, w -> assertThat(
                            w.narrowsResult())
                    .isEqualTo(narrows));
        }
    }

    static Stream<Arguments> ambiguous() {
        Mapping unknown = Mapping.of(java.util.List.of(Fixtures.customers(Dialect.POSTGRESQL, false)));
        return Stream.of(
                Arguments.of(
                        unknown,
                        "SELECT name FROM customers c JOIN orders o ON o.customer_id = c.id",
                        RefusalReason.AMBIGUOUS_COLUMN),
                Arguments.of(unknown, "SELECT * FROM customers", RefusalReason.COLUMNS_UNKNOWN),
                Arguments.of(unknown, "INSERT INTO customers VALUES (1, 'a')", RefusalReason.COLUMNS_UNKNOWN));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void ambiguous(Mapping mapping, String sql, RefusalReason reason) {
        RewriteResult r = Rewriter.builder(mapping, Dialect.POSTGRESQL).build().rewrite(sql);
        assertThat(r).isInstanceOfSatisfying(Refused.class, f -> assertThat(f.reason())
                .isEqualTo(reason));
    }

    private static String times(int n, String row) {
        return String.join(", ", java.util.Collections.nCopies(n, row));
    }

    private static Arguments pg(String sql, Object expected) {
        return Arguments.of(Dialect.POSTGRESQL, sql, expected);
    }

    private static Arguments my(String sql, Object expected) {
        return Arguments.of(Dialect.MARIADB, sql, expected);
    }

    private static Arguments h2(String sql, Object expected) {
        return Arguments.of(Dialect.H2, sql, expected);
    }
}
