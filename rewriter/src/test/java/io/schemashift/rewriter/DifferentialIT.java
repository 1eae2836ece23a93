package io.schemashift.rewriter;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The corpus, per dialect, on the real servers: old SQL on the old schema vs its rewrite on the new one. */
class DifferentialIT {

    record Case(String sql, List<Object> params) {}

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void corpus_sameResultsOnBothSchemas(Dialect dialect) throws Exception {
        TestDatabase db =
                switch (dialect) {
                    case POSTGRESQL -> TestDatabases.postgres();
                    case MARIADB -> TestDatabases.mariadb();
                    case H2 -> TestDatabases.h2();
                };
        List<Case> corpus = corpus(dialect);
        org.assertj.core.api.Assertions.assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);
        try (Connection c = db.connect(db.create("rw_diff"))) {
            Differential d = new Differential(c, dialect);
            d.createSchemas();
            // a generous time bound: this box is shared, and the test is about results, not speed
            Rewriter rewriter = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                    .parseTimeout(java.time.Duration.ofSeconds(2))
                    .build();
            for (Case k : corpus) {
                d.check(rewriter, k.sql(), k.params());
            }
        }
    }

    static List<Case> corpus(Dialect dialect) {
        List<Case> cases = new ArrayList<>();
        for (int id = 0; id <= 7; id++) {
            add(cases, "SELECT id, name FROM customers WHERE id = ?", id);
            add(cases, "SELECT * FROM customers WHERE id = ?", id);
            add(cases, "SELECT customers.name, customers.city FROM customers WHERE customers.id = ?", id);
            add(cases, "WITH x AS (SELECT id, email FROM customers) SELECT email FROM x WHERE id = ?", id);
            add(cases, "SELECT /* why */ email, city AS town FROM customers WHERE id > ? ORDER BY id", id);
            add(cases, "SELECT c.* FROM customers c WHERE c.id <= ? ORDER BY c.id", id);
            add(
                    cases,
                    "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.total > ?) ORDER BY c.id",
                    id * 25);
            add(
                    cases,
                    "SELECT c.name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > ? ORDER BY o.id",
                    id * 20);
            add(
                    cases,
                    "SELECT * FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.id = ? ORDER BY o.id",
                    id);
            add(
                    cases,
                    "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > ?) ORDER BY id",
                    id * 30);
            add(cases, "SELECT name FROM customers ORDER BY id LIMIT 3 OFFSET " + id);
            add(
                    cases,
                    "SELECT upper(name) AS u, lower(city) AS l FROM customers WHERE id IN (?, ?) ORDER BY id",
                    id,
                    id + 2);
            add(
                    cases,
                    "SELECT city, count(*) AS n FROM customers GROUP BY city HAVING count(*) >= ? ORDER BY city",
                    id % 3);
            add(
                    cases,
                    "SELECT count(*) AS n FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id > ?",
                    id);
            add(
                    cases,
                    "SELECT name FROM customers WHERE id = ? UNION SELECT city FROM customers WHERE id = ?",
                    id,
                    id + 1);
            add(cases, "SELECT DISTINCT city FROM customers WHERE id > ? ORDER BY city", id % 4);
            add(
                    cases,
                    "SELECT id, CASE WHEN city = ? THEN name ELSE email END AS v FROM customers ORDER BY id",
                    id % 2 == 0 ? "Paris" : "Oslo");
            add(
                    cases,
                    "SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.id >= ? ORDER BY c.id",
                    id);
            add(
                    cases,
                    "SELECT name, city FROM customers WHERE name LIKE ? ORDER BY id",
                    "%" + "nboey".charAt(id % 5) + "%");
            add(
                    cases,
                    "SELECT id FROM customers WHERE id BETWEEN ? AND ? AND email IS NOT NULL ORDER BY id",
                    id,
                    id + 3);
            add(cases, "SELECT /*+ NO_INDEX(customers) */ name -- why\n FROM customers WHERE id = ?", id);
            add(
                    cases,
                    "SELECT c.city, o.total FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
                    id);
            quoted(cases, dialect, id);
            applicationShapes(cases, dialect, id);
            // computed items keep their labels (H2 labels them with its printing of the old text)
            add(cases, "SELECT upper(name) FROM customers WHERE id IN (?, ?) ORDER BY id", id, id + 1);
            add(cases, "SELECT (SELECT max(name) FROM customers WHERE id > ?) AS m", id);
            add(cases, "SELECT id, concat(name, '-', city), coalesce(email, 'none') FROM customers WHERE id = ?", id);
            add(cases, "SELECT count(DISTINCT city), max(upper(name)) FROM customers WHERE id > ?", id);
            add(cases, "SELECT c.id + 1, upper(c.city) FROM customers c WHERE c.id = ?", id);
            add(cases, "SELECT customers.id * 2, lower(customers.email) FROM customers WHERE id = ?", id);
            add(cases, "SELECT * FROM (SELECT upper(name), id FROM customers WHERE id >= ?) x ORDER BY id", id);
            add(
                    cases,
                    "SELECT name FROM customers c WHERE EXISTS (SELECT upper(city) FROM customers d WHERE d.id = c.id) AND c.id = ?",
                    id);
            // writes
            add(cases, "DELETE FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > ?)", id * 25);
            add(cases, "UPDATE customers SET email = concat(name, ?) WHERE id = ?", "@y.io", id);
            add(
                    cases,
                    "INSERT INTO customers(id, name, email, city) VALUES (?, ?, ?, ?)",
                    100 + id,
                    "N" + id,
                    "m" + id,
                    "C" + id);
            add(
                    cases,
                    "INSERT INTO customers(id, name, legacy_flag) VALUES (?, ?, ?), (?, ?, ?)",
                    200 + id,
                    "A" + id,
                    true,
                    300 + id,
                    null,
                    false);
            add(
                    cases,
                    "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)",
                    400 + id,
                    "V" + id,
                    "v@x",
                    "Vie",
                    true,
                    Differential.NOW);
            add(
                    cases,
                    "INSERT INTO customers(id, name, city) SELECT id + " + (500 + 10 * id)
                            + ", CONCAT('o', total), 'X' FROM orders WHERE total > ?",
                    id * 25);
            // rows no select item stands for one column of: a set operation, a *, a query in parentheses
            if (dialect != Dialect.H2) { // H2 cannot type a parameter that a UNION selects
                add(
                        cases,
                        "INSERT INTO customers(id, name, city) SELECT ?, ?, ? UNION ALL SELECT ?, ?, ?",
                        700 + id,
                        "U" + id,
                        "Ulm",
                        710 + id,
                        null,
                        "Ulm");
            }
            add(
                    cases,
                    "INSERT INTO customers(id, name, legacy_flag) SELECT id + " + (720 + 10 * id)
                            + ", CONCAT('u', total), " + (id % 2 == 0) + " FROM orders WHERE total > ? UNION SELECT "
                            + (790 + id) + ", 'w', FALSE",
                    id * 25);
            add(
                    cases,
                    "INSERT INTO customers(id, name) SELECT * FROM (SELECT id + " + (800 + 10 * id)
                            + " AS a, CONCAT('s', total) AS b FROM orders WHERE total > ?) x",
                    id * 25);
            add(
                    cases,
                    "INSERT INTO customers(id, name) (SELECT id + " + (890 + 10 * id) + ", CONCAT('p', ?) FROM orders)",
                    "P" + id);
            bulkInsert(cases, id);
            add(cases, "UPDATE customers SET name = ? WHERE id = ?", "Zed" + id, id);
            add(
                    cases,
                    "UPDATE customers SET city = ?, legacy_flag = ? WHERE id IN (?, ?)",
                    "Q" + id,
                    false,
                    id,
                    id + 1);
            add(cases, "UPDATE customers SET name = upper(name) WHERE city = ?", id % 2 == 0 ? "Paris" : "Oslo");
            add(cases, "UPDATE customers SET created_at = now(), email = ? WHERE id >= ?", "t" + id, id);
            add(
                    cases,
                    "UPDATE customers SET created_at = LOCALTIMESTAMP WHERE id = ? OR created_at < localtimestamp",
                    id);
            add(cases, "DELETE FROM customers WHERE id = ?", id);
            add(cases, "DELETE FROM customers WHERE city = ? AND id > ?", "Oslo", id);
            if (dialect == Dialect.POSTGRESQL) {
                add(
                        cases,
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
                        id,
                        "U" + id);
                add(cases, "UPDATE customers SET email = ? WHERE id = ? RETURNING id, name, email", "r" + id, id);
            }
            if (dialect == Dialect.POSTGRESQL) {
                add(
                        cases,
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) RETURNING id, name, city",
                        600 + id,
                        "R" + id,
                        "Riga");
                add(cases, "DELETE FROM customers WHERE id = ? RETURNING id, email, city", id);
                add(
                        cases,
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET city = EXCLUDED.city",
                        id,
                        "K" + id,
                        "Kyiv");
                add(cases, "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", id, "N" + id);
            }
            if (dialect != Dialect.MARIADB) { // MERGE: PostgreSQL 15+ and H2
                add(
                        cases,
                        "merge into customers as t using (select cast(? as integer) id, cast(? as varchar(100)) name)"
                                + " as s on (t.id=s.id) when not matched then insert (id, name) values (s.id, s.name)"
                                + " when matched then update set name=s.name",
                        id,
                        "M" + id);
                add(
                        cases,
                        "MERGE INTO customers c USING (VALUES (CAST(? AS integer), CAST(? AS varchar(100)))) s(id, city)"
                                + " ON c.id = s.id WHEN MATCHED AND s.city = 'Oslo' THEN DELETE"
                                + " WHEN MATCHED THEN UPDATE SET city = s.city, name = lower(c.name)"
                                + " WHEN NOT MATCHED THEN INSERT (id, name, city) VALUES (s.id, 'V', s.city)",
                        id + 3,
                        id % 3 == 0 ? "Oslo" : "Lima");
                add(
                        cases,
                        "merge into customers using (select 1 as one) as s on (customers.id = ?)"
                                + " when matched then update set name = ? when not matched then insert (id, name)"
                                + " values (?, ?)",
                        id + 1,
                        "J" + id,
                        id + 1,
                        "J" + id);
            }
            if (dialect == Dialect.H2) {
                add(cases, "MERGE INTO customers (id, name, city) KEY (id) VALUES (?, ?, ?)", id + 2, "K" + id, "Kyiv");
            }
            if (dialect == Dialect.MARIADB) {
                add(
                        cases,
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) RETURNING id, name, city",
                        600 + id,
                        "R" + id,
                        "Riga");
                add(
                        cases,
                        "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE city = VALUES(city)",
                        id,
                        "K" + id,
                        "Kyiv");
                add(
                        cases,
                        "INSERT INTO customers(id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)",
                        id,
                        "U" + id);
                add(cases, "DELETE FROM customers WHERE id = ? RETURNING name, city", id);
            }
        }
        if (dialect == Dialect.POSTGRESQL) {
            add(cases, "TRUNCATE TABLE customers"); // transactional on PostgreSQL only: rolled back after the check
        }
        return cases;
    }

    /** A multi-row INSERT long enough that the rows after the first are not parsed. */
    private static void bulkInsert(List<Case> cases, int id) {
        StringBuilder sql = new StringBuilder("INSERT INTO customers(id, name, email, city, legacy_flag) VALUES ");
        List<Object> params = new ArrayList<>();
        for (int r = 0; r < 12; r++) {
            int key = 1000 + 100 * id + r;
            sql.append(r == 0 ? "" : ", ")
                    .append(r % 2 == 0 ? "(?, ?, ?, ?, ?)" : "(" + key + ", 'b" + r + "', NULL, 'Oslo', NULL)");
            if (r % 2 == 0) {
                params.addAll(java.util.Arrays.asList(key, "a" + r, "m" + r, null, r % 4 == 0));
            }
        }
        cases.add(new Case(sql.toString(), params));
    }

    /**
     * Forms that ORMs, query builders and hand-written data access send: locking reads, paging, window
     * functions, insert-if-absent, optimistic updates, rows of columns set at once, {@code RETURNING *}.
     */
    private static void applicationShapes(List<Case> cases, Dialect dialect, int id) {
        add(cases, "SELECT id, name FROM customers WHERE id = ? FOR UPDATE", id);
        add(cases, "SELECT name, count(*) OVER (PARTITION BY city) AS n FROM customers WHERE id > ? ORDER BY id", id);
        add(cases, "SELECT coalesce(max(id), 0) + ? AS next_id FROM customers", id);
        add(cases, "SELECT c.name FROM customers c ORDER BY c.name DESC, c.id LIMIT ?", id % 4 + 1);
        add(
                cases,
                "SELECT name FROM customers WHERE city IN (SELECT city FROM customers GROUP BY city HAVING count(*) > ?)"
                        + " ORDER BY id",
                id % 3);
        add(
                cases,
                "INSERT INTO customers(id, name) SELECT ?, ? FROM orders o WHERE o.id = 1 AND NOT EXISTS"
                        + " (SELECT 1 FROM customers WHERE id = ?)",
                id + 3,
                "I" + id,
                id + 3);
        add(cases, "UPDATE customers SET name = ?, email = ? WHERE id = ? AND name = ?", "O" + id, "o@x", id, "Bob");
        add(cases, "SELECT * FROM customers ORDER BY 4, 1 LIMIT ?", id + 1);
        add(cases, "SELECT name AS \"Name\", c.city AS \"c.city\" FROM customers c WHERE c.id IN (?, ?, ?)", id, 1, 2);
        add(cases, "SELECT count(*) FROM (SELECT * FROM customers WHERE id > ?) t", id);
        add(cases, "SELECT t.* FROM (SELECT name, city FROM customers WHERE id <> ?) t ORDER BY 1, 2", id);
        add(cases, "SELECT name FROM customers WHERE id > ? UNION ALL SELECT city FROM customers ORDER BY 1", id);
        add(cases, "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END AS any_row FROM customers WHERE city = ?", "Oslo");
        add(cases, "UPDATE customers SET email = NULL WHERE email = ? OR id = ?", "bob@x.io", id);
        add(cases, "SELECT * FROM customers WHERE name IS NULL OR email IS NULL ORDER BY id");
        add(cases, "SELECT (name), ((c.city)) FROM customers c WHERE c.id = ?", id);
        if (dialect != Dialect.H2) { // H2 reads a GROUP BY number as a constant
            add(cases, "SELECT name, city FROM customers WHERE id > ? GROUP BY 2, 1 ORDER BY 2, 1", id % 3);
        }
        if (dialect != Dialect.MARIADB) { // || is OR there
            add(cases, "SELECT id, name FROM customers c WHERE c.name LIKE '%'||?||'%' ORDER BY id", "o");
            add(cases, "UPDATE customers SET name = ?||'-'||name, city = ?||city WHERE id = ?", "T", "t", id);
            add(cases, "UPDATE customers SET (name, city) = (?, upper(?)) WHERE id = ?", "P" + id, "row", id);
            add(cases, "SELECT id, name FROM customers ORDER BY id OFFSET ? ROWS FETCH FIRST 2 ROWS ONLY", id % 4);
            add(cases, "SELECT id, name FROM customers ORDER BY city NULLS FIRST, id DESC NULLS LAST");
        }
        if (dialect != Dialect.H2) {
            add(
                    cases,
                    "INSERT INTO customers(id, name, city) VALUES (?, ?, ?) RETURNING *",
                    650 + id,
                    "S" + id,
                    "Sofia");
        }
        if (dialect == Dialect.MARIADB) {
            add(
                    cases,
                    "SELECT city, GROUP_CONCAT(name ORDER BY name SEPARATOR ',') AS names FROM customers GROUP BY city");
            add(cases, "SELECT id, name FROM customers WHERE id = ? LOCK IN SHARE MODE", id);
            add(
                    cases,
                    "SELECT DISTINCT SQL_CALC_FOUND_ROWS SQL_NO_CACHE name FROM customers WHERE id MOD 2 = ? ORDER BY name",
                    id % 2);
            add(
                    cases,
                    "SELECT id FROM customers WHERE BINARY city = ? OR name = BINARY ? ORDER BY BINARY name, id",
                    "oslo",
                    "Bob");
            add(
                    cases,
                    "UPDATE customers SET email = ? WHERE BINARY name = ? AND id > ?",
                    "b" + id + "@x.io",
                    "Bob",
                    id % 3);
            add(cases, "SELECT HIGH_PRIORITY SQL_SMALL_RESULT name, city FROM customers WHERE id >= ? ORDER BY id", id);
            add(cases, "SELECT * FROM customers WHERE city = ? ORDER BY 1 LOCK IN SHARE MODE NOWAIT", "Oslo");
            add(cases, "INSERT IGNORE INTO customers(id, name) VALUES (?, ?)", id, "G" + id);
            add(cases, "REPLACE INTO customers(id, name, city) VALUES (?, ?, ?)", id, "H" + id, "Lyon");
        }
        if (dialect == Dialect.H2) {
            add(
                    cases,
                    "SELECT city, LISTAGG(name, ',') WITHIN GROUP (ORDER BY name) AS names FROM customers GROUP BY city");
        }
        if (dialect == Dialect.POSTGRESQL) {
            add(cases, "UPDATE customers SET city = ? WHERE id = ? RETURNING *", "Turku", id);
            add(cases, "DELETE FROM customers WHERE id = ? RETURNING *", id);
            add(
                    cases,
                    "INSERT INTO customers(id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET (name, city) ="
                            + " (EXCLUDED.name, 'Up') RETURNING *",
                    id,
                    "W" + id);
            add(cases, "SELECT DISTINCT ON (city) city, name FROM customers WHERE id > ? ORDER BY city, name", id % 3);
            add(
                    cases,
                    "SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, label) JOIN customers c ON c.id = v.n"
                            + " WHERE c.id <= ? ORDER BY c.id",
                    id);
            add(cases, "SELECT count(*) FILTER (WHERE city = ?) AS n FROM customers", "Oslo");
            add(
                    cases,
                    "SELECT city, string_agg(name, ',' ORDER BY name) AS names FROM customers GROUP BY city ORDER BY 1");
            add(cases, "SELECT id FROM customers WHERE name ILIKE ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", "%a%");
            add(
                    cases,
                    "DELETE FROM customers WHERE id IN (SELECT id FROM customers WHERE city = ? ORDER BY id LIMIT 1)",
                    "Paris");
            add(cases, "SELECT id, name FROM customers WHERE id = ? FOR NO KEY UPDATE", id);
            add(cases, "SELECT id, name FROM customers WHERE id = ? FOR UPDATE OF customers", id);
            add(cases, "SELECT id, name FROM customers WHERE id >= ? ORDER BY name COLLATE \"C\", id", id);
            add(cases, "UPDATE customers SET city = E'O\\'Hare' WHERE id = ? AND name <> E'it\\'s'", id);
            add(cases, "SELECT id FROM customers WHERE city <> $tag$O'Hare$tag$ AND id > ? ORDER BY id", id);
            add(cases, "UPDATE ONLY customers SET city = ? WHERE id = ?", "Only", id);
            add(cases, "DELETE FROM ONLY customers WHERE id = ?", id + 1);
            // pgjdbc's escaped jsonb operators: ?? and ??| are no parameters
            add(
                    cases,
                    "SELECT id, name FROM customers WHERE jsonb_build_object(coalesce(city, '-'), 1) ?? ? ORDER BY id",
                    "Oslo");
            add(
                    cases,
                    "UPDATE customers SET name = ? WHERE jsonb_build_object(coalesce(city, '-'), id) ??| ARRAY['Oslo', 'Rome'] AND id > ?",
                    "J" + id,
                    id);
            add(
                    cases,
                    "SELECT c.name, x.m FROM customers c CROSS JOIN LATERAL (SELECT max(total) AS m FROM orders o"
                            + " WHERE o.customer_id = c.id) x WHERE c.id >= ? ORDER BY c.id",
                    id);
            add(cases, "UPDATE customers SET name = ? WHERE id = ? AND name IS DISTINCT FROM ?", "D" + id, id, "Ann");
            add(
                    cases,
                    "DELETE FROM customers USING orders o WHERE o.customer_id = customers.id AND o.total > ?",
                    id * 25);
        }
    }

    /** Quoted identifiers and each dialect's case rules for unquoted ones. */
    private static void quoted(List<Case> cases, Dialect dialect, int id) {
        switch (dialect) {
            case POSTGRESQL -> {
                add(cases, "SELECT \"name\", \"city\" FROM \"customers\" WHERE \"id\" = ?", id);
                add(cases, "SELECT NAME, City FROM CUSTOMERS WHERE ID = ?", id);
                add(cases, "UPDATE \"customers\" SET \"name\" = ? WHERE \"id\" = ?", "Q" + id, id);
            }
            case MARIADB -> {
                add(cases, "SELECT `name`, `city` FROM `customers` WHERE `id` = ?", id);
                add(cases, "SELECT NAME, City FROM customers WHERE ID = ?", id);
                add(cases, "UPDATE `customers` SET `name` = ? WHERE `id` = ?", "Q" + id, id);
            }
            case H2 -> {
                add(cases, "SELECT \"NAME\", \"CITY\" FROM \"CUSTOMERS\" WHERE \"ID\" = ?", id);
                add(cases, "SELECT Name, city FROM Customers WHERE id = ?", id);
                add(cases, "UPDATE \"CUSTOMERS\" SET \"NAME\" = ? WHERE \"ID\" = ?", "Q" + id, id);
            }
        }
    }

    private static void add(List<Case> cases, String sql, Object... params) {
        cases.add(new Case(sql, java.util.Arrays.asList(params)));
    }
}
