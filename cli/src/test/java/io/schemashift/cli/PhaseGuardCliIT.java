package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.Run;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guard rails of {@code schemashift phase} that need evidence, on PostgreSQL and MariaDB:
 * comparisons that ran, a backfill and a clean verify after it, complete divergence records, a
 * window long enough to mean something, one step back at a time; and {@code --dry-run}, {@code
 * --wait}.
 */
class PhaseGuardCliIT {

    private static final Map<TestDatabase.Kind, String> URLS = new ConcurrentHashMap<>();
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();

    @TempDir
    Path dir;

    private TestDatabase server;
    private String url;
    private String migration;
    private Path config;

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void readNew_withoutComparisons_refused_untilEnoughRan(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\nrouting: { shadowPercent: 0 }\n");
        assertThat(cli("init").exit()).isZero();
        runs(Run.Outcome.COMPLETED, Run.Outcome.CLEAN);
        beat("web-1:1:app", 1, 0, 0, null, Instant.now());

        Cli.Run refused = cli("phase", "read-new", "--reason", "go");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .hasLineCount(1)
                .contains("refusing to move " + migration + " from shadow-read to read-new: 0 shadow comparisons ran on"
                        + " 1 live instance(s) under version 1 (needed: 100;");
        assertThat(store().read().orElseThrow().phase()).isEqualTo(Phase.SHADOW_READ);

        beat("web-1:1:app", 1, 60, 0, null, Instant.now());
        beat("web-2:2:app", 1, 60, 0, null, Instant.now());
        beat("web-3:3:app", 0, 5_000, 0, null, Instant.now()); // an older version does not count
        Cli.Run allowed = cli("phase", "read-new", "--reason", "go");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(store().audit(1).get(0).forced()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void readNew_needsCompletedBackfill_thenCleanVerifyAfterIt(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\n");
        assertThat(cli("init").exit()).isZero();
        beat("web-1:1:app", 1, 500, 0, null, Instant.now());

        assertThat(cli("phase", "read-new", "--reason", "go").err())
                .contains("orders: no backfill recorded (run 'schemashift backfill --table orders')");

        Instant now = Instant.now();
        store().recordRun(new Run(
                Run.Kind.VERIFY, "orders", now.minusSeconds(900), now.minusSeconds(890), Run.Outcome.CLEAN, 10));
        store().recordRun(new Run(
                Run.Kind.BACKFILL, "orders", now.minusSeconds(600), now.minusSeconds(500), Run.Outcome.COMPLETED, 10));
        assertThat(cli("phase", "read-new", "--reason", "go").err())
                .as("a verify before the backfill is no evidence")
                .contains("the last verify clean, started")
                .contains("needed: a clean verify started after the backfill");

        store().recordRun(new Run(
                Run.Kind.VERIFY, "orders", now.minusSeconds(400), now.minusSeconds(390), Run.Outcome.DIFFERENT, 10));
        assertThat(cli("phase", "read-new", "--reason", "go").err()).contains("the last verify different");

        store().recordRun(new Run(
                Run.Kind.VERIFY, "orders", now.minusSeconds(300), now.minusSeconds(290), Run.Outcome.CLEAN, 10));
        Cli.Run allowed = cli("phase", "read-new", "--reason", "go");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void forward_refusedWhileAnInstanceReportsLostRecordsOrALoggingFailure(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: dual-write\n");
        assertThat(cli("init").exit()).isZero();
        beat("web-1:1:app", 1, 0, 0, "divergence_write:missing_table", Instant.now());
        Cli.Run refused = cli("phase", "shadow-read", "--reason", "go");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .contains("instances report lost divergence/mismatch records or cannot write them: web-1:1:app (0"
                        + " lost, divergence_write:missing_table)");

        beat("web-1:1:app", 1, 0, 0, null, Instant.now());
        // stopped ten minutes ago, after losing records at shutdown: still inside the 15m window
        beat("web-2:2:app", 1, 0, 3, null, Instant.now().minusSeconds(600));
        assertThat(cli("phase", "shadow-read", "--reason", "go").err()).contains("web-2:2:app (3 lost)");
        assertThat(cli("phase", "shadow-read", "--reason", "go", "--window", "5m")
                        .exit())
                .as("its last beat is outside the window")
                .isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void shortWindow_refusedUnlessForced_backwardOneStepAtATime(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: dual-write\n");
        assertThat(cli("init").exit()).isZero();
        Cli.Run shortWindow = cli("phase", "shadow-read", "--reason", "go", "--window", "1ms");
        assertThat(shortWindow.exit()).isEqualTo(1);
        assertThat(shortWindow.err()).contains("--window 1ms is too short to show anything (allowed: at least 1m)");
        Cli.Run forced = cli("phase", "shadow-read", "--reason", "go", "--window", "1ms", "--force");
        assertThat(forced.exit()).isZero();
        assertThat(store().audit(1).get(0).forced()).isTrue();

        assertThat(cli("phase", "old-only", "--reason", "back").err())
                .contains("phases go back one step at a time: the phase before shadow-read is dual-write (old-only is 2"
                        + " steps back)");
        assertThat(store().read().orElseThrow().phase()).isEqualTo(Phase.SHADOW_READ);
        assertThat(cli("rollback", "--reason", "back").exit()).isZero();
        assertThat(cli("phase", "old-only", "--reason", "back").exit()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void dryRun_printsVerdicts_changesNothing(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\n");
        assertThat(cli("init").exit()).isZero();
        Cli.Run dry = cli("phase", "read-new", "--read-new", "10", "--reason", "go", "--dry-run");
        assertThat(dry.exit()).isEqualTo(1);
        assertThat(dry.out())
                .contains("dry run, nothing changed: " + migration + ": shadow-read, read-new 0%, shadow 0% ->"
                        + " read-new, read-new 10%, shadow 0%")
                .contains("pass one step: shadow-read -> read-new")
                .contains("pass mismatches: 0 mismatches in the last 15m")
                .contains("FAIL comparisons: 0 shadow comparisons")
                .contains("FAIL backfill and verify of orders: orders: no backfill recorded")
                .contains("verdict: refused");
        assertThat(cli("phase", "read-new", "--reason", "go", "--dry-run", "--force")
                        .out())
                .contains("verdict: allowed only because of --force");
        assertThat(store().read().orElseThrow().version()).isEqualTo(1);
        assertThat(store().audit(10)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void wait_untilEveryLiveInstanceApplies_elseExit7(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: old-only\n");
        assertThat(cli("init").exit()).isZero();
        beat("web-1:1:app", 1, 0, 0, null, Instant.now());
        beat("web-9:9:app", 1, 0, 0, null, Instant.now().minusSeconds(3600)); // stale: not waited for
        Cli.Run timedOut = cli("phase", "dual-write", "--reason", "go", "--wait", "--timeout", "1s");
        assertThat(timedOut.exit()).isEqualTo(WaitOptions.TIMED_OUT);
        assertThat(timedOut.err())
                .hasLineCount(1)
                .contains("1 live instance(s) still apply an older version than 2: web-1:1:app (version 1)");

        Thread follower = new Thread(() -> {
            try {
                Thread.sleep(500);
                beat("web-1:1:app", 3, 0, 0, null, Instant.now());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        follower.start();
        Cli.Run waited = cli("phase", "shadow-read", "--reason", "go", "--wait", "--timeout", "30s");
        follower.join();
        assertThat(waited.exit()).as(waited.toString()).isZero();
        assertThat(waited.out()).contains("every live instance applies version 3");

        Cli.Run rollback = cli("rollback", "--reason", "back", "--wait", "--timeout", "1s");
        assertThat(rollback.exit()).as(rollback.toString()).isEqualTo(WaitOptions.TIMED_OUT);
        assertThat(rollback.err())
                .hasLineCount(1)
                .contains("1 live instance(s) still apply an older version than 4: web-1:1:app (version 3)");
        assertThat(store().read().orElseThrow().phase())
                .as("the rollback is stored all the same")
                .isEqualTo(Phase.DUAL_WRITE);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void setUp(TestDatabase.Kind kind, String yaml) throws IOException {
        server = TestDatabases.of(kind);
        url = URLS.computeIfAbsent(kind, k -> TestDatabases.of(k)
                .create("cliguard_" + ProcessHandle.current().pid()));
        migration = "guard" + MIGRATIONS.incrementAndGet();
        config = Files.writeString(
                dir.resolve("schemashift.yaml"),
                "migration: " + migration + "\n"
                        + "tables:\n  orders: { to: orders_v2, key: [id] }\n"
                        + "control: { table: ss_control, poll: 10s }\n"
                        + yaml);
    }

    private void beat(String instance, long version, long comparisons, long lost, String failure, Instant at)
            throws SQLException {
        store().beat(new InstanceBeat(
                instance, Phase.SHADOW_READ, version, at, 100, 0, 0, at.minusSeconds(60), comparisons, lost, failure));
    }

    private void runs(Run.Outcome backfill, Run.Outcome verify) throws SQLException {
        Instant now = Instant.now();
        store().recordRun(new Run(
                Run.Kind.BACKFILL, "orders", now.minusSeconds(300), now.minusSeconds(200), backfill, 1));
        store().recordRun(new Run(Run.Kind.VERIFY, "orders", now.minusSeconds(100), now.minusSeconds(90), verify, 1));
    }

    private Cli.Run cli(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--config", config.toString(), "--url", url, "--user", server.user()));
        Map<String, String> env = new HashMap<>();
        if (!server.password().isEmpty()) {
            env.put(SchemaShiftCommand.PASSWORD_ENV, server.password());
        }
        return Cli.run(env, args.toArray(String[]::new));
    }

    private ControlStore store() throws SQLException {
        try {
            return new ControlStore(
                    () -> server.connect(url),
                    Dialect.fromJdbcUrl(url).orElseThrow(),
                    new ConfigReader().read(config.toString(), Files.readString(config)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
