package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.Phase;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code backfill} and {@code verify --repair} copy from the side that holds the truth in the
 * phase (old up to read-new, new from new-primary), in every phase, on PostgreSQL and MariaDB: rows
 * written only on the truth side are copied to the other side, and nothing the truth side holds is
 * deleted or overwritten.
 */
class RepairTowardTruthCliIT {

    private static final int ROWS = 20;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    private TestDatabase server;
    private String oldUrl;
    private String newUrl;
    private Path config;
    private String migration;
    private CliDatabase db;

    static Stream<Arguments> phases() {
        return Stream.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.MARIADB)
                .flatMap(kind -> Stream.of(Phase.values()).map(phase -> Arguments.of(kind, phase)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("phases")
    void backfillAndRepair_copyFromTheTruthSide_neverChangeIt(TestDatabase.Kind kind, Phase phase) throws Exception {
        setUp(kind, false, "phase: " + phase.configName() + "\n");
        boolean newTruth = phase.newIsPrimary();
        String target = newTruth ? "old side (customers)" : "new side (clients)";
        String source = newTruth ? "new side (clients)" : "old side (customers)";
        // written on the truth side only: a new row, a changed row, a deleted row
        if (newTruth) {
            run(
                    newUrl,
                    "INSERT INTO clients (id, full_name, email, name_search) VALUES (8001, 'Only Truth', 't@x',"
                            + " 'only truth')",
                    "UPDATE clients SET full_name = 'Changed', name_search = 'changed' WHERE id = 5",
                    "DELETE FROM clients WHERE id = 6");
        } else {
            run(
                    oldUrl,
                    "INSERT INTO customers (id, name, email) VALUES (8001, 'Only Truth', 't@x')",
                    "UPDATE customers SET name = 'Changed' WHERE id = 5",
                    "DELETE FROM customers WHERE id = 6");
        }
        List<String> truth = snapshot(newTruth);
        List<String> other = snapshot(!newTruth);
        String force = phase.mirrorsWrites() ? "--rate=0" : "--force";

        Cli.Run planned = cli("backfill", "--dry-run", force);
        assertThat(planned.exit()).as(planned.toString()).isZero();
        assertThat(planned.out())
                .contains("customers: backfill --dry-run copies from the " + source + " to the " + target + "; phase "
                        + phase + ": the " + (newTruth ? "new" : "old") + " side holds the truth")
                .contains("customers: would insert 1 rows into the " + target + "; 1 rows only there are kept"
                        + " (backfill never deletes), 1 rows differ and are left as they are")
                .contains("backfill --dry-run: nothing changed");
        assertThat(snapshot(!newTruth)).as("a dry run changes nothing").isEqualTo(other);

        Cli.Run backfill = cli("backfill", force);
        assertThat(backfill.exit()).as(backfill.toString()).isZero();
        assertThat(backfill.out()).contains("customers: backfill copies from the " + source + " to the " + target);
        assertThat(snapshot(newTruth)).as("the truth side after backfill").isEqualTo(truth);
        assertThat(snapshot(!newTruth))
                .as("one row inserted, none changed or deleted")
                .hasSize(ROWS + 1);
        assertThat(snapshot(!newTruth)).containsAll(other);

        Cli.Run dryRepair = cli("verify", "--repair", "--dry-run");
        assertThat(dryRepair.exit()).as(dryRepair.toString()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(dryRepair.out())
                .contains("customers: repair --dry-run copies from the " + source + " to the " + target)
                .contains("would change: insert 0, update 1, delete 1 rows on the " + target);
        assertThat(snapshot(!newTruth)).hasSize(ROWS + 1);

        Cli.Run repair = cli("verify", "--repair");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out())
                .contains("changes: insert 0, update 1, delete 1 rows on the " + target)
                .contains("repaired 2 rows; those keys now: equal");
        assertThat(snapshot(newTruth)).as("the truth side after repair").isEqualTo(truth);
        assertThat(cli("verify").exit()).isZero();
    }

    /**
     * The bug of issue 13: in new-only the application inserts a row through the driver (it
     * reaches only the new table); verify --repair deleted it. Now it copies it to the old side;
     * and --from old, which names the side that does not hold the truth, only inserts into the
     * new side and refuses to delete the row there.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void newOnly_rowInsertedThroughTheDriver_repairCopiesItToOldAndNeverDeletesIt(TestDatabase.Kind kind)
            throws Exception {
        setUp(kind, false, "phase: new-only\n");
        Properties p = new Properties();
        p.setProperty("user", server.user());
        p.setProperty("password", server.password());
        p.setProperty("schemashift.config", config.toString());
        try (Connection app = DriverManager.getConnection("jdbc:schemashift:" + oldUrl.substring(5), p);
                Statement st = app.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (8001, 'Via Driver', 'd@x')");
        }
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients WHERE id = 8001"))
                .isEqualTo(1);
        assertThat(count(oldUrl, "SELECT COUNT(*) FROM customers WHERE id = 8001"))
                .as("new-only writes the new table only")
                .isZero();

        Cli.Run fromOld = cli("verify", "--repair", "--from", "old");
        assertThat(fromOld.exit()).as(fromOld.toString()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(fromOld.out())
                .contains("customers: repair copies from the old side (customers) to the new side (clients), as"
                        + " --from says; phase new-only makes the new side the truth")
                .contains("changes: insert 0, update 0, delete 0 rows on the new side (clients); refused: 0 updates"
                        + " and 1 deletes there, which holds the truth")
                .contains("those keys now: 1 still differ (refused above)");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients WHERE id = 8001"))
                .isEqualTo(1);

        Cli.Run repair = cli("verify", "--repair");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out())
                .contains("customers: repair copies from the new side (clients) to the old side (customers);"
                        + " phase new-only: the new side holds the truth")
                .contains("changes: insert 1, update 0, delete 0 rows on the old side (customers)")
                .contains("verify: old and new sides are equal");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients WHERE id = 8001"))
                .isEqualTo(1);
        assertThat(count(oldUrl, "SELECT COUNT(*) FROM customers WHERE id = 8001 AND name = 'Via Driver'"))
                .isEqualTo(1);
    }

    /**
     * verify --from-divergences --repair follows the truth too, and the truth comes from the control
     * table when the YAML names one: the control row says new-primary (the YAML was edited to
     * dual-write afterwards), so the logged keys are copied new → old.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void fromDivergences_controlTableSaysNewPrimary_repairsOldFromNew(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "control: { table: schemashift_control }\nphase: new-primary\n");
        Cli.Run init = cli("init");
        assertThat(init.exit()).as(init.toString()).isZero();
        Files.writeString(config, Files.readString(config).replace("phase: new-primary", "phase: dual-write"));
        run(
                newUrl,
                "INSERT INTO clients (id, full_name, email, name_search) VALUES (8001, 'Mirror Failed', 'm@x',"
                        + " 'mirror failed')",
                "UPDATE clients SET full_name = 'New Truth', name_search = 'new truth' WHERE id = 5");
        List<String> truth = snapshot(true);
        db.logDivergence(migration, "customers", "[\"8001\"]");
        db.logDivergence(migration, "customers", "[\"5\"]");

        Cli.Run repair = cli("verify", "--from-divergences", "--repair");

        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out())
                .contains("2 logged keys (2 from the divergence log, 0 from the mismatch table)")
                .contains("customers: repair copies from the new side (clients) to the old side (customers);"
                        + " phase new-primary: the new side holds the truth")
                .contains("changes: insert 1, update 1, delete 0 rows on the old side (customers)");
        assertThat(snapshot(true)).as("the truth side").isEqualTo(truth);
        assertThat(count(
                        oldUrl,
                        "SELECT COUNT(*) FROM customers WHERE id IN (5, 8001) AND name IN ('New Truth',"
                                + " 'Mirror Failed')"))
                .isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL"})
    void fromAndDryRun_withoutRepair_usageError(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: dual-write\n");
        Cli.Run from = cli("verify", "--from", "new");
        assertThat(from.exit()).isEqualTo(2);
        assertThat(from.err()).contains("--from goes with --repair");
        Cli.Run side = cli("backfill", "--from", "sideways");
        assertThat(side.exit()).isEqualTo(2);
        assertThat(side.err()).contains("unknown side 'sideways'; allowed: old, new");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void setUp(TestDatabase.Kind kind, boolean separate, String yaml) throws Exception {
        migration = "clirt_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        db = CliDatabase.create(kind, migration, separate);
        server = db.server();
        oldUrl = db.oldUrl();
        newUrl = db.newUrl();
        run(
                oldUrl,
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200),"
                        + " legacy_flag INT)");
        run(
                newUrl,
                "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(200),"
                        + " name_search VARCHAR(100))");
        try (Connection o = server.connect(oldUrl);
                Connection c = server.connect(newUrl);
                PreparedStatement po = o.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?)");
                PreparedStatement pn = c.prepareStatement("INSERT INTO clients VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                po.setLong(1, i);
                po.setString(2, "Name " + i);
                po.setString(3, "user" + i + "@example.com");
                po.setInt(4, i % 3);
                po.addBatch();
                pn.setLong(1, i);
                pn.setString(2, "Name " + i);
                pn.setString(3, "user" + i + "@example.com");
                pn.setString(4, "name " + i);
                pn.addBatch();
            }
            po.executeBatch();
            pn.executeBatch();
        }
        config = db.customersConfig(dir, migration, yaml);
    }

    private Cli.Run cli(String... command) {
        return db.cli(config, command);
    }

    private void run(String url, String... sql) throws SQLException {
        db.run(url, sql);
    }

    private long count(String url, String sql) throws SQLException {
        return db.count(url, sql);
    }

    /** One side's rows in key order, as text. */
    private List<String> snapshot(boolean newSide) throws SQLException {
        return db.rows(
                newSide ? newUrl : oldUrl, "SELECT * FROM " + (newSide ? "clients" : "customers") + " ORDER BY id");
    }
}
