package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The differential check: the original statement on the old schema and its rewrite on the new
 * schema, in one database that holds both, must read the same rows (labels included) or leave the
 * tables equal through the mapping. Writes run in a transaction that is rolled back.
 */
final class Differential {

    static final Timestamp NOW = Timestamp.valueOf("2024-05-06 07:08:09");

    private final Connection c;
    private final Dialect dialect;
    private final String newTable;

    Differential(Connection c, Dialect dialect) {
        this.c = c;
        this.dialect = dialect;
        this.newTable = dialect == Dialect.POSTGRESQL ? "app_v2.clients" : "clients";
    }

    void createSchemas() throws SQLException {
        String bool = dialect == Dialect.MARIADB ? "TINYINT" : "BOOLEAN";
        try (Statement s = c.createStatement()) {
            if (dialect == Dialect.POSTGRESQL) {
                s.execute("CREATE SCHEMA app_v2");
            }
            s.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100), city VARCHAR(100), legacy_flag "
                            + bool + ", created_at TIMESTAMP NULL)");
            s.execute(
                    "CREATE TABLE " + newTable
                            + " (id INT PRIMARY KEY, full_name VARCHAR(100), email_address VARCHAR(100), town VARCHAR(100), created_at TIMESTAMP NULL, name_search VARCHAR(100))");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total INT)");
            String[][] people = {
                {"1", "Ann", "ann@x.io", "Paris"}, {"2", "Bob", "bob@x.io", "Oslo"}, {"3", "Cid", null, "Paris"},
                {"4", "Dee", "dee@x.io", null}, {"5", null, "e@x.io", "Rome"}, {"6", "Fay", "fay@x.io", "Oslo"}
            };
            for (String[] p : people) {
                String values = p[0] + ", " + q(p[1]) + ", " + q(p[2]) + ", " + q(p[3]);
                s.execute("INSERT INTO customers (id, name, email, city, legacy_flag) VALUES (" + values + ", "
                        + (dialect == Dialect.MARIADB ? "1" : "true") + ")");
                s.execute("INSERT INTO " + newTable + " (id, full_name, email_address, town, name_search) VALUES ("
                        + values + ", lower(" + q(p[1]) + "))");
            }
            for (int i = 1; i <= 8; i++) {
                s.execute("INSERT INTO orders VALUES (" + i + ", " + (i % 5 + 1) + ", " + (i * 25) + ")");
            }
        }
    }

    private static String q(String v) {
        return v == null ? "NULL" : "'" + v + "'";
    }

    /** Runs one case; the statement must be rewritten. */
    void check(Rewriter rewriter, String sql, List<Object> params) throws SQLException {
        RewriteResult r = rewriter.rewrite(sql);
        assertThat(r).as(sql).isInstanceOf(Rewritten.class);
        Rewritten w = (Rewritten) r;
        if (w.kind().isWrite()) {
            checkWrite(w, params);
        } else {
            List<List<String>> old = query(w.oldSide(), params);
            List<List<String>> neu = query(w.newSide(), params);
            assertThat(render(neu, w.ordered()))
                    .as(sql + " → " + w.newSide().sql())
                    .isEqualTo(render(withoutDropped(old, neu), w.ordered()));
        }
    }

    private void checkWrite(Rewritten w, List<Object> params) throws SQLException {
        c.setAutoCommit(false);
        try {
            Outcome old = execute(w.oldSide(), params);
            Outcome neu = execute(w.newSide(), params);
            if (w.kind() != StatementKind.UPSERT) {
                assertThat(neu.count()).as(w.newSide().sql()).isEqualTo(old.count());
            }
            if (old.returned() != null) {
                // RETURNING: the same rows under the same labels
                assertThat(neu.returned()).as(w.newSide().sql()).isNotNull();
                assertThat(render(neu.returned(), false))
                        .as(w.newSide().sql())
                        .isEqualTo(render(withoutDropped(old.returned(), neu.returned()), false));
            }
            assertThat(table("SELECT id, name, email, city, created_at, lower(name) FROM customers ORDER BY id"))
                    .as(w.newSide().sql())
                    .isEqualTo(table("SELECT id, full_name, email_address, town, created_at, name_search FROM "
                            + newTable + " ORDER BY id"));
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /** Rows only: the two tables' labels differ by design. */
    private List<List<String>> table(String sql) throws SQLException {
        List<List<String>> rows = query(new SideStatement(sql, List.of()), List.of());
        return rows.subList(1, rows.size());
    }

    private PreparedStatement prepare(SideStatement s, List<Object> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(s.sql());
        for (int i = 0; i < s.params().size(); i++) {
            ParamSource p = s.params().get(i);
            if (p instanceof ParamSource.Bound b) {
                ps.setObject(i + 1, params.get(b.index() - 1));
            } else if (p instanceof ParamSource.Now) {
                ps.setTimestamp(i + 1, NOW);
            } else {
                throw new IllegalStateException("unexpected parameter source " + p);
            }
        }
        return ps;
    }

    /** What a write did: its row count, and the rows it returned (labels first), if any. */
    private record Outcome(int count, List<List<String>> returned) {}

    private Outcome execute(SideStatement s, List<Object> params) throws SQLException {
        try (PreparedStatement ps = prepare(s, params)) {
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    List<List<String>> rows = rows(rs);
                    return new Outcome(rows.size() - 1, rows);
                }
            }
            return new Outcome(ps.getUpdateCount(), null);
        }
    }

    /** The first row holds the labels. */
    private List<List<String>> query(SideStatement s, List<Object> params) throws SQLException {
        try (PreparedStatement ps = prepare(s, params);
                ResultSet rs = ps.executeQuery()) {
            return rows(rs);
        }
    }

    private List<List<String>> rows(ResultSet rs) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(dialect == Dialect.H2 ? md.getColumnLabel(i).toLowerCase(Locale.ROOT) : md.getColumnLabel(i));
        }
        rows.add(labels);
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.add(String.valueOf(rs.getObject(i)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** {@code *} leaves dropped columns out of the new side: compare the old result without them. */
    private static List<List<String>> withoutDropped(List<List<String>> old, List<List<String>> neu) {
        List<String> oldLabels = old.get(0);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < oldLabels.size(); i++) {
            boolean dropped = oldLabels.get(i).equalsIgnoreCase("legacy_flag")
                    && neu.get(0).stream().noneMatch(l -> l.equalsIgnoreCase("legacy_flag"));
            if (!dropped) {
                keep.add(i);
            }
        }
        List<List<String>> out = new ArrayList<>();
        for (List<String> row : old) {
            out.add(keep.stream().map(row::get).toList());
        }
        return out;
    }

    private static List<List<String>> render(List<List<String>> rows, boolean ordered) {
        if (ordered) {
            return rows;
        }
        List<List<String>> body = new ArrayList<>(rows.subList(1, rows.size()));
        body.sort(Comparator.comparing(Object::toString));
        body.add(0, rows.get(0));
        return body;
    }
}
