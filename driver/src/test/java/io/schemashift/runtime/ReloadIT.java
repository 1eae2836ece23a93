package io.schemashift.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.config.Phase;
import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.Dialect;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.StderrCapture;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Run-time changes of the rollout, from the YAML file and from the control table: applied at the
 * next transaction boundary, invalid changes rejected (one error line, one count), heartbeats
 * written and going stale once the instance stops.
 */
class ReloadIT {

    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final String POLL = "100ms";

    private StderrCapture log;
    private MigrationRuntime runtime;

    @BeforeAll
    static void meters() {
        Metrics.globalRegistry.add(REGISTRY);
    }

    @AfterAll
    static void noMeters() {
        Metrics.globalRegistry.remove(REGISTRY);
    }

    @BeforeEach
    void captureLog() {
        log = StderrCapture.start();
    }

    @AfterEach
    void release() {
        log.close();
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void fileChange_appliesAtNextTransactionBoundary_openTransactionKeepsItsSide() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(), false, "phase: dual-write\ncontrol: { poll: " + POLL + " }\n");
        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            c.setAutoCommit(false);
            insert(c, 1);
            fx.writeConfig(configText(fx, "phase: old-only\ncontrol: { poll: " + POLL + " }\n"));
            await("old-only applied").until(() -> runtime.rollout().phase() == Phase.OLD_ONLY);
            insert(c, 2); // same transaction: still dual-write
            c.commit();
            insert(c, 3); // next transaction: old-only
            c.commit();
        }
        assertThat(fx.oldRows()).extracting(r -> r.split("\\|")[0]).containsExactly("1", "2", "3");
        assertThat(fx.newRows()).extracting(r -> r.split("\\|")[0]).containsExactly("1", "2");
        assertThat(reloads(fx, "file", "applied")).isEqualTo(1);
        assertThat(runtime.version()).isZero();
        // the control loop logs the change just after it applies it
        await("change logged")
                .untilAsserted(() -> assertThat(logLines(fx, "INFO")).anySatisfy(l -> assertThat(l)
                        .contains("rollout dual-write, read-new 0%, shadow 0% -> old-only, read-new 0%, shadow 0%")));
    }

    @Test
    void fileChange_invalid_isRejectedOnce_runningRolloutStays() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(),
                false,
                "phase: dual-write\nrouting: { shadowPercent: 5 }\ncontrol: { poll: " + POLL + " }\n");
        fx.rawOld("DROP TABLE schemashift_heartbeat");
        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            fx.writeConfig(configText(fx, "phase: sideways\ncontrol: { poll: " + POLL + " }\n"));
            await("rejection counted").until(() -> reloads(fx, "file", "rejected") == 1);
            // five more polls of the same invalid file: still counted once
            await("no second rejection")
                    .during(Duration.ofMillis(500))
                    .until(() -> reloads(fx, "file", "rejected") == 1);
            assertThat(reloads(fx, "file", "rejected")).isEqualTo(1);
            assertThat(runtime.rollout().phase()).isEqualTo(Phase.DUAL_WRITE);
            assertThat(runtime.rollout().shadowPercent()).isEqualTo(5);
            List<String> errors = logLines(fx, "ERROR");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0))
                    .contains("rollout change rejected, keeping dual-write, read-new 0%, shadow 5% (version 0)")
                    .contains(fx.configPath().toString())
                    .contains("key 'phase'")
                    .contains("old-only, dual-write, shadow-read, read-new, new-primary, new-only");

            c.createStatement().executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'still mirrored')");
            fx.writeConfig(configText(fx, "phase: shadow-read\ncontrol: { poll: " + POLL + " }\n"));
            await("valid change applied").until(() -> runtime.rollout().phase() == Phase.SHADOW_READ);
        }
        assertThat(fx.newRows()).hasSize(1);
        assertThat(reloads(fx, "file", "applied")).isEqualTo(1);
        assertThat(reloads(fx, "file", "rejected")).isEqualTo(1);
        // the heartbeat table is missing: heartbeats fail, are counted, and are logged once
        assertThat(REGISTRY.find("schemashift.control.failures")
                        .tags("migration", fx.migration, "operation", "heartbeat", "kind", "missing_table")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(logLines(fx, "WARN"))
                .filteredOn(l -> l.contains("cannot write the heartbeat"))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("schemashift_heartbeat").contains("'schemashift init'"));
    }

    @Test
    void fileChange_tableOverride_appliesToThatTable() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(), false, "phase: dual-write\ncontrol: { poll: " + POLL + " }\n");
        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            insert(c, 1);
            fx.writeConfig(configText(
                    fx,
                    "phase: dual-write\nrouting: { tables: { customers: { phase: old-only } } }\ncontrol: { poll: "
                            + POLL + " }\n"));
            await("override applied").until(() -> runtime.rollout().phaseOf("customers") == Phase.OLD_ONLY);
            insert(c, 2);
        }
        assertThat(runtime.rollout().phase()).isEqualTo(Phase.DUAL_WRITE);
        assertThat(fx.newRows()).extracting(r -> r.split("\\|")[0]).containsExactly("1");
        await("change logged")
                .untilAsserted(() -> assertThat(logLines(fx, "INFO")).anySatisfy(l -> assertThat(l)
                        .contains("-> dual-write, read-new 0%, shadow 0%, tables customers=old-only from ")));
    }

    @Test
    void fileChange_otherSections_warnThatTheyNeedARestart() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(), false, "phase: dual-write\ncontrol: { poll: " + POLL + " }\n");
        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            fx.writeConfig(
                    configText(fx, "phase: shadow-read\ncontrol: { poll: " + POLL + " }\ncompare: { maxRows: 10 }\n"));
            await("phase applied").until(() -> runtime.rollout().phase() == Phase.SHADOW_READ);
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(runtime.config().compare().maxRows()).isEqualTo(10_000);
        assertThat(logLines(fx, "WARN")).anySatisfy(l -> assertThat(l)
                .contains("changed compare: that takes effect at the next restart; phase and routing apply now"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void controlTable_isTheSourceOfTruth_fromFirstConnection_rejectsInvalidRows_andBeats(TestDatabase.Kind kind)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind),
                false,
                "phase: dual-write\ncontrol: { table: ss_control, poll: " + POLL + " }\n");
        ControlStore store = new ControlStore(
                () -> fx.server.connect(fx.oldUrl),
                Dialect.fromJdbcUrl(fx.oldUrl).orElseThrow(),
                fx.migration,
                new ControlTables(
                        "ss_control",
                        "schemashift_heartbeat",
                        "schemashift_audit",
                        "schemashift_divergence",
                        "schemashift_mismatch"));
        store.init();
        RolloutState v1 = write(store, new RolloutState(fx.migration, Phase.OLD_ONLY, 0, 0, Map.of(), 0, null, null));

        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            // the table's old-only is in force before the first statement, not the file's dual-write
            assertThat(runtime.rollout().phase()).isEqualTo(Phase.OLD_ONLY);
            assertThat(runtime.version()).isEqualTo(1);
            insert(c, 1);

            RolloutState v2 = write(store, v1.with(Phase.DUAL_WRITE, 0, 10));
            await("version 2 in the heartbeat").until(() -> beat(store).configVersion() == 2);
            assertThat(beat(store).phase()).isEqualTo(Phase.DUAL_WRITE);
            assertThat(runtime.rollout().shadowPercent()).isEqualTo(10);
            insert(c, 2);

            fx.rawOld("UPDATE ss_control SET phase = 'sideways', version = 3 WHERE migration = '" + fx.migration + "'");
            await("bad phase rejected").until(() -> reloads(fx, "table", "rejected") == 1);
            fx.rawOld("UPDATE ss_control SET phase = 'dual-write', table_phases = 'orders=old-only', version = 4"
                    + " WHERE migration = '" + fx.migration + "'");
            await("unknown table rejected").until(() -> reloads(fx, "table", "rejected") == 2);
            await("no third rejection")
                    .during(Duration.ofMillis(300))
                    .until(() -> reloads(fx, "table", "rejected") == 2);
            assertThat(reloads(fx, "table", "rejected")).isEqualTo(2);
            assertThat(runtime.version()).isEqualTo(2);
            assertThat(beat(store).configVersion()).isEqualTo(2);
            assertThat(logLines(fx, "ERROR"))
                    .hasSize(2)
                    .satisfiesExactly(
                            l -> assertThat(l)
                                    .contains("rollout change rejected, keeping dual-write, read-new 0%, shadow 10%"
                                            + " (version 2): table ss_control, migration " + fx.migration
                                            + ": column phase holds a value this version cannot read"),
                            l -> assertThat(l)
                                    .contains("control table ss_control, version 4: table_phases names orders, which "
                                            + fx.configPath() + " does not map"));

            fx.rawOld("UPDATE ss_control SET phase = 'old-only', table_phases = '', version = 5 WHERE migration = '"
                    + fx.migration + "'");
            await("version 5 applied").until(() -> runtime.version() == 5);
            insert(c, 3);
            assertThat(reloads(fx, "table", "applied")).isEqualTo(3);
            assertThat(v2.version()).isEqualTo(2);
        }
        assertThat(fx.newRows()).extracting(r -> r.split("\\|")[0]).containsExactly("2");

        await("a beat counting the dual-write insert").until(() -> beat(store).statements() >= 1);
        InstanceBeat last = beat(store);
        assertThat(last.instanceId()).matches("[^:]+:" + ProcessHandle.current().pid() + ":[^:]+");
        assertThat(last.phase()).isEqualTo(Phase.OLD_ONLY);
        assertThat(last.configVersion()).isEqualTo(5);
        // live: a beat younger than 3 polls turns up (a loaded machine may delay one poll)
        await("a fresh beat").until(() -> !beat(store).stale(Instant.now(), Duration.ofMillis(100)));
        runtime.close();
        // more than 3 polls without a beat
        await("the closed instance goes stale").until(() -> beat(store).stale(Instant.now(), Duration.ofMillis(100)));
        assertThat(beat(store).stale(Instant.now(), Duration.ofMillis(100))).isTrue();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The fixture's file with its tail (phase, routing, control…) replaced by {@code tail}. */
    private static String configText(MigrationFixture fx, String tail) throws Exception {
        String text = Files.readString(fx.configPath());
        return text.substring(0, text.indexOf("phase:")) + tail;
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO customers (id, name) VALUES (" + id + ", 'n" + id + "')");
        }
    }

    private static RolloutState write(ControlStore store, RolloutState next) throws SQLException {
        RolloutState current = store.read().orElse(null);
        return store.write(
                next,
                AuditEntry.of(
                        current == null ? next : current, next, null, Instant.now(), "test", "reload test", false));
    }

    private static InstanceBeat beat(ControlStore store) throws SQLException {
        List<InstanceBeat> beats = store.instances();
        return beats.isEmpty()
                ? new InstanceBeat("none", Phase.OLD_ONLY, -1, Instant.EPOCH, 0, 0, 0, Instant.EPOCH)
                : beats.get(0);
    }

    private static double reloads(MigrationFixture fx, String source, String outcome) {
        var counter = REGISTRY.find("schemashift.reloads")
                .tags("migration", fx.migration, "source", source, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> logLines(MigrationFixture fx, String level) {
        return log.lines(level, "[" + fx.migration + "]");
    }
}
