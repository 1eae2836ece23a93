package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.Phase;
import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One command rolls back every instance: three application JVMs, each with its own pool and a
 * workload through SchemaShift on PostgreSQL, follow {@code schemashift rollback} within one poll
 * interval plus a margin (as their heartbeats show); no transaction mixes sides across the switch;
 * the audit has the row; a killed instance shows as STALE.
 */
class RollbackAcrossInstancesIT {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration MARGIN = Duration.ofMillis(1500);
    private static final int INSTANCES = 3;

    @TempDir
    Path dir;

    private final List<Process> apps = new ArrayList<>();

    @AfterEach
    void stopApps() {
        apps.forEach(Process::destroyForcibly);
    }

    @Test
    void rollback_threeInstancesUnderLoad_allFollowWithinOnePoll_noTransactionMixesSides() throws Exception {
        TestDatabase pg = TestDatabases.postgres();
        String url = pg.create("ss_rollback_" + ProcessHandle.current().pid());
        try (Connection c = pg.connect(url)) {
            TestDatabases.run(
                    c,
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, txn BIGINT NOT NULL, name VARCHAR(50))",
                    "CREATE TABLE clients (id BIGINT PRIMARY KEY, txn BIGINT NOT NULL, full_name VARCHAR(50))");
        }
        String migration = "rollback-" + ProcessHandle.current().pid();
        Path config = Files.writeString(
                dir.resolve("schemashift.yaml"),
                "migration: " + migration + "\n"
                        + "tables:\n  customers:\n    to: clients\n    key: [id]\n    columns: { name: full_name }\n"
                        + "phase: dual-write\n"
                        + "control: { table: schemashift_control, poll: " + POLL.toSeconds() + "s }\n");
        List<String> connection = List.of("--config", config.toString(), "--url", url, "--user", pg.user());
        Map<String, String> env =
                pg.password().isEmpty() ? Map.of() : Map.of(SchemaShiftCommand.PASSWORD_ENV, pg.password());
        assertThat(cli(env, connection, "init").exit()).isZero();
        ControlStore store = new ControlStore(
                () -> pg.connect(url),
                Dialect.fromJdbcUrl(url).orElseThrow(),
                new ConfigReader().read(config.toString(), Files.readString(config)));

        Path stop = dir.resolve("stop");
        for (int i = 1; i <= INSTANCES; i++) {
            apps.add(startApp("app-" + i, "jdbc:schemashift:" + url.substring("jdbc:".length()), pg, config, stop));
        }
        await("every instance beating in dual-write with statements")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    List<InstanceBeat> beats = ours(store);
                    return beats.size() == INSTANCES
                            && beats.stream().allMatch(b -> b.phase() == Phase.DUAL_WRITE && b.statements() > 20);
                });

        Cli.Run rollback = cli(env, connection, "rollback", "--reason", "INC-1 mismatches", "--by", "oncall");
        long switched = System.nanoTime();
        assertThat(rollback.exit()).as(rollback.toString()).isZero();
        assertThat(rollback.out()).contains(migration + ": dual-write, read-new 0%, shadow 0% -> old-only");
        await("every heartbeat at version 2, old-only")
                .atMost(POLL.plus(MARGIN))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> ours(store).stream().allMatch(b -> b.configVersion() == 2 && b.phase() == Phase.OLD_ONLY));
        Duration followed = Duration.ofNanos(System.nanoTime() - switched);
        System.out.println("all " + INSTANCES + " instances followed the rollback in " + followed.toMillis() + " ms");

        AuditEntry last = store.audit(1).get(0);
        assertThat(last)
                .extracting(
                        AuditEntry::by,
                        AuditEntry::fromPhase,
                        AuditEntry::toPhase,
                        AuditEntry::reason,
                        AuditEntry::forced)
                .containsExactly("oncall", Phase.DUAL_WRITE, Phase.OLD_ONLY, "INC-1 mismatches", false);

        // one instance dies; after 3 polls without its beat, status flags it and only it
        Process killed = apps.get(INSTANCES - 1);
        killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await("status flags the killed instance")
                .atMost(POLL.multipliedBy(6).plus(MARGIN))
                .until(() -> cli(env, connection, "status").out().contains("1 instance(s) STALE"));
        Cli.Run status = cli(env, connection, "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out())
                .containsPattern(":" + killed.pid() + ":app-3 +old-only +2 +\\d+s ago .*STALE")
                .containsPattern(":" + apps.get(0).pid() + ":app-1 +old-only +2 +\\ds ago .* ok")
                .containsPattern(":" + apps.get(1).pid() + ":app-2 +old-only +2 +\\ds ago .* ok")
                .contains("1 instance(s) STALE");

        Files.createFile(stop);
        for (int i = 0; i < INSTANCES - 1; i++) {
            Process app = apps.get(i);
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(dir.resolve("app-" + (i + 1) + ".log"));
            assertThat(app.exitValue()).as(output).isZero();
            assertThat(output).containsPattern("committed=\\d+ failed=0");
        }

        // every transaction is on the new side entirely (started in dual-write) or not at all
        long mirrored = 0;
        long oldOnly = 0;
        try (Connection c = pg.connect(url);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT o.txn, o.n, COALESCE(m.n, 0) FROM"
                                + " (SELECT txn, COUNT(*) AS n FROM customers GROUP BY txn) o LEFT JOIN"
                                + " (SELECT txn, COUNT(*) AS n FROM clients GROUP BY txn) m ON m.txn = o.txn")) {
            while (rs.next()) {
                assertThat(rs.getInt(2))
                        .as("rows of transaction %d on the old side", rs.getLong(1))
                        .isEqualTo(3);
                assertThat(rs.getInt(3))
                        .as("rows of transaction %d on the new side", rs.getLong(1))
                        .isIn(0, 3);
                if (rs.getInt(3) == 3) {
                    mirrored++;
                } else {
                    oldOnly++;
                }
            }
        }
        assertThat(mirrored).as("transactions in dual-write").isGreaterThan(20);
        assertThat(oldOnly).as("transactions in old-only").isGreaterThan(20);
        assertThat(clientsWithoutCustomer(pg, url)).isZero();
    }

    /** Starts an application JVM on this test's class path (test classes and every dependency). */
    private Process startApp(String name, String url, TestDatabase pg, Path config, Path stop) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Xmx96m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dschemashift.app=" + name,
                        "-cp",
                        System.getProperty("java.class.path"),
                        WorkloadApp.class.getName(),
                        url,
                        pg.user(),
                        config.toString(),
                        stop.toString(),
                        "3")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().remove("SCHEMASHIFT_APP");
        return builder.start();
    }

    /** The heartbeats of the apps this test started (not of this JVM, which runs no workload). */
    private List<InstanceBeat> ours(ControlStore store) throws SQLException {
        List<String> pids = apps.stream().map(p -> ":" + p.pid() + ":").toList();
        return store.instances().stream()
                .filter(b -> pids.stream().anyMatch(b.instanceId()::contains))
                .toList();
    }

    private static long clientsWithoutCustomer(TestDatabase pg, String url) throws SQLException {
        try (Connection c = pg.connect(url);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT COUNT(*) FROM clients n WHERE NOT EXISTS"
                                + " (SELECT 1 FROM customers o WHERE o.id = n.id)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Cli.Run cli(Map<String, String> env, List<String> connection, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(connection);
        return Cli.run(env, args.toArray(String[]::new));
    }
}
