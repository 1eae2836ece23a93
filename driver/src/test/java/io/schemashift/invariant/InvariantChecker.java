package io.schemashift.invariant;

import io.schemashift.config.Phase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks SchemaShift's one invariant from outside the driver, on raw connections to both sides:
 * every key on which the old and the new table differ (through the mapping) is named in the
 * divergence log (a record without a key covers the whole table), and a statement that failed,
 * or a transaction that was rolled back, changed neither side.
 *
 * <p>In {@code new-only} the old side is not written by design, so there the invariant reads:
 * every key on which the old side changed is named in the divergence log.
 *
 * <p>Not thread-safe; one per run.
 */
final class InvariantChecker implements AutoCloseable {

    /** The ways the invariant can be broken. */
    enum Breach {
        UNLOGGED_DIFFERENCE("the sides differ on keys the divergence log does not name"),
        OLD_WRITTEN_IN_NEW_ONLY("the old side changed in new-only on keys the divergence log does not name"),
        FAILED_STATEMENT_CHANGED_ROWS("the statement failed, yet rows changed"),
        ROLLBACK_LEFT_ROWS("the transaction was rolled back (or its commit failed), yet rows changed"),
        NOT_AN_SQL_EXCEPTION("the application got an exception that is not an SQLException"),
        ERROR_WITHOUT_SQLSTATE("the application got an SQLException without SQLState"),
        OTHER_SCHEMA_MISROUTED("a write to the same-named table in another schema reached the mapped tables"
                + " or missed its own table");

        final String text;

        Breach(String text) {
            this.text = text;
        }
    }

    /** One breach of the invariant, attributed to a statement (or a transaction) of the run. */
    record Violation(Breach breach, String where, Set<Integer> keys, String detail) {}

    /** One row through the mapping: {@code name, lower(name), email, version} (old names). */
    /** @param stamp the migration's stamped column ({@link InvariantMigration#stamped}), {@code null} without one */
    record Row(String name, String lower, String email, String version, Object stamp) {
        @Override
        public String toString() {
            return name + "|" + lower + "|" + email + "|" + version + (stamp == null ? "" : "|" + stamp);
        }
    }

    /** Both sides' rows, through the mapping, by key. */
    record Snapshot(Map<Integer, Row> old, Map<Integer, Row> neu) {}

    /** What the divergence log names for this migration. */
    record Logged(Set<Integer> keys, boolean wholeTable, List<String> unusable, int records) {
        boolean covers(int key) {
            return wholeTable || keys.contains(key);
        }
    }

    private static final Pattern KEY = Pattern.compile("\\[\"?(-?\\d+)\"?]");
    private final InvariantMigration m;
    private final String oldRows;
    private final String newRows;
    private final Connection old;
    private final Connection neu;

    InvariantChecker(InvariantMigration m) throws SQLException {
        this.m = m;
        String stamp = m.stamped == null ? "" : ", " + m.stamped;
        this.oldRows = "SELECT id, name, lower(name), email, version" + stamp + " FROM customers";
        this.newRows = "SELECT id, full_name, name_search, email, version" + stamp + " FROM clients";
        this.old = m.fx.server.connect(m.fx.oldUrl);
        this.neu = m.fx.server.connect(m.fx.newUrl);
    }

    Phase phase() {
        return m.phase;
    }

    Snapshot snapshot() throws SQLException {
        return new Snapshot(rows(old, oldRows), rows(neu, newRows));
    }

    /** The divergence records of this migration, once every queued record is written. */
    Logged logged() throws Exception {
        if (!m.fx.runtime().divergences().flush(Duration.ofSeconds(30))) {
            throw new AssertionError("the divergence log did not flush within 30 s");
        }
        Set<Integer> keys = new TreeSet<>();
        List<String> unusable = new ArrayList<>();
        boolean whole = false;
        int records = 0;
        // Read where the driver writes it (the application's database) and, to be safe, on a
        // separate new database too.
        for (Connection c : m.separate ? List.of(old, neu) : List.of(old)) {
            String sql = "SELECT table_name, key_text FROM " + m.divergenceTable() + " WHERE migration = '"
                    + m.fx.migration + "'";
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    records++;
                    String table = rs.getString(1);
                    String key = rs.getString(2);
                    if (table == null
                            || !table.toLowerCase(java.util.Locale.ROOT).endsWith("customers")) {
                        continue;
                    }
                    if (key == null) {
                        whole = true;
                        continue;
                    }
                    Matcher k = KEY.matcher(key);
                    if (k.matches()) {
                        keys.add(Integer.parseInt(k.group(1)));
                    } else {
                        unusable.add(key);
                    }
                }
            } catch (SQLException e) {
                // No record yet: the table is created with the first one.
            }
        }
        return new Logged(keys, whole, unusable, records);
    }

    /**
     * Checks one statement run in auto-commit mode, or one committed transaction: the keys it
     * changed that now differ must be logged; if it failed ({@code failedStrictly}), it must have
     * changed nothing.
     */
    List<Violation> checkChange(String where, Snapshot before, Snapshot after, boolean failedStrictly)
            throws Exception {
        List<Violation> found = new ArrayList<>();
        Set<Integer> changedOld = differing(before.old(), after.old());
        Set<Integer> changedNew = differing(before.neu(), after.neu());
        if (failedStrictly && !(changedOld.isEmpty() && changedNew.isEmpty())) {
            Set<Integer> keys = new TreeSet<>(changedOld);
            keys.addAll(changedNew);
            found.add(new Violation(Breach.FAILED_STATEMENT_CHANGED_ROWS, where, keys, values(keys, before, after)));
        }
        Set<Integer> leaked = new TreeSet<>();
        for (int k : union(changedOld, changedNew)) {
            // A marker row that this statement wrote (not one an earlier repair copied over).
            if ((changedOld.contains(k) && isOther(after.old().get(k)))
                    || (changedNew.contains(k) && isOther(after.neu().get(k)))) {
                leaked.add(k);
            }
        }
        if (!leaked.isEmpty()) {
            found.add(new Violation(Breach.OTHER_SCHEMA_MISROUTED, where, leaked, values(leaked, before, after)));
        }
        if (m.phase == Phase.NEW_ONLY) {
            addUncovered(found, Breach.OLD_WRITTEN_IN_NEW_ONLY, where, changedOld, before, after);
        } else if (m.phase.mirrorsWrites()) {
            Set<Integer> nowDiffering = new TreeSet<>(changedOld);
            nowDiffering.addAll(changedNew);
            nowDiffering.removeIf(
                    k -> Objects.equals(after.old().get(k), after.neu().get(k)));
            addUncovered(found, Breach.UNLOGGED_DIFFERENCE, where, nowDiffering, before, after);
        }
        return found;
    }

    /** Checks a rolled-back transaction (or one whose commit failed): nothing changed on either side. */
    List<Violation> checkRolledBack(String where, Snapshot begin, Snapshot after) {
        Set<Integer> keys = differing(begin.old(), after.old());
        keys.addAll(differing(begin.neu(), after.neu()));
        return keys.isEmpty()
                ? List.of()
                : List.of(new Violation(Breach.ROLLBACK_LEFT_ROWS, where, keys, values(keys, begin, after)));
    }

    /**
     * The whole-run check: in a mirroring phase every key on which the sides differ is logged; in
     * new-only every key on which the old side changed since {@code baseline} is logged.
     */
    List<Violation> checkSides(String where, Snapshot baseline, Snapshot now) throws Exception {
        List<Violation> found = new ArrayList<>();
        if (m.phase == Phase.NEW_ONLY) {
            addUncovered(
                    found, Breach.OLD_WRITTEN_IN_NEW_ONLY, where, differing(baseline.old(), now.old()), baseline, now);
        } else if (m.phase.mirrorsWrites()) {
            addUncovered(found, Breach.UNLOGGED_DIFFERENCE, where, differing(now.old(), now.neu()), baseline, now);
        }
        return found;
    }

    /**
     * Writes to the other schema's {@code customers} land there: it holds exactly the rows the
     * application successfully inserted there and did not delete. (That none of them reached the
     * mapped tables is checked statement by statement, by their marker names.)
     */
    List<Violation> checkOtherSchema(String where, Set<Integer> expected) throws SQLException {
        Set<Integer> actual = new TreeSet<>(rows(old, "SELECT id, name, name, email, version FROM " + m.otherTable)
                .keySet());
        if (actual.equals(expected)) {
            return List.of();
        }
        return List.of(new Violation(
                Breach.OTHER_SCHEMA_MISROUTED,
                where,
                differing(toMap(expected), toMap(actual)),
                m.otherTable + " holds " + actual + ", the application inserted (and did not delete) " + expected));
    }

    /** Raises one error naming every violation, the side values and the statements run. */
    void assertNone(List<Violation> violations, List<String> statements) throws Exception {
        if (violations.isEmpty()) {
            return;
        }
        Logged logged = logged();
        StringBuilder msg = new StringBuilder("SchemaShift invariant broken (")
                .append(m)
                .append("): ")
                .append(violations.size())
                .append(" violation(s)\n");
        for (Violation v : violations) {
            msg.append("- ")
                    .append(v.breach())
                    .append(": ")
                    .append(v.breach().text)
                    .append("\n    at: ")
                    .append(v.where())
                    .append("\n    keys: ")
                    .append(v.keys())
                    .append("\n")
                    .append(v.detail().indent(4));
        }
        msg.append("divergence log: ")
                .append(logged.records())
                .append(" record(s) for this migration; keys ")
                .append(logged.keys())
                .append(logged.wholeTable() ? "; a whole-table record for customers" : "; no whole-table record")
                .append(logged.unusable().isEmpty() ? "" : "; unusable keys " + logged.unusable())
                .append("\nstatements run (in order):\n");
        for (int i = 0; i < statements.size(); i++) {
            msg.append(String.format("%3d. %s%n", i + 1, statements.get(i)));
        }
        throw new AssertionError(msg.toString());
    }

    private void addUncovered(
            List<Violation> found, Breach breach, String where, Set<Integer> keys, Snapshot before, Snapshot after)
            throws Exception {
        if (keys.isEmpty()) {
            return;
        }
        Logged logged = logged();
        Set<Integer> uncovered = new TreeSet<>(keys);
        uncovered.removeIf(logged::covers);
        if (!uncovered.isEmpty()) {
            found.add(new Violation(breach, where, uncovered, values(uncovered, before, after)));
        }
    }

    /** The side values of {@code keys}, before and after (test values: fine to print). */
    private static String values(Set<Integer> keys, Snapshot before, Snapshot after) {
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (int k : keys) {
            if (shown++ == 12) {
                s.append("… and ").append(keys.size() - 12).append(" more key(s)\n");
                break;
            }
            s.append("id ")
                    .append(k)
                    .append(": old ")
                    .append(show(before.old().get(k)))
                    .append(" → ")
                    .append(show(after.old().get(k)))
                    .append("; new ")
                    .append(show(before.neu().get(k)))
                    .append(" → ")
                    .append(show(after.neu().get(k)))
                    .append('\n');
        }
        return s.toString();
    }

    /** Rows written to the other schema's table carry names starting with "Other ". */
    private static boolean isOther(Row row) {
        return row != null && row.name() != null && row.name().startsWith("Other ");
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    private static String show(Row row) {
        return row == null ? "(no row)" : "[" + row + "]";
    }

    private static <V> Set<Integer> differing(Map<Integer, V> a, Map<Integer, V> b) {
        Set<Integer> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> Objects.equals(a.get(k), b.get(k)));
        return keys;
    }

    private static Map<Integer, Row> toMap(Set<Integer> keys) {
        Map<Integer, Row> map = new HashMap<>();
        keys.forEach(k -> map.put(k, new Row("", "", "", "", null)));
        return map;
    }

    private static Map<Integer, Row> rows(Connection c, String sql) throws SQLException {
        Map<Integer, Row> rows = new TreeMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Object stamp = rs.getMetaData().getColumnCount() > 5 ? TestDatabases.utcWallClock(rs, 6) : null;
                rows.put(
                        rs.getInt(1),
                        new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), stamp));
            }
        }
        return rows;
    }

    /**
     * Plays {@code verify --repair} after a check: copies the truth side's rows onto the other
     * side where they differ and clears this migration's divergence records, so that the next
     * statement is checked from equal sides and a whole-table record cannot cover the rest of the
     * run. In new-only nothing is copied (the old side is not expected to follow). Returns
     * whether anything was done.
     */
    boolean repair(Snapshot now) throws Exception {
        Set<Integer> keys = m.phase.mirrorsWrites() ? differing(now.old(), now.neu()) : Set.of();
        // The driver counts a record when it queues it: no new count, no new record to clear.
        double recorded = m.fx.count("schemashift.divergences");
        if (keys.isEmpty() && recorded == recordedAtRepair) {
            return false;
        }
        boolean newIsTruth = m.phase.newIsPrimary();
        Map<Integer, Row> truth = newIsTruth ? now.neu() : now.old();
        Connection target = newIsTruth ? old : neu;
        String table = newIsTruth ? "customers" : "clients";
        try (var delete = target.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
                var insert = target.prepareStatement((newIsTruth
                                ? "INSERT INTO customers (id, name, email, version"
                                : "INSERT INTO clients (id, full_name, name_search, email, version")
                        + (m.stamped == null ? ")" : ", " + m.stamped + ")")
                        + (newIsTruth ? " VALUES (?, ?, ?, ?" : " VALUES (?, ?, lower(?), ?, ?")
                        + (m.stamped == null ? ")" : ", ?)"))) {
            // Batched: after an unmirrored long statement or TRUNCATE, thousands of keys differ.
            for (int k : keys) {
                delete.setInt(1, k);
                delete.addBatch();
                Row row = truth.get(k);
                if (row != null) {
                    int i = 1;
                    insert.setInt(i++, k);
                    insert.setString(i++, row.name());
                    if (!newIsTruth) {
                        insert.setString(i++, row.name());
                    }
                    insert.setString(i++, row.email());
                    insert.setObject(i++, row.version() == null ? null : Integer.valueOf(row.version()));
                    if (m.stamped != null) {
                        insert.setObject(i, row.stamp());
                    }
                    insert.addBatch();
                }
            }
            delete.executeBatch();
            insert.executeBatch();
        }
        clearLog();
        recordedAtRepair = recorded;
        return true;
    }

    /** {@code schemashift.divergences} at the last repair. */
    private double recordedAtRepair;

    private void clearLog() throws Exception {
        logged(); // waits for queued records
        for (Connection c : m.separate ? List.of(old, neu) : List.of(old)) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM " + m.divergenceTable() + " WHERE migration = '" + m.fx.migration + "'");
            } catch (SQLException e) {
                // No record was ever written there: nothing to clear.
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (old;
                neu) {
            // closes both
        }
    }
}
