package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.config.Phase;
import io.schemashift.mirror.IntentLog;
import io.schemashift.testing.CrashingWriter;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13's crash proof: with a separate new database, an application JVM dies between the two
 * commits of a write (one side has the row, the other not) and no instance runs afterwards. {@code
 * verify --from-divergences} finds the row through the intent record left on the primary, {@code
 * --repair} copies it from the side that holds the truth, and the intent record goes. The same
 * holds for a one-sided write whose divergence record was still in memory when its process died.
 */
class CrashRecoveryCliIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final int CRASHED_ID = 42;

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.MARIADB)
                .flatMap(kind -> Stream.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY).map(p -> Arguments.of(kind, p)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void killedBetweenTheCommits_verifyFromDivergencesFindsAndRepairsTheRow(TestDatabase.Kind kind, Phase phase)
            throws Exception {
        String migration = "crash_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        CliDatabase db = CliDatabase.create(kind, migration, true);
        db.run(db.oldUrl(), "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100))");
        db.run(db.newUrl(), "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100))");
        db.run(db.oldUrl(), "INSERT INTO customers VALUES (1, 'a')");
        db.run(db.newUrl(), "INSERT INTO clients VALUES (1, 'a')");
        Path config = Files.writeString(
                dir.resolve("schemashift.yaml"),
                "migration: " + migration + "\n" + db.newSection()
                        + "tables:\n  customers:\n    to: clients\n    key: [id]\n    columns: { name: full_name }\n"
                        + "writes:\n  intentStaleAfter: 1s\nphase: " + phase.configName() + "\n");
        Cli.Run init = db.cli(config, "init");
        assertThat(init.exit()).as(init.toString()).isZero();
        assertThat(init.out()).contains("new database: intent table schemashift_intent ready");

        assertThat(CrashingWriter.crash(
                        "jdbc:schemashift:" + db.oldUrl().substring("jdbc:".length()),
                        db.server().user(),
                        db.server().password(),
                        config,
                        CRASHED_ID))
                .as("the writer was killed between the commits")
                .isEqualTo(137);
        String primary = phase.newIsPrimary() ? db.newUrl() : db.oldUrl();
        String other = phase.newIsPrimary() ? db.oldUrl() : db.newUrl();
        String primaryTable = phase.newIsPrimary() ? "clients" : "customers";
        String otherTable = phase.newIsPrimary() ? "customers" : "clients";
        assertThat(db.count(primary, "SELECT COUNT(*) FROM " + primaryTable + " WHERE id = " + CRASHED_ID))
                .isEqualTo(1);
        assertThat(db.count(other, "SELECT COUNT(*) FROM " + otherTable + " WHERE id = " + CRASHED_ID))
                .as("the second commit never happened")
                .isZero();
        assertThat(db.count(primary, "SELECT COUNT(*) FROM schemashift_intent")).isEqualTo(1);

        // No instance runs: verify alone finds the row once the intent is stale.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Cli.Run found = db.cli(config, "verify", "--from-divergences");
                    assertThat(found.exit()).as(found.toString()).isEqualTo(VerifyCommand.DIFFER);
                    assertThat(found.out())
                            .contains("1 logged keys (0 from the divergence log, 0 from the mismatch table,"
                                    + " 1 from stale intent records)");
                });
        assertThat(db.count(primary, "SELECT COUNT(*) FROM schemashift_intent"))
                .as("verify without --repair keeps the intent")
                .isEqualTo(1);

        Cli.Run repair = db.cli(config, "verify", "--from-divergences", "--repair");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("changes: insert 1, update 0, delete 0 rows");
        assertThat(db.count(other, "SELECT COUNT(*) FROM " + otherTable + " WHERE id = " + CRASHED_ID))
                .as("copied from the truth side")
                .isEqualTo(1);
        assertThat(db.count(primary, "SELECT COUNT(*) FROM schemashift_intent"))
                .as("the repaired intent is cleared")
                .isZero();
        Cli.Run after = db.cli(config, "verify");
        assertThat(after.exit()).as(after.toString()).isZero();
    }

    /**
     * With the new schema in the same database: a write refused before it ran (it reads the dropped column) runs on
     * the old side alone, and the process dies the moment it returned, before its divergence record could be
     * written. Its intent record, written before it ran, names the table; verify finds it with no instance running
     * and repairs the new side from the old.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void killedRightAfterAOneSidedWrite_sameDatabase_verifyFindsAndRepairsTheTable(TestDatabase.Kind kind)
            throws Exception {
        String migration = "crash_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        CliDatabase db = CliDatabase.create(kind, migration, false);
        db.run(
                db.oldUrl(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
                        + " legacy_flag INT)",
                "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100),"
                        + " name_search VARCHAR(100))",
                "INSERT INTO customers VALUES (1, 'a', 'a@x', 1)",
                "INSERT INTO clients VALUES (1, 'a', 'a@x', 'a')");
        Path config = db.customersConfig(dir, migration, "writes:\n  intentStaleAfter: 1s\nphase: dual-write\n");
        Cli.Run init = db.cli(config, "init");
        assertThat(init.exit()).as(init.toString()).isZero();

        assertThat(CrashingWriter.haltAfter(
                        "jdbc:schemashift:" + db.oldUrl().substring("jdbc:".length()),
                        db.server().user(),
                        db.server().password(),
                        config,
                        false,
                        "UPDATE customers SET name = 'killed' WHERE legacy_flag = 1"))
                .as("the writer was killed right after its statement")
                .isEqualTo(137);
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM clients WHERE full_name = 'killed'"))
                .as("not mirrored")
                .isZero();
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM schemashift_intent")
                        + db.count(db.oldUrl(), "SELECT COUNT(*) FROM schemashift_divergence"))
                .as("the write is named: by its intent, or by its record if the writer was that quick")
                .isPositive();

        // No instance runs: verify alone finds the table once the intent is stale (1 s), and repairs it.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try (Connection c = db.server().connect(db.oldUrl())) {
                        return IntentLog.stale(
                                                c,
                                                "schemashift_intent",
                                                migration,
                                                Instant.now().minus(Duration.ofSeconds(1)))
                                        .size()
                                == db.count(db.oldUrl(), "SELECT COUNT(*) FROM schemashift_intent");
                    }
                });
        Cli.Run repair = db.cli(config, "verify", "--from-divergences", "--repair");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("changes: insert 0, update 1, delete 0 rows");
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM clients WHERE full_name = 'killed'"))
                .as("copied from the truth side")
                .isEqualTo(1);
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM schemashift_intent"))
                .as("the repaired intent is cleared")
                .isZero();
        Cli.Run after = db.cli(config, "verify");
        assertThat(after.exit()).as(after.toString()).isZero();
    }

    static Stream<TestDatabase.Kind> kinds() {
        return Stream.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.MARIADB);
    }
}
