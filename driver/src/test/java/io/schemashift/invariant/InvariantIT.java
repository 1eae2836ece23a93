package io.schemashift.invariant;

import io.schemashift.config.Phase;
import io.schemashift.invariant.InvariantChecker.Snapshot;
import io.schemashift.invariant.InvariantChecker.Violation;
import io.schemashift.invariant.WorkloadRunner.Outcome;
import io.schemashift.testing.TestDatabase.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SchemaShift's one invariant, on PostgreSQL, MariaDB and H2, with the new table in the same
 * database and in a separate one, in every phase that mirrors or moves writes: after a workload of
 * every statement kind (see {@link Palette}), every key on which the sides differ is in the
 * divergence log, and every statement that failed changed neither side (see {@link
 * InvariantChecker}).
 */
class InvariantIT {

    private static final List<Phase> PHASES =
            Arrays.stream(Phase.values()).filter(p -> p != Phase.OLD_ONLY).toList();

    /** The databases to run on: all, or those named by {@code -Dinvariant.databases=H2,POSTGRESQL}. */
    static List<Kind> databases() {
        String named = System.getProperty("invariant.databases", "");
        return named.isBlank()
                ? List.of(Kind.values())
                : Arrays.stream(named.split(","))
                        .map(n -> Kind.valueOf(n.trim().toUpperCase(java.util.Locale.ROOT)))
                        .toList();
    }

    @TestFactory
    Stream<DynamicNode> workload_keepsInvariant() {
        return everyDatabaseModeAndPhase(PHASES, InvariantIT::workload);
    }

    /**
     * The same workload where one table alone has a trigger that changes the values it stores (on
     * H2, an {@code ON UPDATE} column): each statement kind that writes the table must leave the
     * rows the trigger parted in the divergence log. The trigger is on the table that holds the
     * truth (the old one in dual-write, the new one in new-primary), so that the checker's repair
     * toward the other side makes them equal again; the seeds' emails are left alone, so that
     * both sides start equal.
     */
    @TestFactory
    Stream<DynamicNode> oneSidedTrigger_workload_keepsInvariant() {
        return everyDatabaseModeAndPhase(List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY), InvariantIT::oneSidedTrigger);
    }

    /**
     * The same workload where both tables have a column defaulting to the current timestamp, which
     * every statement leaves out: each side would read its own clock (a separate database's, or a
     * moment later), so the checker compares that column too, and each write must store one instant
     * on both sides or leave its rows in the divergence log.
     */
    @TestFactory
    Stream<DynamicNode> currentTimestampDefault_workload_keepsInvariant() {
        return everyDatabaseModeAndPhase(List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY), InvariantIT::stampedByDefault);
    }

    private static void stampedByDefault(Kind kind, boolean separate, Phase phase) throws Exception {
        try (InvariantMigration m = InvariantMigration.create(kind, separate, phase, List.of(), List.of(), "created");
                InvariantChecker checker = new InvariantChecker(m)) {
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    /**
     * The current-timestamp workload where the table that holds the truth keeps whole seconds of
     * the stamped column and the other keeps microseconds (the checker compares the column): the
     * instant each INSERT captures for the default, and a {@code CURRENT_TIMESTAMP} an UPDATE
     * writes, must be stored alike on both sides; an instant the application writes with a
     * fraction is rounded on one side only, and each such write must leave its rows in the
     * divergence log. (Whole seconds on the truth side, so that the checker's repair toward the
     * other side makes the rows equal again.)
     */
    @TestFactory
    Stream<DynamicNode> columnRoundedApart_workload_keepsInvariant() {
        return everyDatabaseModeAndPhase(
                List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY), InvariantIT::wholeSecondsOnTheTruthSide);
    }

    private static void wholeSecondsOnTheTruthSide(Kind kind, boolean separate, Phase phase) throws Exception {
        String table = phase.newIsPrimary() ? "clients" : "customers";
        List<String> wholeSeconds = List.of(
                switch (kind) {
                    case POSTGRESQL -> "ALTER TABLE " + table + " ALTER COLUMN created TYPE TIMESTAMP(0)";
                    case MARIADB -> "ALTER TABLE " + table + " MODIFY created DATETIME(0) DEFAULT CURRENT_TIMESTAMP";
                    case H2 -> "ALTER TABLE " + table + " ALTER COLUMN created SET DATA TYPE TIMESTAMP(0)";
                });
        try (InvariantMigration m = InvariantMigration.create(
                        kind,
                        separate,
                        phase,
                        phase.newIsPrimary() ? List.of() : wholeSeconds,
                        phase.newIsPrimary() ? wholeSeconds : List.of(),
                        "created");
                InvariantChecker checker = new InvariantChecker(m)) {
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    /**
     * The current-timestamp workload where the new table's stamped column is a timestamp with time
     * zone and the old table's one without (the checker compares them as UTC wall clocks, as
     * verify does): a write in a UTC session of a value without an offset of its own stores one
     * value on both sides; a string with another offset, or any value written after {@code SET TIME
     * ZONE 'Asia/Tokyo'}, shifts one side, and each such write must leave its rows in the
     * divergence log.
     */
    @TestFactory
    Stream<DynamicNode> timestampGainingItsTimeZone_workload_keepsInvariant() {
        return everyModeAndPhase(
                databases().stream().filter(k -> k != Kind.MARIADB).toList(),
                List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY),
                InvariantIT::zonedOnTheNewSide);
    }

    private static void zonedOnTheNewSide(Kind kind, boolean separate, Phase phase) throws Exception {
        String zoned =
                switch (kind) {
                    case POSTGRESQL -> "ALTER TABLE clients ALTER COLUMN created TYPE TIMESTAMPTZ";
                    default -> "ALTER TABLE clients ALTER COLUMN created SET DATA TYPE TIMESTAMP WITH TIME ZONE";
                };
        try (InvariantMigration m =
                        InvariantMigration.create(kind, separate, phase, List.of(), List.of(zoned), "created");
                InvariantChecker checker = new InvariantChecker(m)) {
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    private static void oneSidedTrigger(Kind kind, boolean separate, Phase phase) throws Exception {
        String table = phase.newIsPrimary() ? "clients" : "customers";
        List<String> trigger =
                switch (kind) {
                    case POSTGRESQL ->
                        List.of(
                                "CREATE FUNCTION shout_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF"
                                        + " NEW.email NOT LIKE '%@example.com' THEN NEW.email := upper(NEW.email);"
                                        + " END IF; RETURN NEW; END $$",
                                "CREATE TRIGGER " + table + "_shout BEFORE INSERT OR UPDATE ON " + table
                                        + " FOR EACH ROW EXECUTE FUNCTION shout_email()");
                    case MARIADB ->
                        List.of("INSERT", "UPDATE").stream()
                                .map(event -> "CREATE TRIGGER " + table + "_shout_" + event + " BEFORE " + event
                                        + " ON " + table + " FOR EACH ROW SET NEW.email = IF(NEW.email LIKE"
                                        + " '%@example.com', NEW.email, UPPER(NEW.email))")
                                .toList();
                    case H2 -> List.of("ALTER TABLE " + table + " ALTER COLUMN email SET ON UPDATE 'stamped@x'");
                };
        try (InvariantMigration m = InvariantMigration.create(
                        kind,
                        separate,
                        phase,
                        phase.newIsPrimary() ? List.of() : trigger,
                        phase.newIsPrimary() ? trigger : List.of());
                InvariantChecker checker = new InvariantChecker(m)) {
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    /**
     * The same workload on MariaDB outside strict mode, where the table that holds the truth has
     * shorter name columns than the other: a name too long for them is cut there, with a warning
     * only, and stored whole on the other side. Each write that cut a value must leave its rows in
     * the divergence log. (The shorter columns are on the truth side so that the checker's repair
     * toward the other side makes the rows equal again.)
     */
    @TestFactory
    Stream<DynamicNode> valuesAdjustedOutsideStrictMode_workload_keepsInvariant() {
        return everyModeAndPhase(
                databases().stream().filter(k -> k == Kind.MARIADB).toList(),
                List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY),
                (kind, separate, phase) -> namesCutOutsideStrictMode(kind, separate, phase, 100));
    }

    /**
     * The same, with the other side's name columns short too ({@code VARCHAR(10)}): a name too long
     * for both is cut on each side to its own length, with the same warning on both.
     */
    @TestFactory
    Stream<DynamicNode> valuesCutOnBothSidesOutsideStrictMode_workload_keepsInvariant() {
        return everyModeAndPhase(
                databases().stream().filter(k -> k == Kind.MARIADB).toList(),
                List.of(Phase.DUAL_WRITE, Phase.NEW_PRIMARY),
                (kind, separate, phase) -> namesCutOutsideStrictMode(kind, separate, phase, 10));
    }

    /**
     * The palette outside strict mode with the truth side's name columns {@code VARCHAR(8)} and the
     * other side's {@code VARCHAR(otherLength)} (the new table's {@code name_search}, which derives
     * from the name, as short as the name where the new table holds the truth).
     */
    private static void namesCutOutsideStrictMode(Kind kind, boolean separate, Phase phase, int otherLength)
            throws Exception {
        int oldLength = phase.newIsPrimary() ? otherLength : 8;
        int newLength = phase.newIsPrimary() ? 8 : otherLength;
        try (InvariantMigration m = InvariantMigration.create(
                        kind,
                        separate,
                        phase,
                        List.of("ALTER TABLE customers MODIFY name VARCHAR(" + oldLength + ")"),
                        List.of("ALTER TABLE clients MODIFY full_name VARCHAR(" + newLength + ")"
                                + (phase.newIsPrimary() ? ", MODIFY name_search VARCHAR(8)" : "")));
                InvariantChecker checker = new InvariantChecker(m)) {
            m.appProperties.setProperty("sessionVariables", "sql_mode=''");
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    /** One case of the matrix: a database, the new table's place and a phase. */
    @FunctionalInterface
    private interface Case {
        void run(Kind kind, boolean separate, Phase phase) throws Exception;
    }

    private static Stream<DynamicNode> everyDatabaseModeAndPhase(List<Phase> phases, Case test) {
        return everyModeAndPhase(databases(), phases, test);
    }

    private static Stream<DynamicNode> everyModeAndPhase(List<Kind> kinds, List<Phase> phases, Case test) {
        List<DynamicNode> tests = new ArrayList<>();
        for (Kind kind : kinds) {
            for (boolean separate : new boolean[] {false, true}) {
                for (Phase phase : phases) {
                    tests.add(DynamicTest.dynamicTest(
                            kind + (separate ? " separate " : " same ") + phase,
                            () -> test.run(kind, separate, phase)));
                }
            }
        }
        return tests.stream();
    }

    /**
     * The workload itself, passed through untouched in old-only: each statement does on the raw
     * database what the palette means it to (so the suite tests the statements it claims to), and
     * the checker finds nothing to complain about in the raw database's own behaviour.
     */
    @TestFactory
    Stream<DynamicNode> palette_runsAsMeantOnTheRawDatabase() {
        return databases().stream().map(kind -> DynamicTest.dynamicTest(kind.toString(), () -> palette(kind)));
    }

    private static void palette(Kind kind) throws Exception {
        InvariantMigration m = InvariantMigration.shared(kind, false, Phase.OLD_ONLY);
        WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
        SoftAssertions soft = new SoftAssertions();
        for (Outcome o : r.outcomes()) {
            String what = o.step().label() + ": " + o.step().shownSql();
            switch (o.step().expect()) {
                case OK -> soft.assertThat(o.error()).as(what).isNull();
                case FAILS -> soft.assertThat(o.error()).as(what).isNotNull();
                case ANY -> {}
            }
        }
        soft.assertThat(r.violations()).as("the checker on the raw database").isEmpty();
        soft.assertAll();
    }

    /** In every phase, old-only included: there the raw driver shows that the expected counts are right. */
    @TestFactory
    Stream<DynamicNode> hibernateStyle_updateCountsRightAndInvariantKept() {
        return everyDatabaseModeAndPhase(List.of(Phase.values()), InvariantIT::hibernateStyle);
    }

    private static void workload(Kind kind, boolean separate, Phase phase) throws Exception {
        InvariantMigration m = InvariantMigration.shared(kind, separate, phase);
        try (InvariantChecker checker = new InvariantChecker(m)) {
            WorkloadRunner.Result r = WorkloadRunner.run(m, new Palette(m).workload(), true);
            checker.assertNone(r.violations(), r.log());
        }
    }

    /**
     * What Hibernate sends for an entity with a generated id and a {@code @Version}: an insert
     * with generated keys, a batch of inserts ({@code hibernate.jdbc.batch_size}), versioned updates
     * (Hibernate binds the next version; hand-written code says {@code version + 1}) and a versioned
     * delete, in transactions. Optimistic locking relies on the update counts, so they must be the
     * primary's: 1 for the current version, 0 for a stale one.
     */
    private static void hibernateStyle(Kind kind, boolean separate, Phase phase) throws Exception {
        InvariantMigration m = InvariantMigration.shared(kind, separate, phase);
        try (InvariantChecker checker = new InvariantChecker(m)) {
            Snapshot baseline = checker.snapshot();
            List<String> log = new ArrayList<>();
            SoftAssertions soft = new SoftAssertions();
            int generated;
            try (Connection c = m.connect()) {
                c.setAutoCommit(false);
                String insert = "insert into customers (email, legacy_flag, name, version) values (?, ?, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
                    bind(ps, "h@x", 0, "Hib Gen", 0);
                    soft.assertThat(ps.executeUpdate()).as("insert count").isEqualTo(1);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        soft.assertThat(keys.next()).as("a generated key").isTrue();
                        generated = keys.getInt(1);
                    }
                }
                log.add(insert + " with RETURN_GENERATED_KEYS → key " + generated);
                String batchInsert =
                        "insert into customers (email, legacy_flag, name, version, id) values (?, ?, ?, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(batchInsert)) {
                    for (int id = 201; id <= 205; id++) {
                        bind(ps, "hb" + id + "@x", id % 2, "Hib Batch " + id, 0, id);
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    log.add(batchInsert + " batch of 5 → " + Arrays.toString(counts));
                    soft.assertThat(Arrays.stream(counts).boxed().toList())
                            .as("batch insert counts")
                            .hasSize(5)
                            .allMatch(n -> n == 1 || n == Statement.SUCCESS_NO_INFO);
                }
                c.commit();
                log.add("commit()");

                String versioned = "update customers set email = ?, name = ?, version = ? where id = ? and version = ?";
                try (PreparedStatement ps = c.prepareStatement(versioned)) {
                    bind(ps, "h2@x", "Hib Gen v1", 1, generated, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("versioned update, current version")
                            .isEqualTo(1);
                    bind(ps, "h3@x", "Hib Gen stale", 1, generated, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("versioned update, stale version")
                            .isZero();
                    bind(ps, "hb@x", "Hib Batch 201 v1", 1, 201, 0);
                    ps.addBatch();
                    bind(ps, "hb@x", "Hib Batch 202 v1", 1, 202, 0);
                    ps.addBatch();
                    bind(ps, "hb@x", "Hib Batch 203 stale", 1, 203, 7);
                    ps.addBatch();
                    int[] counts = ps.executeBatch();
                    log.add(versioned + " twice, then a batch of 3 → " + Arrays.toString(counts));
                    soft.assertThat(counts).as("versioned update batch counts").containsExactly(1, 1, 0);
                }
                String increment = "update customers set name = ?, version = version + 1 where id = ? and version = ?";
                try (PreparedStatement ps = c.prepareStatement(increment)) {
                    bind(ps, "Hib Batch 204 v1", 204, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("version + 1 update, current version")
                            .isEqualTo(1);
                    bind(ps, "Hib Batch 204 stale", 204, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("version + 1 update, stale version")
                            .isZero();
                }
                log.add(increment + " current, then stale");
                String delete = "delete from customers where id = ? and version = ?";
                try (PreparedStatement ps = c.prepareStatement(delete)) {
                    bind(ps, 205, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("versioned delete, current version")
                            .isEqualTo(1);
                    bind(ps, 201, 0);
                    soft.assertThat(ps.executeUpdate())
                            .as("versioned delete, stale version")
                            .isZero();
                }
                log.add(delete + " current, then stale");
                c.commit();
                log.add("commit()");
                c.setAutoCommit(true);
            }
            Snapshot end = checker.snapshot();
            java.util.Map<Integer, String> primary = new java.util.HashMap<>();
            (phase.newIsPrimary() ? end.neu() : end.old()).forEach((k, row) -> primary.put(k, row.toString()));
            soft.assertThat(primary.get(generated))
                    .as("the generated row on the primary")
                    .isEqualTo("Hib Gen v1|hib gen v1|h2@x|1");
            soft.assertThat(primary.get(202))
                    .as("row 202 on the primary")
                    .isEqualTo("Hib Batch 202 v1|hib batch 202 v1|hb@x|1");
            soft.assertThat(primary.get(203))
                    .as("row 203 on the primary")
                    .isEqualTo("Hib Batch 203|hib batch 203|hb203@x|0");
            soft.assertThat(primary.get(204))
                    .as("row 204 on the primary")
                    .isEqualTo("Hib Batch 204 v1|hib batch 204 v1|hb204@x|1");
            soft.assertThat(primary).as("the primary").doesNotContainKey(205);
            List<Violation> violations = checker.checkSides("end of the run", baseline, end);
            soft.check(() -> checker.assertNone(violations, log));
            soft.assertAll();
        }
    }

    private static void bind(PreparedStatement ps, Object... values) throws java.sql.SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setObject(i + 1, values[i]);
        }
    }
}
