package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PostgreSQL column type changes whose new type takes no value of the old one by assignment
 * ({@code text} → {@code uuid}, {@code jsonb}, {@code integer}, {@code date}, an enum; {@code
 * integer} → {@code boolean}): pgjdbc sends a {@code setString} value as {@code varchar}, which
 * such a column refuses, and so does a comparison of it with one. The application's statements,
 * written for the old types, are mirrored and read on the new side with the values cast to the new
 * types: nothing recorded, both sides equal, and reads from the new side find the rows and give
 * the values as the old types.
 */
class TypeChangeIT {

    /** Both sides' rows, each value as the new type spells it. */
    private static final String OLD_ROWS =
            "SELECT id || '|' || ref || '|' || CAST(doc AS jsonb) || '|' || CAST(qty AS int)"
                    + " || '|' || CAST(born AS date) || '|' || tier || '|' || CAST(active AS boolean) FROM accounts ORDER BY id";

    private static final String NEW_ROWS = "SELECT id || '|' || ref || '|' || doc || '|' || qty || '|' || born || '|'"
            + " || tier || '|' || active FROM accounts_v2 ORDER BY id";

    private static final String REF_1 = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    private static final String REF_2 = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12";
    private static final String REF_3 = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13";
    private static final String REF_4 = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14";

    @AfterEach
    void close() throws SQLException {
        MigrationFixture.closeAll();
    }

    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary", "true, new-primary", "false, new-only"})
    void boundStringsAndNumbers_writtenAndComparedAsTheNewTypes(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(separate, "phase: " + phase + "\n");
        boolean newOnly = phase.equals("new-only");
        try (Connection c = fx.connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, ref, doc, qty, born, tier, active) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                row(ps, 1, REF_1, "{\"b\": 1, \"a\": 2}", "7", "2024-01-31", "gold", 1);
                ps.executeUpdate();
                row(ps, 2, REF_2, "[1, 2]", "8", "2024-02-29", "silver", 0);
                ps.addBatch();
                row(ps, 3, REF_3, "{}", "9", "2024-03-01", "gold", 0);
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1, 1);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE accounts SET doc = ?, qty = ?, tier = ? WHERE ref = ? AND born >= ?")) {
                ps.setString(1, "{\"c\": 3}");
                ps.setString(2, "70");
                ps.setString(3, "silver");
                ps.setString(4, REF_1);
                ps.setString(5, "2024-01-01");
                assertThat(ps.executeUpdate()).as("the row found by its uuid").isEqualTo(1);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE accounts SET active = ? WHERE tier IN (?, ?) AND qty <> ?")) {
                ps.setInt(1, 1);
                ps.setString(2, "gold");
                ps.setString(3, "silver");
                ps.setString(4, "8");
                assertThat(ps.executeUpdate()).isEqualTo(2);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM accounts WHERE ref = ? OR (born BETWEEN ? AND ? AND qty IN (?, ?) AND ? = tier) ORDER BY id")) {
                ps.setString(1, REF_2);
                ps.setString(2, "2024-03-01");
                ps.setString(3, "2024-12-31");
                ps.setString(4, "9");
                ps.setString(5, "10");
                ps.setString(6, "gold");
                assertThat(ids(ps)).as("read on the primary").containsExactly(2L, 3L);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM accounts WHERE tier = ANY (?) AND ref <> ALL (?) ORDER BY id")) {
                ps.setArray(1, c.createArrayOf("text", new String[] {"gold"}));
                ps.setArray(2, c.createArrayOf("text", new String[] {REF_1}));
                assertThat(ids(ps)).as("an array parameter").containsExactly(3L);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM accounts WHERE tier LIKE ? AND upper(ref) <> ? ORDER BY id")) {
                ps.setString(1, "gol%");
                ps.setString(2, REF_1.toUpperCase(java.util.Locale.ROOT));
                assertThat(ids(ps))
                        .as("a pattern match, a function: on the old type")
                        .containsExactly(3L);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, ref, doc, qty, born, tier, active) VALUES (?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (id) DO UPDATE SET doc = ?, qty = EXCLUDED.qty")) {
                row(ps, 2, REF_2, "[1]", "80", "2024-02-29", "silver", 0);
                ps.setString(8, "[2]");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, ref, doc, qty, born, tier, active) SELECT ?, ?, ?, ?, ?, ?, ?"
                            + " WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE ref = ?)")) {
                row(ps, 4, REF_4, "{\"d\": null}", "4", "2024-04-01", "gold", 1);
                ps.setString(8, REF_4);
                assertThat(ps.executeUpdate())
                        .as("inserted where its uuid is not found")
                        .isEqualTo(1);
                row(ps, 5, REF_4, "{}", "5", "2024-05-01", "gold", 1);
                assertThat(ps.executeUpdate()).as("found, not inserted").isZero();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE ref = ? AND doc = ?")) {
                ps.setString(1, REF_3);
                ps.setString(2, "{}");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        try (Connection c = fx.connect();
                PreparedStatement all = c.prepareStatement("SELECT * FROM accounts WHERE id = ?");
                PreparedStatement named =
                        c.prepareStatement("SELECT a.ref, active AS flag FROM accounts a WHERE id = ?")) {
            all.setLong(1, 1);
            try (ResultSet rs = all.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(
                                rs.getObject("ref"), rs.getObject("qty"), rs.getObject("born"), rs.getObject("tier")))
                        .as("read as the old types, from either side")
                        .containsExactly(REF_1, "70", "2024-01-31", "silver");
                assertThat(rs.getObject("active")).isEqualTo(1);
                assertThat(rs.getObject("doc")).isInstanceOf(String.class);
            }
            named.setLong(1, 1);
            try (ResultSet rs = named.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("ref")).isEqualTo(REF_1);
                assertThat(rs.getInt("flag")).isEqualTo(1);
            }
        }
        List<String> expected = List.of(
                "1|" + REF_1 + "|{\"c\": 3}|70|2024-01-31|silver|true",
                "2|" + REF_2 + "|[2]|80|2024-02-29|silver|false",
                "4|" + REF_4 + "|{\"d\": null}|4|2024-04-01|gold|true");
        assertThat(rows(fx.newUrl, NEW_ROWS)).as("new side").isEqualTo(expected);
        if (!newOnly) {
            assertThat(rows(fx.oldUrl, OLD_ROWS)).as("old side").isEqualTo(expected);
        }
        assertThat(fx.divergenceRecords())
                .as("every write mirrored; the one that picks rows by born >= ? (text and date order"
                        + " '2024-1-31' apart) recorded with its table")
                .isEqualTo(newOnly ? List.of() : List.of("null|mirror_picked_by_other_rows"));
    }

    /**
     * A join of the retyped column with a column of the old type (another table still holds the
     * text): the new side casts the other column to the new type, so the join runs there too.
     */
    @ParameterizedTest
    @CsvSource({"dual-write", "new-primary"})
    void joinWithAColumnOfTheOldType_castToTheNewType(String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(false, "phase: " + phase + "\n");
        fx.rawOld(
                "CREATE TABLE orders (id INT PRIMARY KEY, account_ref TEXT)",
                "INSERT INTO orders VALUES (10, '" + REF_2 + "'), (11, '" + REF_1 + "')");
        try (Connection c = fx.connect()) {
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO accounts (id, ref, tier) VALUES (?, ?, ?)")) {
                insert.setLong(1, 2);
                insert.setString(2, REF_2);
                insert.setString(3, "gold");
                insert.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT o.id FROM orders o JOIN accounts a ON a.ref = o.account_ref WHERE a.tier = ?")) {
                ps.setString(1, "gold");
                assertThat(ids(ps)).containsExactly(10L);
            }
        }
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /**
     * A retyped column compared with an expression or a subquery of the old type ({@code ref =
     * lower(?)}, {@code ref IN (SELECT …)}, {@code tier = CASE … END}, {@code ref = ANY
     * (string_to_array(?, ','))}): the new side casts the expression, or each row of the subquery,
     * to the new type; before, each such statement failed there (its mirror recorded, and from
     * {@code new-primary} on the application's statement failed).
     */
    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary", "true, new-primary"})
    void comparedWithAnExpressionOrASubquery_castToTheNewType(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(separate, "phase: " + phase + "\n");
        try (Connection c = fx.connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, ref, doc, qty, born, tier, active) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                row(ps, 1, REF_1, "{}", "1", "2024-01-01", "gold", 1);
                ps.executeUpdate();
                row(ps, 2, REF_2, "{}", "2", "2024-01-02", "silver", 0);
                ps.executeUpdate();
                row(ps, 3, REF_3, "{}", "3", "2024-01-03", "silver", 0);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET qty = ? WHERE ref = lower(?)")) {
                ps.setString(1, "10");
                ps.setString(2, REF_1.toUpperCase(java.util.Locale.ROOT));
                assertThat(ps.executeUpdate())
                        .as("found through a function of the old type")
                        .isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE accounts SET doc = ? WHERE tier = CASE WHEN ? THEN 'gold' ELSE 'silver' END"
                            + " AND qty = trim(?) || '' AND ? || '' = ref")) {
                ps.setString(1, "[3]");
                ps.setBoolean(2, false);
                ps.setString(3, " 3 ");
                ps.setString(4, REF_3);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM accounts WHERE ref IN (SELECT ref FROM accounts WHERE id <> ?)"
                            + " AND ref = ANY (string_to_array(?, ',')) ORDER BY id")) {
                ps.setInt(1, 2);
                ps.setString(2, REF_1 + "," + REF_3);
                assertThat(ids(ps))
                        .as("a subquery's rows, an array of the old type")
                        .containsExactly(1L, 3L);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM accounts WHERE ref = (SELECT max(ref) FROM accounts WHERE tier = ?)")) {
                ps.setString(1, "silver");
                assertThat(ids(ps)).as("a scalar subquery").containsExactly(3L);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE ref = CAST(? AS varchar)")) {
                ps.setString(1, REF_2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        List<String> expected =
                List.of("1|" + REF_1 + "|{}|10|2024-01-01|gold|true", "3|" + REF_3 + "|[3]|3|2024-01-03|silver|false");
        assertThat(rows(fx.newUrl, NEW_ROWS)).as("new side").isEqualTo(expected);
        assertThat(rows(fx.oldUrl, OLD_ROWS)).as("old side").isEqualTo(expected);
        assertThat(fx.divergenceRecords())
                .as("nothing recorded: every write mirrored")
                .isEmpty();
    }

    /**
     * A retyped column as a {@code SET} value of a column whose type did not change, which a derived
     * column reads ({@code SET label = ref}, {@code label_search: lower(label)}): the value is read
     * as its old type, so the derived column computes over text as on the old side (before, {@code
     * lower(uuid)} failed on the new side and the mirror was recorded); the new side's text is the
     * new type's spelling of it, so the write is recorded by key ({@code mirror_value_adjusted}) for
     * verify to check. An upsert that sets the retyped column itself from {@code EXCLUDED} is
     * mirrored and not recorded.
     */
    @ParameterizedTest
    @CsvSource({
        "false, dual-write, ref",
        "true, dual-write, ref",
        "false, new-primary, ref",
        "false, dual-write, ref::text",
        "true, dual-write, CAST(ref AS varchar(40)) || ''"
    })
    void setFromARetypedColumn_readAsTheOldTypeAndRecorded(boolean separate, String phase, String value)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.POSTGRESQL),
                separate,
                """
                  accounts:
                    to: accounts_v2
                    key: [id]
                    derived:
                      label_search: "lower(label)"
                """,
                "phase: " + phase + "\n");
        fx.rawOld("CREATE TABLE accounts (id BIGINT PRIMARY KEY, ref TEXT, label TEXT)");
        fx.rawNew("CREATE TABLE accounts_v2 (id BIGINT PRIMARY KEY, ref UUID, label TEXT, label_search TEXT)");
        String upper = REF_1.toUpperCase(java.util.Locale.ROOT);
        try (Connection c = fx.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, ref, label) VALUES (?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET ref = EXCLUDED.ref, label = EXCLUDED.label")) {
                for (int i = 0; i < 2; i++) {
                    ps.setLong(1, 2);
                    ps.setString(2, i == 0 ? REF_3 : REF_2);
                    ps.setString(3, "Second");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                ps.setLong(1, 1);
                ps.setString(2, upper);
                ps.setString(3, "First");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET label = " + value + " WHERE id = ?")) {
                ps.setLong(1, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(rows(
                        fx.newUrl,
                        "SELECT id || '|' || ref || '|' || label || '|' || label_search FROM accounts_v2 ORDER BY id"))
                .as("the label in the new type's spelling, its derived column computed from it")
                .containsExactly("1|" + REF_1 + "|" + REF_1 + "|" + REF_1, "2|" + REF_2 + "|Second|second");
        assertThat(rows(fx.oldUrl, "SELECT id || '|' || ref || '|' || label FROM accounts ORDER BY id"))
                .containsExactly("1|" + upper + "|" + upper, "2|" + REF_2 + "|Second");
        assertThat(fx.divergenceRecords())
                .as("the row whose label each side spells apart, by key")
                .containsExactly("[\"1\"]|mirror_value_adjusted");
    }

    /**
     * A write that picks its rows by a column retyped from a string type through anything but its
     * equality with a value: an order ({@code qty < ?}: {@code '100' < '20'} as text, not as an
     * integer), a function, a pattern, a cast to a string type or a concatenation ({@code
     * length(qty) = 2} reads {@code '07'} on the old side and {@code '7'} on the new, so it picks row
     * 2, {@code '012'}, there). Each side changed another row at the same update count, which was not
     * recorded. Now the write is mirrored and the table recorded ({@code
     * mirror_picked_by_other_rows}) for verify to check.
     */
    @ParameterizedTest
    @CsvSource({
        "false, dual-write, 100, 3, qty < ?, 20",
        "true, dual-write, 100, 3, qty < ?, 20",
        "false, new-primary, 100, 3, qty < ?, 20",
        "false, dual-write, 07, 012, length(qty) = 2,",
        "true, dual-write, 07, 012, qty LIKE '__',",
        "false, new-primary, 07, 012, length(qty) = 2,",
        "false, dual-write, 07, 012, qty::text LIKE '__',",
        "true, dual-write, 07, 012, CAST(qty AS varchar(5)) || '' LIKE '__',"
    })
    void rowsPickedByOrderOrSpelling_otherRowsOnEachSide_recorded(
            boolean separate, String phase, String first, String second, String picked, String bound) throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(separate, "phase: " + phase + "\n");
        try (Connection c = fx.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, qty) VALUES (?, ?)")) {
                ps.setLong(1, 1);
                ps.setString(2, first);
                ps.executeUpdate();
                ps.setLong(1, 2);
                ps.setString(2, second);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET active = 1 WHERE " + picked)) {
                if (bound != null) {
                    ps.setString(1, bound);
                }
                assertThat(ps.executeUpdate())
                        .as("one row on each side, not the same one")
                        .isEqualTo(1);
            }
        }
        assertThat(rows(fx.oldUrl, "SELECT id || '|' || coalesce(active, 0) FROM accounts ORDER BY id"))
                .containsExactly("1|1", "2|0");
        assertThat(rows(fx.newUrl, "SELECT id || '|' || coalesce(active, false) FROM accounts_v2 ORDER BY id"))
                .containsExactly("1|false", "2|true");
        assertThat(fx.divergenceRecords())
                .as("the table, whose rows verify then checks")
                .containsExactly("null|mirror_picked_by_other_rows");
    }

    /**
     * {@code text} → {@code numeric(10,2)}: a text with more decimals is stored rounded on the new
     * side, so the write is mirrored and its row recorded ({@code mirror_value_adjusted}); one the
     * scale keeps is not.
     */
    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary"})
    void textIntoAScaledNumber_roundedWritesRecorded(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(separate, "phase: " + phase + "\n");
        try (Connection c = fx.connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (id, amount) VALUES (?, ?)");
                PreparedStatement update = c.prepareStatement("UPDATE accounts SET amount = ? WHERE id = ?")) {
            for (long id = 1; id <= 3; id++) {
                insert.setLong(1, id);
                insert.setString(2, id == 2 ? "1.005" : "1.5");
                insert.executeUpdate();
            }
            update.setString(1, "2.125");
            update.setLong(2, 3);
            update.executeUpdate();
            update.setString(1, "2.12");
            update.setLong(2, 1);
            update.executeUpdate();
        }
        assertThat(rows(fx.newUrl, "SELECT id || '|' || amount FROM accounts_v2 ORDER BY id"))
                .containsExactly("1|2.12", "2|1.01", "3|2.13");
        assertThat(fx.divergenceRecords())
                .as("the rounded rows, by key")
                .containsExactlyInAnyOrder("[\"2\"]|mirror_value_adjusted", "[\"3\"]|mirror_value_adjusted");
    }

    private static void row(
            PreparedStatement ps, long id, String ref, String doc, String qty, String born, String tier, int active)
            throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, ref);
        ps.setString(3, doc);
        ps.setString(4, qty);
        ps.setString(5, born);
        ps.setString(6, tier);
        ps.setInt(7, active);
    }

    private static List<Long> ids(PreparedStatement ps) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static List<String> rows(String url, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = TestDatabases.of(TestDatabase.Kind.POSTGRESQL).connect(url);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
