package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.Phase;
import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.RolloutState;
import io.schemashift.control.Run;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every command against PostgreSQL, MariaDB and H2, run in-process as {@code main} runs them. Each
 * test has its own migration id in one shared database per server.
 */
class CliIT {

    private static final Map<TestDatabase.Kind, String> URLS = new ConcurrentHashMap<>();
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();

    @TempDir
    Path dir;

    private TestDatabase server;
    private String url;
    private String migration;
    private Path config;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void init_twice_createsTablesAndSeedsOnce(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: dual-write\nrouting: { shadowPercent: 10, tables: { orders: { phase: old-only } } }\n");
        Cli.Run first = cli("init", "--by", "alice");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out())
                .contains("tables ready: control ss_control, heartbeat schemashift_heartbeat, audit schemashift_audit")
                .contains("rollout seeded from")
                .contains("(version 1): dual-write, read-new 0%, shadow 10%, tables orders=old-only");
        assertThat(first.err()).isEmpty();

        Cli.Run second = cli("init");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains("rollout already stored (version 1)");
        assertThat(store().audit(10))
                .singleElement()
                .satisfies(e -> assertThat(e.by()).isEqualTo("alice"))
                .satisfies(e -> assertThat(e.reason()).startsWith("init: seeded from "));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void status_beforeInit_failsWithHint(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        store().init();
        Cli.Run run = cli("status");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .hasLineCount(1)
                .isEqualTo("schemashift: error: no rollout stored for migration " + migration
                        + " in table ss_control; run 'schemashift init' first\n");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyCommand_withoutControlTables_failsOnOneLineWithHint(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        url = server.create("cli_empty_" + ProcessHandle.current().pid());
        Map<List<String>, String> tables = new LinkedHashMap<>();
        tables.put(List.of("status"), "ss_control");
        tables.put(List.of("phase", "dual-write", "--reason", "x"), "ss_control");
        tables.put(List.of("rollback", "--reason", "x"), "ss_control");
        tables.put(List.of("mismatches"), "schemashift_mismatch");
        tables.put(List.of("audit"), "schemashift_audit");
        tables.forEach((command, table) -> {
            Cli.Run run = cli(command.toArray(String[]::new));
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.out()).as(run.toString()).isEmpty();
            assertThat(run.err())
                    .as(run.toString())
                    .hasLineCount(1)
                    .startsWith("schemashift: error: ")
                    .containsIgnoringCase(table)
                    .endsWith(" (run 'schemashift init' to create the control tables)\n");
        });
        assertThat(cli("init").exit()).isZero();
        assertThat(cli("status").exit()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void status_showsInstancesFlagsStaleAndCountsWindow(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\nrouting: { shadowPercent: 25 }\n");
        assertThat(cli("init").exit()).isZero();
        Instant now = Instant.now();
        store().beat(new InstanceBeat("host-a:101:shop", Phase.SHADOW_READ, 1, now, 500, 0, 2, now.minusSeconds(60)));
        store().beat(new InstanceBeat(
                "host-b:202:shop", Phase.DUAL_WRITE, 0, now.minusSeconds(10), 70, 1, 0, now.minusSeconds(90)));
        store().beat(new InstanceBeat(
                "host-c:303:shop", Phase.DUAL_WRITE, 0, now.minusSeconds(7200), 9, 0, 0, now.minusSeconds(9000)));
        mismatch("f1", "orders", now.minusSeconds(5));
        mismatch("f1", "orders", now.minusSeconds(3600));
        divergence(now.minusSeconds(5));

        Cli.Run text = cli("status");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("phase       shadow-read")
                .contains("percent     read-new 0%, shadow 25%")
                .contains("last 15m     1 mismatches, 1 divergences")
                .containsPattern("host-a:101:shop +shadow-read +1 +\\d+s ago +500 +0 +2 +ok")
                .containsPattern("host-b:202:shop +dual-write +0 +1\\ds ago +70 +1 +0 +STALE,BEHIND")
                .contains("1 instance(s) STALE: no heartbeat for more than 3 x control.poll (3s)")
                .contains("1 instance(s) silent for more than 1h not listed (--all lists them)")
                .doesNotContain("host-c");
        Cli.Run all = cli("status", "--all");
        assertThat(all.out())
                .containsPattern("host-c:303:shop +dual-write +0 +2h00m ago +9 +0 +0 +STALE,BEHIND")
                .contains("2 instance(s) STALE")
                .doesNotContain("not listed");

        // host-a beats again: two CLI runs (a JVM start each) may outlast 3 x control.poll on a loaded machine
        store().beat(new InstanceBeat(
                "host-a:101:shop", Phase.SHADOW_READ, 1, Instant.now(), 500, 0, 2, now.minusSeconds(60)));
        Cli.Run json = cli("status", "--json", "--window", "2h");
        assertThat(json.exit()).isZero();
        assertThat(json.out())
                .startsWith("{\"migration\":\"" + migration + "\",\"phase\":\"shadow-read\",\"readNewPercent\":0,"
                        + "\"shadowPercent\":25,\"tablePhases\":{},\"version\":1,")
                .contains("\"recent\":{\"windowSeconds\":7200,\"mismatches\":2,\"divergences\":1}")
                .contains("{\"instanceId\":\"host-a:101:shop\",\"phase\":\"shadow-read\",\"configVersion\":1,")
                .contains("\"stale\":false,\"behind\":false,\"statements\":500")
                .contains("\"stale\":true,\"behind\":true,\"statements\":70")
                .contains("\"unlistedInstances\":1")
                .doesNotContain("host-c");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void phase_oneStepForward_isAuditedWithWhoAndWhy(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        assertThat(cli("init").exit()).isZero();
        Cli.Run run = cli("phase", "dual-write", "--shadow", "5", "--reason", "start mirroring", "--by", "bob");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains(migration + ": old-only, read-new 0%, shadow 0% -> dual-write, read-new 0%, shadow 5%"
                        + " (version 2)");
        assertThat(run.err()).isEmpty();

        AuditEntry last = store().audit(1).get(0);
        assertThat(last)
                .extracting(
                        AuditEntry::by,
                        AuditEntry::fromPhase,
                        AuditEntry::toPhase,
                        AuditEntry::toShadowPercent,
                        AuditEntry::reason,
                        AuditEntry::forced)
                .containsExactly("bob", Phase.OLD_ONLY, Phase.DUAL_WRITE, 5, "start mirroring", false);
        assertThat(store().read().orElseThrow().phase()).isEqualTo(Phase.DUAL_WRITE);

        Cli.Run again = cli("phase", "dual-write", "--reason", "again");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("no change, already dual-write");
        assertThat(store().audit(10)).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void phase_skip_isRefusedUnlessForced(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        assertThat(cli("init").exit()).isZero();
        Cli.Run refused = cli("phase", "shadow-read", "--reason", "hurry");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .hasLineCount(1)
                .isEqualTo("schemashift: error: refusing to move " + migration + " from old-only to shadow-read:"
                        + " phases cannot be skipped: the next phase after old-only is dual-write (shadow-read is 2"
                        + " steps ahead); fix the cause, or pass --force (recorded in the audit)\n");
        assertThat(store().read().orElseThrow().phase()).isEqualTo(Phase.OLD_ONLY);

        Cli.Run forced = cli("phase", "shadow-read", "--reason", "hurry", "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(forced.err()).contains("warning: forced past: phases cannot be skipped");
        assertThat(store().audit(1).get(0).forced()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void phase_forwardWithRecentMismatches_isRefused_thresholdsAndForceAllow(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\n");
        assertThat(cli("init").exit()).isZero();
        mismatch("f1", "orders", Instant.now().minusSeconds(60));
        mismatch("f2", "orders", Instant.now().minusSeconds(30));
        divergence(Instant.now().minusSeconds(7200));

        Cli.Run refused = cli("phase", "read-new", "--read-new", "10", "--reason", "go");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .hasLineCount(1)
                .contains("refusing to move " + migration + " from shadow-read to read-new: 2 mismatches in the"
                        + " last 15m (allowed: 0; see 'schemashift mismatches')")
                .doesNotContain("divergences");

        Cli.Run wider = cli("phase", "read-new", "--reason", "go", "--window", "3h", "--max-mismatches", "2");
        assertThat(wider.exit()).isEqualTo(1);
        assertThat(wider.err()).contains("1 divergences in the last 3h (allowed: 0)");

        evidence();
        Cli.Run allowed = cli("phase", "read-new", "--read-new", "10", "--reason", "go", "--max-mismatches", "2");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(store().audit(1).get(0).forced()).isFalse();

        Cli.Run more = cli("phase", "read-new", "--read-new", "50", "--reason", "more");
        assertThat(more.exit()).as("raising read-new is forward").isEqualTo(1);
        Cli.Run forced = cli("phase", "read-new", "--read-new", "50", "--reason", "more", "--force", "--by", "ops");
        assertThat(forced.exit()).isZero();
        assertThat(store().audit(1).get(0))
                .extracting(
                        AuditEntry::by,
                        AuditEntry::fromReadNewPercent,
                        AuditEntry::toReadNewPercent,
                        AuditEntry::forced)
                .containsExactly("ops", 10, 50, true);

        Cli.Run lower = cli("phase", "read-new", "--read-new", "0", "--reason", "less");
        assertThat(lower.exit())
                .as("lowering read-new is backward: no guard rail")
                .isZero();
        Cli.Run back = cli("phase", "dual-write", "--reason", "two steps back");
        assertThat(back.exit()).as("moving back more than one step is refused").isEqualTo(1);
        assertThat(back.err()).contains("phases go back one step at a time");
        assertThat(cli("phase", "dual-write", "--reason", "two steps back", "--force")
                        .exit())
                .isZero();
        assertThat(store().read().orElseThrow().phase()).isEqualTo(Phase.DUAL_WRITE);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void phase_table_overridesOneTable(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: dual-write\n");
        assertThat(cli("init").exit()).isZero();
        Cli.Run run = cli("phase", "shadow-read", "--table", "ORDERS", "--reason", "orders first");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(store().read().orElseThrow().tablePhases()).containsExactly(Map.entry("orders", Phase.SHADOW_READ));
        assertThat(store().audit(1).get(0))
                .extracting(AuditEntry::table, AuditEntry::fromPhase, AuditEntry::toPhase)
                .containsExactly("orders", Phase.DUAL_WRITE, Phase.SHADOW_READ);

        Cli.Run unknown = cli("phase", "shadow-read", "--table", "nope", "--reason", "x");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err())
                .hasLineCount(1)
                .contains("unknown table 'nope'")
                .contains(": orders");
        Cli.Run mixed = cli("phase", "shadow-read", "--table", "orders", "--shadow", "5", "--reason", "x");
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains("apply to the whole migration");

        Cli.Run rollback = cli("rollback", "--table", "orders", "--reason", "orders back");
        assertThat(rollback.exit()).as(rollback.toString()).isZero();
        assertThat(store().read().orElseThrow().tablePhases()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void rollback_oneStepBack_alwaysAllowed_untilOldOnly(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "phase: shadow-read\nrouting: { shadowPercent: 20 }\n");
        assertThat(cli("init").exit()).isZero();
        mismatch("f1", "orders", Instant.now());

        Cli.Run run = cli("rollback", "--reason", "mismatches on orders", "--by", "oncall");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("shadow-read, read-new 0%, shadow 20% -> dual-write, read-new 0%, shadow 20%");
        assertThat(store().audit(1).get(0))
                .extracting(AuditEntry::by, AuditEntry::fromPhase, AuditEntry::toPhase, AuditEntry::reason)
                .containsExactly("oncall", Phase.SHADOW_READ, Phase.DUAL_WRITE, "mismatches on orders");

        assertThat(cli("rollback", "--reason", "again").exit()).isZero();
        Cli.Run none = cli("rollback", "--reason", "once more");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err())
                .isEqualTo("schemashift: error: nothing to roll back: " + migration
                        + " is already at old-only, the first phase\n");
        assertThat(cli("rollback").exit()).as("--reason is required").isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void mismatches_rankedByShapeAndTable(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        assertThat(cli("init").exit()).isZero();
        assertThat(cli("mismatches").out()).isEqualTo("no mismatches\n");
        Instant now = Instant.now();
        mismatch("f1", "orders", now.minusSeconds(7200));
        mismatch("f1", "orders", now.minusSeconds(2));
        mismatch("f2", "items", now.minusSeconds(1));

        Cli.Run text = cli("mismatches", "--top", "5");
        assertThat(text.exit()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("COUNT", "TABLE", "FINGERPRINT", "QUERY SHAPE");
        assertThat(lines.get(1)).containsPattern("^ +2 .* orders +f1 +SELECT \\* FROM orders WHERE id = \\?$");
        assertThat(lines.get(2)).containsPattern("^ +1 .* items +f2 ");

        Cli.Run json = cli("mismatches", "--json", "--since", "1h", "--top", "1");
        assertThat(json.exit()).isZero();
        assertThat(json.out())
                .startsWith("{\"migration\":\"" + migration + "\",\"since\":\"")
                .containsPattern("\"mismatches\":\\[\\{\"fingerprint\":\"f[12]\",\"table\":\"[a-z]+\",\"queryShape\":"
                        + "\"SELECT \\* FROM [a-z]+ WHERE id = \\?\",\"count\":1,\"lastSeen\":\"[^\"]+\"}]}");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void audit_listsNewestFirst_textAndJson(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        assertThat(cli("init", "--by", "alice").exit()).isZero();
        assertThat(cli("phase", "dual-write", "--reason", "go \"now\"", "--by", "bob")
                        .exit())
                .isZero();

        Cli.Run text = cli("audit");
        assertThat(text.exit()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("bob", "old-only -> dual-write", "\"go \"now\"\"");
        assertThat(lines.get(1)).contains("alice", "old-only -> old-only", "init: seeded from");

        Cli.Run json = cli("audit", "--json", "--limit", "1");
        assertThat(json.out())
                .startsWith("{\"migration\":\"" + migration + "\",\"entries\":[{\"at\":\"")
                .contains("\"by\":\"bob\",\"table\":null,\"fromPhase\":\"old-only\",\"toPhase\":\"dual-write\","
                        + "\"fromReadNewPercent\":0,\"toReadNewPercent\":0,\"fromShadowPercent\":0,"
                        + "\"toShadowPercent\":0,\"reason\":\"go \\\"now\\\"\",\"forced\":false}]}");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void concurrentWriter_isReportedAsRetry(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        assertThat(cli("init").exit()).isZero();
        RolloutState seen = store().read().orElseThrow();
        assertThat(cli("phase", "dual-write", "--reason", "first").exit()).isZero();
        RolloutState late = seen.with(Phase.DUAL_WRITE, 0, 50);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> store().write(late, AuditEntry.of(seen, late, null, Instant.now(), "x", "late", false)))
                .hasMessageContaining("changed concurrently");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void globalOptions_beforeOrAfterTheCommand(TestDatabase.Kind kind) throws Exception {
        setUp(kind, "");
        List<String> args = new ArrayList<>(connection());
        args.add("init");
        Cli.Run before = Cli.run(env(), args.toArray(String[]::new));
        assertThat(before.exit()).as(before.toString()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void configWithoutControlTable_warnsThatInstancesWillNotFollow(TestDatabase.Kind kind) throws Exception {
        server = TestDatabases.of(kind);
        url = URLS.computeIfAbsent(kind, k -> TestDatabases.of(k)
                .create("cli_" + ProcessHandle.current().pid()));
        migration = "cli" + MIGRATIONS.incrementAndGet();
        config = Files.writeString(dir.resolve("plain.yaml"), "migration: " + migration + "\n");
        Cli.Run run = cli("init");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("control schemashift_control");
        assertThat(run.err()).contains("sets no control.table").hasLineCount(1);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void setUp(TestDatabase.Kind kind, String yaml) throws IOException {
        server = TestDatabases.of(kind);
        url = URLS.computeIfAbsent(kind, k -> TestDatabases.of(k)
                .create("cli_" + ProcessHandle.current().pid()));
        migration = "cli" + MIGRATIONS.incrementAndGet();
        config = Files.writeString(
                dir.resolve("schemashift.yaml"),
                "migration: " + migration + "\n"
                        + "tables:\n  orders: { to: orders_v2, key: [id] }\n"
                        + "control: { table: ss_control, poll: 1s }\n"
                        + yaml);
    }

    private Cli.Run cli(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(connection());
        return Cli.run(env(), args.toArray(String[]::new));
    }

    private List<String> connection() {
        return List.of("--config", config.toString(), "--url", url, "--user", server.user());
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        if (!server.password().isEmpty()) {
            env.put(SchemaShiftCommand.PASSWORD_ENV, server.password());
        }
        return env;
    }

    private ControlStore store() throws SQLException {
        try {
            return new ControlStore(
                    () -> server.connect(url),
                    Dialect.fromJdbcUrl(url).orElseThrow(),
                    new ConfigReader().read(config.toString(), Files.readString(config)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void mismatch(String fingerprint, String table, Instant at) throws SQLException {
        try (Connection c = server.connect(url);
                PreparedStatement ps = c.prepareStatement(
                        ControlSchema.insertMismatch(store().tables().mismatch()))) {
            ps.setString(1, migration);
            ps.setString(2, table);
            ps.setString(3, fingerprint);
            ps.setString(4, "SELECT * FROM " + table + " WHERE id = ?");
            ps.setString(5, "mismatch");
            ps.setString(6, null);
            ps.setString(7, null);
            ps.setString(8, null);
            ps.setObject(9, ControlSchema.timestamp(at));
            ps.executeUpdate();
        }
    }

    /**
     * The evidence a move into read-new needs: a live instance on the stored version that ran
     * comparisons, and a completed backfill followed by a clean verify of {@code orders}.
     */
    private void evidence() throws SQLException {
        Instant now = Instant.now();
        long version = store().read().orElseThrow().version();
        store().beat(new InstanceBeat(
                "host-e:1:app", Phase.SHADOW_READ, version, now, 900, 0, 0, now.minusSeconds(600), 500, 0, null));
        store().recordRun(new Run(
                Run.Kind.BACKFILL, "orders", now.minusSeconds(300), now.minusSeconds(200), Run.Outcome.COMPLETED, 10));
        store().recordRun(new Run(
                Run.Kind.VERIFY, "orders", now.minusSeconds(100), now.minusSeconds(90), Run.Outcome.CLEAN, 10));
    }

    private void divergence(Instant at) throws SQLException {
        try (Connection c = server.connect(url);
                PreparedStatement ps = c.prepareStatement(
                        ControlSchema.insertDivergence(store().tables().divergence()))) {
            ps.setString(1, migration);
            ps.setString(2, "orders");
            ps.setString(3, null);
            ps.setString(4, "f1");
            ps.setString(5, "mirror-failed");
            ps.setObject(6, ControlSchema.timestamp(at));
            ps.executeUpdate();
        }
    }
}
