package io.schemashift.invariant;

import io.schemashift.testing.TestDatabase;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One thing the application does through SchemaShift: a statement, or a transaction boundary.
 *
 * @param label the statement kind, stable across databases (the failure tables group by it)
 * @param sql the SQL text, for the failure message
 * @param effect how the runner treats the step (a write, or a transaction boundary)
 * @param expect what the raw database does with it (checked in old-only, where SchemaShift passes
 *     it through untouched)
 * @param action runs it on the application's connection and describes the result
 */
record Step(String label, String sql, Effect effect, Expect expect, Action action) {

    /** What a step does to the runner's view of the transaction. */
    enum Effect {
        /** A statement; on failure, its effect must be visible on neither side. */
        WRITE,
        /**
         * A batch or a multi-statement text: on failure the raw driver may keep the entries before
         * the failing one, so only the sides' agreement is checked.
         */
        WRITE_PARTIAL,
        /** Auto-commit off ({@code setAutoCommit(false)}, {@code SET autocommit = 0}). */
        MANUAL_BEGIN,
        /** Auto-commit back on: commits what is pending. */
        MANUAL_END,
        /** {@code BEGIN} sent as SQL while auto-commit is on: a transaction until COMMIT/ROLLBACK. */
        SQL_BEGIN,
        COMMIT,
        ROLLBACK,
        /** Savepoint work inside a transaction: checked when the transaction ends. */
        SAVEPOINT
    }

    /** What the raw database does with the step, as the palette intends it. */
    enum Expect {
        OK,
        /** Meant to fail (a duplicate key, a batch with a failing entry). */
        FAILS,
        /** Either (a rolled-back transaction's statements on PostgreSQL after an error…). */
        ANY
    }

    /** Runs the step; returns a short description of what the application got. */
    @FunctionalInterface
    interface Action {
        String run(Connection c, Context ctx) throws SQLException;
    }

    /** What steps share during one run: savepoints, and what the other-schema table should hold. */
    static final class Context {
        final List<Savepoint> savepoints = new ArrayList<>();
        final java.util.Set<Integer> otherExpected = new java.util.TreeSet<>();
        /** Keys the application got back from generated-key inserts, in order. */
        final List<Integer> generated = new ArrayList<>();
    }

    /** The SQL as the failure message shows it: long texts cut. */
    String shownSql() {
        return sql.length() <= 240 ? sql : sql.substring(0, 200) + " … (" + sql.length() + " characters)";
    }

    Step expecting(Expect e) {
        return new Step(label, sql, effect, e, action);
    }

    Step partial() {
        return new Step(label, sql, Effect.WRITE_PARTIAL, expect, action);
    }

    // ---- factories -------------------------------------------------------------------------

    /** {@code Statement.execute(sql)}: the update count, or the rows of a result. */
    static Step execute(String label, String sql) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                return describe(st, st.execute(sql));
            }
        });
    }

    /** {@code Statement.executeUpdate(sql)}. */
    static Step update(String label, String sql) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                return "count " + st.executeUpdate(sql);
            }
        });
    }

    /** {@code Statement.executeLargeUpdate(sql)}. */
    static Step largeUpdate(String label, String sql) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                return "count " + st.executeLargeUpdate(sql);
            }
        });
    }

    /** {@code Statement.executeUpdate(sql, RETURN_GENERATED_KEYS)}, keys read back. */
    static Step updateWithKeys(String label, String sql) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                int count = st.executeUpdate(sql, Statement.RETURN_GENERATED_KEYS);
                return "count " + count + ", keys " + keys(st, ctx);
            }
        });
    }

    /** {@code Statement.executeQuery(sql)}: a write that returns rows (RETURNING, a CTE…). */
    static Step query(String label, String sql) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                return "rows " + rows(rs);
            }
        });
    }

    /** {@code prepareStatement(sql)} with {@code params}, {@code executeUpdate()}. */
    static Step prepared(String label, String sql, Object... params) {
        return new Step(label, sql + " " + Arrays.toString(params), Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                return "count " + ps.executeUpdate();
            }
        });
    }

    /** {@code prepareStatement(sql, RETURN_GENERATED_KEYS)} with {@code params}, keys read back. */
    static Step preparedWithKeys(String label, String sql, Object... params) {
        return new Step(label, sql + " " + Arrays.toString(params), Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, params);
                int count = ps.executeUpdate();
                return "count " + count + ", keys " + keys(ps, ctx);
            }
        });
    }

    /** {@code prepareStatement(sql, new String[] {"id"})}: keys asked for by column name. */
    static Step preparedWithKeyColumn(String label, String sql, String keyColumn, Object... params) {
        return new Step(label, sql + " " + Arrays.toString(params), Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (PreparedStatement ps = c.prepareStatement(sql, new String[] {keyColumn})) {
                bind(ps, params);
                int count = ps.executeUpdate();
                return "count " + count + ", keys " + keys(ps, ctx);
            }
        });
    }

    /** {@code prepareCall(sql)} with {@code params}, {@code executeUpdate()}. */
    static Step call(String label, String sql, Object... params) {
        return new Step(label, sql + " " + Arrays.toString(params), Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (CallableStatement cs = c.prepareCall(sql)) {
                bind(cs, params);
                return "count " + cs.executeUpdate();
            }
        });
    }

    /**
     * An updatable result set over one row: {@code updateString}, {@code updateRow()}. The database
     * driver writes the row with SQL of its own; past old-only SchemaShift refuses it (0A000).
     */
    static Step updatableRow(String label, int id, String name) {
        String sql = "SELECT id, name FROM customers WHERE id = " + id;
        return new Step(label, sql + " updateRow name = " + name, Effect.WRITE, Expect.ANY, (c, ctx) -> {
            try (Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                    ResultSet rs = st.executeQuery(sql)) {
                if (!rs.next()) {
                    return "no row";
                }
                rs.updateString("name", name);
                rs.updateRow();
                return "updated";
            }
        });
    }

    /** A prepared batch: one {@code addBatch()} per parameter row, {@code executeBatch()}. */
    static Step batch(String label, String sql, List<Object[]> rows) {
        StringBuilder shown = new StringBuilder(sql).append(" batch");
        rows.forEach(r -> shown.append(' ').append(Arrays.toString(r)));
        return new Step(label, shown.toString(), Effect.WRITE_PARTIAL, Expect.OK, (c, ctx) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    bind(ps, row);
                    ps.addBatch();
                }
                return "counts " + Arrays.toString(ps.executeBatch());
            }
        });
    }

    /** A statement batch: {@code Statement.addBatch(sql)} for each, {@code executeBatch()}. */
    static Step statementBatch(String label, List<String> sqls) {
        return new Step(label, String.join("; ", sqls), Effect.WRITE_PARTIAL, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                for (String s : sqls) {
                    st.addBatch(s);
                }
                return "counts " + Arrays.toString(st.executeBatch());
            }
        });
    }

    /** A write to the same-named table in another schema; tracks what that table should hold. */
    static Step other(String label, String sql, int id, boolean inserts) {
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                int count = st.executeUpdate(sql);
                if (count > 0 && inserts) {
                    ctx.otherExpected.add(id);
                } else if (count > 0) {
                    ctx.otherExpected.remove(id);
                }
                return "count " + count;
            }
        });
    }

    /**
     * An insert of an unqualified {@code customers} on a connection moved to the other schema
     * ({@code setSchema}, MariaDB {@code setCatalog}), then moved back with SQL: it lands in the
     * other schema's table, and the next statements are home again.
     */
    static Step moved(String label, InvariantMigration m, int id) {
        String sql = "INSERT INTO customers (id, name) VALUES (" + id + ", 'Other " + id + "')";
        return new Step(label, sql, Effect.WRITE, Expect.OK, (c, ctx) -> {
            if (m.kind == TestDatabase.Kind.MARIADB) {
                c.setCatalog(m.otherSchema());
            } else {
                c.setSchema(m.otherSchema());
            }
            try (Statement st = c.createStatement()) {
                int count = st.executeUpdate(sql);
                if (count > 0) {
                    ctx.otherExpected.add(id);
                }
                return "count " + count;
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute(m.homeSql());
                }
            }
        });
    }

    static Step manualBegin() {
        return new Step("setAutoCommit(false)", "setAutoCommit(false)", Effect.MANUAL_BEGIN, Expect.OK, (c, ctx) -> {
            c.setAutoCommit(false);
            return "ok";
        });
    }

    static Step manualEnd() {
        return new Step("setAutoCommit(true)", "setAutoCommit(true)", Effect.MANUAL_END, Expect.OK, (c, ctx) -> {
            c.setAutoCommit(true);
            ctx.savepoints.clear();
            return "ok";
        });
    }

    static Step commit() {
        return new Step("commit()", "commit()", Effect.COMMIT, Expect.ANY, (c, ctx) -> {
            ctx.savepoints.clear();
            c.commit();
            return "ok";
        });
    }

    static Step rollback() {
        return new Step("rollback()", "rollback()", Effect.ROLLBACK, Expect.OK, (c, ctx) -> {
            ctx.savepoints.clear();
            c.rollback();
            return "ok";
        });
    }

    static Step savepoint() {
        return new Step("setSavepoint()", "setSavepoint()", Effect.SAVEPOINT, Expect.ANY, (c, ctx) -> {
            ctx.savepoints.add(c.setSavepoint());
            return "savepoint " + ctx.savepoints.size();
        });
    }

    /** Rolls back to the latest savepoint (and forgets it); a no-op without one. */
    static Step rollbackToSavepoint() {
        return new Step("rollback(savepoint)", "rollback(savepoint)", Effect.SAVEPOINT, Expect.ANY, (c, ctx) -> {
            if (ctx.savepoints.isEmpty()) {
                return "no savepoint";
            }
            c.rollback(ctx.savepoints.remove(ctx.savepoints.size() - 1));
            return "ok";
        });
    }

    static Step releaseSavepoint() {
        return new Step("releaseSavepoint()", "releaseSavepoint()", Effect.SAVEPOINT, Expect.ANY, (c, ctx) -> {
            if (ctx.savepoints.isEmpty()) {
                return "no savepoint";
            }
            c.releaseSavepoint(ctx.savepoints.remove(ctx.savepoints.size() - 1));
            return "ok";
        });
    }

    /** Transaction control sent as SQL text through {@code Statement.execute}. */
    static Step sql(String label, String sql, Effect effect) {
        return new Step(label, sql, effect, Expect.OK, (c, ctx) -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
                return "ok";
            }
        });
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static String describe(Statement st, boolean hasResult) throws SQLException {
        if (hasResult) {
            try (ResultSet rs = st.getResultSet()) {
                return "rows " + rows(rs);
            }
        }
        return "count " + st.getUpdateCount();
    }

    private static int rows(ResultSet rs) throws SQLException {
        int n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    private static List<Integer> keys(Statement st, Context ctx) throws SQLException {
        List<Integer> keys = new ArrayList<>();
        try (ResultSet rs = st.getGeneratedKeys()) {
            while (rs.next()) {
                keys.add(rs.getInt(1));
            }
        }
        ctx.generated.addAll(keys);
        return keys;
    }
}
