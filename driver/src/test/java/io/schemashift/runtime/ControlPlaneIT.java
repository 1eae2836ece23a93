package io.schemashift.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.config.Phase;
import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.RolloutState;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.StderrCapture;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver's side of the control plane when its tables are missing or its rollout is unknown:
 * no DDL, one ERROR line, counted failures, records kept queued and retried, losses counted and
 * reported in the heartbeat; control rows that skip phases rejected; writes refused until the
 * rollout is read.
 */
class ControlPlaneIT {

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
    void capture() {
        log = StderrCapture.start();
    }

    @AfterEach
    void release() {
        log.close();
        if (runtime != null) {
            Runtimes.close(runtime);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void divergenceTableMissing_noDdl_errorOnce_keptQueued_writtenAfterInit(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind), false, "phase: dual-write\ncontrol: { poll: " + POLL + " }\n");
        fx.rawOld("DROP TABLE schemashift_divergence");
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            runtime.divergences().record("customers", "[\"1\"]", "f1", "mirror_failed");
            runtime.divergences().record("customers", "[\"2\"]", "f1", "mirror_failed");
            await("failure counted").until(() -> failures(fx, "divergence_write", "missing_table") >= 2);
            assertThat(runtime.divergences().pending()).isEqualTo(2);
            await("the heartbeat reports the logging failure").until(() -> beat(fx).logFailure() != null);
            assertThat(beat(fx).logFailure()).isEqualTo("divergence_write:missing_table");
            assertThat(tableExists(fx, "schemashift_divergence"))
                    .as("no DDL from the driver")
                    .isFalse();
            assertThat(lost(fx)).isZero();

            // schemashift init creates the table: the queued records are written at the next retry
            try (Connection raw = fx.server.connect(fx.oldUrl)) {
                ControlSchema.execute(
                        raw,
                        ControlSchema.createDivergenceTable(MigrationFixture.dialect(kind), "schemashift_divergence"));
            }
            assertThat(runtime.divergences().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(fx.divergedKeys()).containsExactlyInAnyOrder(1, 2);
            await("the heartbeat clears the failure").until(() -> beat(fx).logFailure() == null);
            assertThat(beat(fx).lostRecords()).isZero();
        }
        List<String> errors = log.lines("ERROR", "[" + fx.migration + "]");
        assertThat(errors).singleElement().satisfies(l -> assertThat(l)
                .contains("cannot write divergence records to table schemashift_divergence: missing_table")
                .contains("kept queued")
                .contains("'schemashift init'")
                .doesNotContain("\"1\""));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void keyLongerThanColumn_storedWithoutKey_restOfBatchWritten(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\n");
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            String longKey = "[\"" + "k".repeat(ControlSchema.KEY_TEXT_MAX + 500) + "\"]";
            runtime.divergences().record("customers", "[\"7\"]", "f1", "mirror_failed");
            runtime.divergences().record("customers", longKey, "f1", "mirror_failed");
            runtime.divergences().record("customers", "[\"8\"]", "f1", "mirror_failed");
            assertThat(runtime.divergences().flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(fx.divergedKeys()).containsExactlyInAnyOrder(7, 8);
        assertThat(countRows(fx, "SELECT COUNT(*) FROM schemashift_divergence WHERE key_text IS NULL"))
                .as("the long key as a table-level record")
                .isEqualTo(1);
        assertThat(counter(fx, "schemashift.divergences.unkeyed")).isEqualTo(1);
        assertThat(lost(fx)).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void close_flushesQueued_countsWhatCannotBeWritten_lastBeatReportsIt(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx =
                MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\ncontrol: { poll: 1s }\n");
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            runtime.divergences().record("customers", "[\"3\"]", "f1", "mirror_failed");
        }
        Runtimes.close(runtime);
        assertThat(countRows(fx, "SELECT COUNT(*) FROM schemashift_divergence WHERE key_text = '[\"3\"]'"))
                .as("flushed on close")
                .isEqualTo(1);

        fx.rawOld("DROP TABLE schemashift_divergence");
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            runtime.divergences().record("customers", "[\"4\"]", "f1", "mirror_failed");
            runtime.divergences().record("customers", "[\"5\"]", "f1", "mirror_failed");
        }
        MigrationRuntime closing = runtime;
        long started = System.nanoTime();
        Runtimes.close(closing);
        runtime = null;
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("close is bounded")
                .isLessThan(MigrationRuntime.CLOSE_FLUSH.plusSeconds(10));
        InstanceBeat last = beat(fx);
        assertThat(last.lostRecords()).isEqualTo(2);
        assertThat(last.logFailure()).isEqualTo("divergence_write:missing_table");
        assertThat(log.lines("ERROR", "[" + fx.migration + "]"))
                .anySatisfy(l -> assertThat(l).contains("2 divergence record(s) could not be written"));
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void controlRow_skippingPhases_rejectedUnlessAuditSaysForced(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind),
                false,
                "phase: dual-write\ncontrol: { table: schemashift_control, poll: " + POLL + " }\n");
        ControlStore store = store(fx);
        RolloutState v1 = write(store, RolloutState.seed(runtimeConfig(fx), Instant.now(), "t"), false);
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            assertThat(runtime.version()).isEqualTo(1);
            // the CLI with --force skips shadow-read: audited as forced, so the instance follows
            RolloutState v2 = write(store, v1.with(Phase.READ_NEW, 0, 0), true);
            await("forced jump applied").until(() -> runtime.version() == v2.version());
            assertThat(runtime.rollout().phase()).isEqualTo(Phase.READ_NEW);

            // by hand, no audit: read-new -> old-only jumps three phases back
            fx.rawOld("UPDATE schemashift_control SET phase = 'old-only', version = 3 WHERE migration = '"
                    + fx.migration + "'");
            await("rejected").until(() -> reloads(fx, "rejected") == 1);
            assertThat(runtime.rollout().phase()).isEqualTo(Phase.READ_NEW);
            assertThat(runtime.version()).isEqualTo(2);
            assertThat(log.lines("ERROR", "[" + fx.migration + "]"))
                    .singleElement()
                    .satisfies(l -> assertThat(l)
                            .contains("version 3")
                            .contains("phases go back one step at a time")
                            .contains("version 3 has no audit row"));
        }
        assertThat(v1.version()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void controlTableUnreadableAtStart_writesRefused_untilRead(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind), false, "phase: old-only\ncontrol: { table: ss_ctl, poll: " + POLL + " }\n");
        try (Connection c = fx.connect()) {
            assertThat(c.isValid(5)).isTrue();
            runtime = fx.runtime();
            assertThat(runtime.writesAllowed()).isFalse();
            SQLException refused = runtime.writesRefused("customers");
            assertThat(refused.getSQLState()).isEqualTo("55000");
            assertThat(refused.getMessage())
                    .contains("customers")
                    .contains("ss_ctl")
                    .doesNotContain("\n");
            assertThat(log.lines("ERROR", "[" + fx.migration + "]"))
                    .anySatisfy(l -> assertThat(l).contains("writes to mapped tables are refused"));

            ControlStore store = new ControlStore(
                    () -> fx.server.connect(fx.oldUrl),
                    MigrationFixture.dialect(kind),
                    fx.migration,
                    new ControlTables(
                            "ss_ctl",
                            "schemashift_heartbeat",
                            "schemashift_audit",
                            "schemashift_divergence",
                            "schemashift_mismatch"));
            store.init();
            await("still refused: the table holds no rollout")
                    .during(Duration.ofMillis(300))
                    .until(() -> !runtime.writesAllowed());
            write(
                    store,
                    new RolloutState(fx.migration, Phase.NEW_PRIMARY, 100, 0, Map.of(), 0, Instant.now(), "t"),
                    false);
            await("writes allowed once read").until(() -> runtime.writesAllowed());
            assertThat(runtime.rollout().phase())
                    .as("the table's phase, not the file's")
                    .isEqualTo(Phase.NEW_PRIMARY);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static io.schemashift.config.MigrationConfig runtimeConfig(MigrationFixture fx) throws Exception {
        return new io.schemashift.config.ConfigReader()
                .read(fx.configPath().toString(), java.nio.file.Files.readString(fx.configPath()));
    }

    private static ControlStore store(MigrationFixture fx) {
        return new ControlStore(
                () -> fx.server.connect(fx.oldUrl),
                MigrationFixture.dialect(fx.server.kind()),
                fx.migration,
                MigrationFixture.DEFAULT_TABLES);
    }

    private static RolloutState write(ControlStore store, RolloutState next, boolean forced) throws SQLException {
        RolloutState current = store.read().orElse(next);
        return store.write(next, AuditEntry.of(current, next, null, Instant.now(), "test", "test", forced));
    }

    private static InstanceBeat beat(MigrationFixture fx) throws SQLException {
        List<InstanceBeat> beats = store(fx).instances();
        return beats.isEmpty()
                ? new InstanceBeat("none", Phase.OLD_ONLY, -1, Instant.EPOCH, 0, 0, 0, Instant.EPOCH)
                : beats.get(0);
    }

    private static double failures(MigrationFixture fx, String operation, String kind) {
        Counter c = REGISTRY.find("schemashift.control.failures")
                .tags("migration", fx.migration, "operation", operation, "kind", kind)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static double counter(MigrationFixture fx, String name) {
        Counter c = REGISTRY.find(name).tags("migration", fx.migration).counter();
        return c == null ? 0 : c.count();
    }

    private static double lost(MigrationFixture fx) {
        return counter(fx, "schemashift.divergences.lost");
    }

    private static double reloads(MigrationFixture fx, String outcome) {
        Counter c = REGISTRY.find("schemashift.reloads")
                .tags("migration", fx.migration, "outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static boolean tableExists(MigrationFixture fx, String table) throws SQLException {
        try (Connection c = fx.server.connect(fx.oldUrl)) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, null, new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
            return names.contains(table);
        }
    }

    private static long countRows(MigrationFixture fx, String sql) throws SQLException {
        try (Connection c = fx.server.connect(fx.oldUrl);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
