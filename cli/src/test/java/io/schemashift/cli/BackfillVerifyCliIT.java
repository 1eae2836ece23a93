package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlTables;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code schemashift backfill} and {@code schemashift verify} against PostgreSQL and MariaDB, run
 * in-process as {@code main} runs them: old table {@code customers}, new table {@code clients}
 * (renamed table and column, dropped column, derived column). Each test has its own database(s).
 */
class BackfillVerifyCliIT {

    private static final int ROWS = 3000;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    private TestDatabase server;
    private String oldUrl;
    private String newUrl;
    private Path config;
    private String migration;
    private CliDatabase db;

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_thenVerify_equalWithExitCode0(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: dual-write\n");

        Cli.Run backfill = cli("backfill", "--batch", "500", "--lineage-table", "ss_lineage");
        assertThat(backfill.exit()).as(backfill.toString()).isZero();
        assertThat(backfill.out())
                .containsPattern(
                        "customers: 3000 rows in 6 batches, [0-9.]+s \\(\\d+ rows/s\\), paced 0s, backed off 0s")
                .contains("backfill done: 3000 rows in 1 table(s)");
        assertThat(backfill.err())
                .as("plain progress lines without a terminal")
                .contains("backfill customers: started, about ")
                .containsPattern("backfill customers: done, 3000 rows in [0-9.]+s");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients WHERE name_search = lower(full_name)"))
                .isEqualTo(ROWS - ROWS / 97);
        assertThat(count(newUrl, "SELECT COUNT(*) FROM ss_lineage WHERE table_name = 'customers'"))
                .as("one lineage row per batch")
                .isEqualTo(6);
        assertThat(count(newUrl, "SELECT SUM(row_count) FROM ss_lineage")).isEqualTo(ROWS);

        Cli.Run verify = cli("verify", "--chunk", "1000");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.out())
                .contains("customers: 3000 old rows, 3000 new rows, 4 chunks, 0 differ: equal")
                .contains("verify: old and new sides are equal");
        assertThat(verify.err()).contains("verify customers: done, 3000 rows");
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void verify_corruptedRows_exit1ThenRepairFixesThem(TestDatabase.Kind kind) throws Exception {
        setUp(kind, true, "phase: dual-write\n");
        assertThat(cli("backfill").exit()).isZero();
        run(
                newUrl,
                "UPDATE clients SET full_name = 'changed' WHERE id = 10",
                "DELETE FROM clients WHERE id = 20",
                "INSERT INTO clients (id, full_name, email) VALUES (99999, 'extra', 'e@x')");

        Cli.Run verify = cli("verify");
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(verify.out())
                .contains("customers: 3000 old rows, 3000 new rows, 1 chunks, 1 differ: 3 rows differ"
                        + " (listed: 1 missing, 1 extra, 1 different)")
                .containsPattern("different +\\[\"10\"] +full_name +[0-9a-f]{16} +[0-9a-f]{16}")
                .containsPattern("missing +\\[\"20\"] +- +[0-9a-f]{16} +-")
                .containsPattern("extra +\\[\"99999\"] +- +- +[0-9a-f]{16}")
                .doesNotContain("changed")
                .contains("verify: the sides differ (exit code 3)");

        Cli.Run json = cli("verify", "--json");
        assertThat(json.exit()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(json.out())
                .startsWith("{\"migration\":\"" + migration + "\",\"equal\":false,\"tables\":[{\"table\":\"customers\"")
                .contains("\"differences\":3")
                .contains("{\"key\":\"[\\\"20\\\"]\",\"kind\":\"missing\",\"columns\":[],");
        assertThat(json.err()).as("no progress lines in --json mode").isEmpty();

        Cli.Run repair = cli("verify", "--repair", "--chunk", "700");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("repaired 3 rows; those keys now: equal");
        assertThat(cli("verify").exit()).isZero();
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients WHERE full_name = 'changed'"))
                .isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_resume_continuesAfterTheCheckpoint(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: dual-write\n");
        assertThat(cli("backfill", "--batch", "1000").exit()).isZero();
        // as if killed after the first batch: its rows and checkpoint committed, nothing later
        run(
                newUrl,
                "DELETE FROM clients WHERE id > 1000",
                "UPDATE schemashift_backfill_checkpoint SET last_key = '[\"1000\"]', rows_copied = 1000");

        Cli.Run resumed = cli("backfill", "--batch", "1000", "--resume");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("customers: 2000 rows in 2 batches").contains("resumed after 1000 rows");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        assertThat(count(newUrl, "SELECT COUNT(DISTINCT id) FROM clients")).isEqualTo(ROWS);
        assertThat(count(newUrl, "SELECT rows_copied FROM schemashift_backfill_checkpoint"))
                .isEqualTo(ROWS);
        assertThat(cli("verify").exit()).isZero();
    }

    /** A real kill: the backfill runs in its own JVM, gets SIGKILL midway, and --resume finishes. */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_processKilledMidway_resumeCopiesTheRestOnce(TestDatabase.Kind kind) throws Exception {
        setUp(kind, true, "phase: dual-write\n");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SchemaShiftCommand.class.getName(),
                "backfill",
                "--batch",
                "100",
                "--rate",
                "600"));
        command.addAll(List.of("--config", config.toString(), "--url", oldUrl, "--user", server.user()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(dir.resolve("killed.log").toFile());
        if (!server.password().isEmpty()) {
            builder.environment().put(SchemaShiftCommand.PASSWORD_ENV, server.password());
        }
        Process process = builder.start();
        String progress = "SELECT COALESCE(MAX(rows_copied), 0) FROM schemashift_backfill_checkpoint";
        try {
            await("500 rows checkpointed").atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(process.isAlive())
                        .as("the backfill ended before it was killed: %s", Files.readString(dir.resolve("killed.log")))
                        .isTrue();
                return hasTable(newUrl, "schemashift_backfill_checkpoint") && count(newUrl, progress) >= 500;
            });
        } finally {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            process.waitFor();
        }
        long done = count(newUrl, progress);
        assertThat(done).isBetween(500L, (long) ROWS - 1);
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients"))
                .as("rows on the new side: exactly the committed batches")
                .isEqualTo(done);

        Cli.Run resumed = cli("backfill", "--batch", "100", "--resume");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(resumed.out())
                .contains("customers: " + (ROWS - done) + " rows in ")
                .contains("resumed after " + done + " rows");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        assertThat(count(newUrl, "SELECT COUNT(DISTINCT id) FROM clients")).isEqualTo(ROWS);
        assertThat(cli("verify").exit()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void verifyFromDivergences_checksOnlyLoggedKeys(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: dual-write\n");
        assertThat(cli("backfill").exit()).isZero();
        run(
                newUrl,
                "UPDATE clients SET email = 'diverged' WHERE id = 5",
                "DELETE FROM clients WHERE id = 6",
                "UPDATE clients SET email = 'not logged' WHERE id = 7");
        Dialect dialect = Dialect.fromJdbcUrl(oldUrl).orElseThrow();
        ControlTables tables = new ControlTables(
                "schemashift_control",
                "schemashift_heartbeat",
                "schemashift_audit",
                "schemashift_divergence",
                "schemashift_mismatch");
        try (Connection c = server.connect(oldUrl)) {
            ControlSchema.execute(c, ControlSchema.createAll(dialect, tables));
            db.logDivergence(migration, "customers", "[\"5\"]");
            db.logDivergence(migration, "customers", "[\"5\"]");
            db.logDivergence(migration, "retired_table", "[\"1\"]");
            logMismatch(c, "customers", "[\"6\"]");
        }

        Cli.Run logged = cli("verify", "--from-divergences");
        assertThat(logged.exit()).as(logged.toString()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(logged.out())
                .contains(
                        "customers: 2 old rows, 1 new rows, 2 logged keys (1 from the divergence log, 1 from the mismatch table):"
                                + " 2 rows differ (listed: 1 missing, 0 extra, 1 different)")
                .containsPattern("different +\\[\"5\"] +email ")
                .containsPattern("missing +\\[\"6\"] ")
                .doesNotContain("[\"7\"]");
        assertThat(logged.err()).contains("records for tables not mapped in").contains("retired_table");

        Cli.Run repaired = cli("verify", "--from-divergences", "--repair", "--since", "1h");
        assertThat(repaired.exit()).as(repaired.toString()).isZero();
        assertThat(repaired.out()).contains("repaired 2 rows; those keys now: equal");

        Cli.Run full = cli("verify");
        assertThat(full.exit()).as("the unlogged difference is still there").isEqualTo(VerifyCommand.DIFFER);
        assertThat(full.out()).containsPattern("different +\\[\"7\"] +email ");

        try (Connection c = server.connect(oldUrl)) {
            logMismatch(c, "customers", "id=9f2c1a0b7d3e4f51"); // a redacted sample key names no row
        }
        Cli.Run thenFull = cli("verify", "--from-divergences");
        assertThat(thenFull.exit()).isEqualTo(VerifyCommand.DIFFER);
        assertThat(thenFull.out())
                .contains("customers: 2 old rows, 2 new rows, 2 logged keys (1 from the divergence log, 1 from the"
                        + " mismatch table): equal")
                .contains("customers: 3000 old rows, 3000 new rows, checked in full (1 logged records name no usable"
                        + " key); 1 chunks, 1 differ: 1 rows differ")
                .containsPattern("different +\\[\"7\"] +email ");
    }

    /** Issue 13: no DDL outside 'schemashift init'; a missing log table is one error that says to run it. */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void verifyFromDivergences_withoutInit_oneErrorAndNoTableCreated(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "");
        Cli.Run run = cli("verify", "--from-divergences");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith("schemashift: error: ")
                .containsIgnoringCase("schemashift_divergence")
                .endsWith("(run 'schemashift init' to create the control tables)\n");
        try (Connection c = server.connect(oldUrl);
                ResultSet tables = c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(names).contains("customers").doesNotContain("schemashift_divergence", "schemashift_mismatch");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_oldOnlyPhase_refusedUnlessForced(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: old-only\n");

        Cli.Run refused = cli("backfill");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .hasLineCount(1)
                .startsWith("schemashift: error: refusing to backfill: phase old-only for customers:")
                .endsWith("or pass --force\n");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients")).isZero();

        Cli.Run forced = cli("backfill", "--force", "--rate", "100000", "--backoff", "0");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(forced.err()).contains("schemashift: warning: phase old-only for customers");
        assertThat(count(newUrl, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void badOptions_usageErrorsWithExitCode2(TestDatabase.Kind kind) throws Exception {
        setUp(kind, false, "phase: dual-write\n");

        Cli.Run unknown = cli("backfill", "--table", "nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err())
                .hasLineCount(1)
                .contains("unknown table 'nope'")
                .contains(": customers")
                .contains("(see 'schemashift backfill --help')");
        Cli.Run chunk = cli("verify", "--chunk", "0");
        assertThat(chunk.exit()).isEqualTo(2);
        assertThat(chunk.err()).hasLineCount(1).contains("'0' must be a whole number from 1 to 1000000");
        Cli.Run backoff = cli("backfill", "--backoff", "0.5");
        assertThat(backoff.exit()).isEqualTo(2);
        assertThat(backoff.err()).contains("must be 0 (no back-off) or a number above 1");
        Cli.Run since = cli("verify", "--since", "1h");
        assertThat(since.exit()).isEqualTo(2);
        assertThat(since.err()).contains("--since goes with --from-divergences");

        Cli.Run help = Cli.run(Map.of(), "verify", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--repair", "--from-divergences", "--chunk=<rows>", "--rate=<rows/s>");
        assertThat(Cli.run(Map.of(), "backfill", "--help").out()).contains("--resume", "--batch=<rows>", "--force");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * A timestamp that gains its time zone, copied and compared by a JVM in another zone: backfill
     * and verify read the wall clock as UTC alike (the driver's judgement of a mirrored write too),
     * so the copy is equal. Before, the copy read it in the JVM's zone (Tokyo: nine hours off)
     * while verify read it in UTC, and every row differed, again after each repair.
     */
    @org.junit.jupiter.api.Test
    void timestampGainingItsTimeZone_copiedAndComparedAsUtc_inAJvmOfAnotherZone() throws Exception {
        java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Tokyo"));
        try {
            for (boolean separate : new boolean[] {false, true}) {
                setUp(TestDatabase.Kind.POSTGRESQL, separate, "phase: dual-write\n");
                run(newUrl, "ALTER TABLE clients ALTER COLUMN created_at TYPE TIMESTAMPTZ");
                Cli.Run backfill = cli("backfill");
                assertThat(backfill.exit()).as(backfill.toString()).isZero();
                assertThat(count(
                                newUrl,
                                "SELECT COUNT(*) FROM clients WHERE created_at = TIMESTAMPTZ '2024-01-01 00:00:01+00'"))
                        .as("row 1, its wall clock read as UTC" + (separate ? ", separate new database" : ""))
                        .isEqualTo(1);
                run(newUrl, "UPDATE clients SET created_at = created_at + INTERVAL '1 hour' WHERE id = 2");
                assertThat(cli("verify").exit()).isEqualTo(VerifyCommand.DIFFER);
                Cli.Run repair = cli("verify", "--repair");
                assertThat(repair.exit()).as(repair.toString()).isZero();
                assertThat(repair.out()).contains("repaired 1 rows; those keys now: equal");
                Cli.Run verify = cli("verify");
                assertThat(verify.exit()).as(verify.toString()).isZero();
            }
        } finally {
            java.util.TimeZone.setDefault(jvmZone);
        }
    }

    private void setUp(TestDatabase.Kind kind, boolean separate, String yaml) throws Exception {
        migration = "clibf_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        db = CliDatabase.create(kind, migration, separate);
        server = db.server();
        oldUrl = db.oldUrl();
        newUrl = db.newUrl();
        String ts = kind == TestDatabase.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP";
        run(
                oldUrl,
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200),"
                        + " balance DECIMAL(12,2), legacy_flag INT, created_at " + ts + ")");
        run(
                newUrl,
                "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(200),"
                        + " balance DECIMAL(14,4), created_at " + ts + ", name_search VARCHAR(100))");
        // where backfill and verify record their runs, as 'schemashift init' creates it
        run(
                oldUrl,
                ControlSchema.createRunsTable(Dialect.fromJdbcUrl(oldUrl).orElseThrow(), ControlTables.DEFAULT_RUNS)
                        .toArray(String[]::new));
        try (Connection c = server.connect(oldUrl);
                PreparedStatement ps = c.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                ps.setLong(1, i);
                ps.setString(2, i % 97 == 0 ? null : "Name " + i);
                ps.setString(3, "user" + i + "@example.com");
                ps.setBigDecimal(4, java.math.BigDecimal.valueOf(i % 1000, 2));
                ps.setInt(5, i % 3);
                ps.setObject(6, java.time.LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        config = db.customersConfig(dir, migration, yaml);
    }

    private Cli.Run cli(String... command) {
        return db.cli(config, command);
    }

    private void run(String url, String... sql) throws SQLException {
        db.run(url, sql);
    }

    private boolean hasTable(String url, String table) throws SQLException {
        try (Connection c = server.connect(url);
                ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            return rs.next();
        }
    }

    private long count(String url, String sql) throws SQLException {
        return db.count(url, sql);
    }

    private void logMismatch(Connection c, String table, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ControlSchema.insertMismatch("schemashift_mismatch"))) {
            ps.setString(1, migration);
            ps.setString(2, table);
            ps.setString(3, "f2");
            ps.setString(4, "SELECT * FROM customers WHERE id = ?");
            ps.setString(5, "mismatch");
            ps.setString(6, key);
            ps.setString(7, "email");
            ps.setString(8, null);
            ps.setObject(9, ControlSchema.timestamp(Instant.now()));
            ps.executeUpdate();
        }
    }
}
