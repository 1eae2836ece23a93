package io.schemashift.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The control store on PostgreSQL, MariaDB and H2. One database per server; every test uses its
 * own migration id, so tests share the tables but never each other's rows.
 */
class ControlStoreIT {

    private static final Map<TestDatabase.Kind, String> URLS = new ConcurrentHashMap<>();
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.678Z");

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void init_twice_isIdempotentAndEmpty(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = store(kind);
        store.init();
        store.init();
        assertThat(store.read()).isEmpty();
        assertThat(store.audit(10)).isEmpty();
        assertThat(store.instances()).isEmpty();
        assertThat(store.divergencesSince(Instant.EPOCH)).isZero();
        assertThat(store.topMismatches(5)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void write_firstInsertsThenUpdates_versionCounts(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        RolloutState seed = new RolloutState(
                store.migration(), Phase.DUAL_WRITE, 0, 10, Map.of("orders", Phase.OLD_ONLY), 0, T0, "seed");
        RolloutState first = store.write(seed, AuditEntry.of(seed, seed, null, T0, "alice", "init", false));
        assertThat(first.version()).isEqualTo(1);
        assertThat(store.read()).contains(first);

        RolloutState next = first.with(Phase.SHADOW_READ, 5, 25).withTable("items", Phase.DUAL_WRITE);
        Instant t1 = T0.plusSeconds(60);
        RolloutState second = store.write(next, AuditEntry.of(first, next, null, t1, "bob", "forward", true));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.updatedBy()).isEqualTo("bob");
        assertThat(second.tablePhases())
                .containsExactly(Map.entry("items", Phase.DUAL_WRITE), Map.entry("orders", Phase.OLD_ONLY));
        assertThat(store.read()).contains(second);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void write_staleVersion_failsAndWritesNothing(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        RolloutState seed = new RolloutState(store.migration(), Phase.OLD_ONLY, 0, 0, Map.of(), 0, T0, "seed");
        RolloutState v1 = store.write(seed, AuditEntry.of(seed, seed, null, T0, "alice", "init", false));
        RolloutState byAlice = v1.with(Phase.DUAL_WRITE, 0, 0);
        store.write(byAlice, AuditEntry.of(v1, byAlice, null, T0, "alice", "forward", false));

        RolloutState byBob = v1.with(Phase.DUAL_WRITE, 0, 50); // based on version 1, now stale
        assertThatThrownBy(() -> store.write(byBob, AuditEntry.of(v1, byBob, null, T0, "bob", "late", false)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("changed concurrently")
                .hasMessageContaining("retry")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo(ControlStore.CONCURRENT_CHANGE);
        assertThatThrownBy(() -> store.write(seed, AuditEntry.of(seed, seed, null, T0, "carol", "again", false)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("changed concurrently");

        assertThat(store.read())
                .get()
                .extracting(RolloutState::version, RolloutState::shadowPercent)
                .containsExactly(2L, 0);
        assertThat(store.audit(10)).extracting(AuditEntry::by).containsExactly("alice", "alice");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void audit_newestFirst_limitedAndComplete(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        RolloutState state = new RolloutState(store.migration(), Phase.OLD_ONLY, 0, 0, Map.of(), 0, T0, "seed");
        List<Phase> path = List.of(Phase.OLD_ONLY, Phase.DUAL_WRITE, Phase.SHADOW_READ, Phase.READ_NEW);
        for (int i = 0; i < path.size(); i++) {
            RolloutState next = state.with(path.get(i), i * 10, i * 5);
            state = store.write(
                    next, AuditEntry.of(state, next, null, T0.plusSeconds(i), "user" + i, "step " + i, i == 3));
        }
        RolloutState withTable = state.withTable("orders", Phase.SHADOW_READ);
        store.write(withTable, AuditEntry.of(state, withTable, "orders", T0.plusSeconds(9), "ops", "table", false));

        List<AuditEntry> latest = store.audit(3);
        assertThat(latest).extracting(AuditEntry::reason).containsExactly("table", "step 3", "step 2");
        assertThat(latest.get(0))
                .isEqualTo(new AuditEntry(
                        T0.plusSeconds(9),
                        "ops",
                        "orders",
                        Phase.READ_NEW,
                        Phase.SHADOW_READ,
                        30,
                        30,
                        15,
                        15,
                        "table",
                        false));
        assertThat(latest.get(1))
                .isEqualTo(new AuditEntry(
                        T0.plusSeconds(3),
                        "user3",
                        null,
                        Phase.SHADOW_READ,
                        Phase.READ_NEW,
                        20,
                        30,
                        10,
                        15,
                        "step 3",
                        true));
        assertThat(store.audit(100)).hasSize(5);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void beat_sameInstance_updatesItsRow(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        InstanceBeat a1 = new InstanceBeat("host-a:11:app", Phase.DUAL_WRITE, 3, T0, 10, 0, 0, T0.minusSeconds(60));
        InstanceBeat b1 = new InstanceBeat("host-b:22:app", Phase.DUAL_WRITE, 3, T0, 5, 1, 2, T0.minusSeconds(30));
        store.beat(a1);
        store.beat(b1);
        InstanceBeat a2 = new InstanceBeat(
                "host-a:11:app", Phase.SHADOW_READ, 4, T0.plusSeconds(5), 99, 1, 7, T0.minusSeconds(60));
        store.beat(a2);

        assertThat(store.instances()).containsExactly(a2, b1);
        assertThat(a2.stale(T0.plusSeconds(20), Duration.ofSeconds(5))).isFalse();
        assertThat(b1.stale(T0.plusSeconds(16), Duration.ofSeconds(5))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void beat_reportsComparisonsLostRecordsAndLoggingFailure(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        InstanceBeat beat = new InstanceBeat(
                "host-a:11:app", Phase.SHADOW_READ, 3, T0, 10, 0, 0, T0, 250, 4, "divergence_write:forbidden");
        store.beat(beat);
        assertThat(store.instances()).containsExactly(beat);
        assertThat(beat.evidenceIncomplete()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void runs_recordedPerTable_newestFirst(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        Run backfill = new Run(Run.Kind.BACKFILL, "Orders", T0, T0.plusSeconds(60), Run.Outcome.COMPLETED, 1000);
        Run differ =
                new Run(Run.Kind.VERIFY, "orders", T0.plusSeconds(70), T0.plusSeconds(80), Run.Outcome.DIFFERENT, 999);
        Run clean = new Run(Run.Kind.VERIFY, "orders", T0.plusSeconds(90), T0.plusSeconds(95), Run.Outcome.CLEAN, 1000);
        store.recordRun(backfill);
        store.recordRun(differ);
        store.recordRun(clean);
        assertThat(store.lastRuns(Run.Kind.VERIFY, "ORDERS", 5)).containsExactly(clean, differ);
        assertThat(store.lastRuns(Run.Kind.BACKFILL, "orders", 5)).containsExactly(backfill);
        assertThat(store.lastRuns(Run.Kind.BACKFILL, "items", 5)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void auditOfVersions_byVersion_missingWhenChangedByHand(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        RolloutState v1 = store.write(
                new RolloutState(store.migration(), Phase.DUAL_WRITE, 0, 0, Map.of(), 0, T0, "a"),
                new AuditEntry(T0, "a", null, Phase.DUAL_WRITE, Phase.DUAL_WRITE, 0, 0, 0, 0, "init", false));
        RolloutState next = v1.with(Phase.READ_NEW, 0, 0);
        store.write(next, AuditEntry.of(v1, next, null, T0, "b", "forced jump", true));
        Map<Long, AuditEntry> audit = store.auditOfVersions(0, 3);
        assertThat(audit.keySet()).containsExactly(1L, 2L);
        assertThat(audit.get(2L).forced()).isTrue();
        assertThat(Transitions.auditedChain(audit, 1, 2)).isEmpty();
        assertThat(Transitions.auditedChain(audit, 1, 3))
                .hasValueSatisfying(why -> assertThat(why).contains("version 3 has no audit row"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void init_addsTheColumnsAnOlderVersionLacks(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = store(kind);
        String heartbeat = "hb_old_" + MIGRATIONS.incrementAndGet();
        ControlTables tables = new ControlTables(
                store.tables().control(),
                heartbeat,
                store.tables().audit(),
                store.tables().divergence(),
                store.tables().mismatch());
        try (Connection c = connect(kind)) {
            ControlSchema.execute(
                    c,
                    List.of("CREATE TABLE " + heartbeat + " (migration VARCHAR(64) NOT NULL,"
                            + " instance_id VARCHAR(255) NOT NULL, phase VARCHAR(16) NOT NULL, config_version BIGINT NOT NULL,"
                            + " last_beat TIMESTAMP(3) NOT NULL, statements BIGINT NOT NULL, divergences BIGINT NOT NULL,"
                            + " mismatches BIGINT NOT NULL, started_at TIMESTAMP(3) NOT NULL,"
                            + " PRIMARY KEY (migration, instance_id))"));
        }
        ControlStore old = new ControlStore(
                () -> connect(kind), Dialect.fromJdbcUrl(url(kind)).orElseThrow(), store.migration(), tables);
        assertThat(old.init())
                .extracting(ControlSchema.AddedColumn::column)
                .contains("comparisons", "lost_records", "log_failure");
        assertThat(old.init()).isEmpty();
        InstanceBeat beat = new InstanceBeat("h:1:a", Phase.DUAL_WRITE, 1, T0, 1, 0, 0, T0, 5, 0, null);
        old.beat(beat);
        assertThat(old.instances()).containsExactly(beat);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void stats_countWindowAndRankShapes(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = initialized(kind);
        ControlTables t = store.tables();
        try (Connection c = connect(kind)) {
            divergence(c, t, store.migration(), "orders", T0.minus(20, ChronoUnit.MINUTES));
            divergence(c, t, store.migration(), "orders", T0);
            divergence(c, t, "another-migration", "orders", T0);
            for (String checkOnly : ControlStore.CHECK_ONLY_REASONS) {
                divergence(c, t, store.migration(), "orders", T0, checkOnly);
            }
            mismatch(c, t, store.migration(), "f1", "orders", T0.minus(1, ChronoUnit.HOURS));
            mismatch(c, t, store.migration(), "f1", "orders", T0);
            mismatch(c, t, store.migration(), "f2", "items", T0.plusSeconds(1));
            mismatch(c, t, store.migration(), "f1", "items", T0.plusSeconds(2));
            mismatch(c, t, store.migration(), "f1", "orders", T0.plusSeconds(3));
            mismatch(c, t, "another-migration", "f9", "orders", T0);
        }
        Instant windowStart = T0.minus(15, ChronoUnit.MINUTES);
        assertThat(store.divergencesSince(windowStart))
                .as("records that only ask verify to check rows are not counted")
                .isEqualTo(1);
        assertThat(store.divergencesSince(Instant.EPOCH)).isEqualTo(2);
        assertThat(store.mismatchesSince(windowStart)).isEqualTo(4);

        assertThat(store.topMismatches(2))
                .containsExactly(
                        new MismatchCount("f1", "orders", "SELECT * FROM orders WHERE id = ?", 3, T0.plusSeconds(3)),
                        new MismatchCount("f1", "items", "SELECT * FROM items WHERE id = ?", 1, T0.plusSeconds(2)));
        assertThat(store.topMismatches(10, windowStart))
                .extracting(MismatchCount::fingerprint, MismatchCount::table, MismatchCount::count)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("f1", "orders", 2L),
                        org.assertj.core.groups.Tuple.tuple("f1", "items", 1L),
                        org.assertj.core.groups.Tuple.tuple("f2", "items", 1L));
    }

    private static void divergence(Connection c, ControlTables t, String migration, String table, Instant at)
            throws SQLException {
        divergence(c, t, migration, table, at, "mirror_failed");
    }

    private static void divergence(
            Connection c, ControlTables t, String migration, String table, Instant at, String reason)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ControlSchema.insertDivergence(t.divergence()))) {
            ps.setString(1, migration);
            ps.setString(2, table);
            ps.setString(3, "[\"42\"]");
            ps.setString(4, "abcdef0123456789");
            ps.setString(5, reason);
            ps.setObject(6, ControlSchema.timestamp(at));
            ps.executeUpdate();
        }
    }

    private static void mismatch(
            Connection c, ControlTables t, String migration, String fingerprint, String table, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ControlSchema.insertMismatch(t.mismatch()))) {
            ps.setString(1, migration);
            ps.setString(2, table);
            ps.setString(3, fingerprint);
            ps.setString(4, "SELECT * FROM " + table + " WHERE id = ?");
            ps.setString(5, "mismatch");
            ps.setString(6, null);
            ps.setString(7, "full_name");
            ps.setString(8, null);
            ps.setObject(9, ControlSchema.timestamp(at));
            ps.executeUpdate();
        }
    }

    private static ControlStore initialized(TestDatabase.Kind kind) throws SQLException {
        ControlStore store = store(kind);
        store.init();
        return store;
    }

    private static ControlStore store(TestDatabase.Kind kind) throws SQLException {
        String url = url(kind);
        String migration = "m" + MIGRATIONS.incrementAndGet();
        MigrationConfig config = new ConfigReader()
                .read(
                        "test.yaml",
                        "migration: " + migration + "\n"
                                + "tables:\n  orders: { to: orders_v2, key: [id] }\n"
                                + "control: { table: ss_control, poll: 1s }\n"
                                + "report: { mismatchTable: ss_mismatch }\n");
        return new ControlStore(() -> connect(kind), Dialect.fromJdbcUrl(url).orElseThrow(), config);
    }

    private static Connection connect(TestDatabase.Kind kind) throws SQLException {
        return TestDatabases.of(kind).connect(url(kind));
    }

    private static String url(TestDatabase.Kind kind) {
        return URLS.computeIfAbsent(kind, k -> TestDatabases.of(k).create("ctl"));
    }
}
