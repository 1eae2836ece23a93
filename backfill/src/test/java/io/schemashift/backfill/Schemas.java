package io.schemashift.backfill;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test migration: {@code customers} → {@code clients} (a rename, a dropped column, a derived
 * column, a wider decimal, lineage columns) and {@code order_lines} → {@code order_items} (a
 * composite key with a renamed key column).
 */
final class Schemas {

    private Schemas() {}

    static Dialect dialect(TestDatabase.Kind kind) {
        return switch (kind) {
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case MARIADB -> Dialect.MARIADB;
            case H2 -> Dialect.H2;
        };
    }

    static Mapping mapping() {
        Map<String, String> customerColumns = new LinkedHashMap<>();
        customerColumns.put("name", "full_name");
        customerColumns.put("legacy_flag", null);
        TableMapping customers = new TableMapping(
                "customers",
                "clients",
                null,
                List.of("id"),
                customerColumns,
                Map.of("name_search", "lower(name)"),
                List.of());
        TableMapping lines = new TableMapping(
                "order_lines",
                "order_items",
                null,
                List.of("order_id", "line_no"),
                Map.of("line_no", "line", "qty", "quantity"),
                Map.of(),
                List.of());
        return Mapping.of(List.of(customers, lines));
    }

    static void createOld(Connection c, TestDatabase.Kind kind) throws SQLException {
        TestDatabases.run(
                c,
                createOldSql(kind),
                "CREATE TABLE order_lines (order_id INT NOT NULL, line_no INT NOT NULL, sku VARCHAR(20), qty INT,"
                        + " PRIMARY KEY (order_id, line_no))");
    }

    static String createOldSql(TestDatabase.Kind kind) {
        return "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200),"
                + " balance DECIMAL(12,2), legacy_flag INT, created_at " + timestamp(kind) + ")";
    }

    static void createNew(Connection c, TestDatabase.Kind kind) throws SQLException {
        TestDatabases.run(
                c,
                createNewSql(kind),
                "CREATE TABLE order_items (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20), quantity INT,"
                        + " PRIMARY KEY (order_id, line))");
    }

    static String createNewSql(TestDatabase.Kind kind) {
        String ts = timestamp(kind);
        return "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(200),"
                + " balance DECIMAL(14,4), created_at " + ts + ", name_search VARCHAR(100),"
                + " schemashift_batch VARCHAR(64), schemashift_migrated_at " + ts + ")";
    }

    private static String timestamp(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP";
    }

    /** Rows 1..n in customers (every 97th name NULL) and n/10 order lines, generated on the server. */
    static void fill(Connection c, TestDatabase.Kind kind, int n) throws SQLException {
        int lines = Math.max(1, n / 10);
        switch (kind) {
            case POSTGRESQL ->
                TestDatabases.run(
                        c,
                        "INSERT INTO customers SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE 'Name ' || g END,"
                                + " 'user' || g || '@example.com', (g % 1000) / 7.0, g % 3,"
                                + " TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1.5 second' FROM generate_series(1, "
                                + n + ") g",
                        "INSERT INTO order_lines SELECT g / 5, g % 5, 'SKU-' || g, g % 11 FROM generate_series(1, "
                                + lines + ") g",
                        "ANALYZE customers");
            case MARIADB ->
                TestDatabases.run(
                        c,
                        "INSERT INTO customers SELECT seq, CASE WHEN seq % 97 = 0 THEN NULL ELSE CONCAT('Name ', seq) END,"
                                + " CONCAT('user', seq, '@example.com'), (seq % 1000) / 7, seq % 3,"
                                + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (seq * 1500000) MICROSECOND FROM seq_1_to_"
                                + n,
                        "INSERT INTO order_lines SELECT seq DIV 5, seq % 5, CONCAT('SKU-', seq), seq % 11 FROM seq_1_to_"
                                + lines);
            case H2 ->
                TestDatabases.run(
                        c,
                        "INSERT INTO customers SELECT X, CASE WHEN MOD(X, 97) = 0 THEN NULL ELSE 'Name ' || X END,"
                                + " 'user' || X || '@example.com', MOD(X, 1000) / 7.0, MOD(X, 3),"
                                + " DATEADD(MILLISECOND, X * 1500, TIMESTAMP '2024-01-01 00:00:00') FROM SYSTEM_RANGE(1, "
                                + n + ")",
                        "INSERT INTO order_lines SELECT X / 5, MOD(X, 5), 'SKU-' || X, MOD(X, 11) FROM SYSTEM_RANGE(1, "
                                + lines + ")");
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
