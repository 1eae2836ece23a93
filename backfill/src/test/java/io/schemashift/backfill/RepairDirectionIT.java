package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.ReportValues;
import io.schemashift.api.Side;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.RepairAction;
import io.schemashift.verify.RowDifference;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backfill and repair in both directions, with rows written only on the side that holds the
 * truth: nothing that side holds is deleted or overwritten, and afterwards verify says equal. One
 * database or two, on PostgreSQL, MariaDB and H2.
 */
class RepairDirectionIT {

    private static final int ROWS = 200;

    static Stream<Arguments> setups() {
        return Stream.of(TestDatabase.Kind.values())
                .flatMap(kind -> Stream.of(Arguments.of(kind, false), Arguments.of(kind, true)));
    }

    /** From new-primary on the new side holds the truth: writes that reached only it flow to old. */
    @ParameterizedTest(name = "{0}, separate databases: {1}")
    @MethodSource("setups")
    void backfillAndRepairFromNew_newSideUntouched_oldSideFollows(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        Setup s = setup(kind, "rd_new", separate);
        s.runNew(
                "INSERT INTO clients (id, full_name, email, balance, name_search) VALUES (8001, 'Only New', 'n@x',"
                        + " 1.5, 'only new')",
                "UPDATE clients SET full_name = 'Changed On New', name_search = 'changed on new' WHERE id = 5",
                "DELETE FROM clients WHERE id = 6");
        s.runOld("INSERT INTO customers (id, name, email, legacy_flag) VALUES (9001, 'Only Old', 'o@x', 1)");
        List<String> truth = s.snapshot(Side.NEW);

        BackfillReport backfill =
                s.backfill().from(Side.NEW).batchSize(50).build().run(List.of("customers"), false);

        assertThat(backfill.rows()).as("rows read from the new side").isEqualTo(ROWS);
        assertThat(s.snapshot(Side.NEW)).as("the truth side").isEqualTo(truth);
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers")).isEqualTo(ROWS + 2L);
        assertThat(s.count(
                        false,
                        "SELECT COUNT(*) FROM customers WHERE id = 8001 AND name = 'Only New' AND email = 'n@x'"
                                + " AND legacy_flag IS NULL"))
                .as("renamed column mapped back, dropped column NULL")
                .isEqualTo(1);
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE id = 5 AND name = 'Name 5'"))
                .as("backfill never overwrites")
                .isEqualTo(1);
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE id IN (6, 9001)"))
                .as("backfill never deletes")
                .isEqualTo(2);

        Verifier verifier = s.verifier().values(ReportValues.PLAIN).build();
        VerifyReport found = verifier.verify("customers", 50);
        assertThat(found.count(RowDifference.Kind.DIFFERENT)).isEqualTo(1);
        assertThat(found.count(RowDifference.Kind.MISSING)).isEqualTo(2);
        assertThat(found.count(RowDifference.Kind.EXTRA)).isZero();
        assertThat(found.plan(Side.NEW))
                .isEqualTo(Map.of(RepairAction.INSERT, 0L, RepairAction.UPDATE, 1L, RepairAction.DELETE, 2L));

        VerifyReport after = verifier.repair(found, Side.NEW, EnumSet.allOf(RepairAction.class));

        assertThat(after.differences()).isZero();
        assertThat(s.snapshot(Side.NEW)).as("the truth side").isEqualTo(truth);
        assertThat(s.count(
                        false,
                        "SELECT COUNT(*) FROM customers WHERE id = 5 AND name = 'Changed On New' AND legacy_flag = 2"))
                .as("overwritten from new, the dropped column kept")
                .isEqualTo(1);
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE id IN (6, 9001)"))
                .isZero();
        assertThat(verifier.verify("customers", 50).differences()).isZero();
    }

    /** Up to read-new the old side holds the truth: writes that reached only it flow to new. */
    @ParameterizedTest(name = "{0}, separate databases: {1}")
    @MethodSource("setups")
    void backfillAndRepairFromOld_oldSideUntouched_newSideFollows(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        Setup s = setup(kind, "rd_old", separate);
        s.runOld(
                "INSERT INTO customers (id, name, email, legacy_flag) VALUES (8001, 'Only Old', 'o@x', 1)",
                "UPDATE customers SET name = 'Changed On Old' WHERE id = 5",
                "DELETE FROM customers WHERE id = 6");
        s.runNew("INSERT INTO clients (id, full_name, email) VALUES (9001, 'Only New', 'n@x')");
        List<String> truth = s.snapshot(Side.OLD);

        s.backfill().batchSize(50).build().run(List.of("customers"), false);

        assertThat(s.snapshot(Side.OLD)).as("the truth side").isEqualTo(truth);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 8001 AND name_search = 'only old'"))
                .isEqualTo(1);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 5 AND full_name = 'Name 5'"))
                .as("backfill never overwrites")
                .isEqualTo(1);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id IN (6, 9001)"))
                .as("backfill never deletes")
                .isEqualTo(2);

        Verifier verifier = s.verifier().build();
        VerifyReport found = verifier.verify("customers", 50);
        assertThat(found.plan(Side.OLD))
                .isEqualTo(Map.of(RepairAction.INSERT, 0L, RepairAction.UPDATE, 1L, RepairAction.DELETE, 2L));

        assertThat(verifier.repair(found, Side.OLD, EnumSet.allOf(RepairAction.class))
                        .differences())
                .isZero();
        assertThat(s.snapshot(Side.OLD)).as("the truth side").isEqualTo(truth);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 5 AND full_name = 'Changed On Old'"))
                .isEqualTo(1);
        assertThat(verifier.verify("customers", 50).differences()).isZero();
    }

    /**
     * A repair into the side that holds the truth (the caller named the other side as source) may
     * only insert: the truth side's own rows are neither overwritten nor deleted.
     */
    @ParameterizedTest(name = "{0}, separate databases: {1}")
    @MethodSource("setups")
    void repairIntoTheTruthSide_insertsOnly(TestDatabase.Kind kind, boolean separate) throws Exception {
        Setup s = setup(kind, "rd_into", separate);
        s.runNew(
                "INSERT INTO clients (id, full_name, email) VALUES (8001, 'Only New', 'n@x')",
                "UPDATE clients SET full_name = 'Changed On New' WHERE id = 5",
                "DELETE FROM clients WHERE id = 6");
        List<String> before = s.snapshot(Side.NEW);
        Verifier verifier = s.verifier().build();
        VerifyReport found = verifier.verify("customers", 50);

        VerifyReport after = verifier.repair(found, Side.OLD, EnumSet.of(RepairAction.INSERT));

        assertThat(after.keys()).containsExactlyInAnyOrder("[\"5\"]", "[\"8001\"]");
        List<String> now = s.snapshot(Side.NEW);
        assertThat(now).containsAll(before).hasSize(before.size() + 1);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 6")).isEqualTo(1);
    }

    // ---- fixture ------------------------------------------------------------------------------

    private record Setup(TestDatabase db, String oldUrl, String newUrl) {

        Backfill.Builder backfill() {
            Backfill.Builder b = Backfill.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source(oldUrl))
                    .migration("rd");
            return oldUrl.equals(newUrl) ? b : b.newDatabase(source(newUrl));
        }

        Verifier.Builder verifier() {
            Verifier.Builder b = Verifier.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source(oldUrl))
                    .migration("rd");
            return oldUrl.equals(newUrl) ? b : b.newDatabase(source(newUrl));
        }

        private ConnectionSource source(String url) {
            return () -> db.connect(url);
        }

        long count(boolean newSide, String sql) throws SQLException {
            try (Connection c = db.connect(newSide ? newUrl : oldUrl)) {
                return Schemas.count(c, sql);
            }
        }

        void runOld(String... sql) throws SQLException {
            try (Connection c = db.connect(oldUrl)) {
                TestDatabases.run(c, sql);
            }
        }

        void runNew(String... sql) throws SQLException {
            try (Connection c = db.connect(newUrl)) {
                TestDatabases.run(c, sql);
            }
        }

        /** Every row of one side's customer table, in key order, as text. */
        List<String> snapshot(Side side) throws SQLException {
            List<String> rows = new ArrayList<>();
            try (Connection c = db.connect(side == Side.OLD ? oldUrl : newUrl);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT * FROM " + (side == Side.OLD ? "customers" : "clients") + " ORDER BY id")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        row.append(rs.getString(i)).append('|');
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }
    }

    /** Both sides hold the same {@value #ROWS} customers, as after a backfill. */
    private static Setup setup(TestDatabase.Kind kind, String name, boolean separate) throws Exception {
        TestDatabase db = TestDatabases.of(kind);
        String base = name + "_" + ProcessHandle.current().pid() + (separate ? "_s" : "");
        String oldUrl = db.create(base + "_old");
        String newUrl = separate ? db.create(base + "_new") : oldUrl;
        try (Connection c = db.connect(oldUrl)) {
            Schemas.createOld(c, kind);
            Schemas.fill(c, kind, ROWS);
        }
        try (Connection c = db.connect(newUrl)) {
            Schemas.createNew(c, kind);
        }
        Setup s = new Setup(db, oldUrl, newUrl);
        s.backfill().build().run(List.of("customers"), false);
        return s;
    }
}
