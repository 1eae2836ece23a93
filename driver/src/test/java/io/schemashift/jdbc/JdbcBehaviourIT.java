package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * "Nothing changes": every scenario runs once through the real driver's URL and once through the
 * SchemaShift URL (no configuration), from the same starting table, and must observe the same
 * results, update counts, keys, errors (SQLState and message) and metadata. In the SchemaShift
 * run every JDBC object handed out must also be a wrapper.
 */
class JdbcBehaviourIT {

    private static final Map<TestDatabase.Kind, String> DATABASES = new ConcurrentHashMap<>();

    /** What a scenario may observe, plus the wrapper checks that apply only to the SchemaShift run. */
    static final class Run {
        final boolean shift;
        final TestDatabase.Kind kind;
        final List<String> observed = new ArrayList<>();

        Run(boolean shift, TestDatabase.Kind kind) {
            this.shift = shift;
            this.kind = kind;
        }

        void see(Object value) {
            observed.add(String.valueOf(value));
        }

        <T> T wrapped(T jdbcObject, Class<?> wrapper) {
            if (shift && jdbcObject != null) {
                assertThat(jdbcObject).isInstanceOf(wrapper);
            }
            return jdbcObject;
        }

        void rows(ResultSet rs) throws SQLException {
            wrapped(rs, ShiftResultSet.class);
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder out = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.append(md.getColumnLabel(i).toLowerCase(Locale.ROOT)).append(i < md.getColumnCount() ? "," : ":");
            }
            while (rs.next()) {
                out.append(" [");
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.append(rs.getString(i)).append(i < md.getColumnCount() ? "," : "]");
                }
            }
            see(out);
        }
    }

    @FunctionalInterface
    interface Scenario {
        void run(Connection c, Run run) throws SQLException;
    }

    @TestFactory
    Stream<DynamicContainer> sameObservableBehaviour() {
        return Stream.of(TestDatabase.Kind.values())
                .map(kind -> DynamicContainer.dynamicContainer(
                        kind.name(),
                        scenarios().entrySet().stream()
                                .map(s -> DynamicTest.dynamicTest(
                                        s.getKey(), () -> compare(kind, s.getKey(), s.getValue())))));
    }

    /** Opens the connection a scenario runs on. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    /** The URL of the shared test database of {@code server}, created on first use. */
    static String databaseUrl(TestDatabase server) {
        return DATABASES.computeIfAbsent(server.kind(), k -> server.create("jdbc_behaviour"));
    }

    private static void compare(TestDatabase.Kind kind, String name, Scenario scenario) throws SQLException {
        TestDatabase server = TestDatabases.of(kind);
        String url = databaseUrl(server);
        String shiftUrl = ShiftUrl.PREFIX + url.substring("jdbc:".length());
        List<String> raw = observe(
                server, () -> DriverManager.getConnection(url, server.user(), server.password()), false, scenario);
        List<String> shifted = observe(
                server, () -> DriverManager.getConnection(shiftUrl, server.user(), server.password()), true, scenario);
        assertThat(shifted).as(kind + " " + name).isEqualTo(raw).isNotEmpty();
    }

    /** Runs {@code scenario} from a fresh {@code items} table and returns what it observed. */
    static List<String> observe(TestDatabase server, Connector connector, boolean shift, Scenario scenario)
            throws SQLException {
        try (Connection setup = server.connect(databaseUrl(server))) {
            TestDatabases.run(setup, "DROP TABLE IF EXISTS items", createItems(server.kind()));
            TestDatabases.run(setup, "INSERT INTO items(name, amount) VALUES ('a', 1.50), ('b', 2.25), ('c', NULL)");
        }
        Run run = new Run(shift, server.kind());
        try (Connection c = connector.open()) {
            run.wrapped(c, ShiftConnection.class);
            try {
                scenario.run(c, run);
            } catch (SQLException e) {
                run.see(describe(e));
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return run.observed;
    }

    private static String createItems(TestDatabase.Kind kind) {
        String id = kind == TestDatabase.Kind.MARIADB
                ? "id INT AUTO_INCREMENT PRIMARY KEY"
                : "id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        return "CREATE TABLE items (" + id
                + ", name VARCHAR(20) NOT NULL UNIQUE, amount DECIMAL(10,2), created TIMESTAMP NULL)";
    }

    private static String describe(SQLException e) {
        String counts =
                e instanceof BatchUpdateException b ? " counts=" + java.util.Arrays.toString(b.getUpdateCounts()) : "";
        return "error " + e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getErrorCode() + counts + " "
                + e.getMessage().replaceAll("\\(conn=\\d+\\)", "(conn=N)"); // MariaDB names the connection id
    }

    static Map<String, Scenario> scenarios() {
        Map<String, Scenario> s = new LinkedHashMap<>();
        s.put("select literal", (c, r) -> r.rows(c.createStatement().executeQuery("SELECT 1 AS one")));
        s.put(
                "select rows ordered",
                (c, r) -> r.rows(c.createStatement().executeQuery("SELECT id, name, amount FROM items ORDER BY id")));
        s.put("prepared select with parameter", (c, r) -> {
            PreparedStatement ps =
                    r.wrapped(c.prepareStatement("SELECT name FROM items WHERE id = ?"), ShiftPreparedStatement.class);
            ps.setInt(1, 2);
            r.rows(ps.executeQuery());
        });
        s.put("prepared select reused", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE amount > ? ORDER BY id");
            for (String min : new String[] {"0", "2", "9"}) {
                ps.setBigDecimal(1, new BigDecimal(min));
                r.rows(ps.executeQuery());
            }
        });
        s.put(
                "insert update count",
                (c, r) -> r.see(c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('d')")));
        s.put(
                "update many rows count",
                (c, r) -> r.see(c.createStatement().executeUpdate("UPDATE items SET amount = 9 WHERE name <> 'z'")));
        s.put("delete count", (c, r) -> {
            r.see(c.createStatement().executeUpdate("DELETE FROM items WHERE amount IS NULL"));
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items"));
        });
        s.put(
                "large update count",
                (c, r) -> r.see(c.createStatement().executeLargeUpdate("UPDATE items SET amount = 1")));
        s.put("execute select then getResultSet", (c, r) -> {
            Statement st = c.createStatement();
            r.see(st.execute("SELECT name FROM items ORDER BY id"));
            ResultSet rs = st.getResultSet();
            r.see(rs == st.getResultSet());
            r.rows(rs);
            r.see(st.getMoreResults());
            r.see(st.getUpdateCount());
        });
        s.put("execute update then getUpdateCount", (c, r) -> {
            Statement st = c.createStatement();
            r.see(st.execute("UPDATE items SET amount = 3 WHERE id = 1"));
            r.see(st.getUpdateCount());
            r.see(st.getResultSet());
        });
        s.put("prepared execute and getResultSet", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("SELECT id FROM items WHERE name = ?");
            ps.setString(1, "b");
            r.see(ps.execute());
            r.rows(ps.getResultSet());
        });
        s.put("generated keys by flag", (c, r) -> {
            PreparedStatement ps =
                    c.prepareStatement("INSERT INTO items(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
            ps.setString(1, "k");
            r.see(ps.executeUpdate());
            ResultSet keys = r.wrapped(ps.getGeneratedKeys(), ShiftResultSet.class);
            r.see(keys.next() ? keys.getLong(1) : "none");
            if (r.shift) {
                assertThat(keys.getStatement()).isSameAs(ps);
            }
        });
        s.put("generated keys by column name", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("INSERT INTO items(name) VALUES (?)", new String[] {"id"});
            ps.setString(1, "k");
            r.see(ps.executeUpdate());
            ResultSet keys = ps.getGeneratedKeys();
            r.see(keys.next() ? keys.getLong(1) : "none");
        });
        s.put("generated keys on statement", (c, r) -> {
            Statement st = c.createStatement();
            r.see(st.executeUpdate("INSERT INTO items(name) VALUES ('g')", Statement.RETURN_GENERATED_KEYS));
            ResultSet keys = st.getGeneratedKeys();
            r.see(keys.next() ? keys.getLong(1) : "none");
        });
        s.put("no generated keys requested", (c, r) -> {
            Statement st = c.createStatement();
            r.see(st.executeUpdate("INSERT INTO items(name) VALUES ('n')"));
        });
        s.put("statement batch", (c, r) -> {
            Statement st = c.createStatement();
            st.addBatch("INSERT INTO items(name) VALUES ('x1')");
            st.addBatch("UPDATE items SET amount = 5 WHERE name = 'a'");
            st.addBatch("DELETE FROM items WHERE name = 'c'");
            r.see(java.util.Arrays.toString(st.executeBatch()));
            r.rows(c.createStatement().executeQuery("SELECT name, amount FROM items ORDER BY name"));
        });
        s.put("prepared batch", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("INSERT INTO items(name, amount) VALUES (?, ?)");
            for (int i = 0; i < 5; i++) {
                ps.setString(1, "p" + i);
                ps.setInt(2, i);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            r.see(counts.length);
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items"));
        });
        s.put("failing batch", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("INSERT INTO items(name) VALUES (?)");
            for (String name : new String[] {"f1", "a", "f2"}) {
                ps.setString(1, name);
                ps.addBatch();
            }
            try {
                ps.executeBatch();
                r.see("no error");
            } catch (BatchUpdateException e) {
                r.see(e.getSQLState());
            }
        });
        s.put("clear batch", (c, r) -> {
            Statement st = c.createStatement();
            st.addBatch("INSERT INTO items(name) VALUES ('cb')");
            st.clearBatch();
            r.see(st.executeBatch().length);
        });
        s.put("commit makes visible", (c, r) -> {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('tx')");
            c.commit();
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items WHERE name = 'tx'"));
        });
        s.put("rollback discards", (c, r) -> {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('rb')");
            c.rollback();
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items WHERE name = 'rb'"));
        });
        s.put("savepoint rollback", (c, r) -> {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('s1')");
            Savepoint sp = c.setSavepoint("sp1");
            c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('s2')");
            c.rollback(sp);
            c.commit();
            r.see(sp.getSavepointName());
            r.rows(c.createStatement().executeQuery("SELECT name FROM items WHERE name LIKE 's%' ORDER BY name"));
        });
        s.put("unnamed savepoint release", (c, r) -> {
            c.setAutoCommit(false);
            Savepoint sp = c.setSavepoint();
            c.createStatement().executeUpdate("INSERT INTO items(name) VALUES ('u1')");
            c.releaseSavepoint(sp);
            c.commit();
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items WHERE name = 'u1'"));
        });
        s.put("autocommit flag", (c, r) -> {
            r.see(c.getAutoCommit());
            c.setAutoCommit(false);
            r.see(c.getAutoCommit());
            c.setAutoCommit(true);
            r.see(c.getAutoCommit());
        });
        s.put("isolation level", (c, r) -> {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            r.see(c.getTransactionIsolation());
        });
        s.put("read only flag", (c, r) -> {
            c.setReadOnly(true);
            r.see(c.isReadOnly());
            c.setReadOnly(false);
        });
        s.put("multiple results", (c, r) -> {
            Statement st = c.createStatement();
            r.see(st.execute("SELECT 1; SELECT 2"));
            r.rows(st.getResultSet());
            r.see(st.getMoreResults());
            if (st.getResultSet() != null) {
                r.rows(st.getResultSet());
            }
        });
        s.put("syntax error sqlstate", (c, r) -> c.createStatement().executeQuery("SELEC nothing"));
        s.put("unknown table sqlstate", (c, r) -> c.createStatement().executeQuery("SELECT * FROM no_such_table"));
        s.put("unique violation sqlstate", (c, r) -> c.createStatement()
                .executeUpdate("INSERT INTO items(name) VALUES ('a')"));
        s.put("not null violation sqlstate", (c, r) -> c.createStatement()
                .executeUpdate("INSERT INTO items(name) VALUES (NULL)"));
        s.put("error then connection still usable", (c, r) -> {
            try {
                c.createStatement().executeQuery("SELECT * FROM no_such_table");
            } catch (SQLException e) {
                r.see(e.getSQLState());
            }
            r.rows(c.createStatement().executeQuery("SELECT count(*) FROM items"));
        });
        s.put("metadata tables", (c, r) -> {
            DatabaseMetaData md = r.wrapped(c.getMetaData(), ShiftDatabaseMetaData.class);
            ResultSet rs = r.wrapped(
                    md.getTables(
                            null, null, md.storesUpperCaseIdentifiers() ? "ITEMS" : "items", new String[] {"TABLE"}),
                    ShiftResultSet.class);
            while (rs.next()) {
                r.see(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
            if (r.shift) {
                assertThat(md.getConnection()).isSameAs(c);
            }
        });
        s.put("metadata columns", (c, r) -> {
            DatabaseMetaData md = c.getMetaData();
            ResultSet rs = md.getColumns(null, null, md.storesUpperCaseIdentifiers() ? "ITEMS" : "items", null);
            while (rs.next()) {
                r.see(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT) + " " + rs.getInt("DATA_TYPE"));
            }
        });
        s.put("metadata primary keys", (c, r) -> {
            DatabaseMetaData md = c.getMetaData();
            ResultSet rs = md.getPrimaryKeys(null, null, md.storesUpperCaseIdentifiers() ? "ITEMS" : "items");
            while (rs.next()) {
                r.see(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        });
        s.put("metadata product", (c, r) -> {
            DatabaseMetaData md = c.getMetaData();
            r.see(md.getDatabaseProductName() + " " + md.getDriverName() + " " + md.getURL() + " " + md.getUserName());
        });
        s.put("result set metadata", (c, r) -> {
            ResultSetMetaData md = c.createStatement()
                    .executeQuery("SELECT id, name AS label, amount FROM items")
                    .getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                r.see(md.getColumnLabel(i).toLowerCase(Locale.ROOT) + " " + md.getColumnType(i) + " "
                        + md.isNullable(i));
            }
        });
        s.put("typed getters and wasNull", (c, r) -> {
            ResultSet rs = c.createStatement().executeQuery("SELECT id, name, amount FROM items ORDER BY id");
            while (rs.next()) {
                r.see(rs.getInt(1) + " " + rs.getString("name") + " " + rs.getBigDecimal(3) + " " + rs.wasNull() + " "
                        + rs.getDouble("amount"));
            }
        });
        s.put("getObject types", (c, r) -> {
            ResultSet rs = c.createStatement().executeQuery("SELECT id, name, amount FROM items WHERE id = 1");
            rs.next();
            r.see(rs.getObject(1).getClass().getSimpleName() + " " + rs.getObject(2) + " " + rs.getObject(3) + " "
                    + rs.getObject("amount", BigDecimal.class));
        });
        s.put("timestamps round trip", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("UPDATE items SET created = ? WHERE id = 1");
            ps.setTimestamp(1, Timestamp.valueOf("2026-01-02 03:04:05.678"));
            r.see(ps.executeUpdate());
            ResultSet rs = c.createStatement().executeQuery("SELECT created FROM items WHERE id = 1");
            rs.next();
            r.see(rs.getTimestamp(1));
        });
        s.put("setNull and clearParameters", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("UPDATE items SET amount = ? WHERE name = ?");
            ps.setNull(1, java.sql.Types.DECIMAL);
            ps.setString(2, "a");
            r.see(ps.executeUpdate());
            ps.clearParameters();
            ps.setBigDecimal(1, BigDecimal.TEN);
            ps.setString(2, "b");
            r.see(ps.executeUpdate());
            r.rows(c.createStatement().executeQuery("SELECT name, amount FROM items ORDER BY id"));
        });
        s.put("max rows", (c, r) -> {
            Statement st = c.createStatement();
            st.setMaxRows(2);
            r.see(st.getMaxRows());
            r.rows(st.executeQuery("SELECT name FROM items ORDER BY id"));
        });
        s.put("fetch size iteration", (c, r) -> {
            c.setAutoCommit(false);
            Statement st = c.createStatement();
            st.setFetchSize(1);
            r.rows(st.executeQuery("SELECT name FROM items ORDER BY id"));
        });
        s.put("scrollable result set", (c, r) -> {
            Statement st = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
            ResultSet rs = st.executeQuery("SELECT name FROM items ORDER BY id");
            r.see(rs.absolute(3) + " " + rs.getString(1));
            r.see(rs.previous() + " " + rs.getString(1));
            r.see(rs.first() + " " + rs.getRow());
            r.see(rs.getType() + " " + rs.getConcurrency());
        });
        s.put("close cascades from connection", (c, r) -> {
            Connection other = DriverManager.getConnection(
                    c.getMetaData().getURL().startsWith("jdbc:h2:") && r.shift
                            ? "jdbc:schemashift:" + c.getMetaData().getURL().substring(5)
                            : c.getMetaData().getURL(),
                    r.kind == TestDatabase.Kind.POSTGRESQL
                            ? "postgres"
                            : r.kind == TestDatabase.Kind.MARIADB ? "root" : "sa",
                    "");
            Statement st = other.createStatement();
            ResultSet rs = st.executeQuery("SELECT name FROM items");
            other.close();
            r.see(other.isClosed() + " " + st.isClosed() + " " + rs.isClosed());
        });
        s.put("close cascades from statement", (c, r) -> {
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT name FROM items");
            st.close();
            r.see(st.isClosed() + " " + rs.isClosed());
        });
        s.put("closed statement refuses work", (c, r) -> {
            Statement st = c.createStatement();
            st.close();
            st.executeQuery("SELECT 1");
        });
        s.put("unwrap to real connection", (c, r) -> {
            Connection real = c.unwrap(Connection.class);
            r.see(c.isWrapperFor(Connection.class));
            r.see(real.getMetaData().getDatabaseProductName());
            if (r.shift) {
                assertThat(c.isWrapperFor(ShiftConnection.class)).isTrue();
                assertThat(c.unwrap(c.getClass().getInterfaces().length >= 0 ? ShiftConnection.class : null))
                        .isSameAs(c);
                assertThat(((ShiftConnection) c).delegate.isWrapperFor(Connection.class))
                        .isTrue();
            }
        });
        s.put("back references", (c, r) -> {
            PreparedStatement ps = c.prepareStatement("SELECT name FROM items");
            ResultSet rs = ps.executeQuery();
            r.see(ps.getConnection() == c);
            r.see(rs.getStatement() == ps);
        });
        s.put("is valid and native sql", (c, r) -> {
            r.see(c.isValid(2));
            r.see(c.nativeSQL("SELECT 1"));
        });
        s.put("warnings", (c, r) -> {
            Statement st = c.createStatement();
            st.executeQuery("SELECT 1");
            r.see(st.getWarnings());
            st.clearWarnings();
        });
        s.put("callable function", (c, r) -> {
            CallableStatement cs = r.wrapped(c.prepareCall("{? = call abs(?)}"), ShiftCallableStatement.class);
            cs.registerOutParameter(1, java.sql.Types.INTEGER);
            cs.setInt(2, -5);
            cs.execute();
            r.see(cs.getInt(1));
        });
        s.put("query timeout setting", (c, r) -> {
            Statement st = c.createStatement();
            st.setQueryTimeout(5);
            r.see(st.getQueryTimeout());
            r.rows(st.executeQuery("SELECT count(*) FROM items"));
        });
        s.put("catalog and schema", (c, r) -> r.see(c.getCatalog() + " " + c.getSchema()));
        return s;
    }
}
