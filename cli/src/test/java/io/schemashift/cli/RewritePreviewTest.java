package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.SchemaShiftDataSource;
import io.schemashift.api.Side;
import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.Phase;
import io.schemashift.coverage.Preview;
import io.schemashift.coverage.Verdict;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.runtime.MigrationRuntime;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code schemashift rewrite} previews what the driver runs: statements of the rewriter's golden
 * corpus are run through the driver (on H2, new table in the same database) and the SQL the
 * database received is compared with the preview's, phase by phase.
 */
class RewritePreviewTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    /** Statements from the rewriter's golden corpus, with the values the test binds. */
    private record Case(String sql, List<Object> params) {}

    private static final String PICKING =
            "UPDATE customers SET city = ? WHERE id IN (SELECT id FROM customers WHERE name = ?)";

    private static final List<Case> CORPUS = List.of(
            new Case(
                    "INSERT INTO customers(id, name, email, city) VALUES (?, ?, ?, ?)",
                    List.of(7, "Ann", "a@x", "Oslo")),
            new Case("INSERT INTO customers(id, name, created_at) VALUES (?, ?, now())", List.of(8, "Cy")),
            new Case("UPDATE customers SET name = ?, city = ? WHERE id = ?", List.of("Bob", "Rome", 7)),
            new Case("SELECT id, name FROM customers WHERE id = ?", List.of(7)),
            new Case(
                    "SELECT city, count(*) AS n FROM customers GROUP BY city HAVING count(*) > ? ORDER BY city",
                    List.of(0)),
            new Case("SELECT name FROM customers WHERE city IN (?, ?) AND email LIKE ?", List.of("Oslo", "Rome", "%")),
            new Case("DELETE FROM customers WHERE id = ?", List.of(8)),
            // read-new keeps these on the old side: a locking read, and a * that would lose legacy_flag
            new Case("SELECT name FROM customers WHERE id = ? FOR UPDATE", List.of(7)),
            new Case("SELECT * FROM customers WHERE id = ?", List.of(7)),
            // a refused read: served by the old side until new-only, where it fails
            new Case("SELECT legacy_flag FROM customers WHERE id = ?", List.of(7)),
            // refused: writes a dropped column only
            new Case("UPDATE customers SET legacy_flag = true WHERE id = ?", List.of(7)),
            // a write to an unmapped table that reads a mapped one: once, never mirrored
            new Case("INSERT INTO audit (id) SELECT id FROM customers WHERE id = ?", List.of(7)),
            // picks its rows by other rows: mirrored, and recorded
            new Case(PICKING, List.of("Oslo", "Bob")));

    @TempDir
    Path dir;

    private Path config(Phase phase) throws Exception {
        Path yaml = dir.resolve("preview-" + phase.configName() + ".yaml");
        Files.writeString(
                yaml,
                """
                migration: preview-%d
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns: { name: full_name, email: email_address, city: town, legacy_flag: null }
                    derived: { name_search: "lower(name)" }
                phase: %s
                routing: { readNewPercent: 100 }
                """
                        .formatted(IDS.incrementAndGet(), phase.configName()));
        return yaml;
    }

    private static JdbcDataSource h2() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:preview" + IDS.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = h2.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit (id INT)");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(50),"
                    + " city VARCHAR(50), legacy_flag BOOLEAN, created_at TIMESTAMP)");
            s.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50), name_search VARCHAR(50),"
                    + " email_address VARCHAR(50), town VARCHAR(50), created_at TIMESTAMP)");
        }
        return h2;
    }

    @ParameterizedTest
    @EnumSource(
            value = Phase.class,
            names = {"OLD_ONLY", "DUAL_WRITE", "READ_NEW", "NEW_PRIMARY", "NEW_ONLY"})
    void preview_goldenCorpus_isWhatTheDriverRuns(Phase phase) throws Exception {
        JdbcDataSource h2 = h2();
        Path yaml = config(phase);
        List<String> executed = new CopyOnWriteArrayList<>();
        var config = ConfigLocation.of(yaml.toString(), "test", getClass().getClassLoader())
                .load(new ConfigReader());
        Rewriter rewriter;
        try (Connection c = h2.getConnection()) {
            rewriter = MigrationRuntime.rewriter(config, Dialect.H2, c.getMetaData());
        }
        try (SchemaShiftDataSource ds = new SchemaShiftDataSource(recording(h2, executed))) {
            ds.setConfig(yaml.toString());
            for (Case k : CORPUS) {
                Preview.Step step =
                        Preview.of(rewriter.rewrite(k.sql()), k.sql(), false).get(phase);
                Set<String> expected = new HashSet<>();
                for (Preview.Run run : step.runs()) {
                    if (run.role() != Preview.Role.SHADOW) {
                        expected.add(run.sql());
                    }
                }
                executed.clear();
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = c.prepareStatement(k.sql())) {
                    for (int i = 0; i < k.params().size(); i++) {
                        ps.setObject(i + 1, k.params().get(i));
                    }
                    if (step.verdict() == Verdict.FAILS) {
                        assertThatThrownBy(ps::execute)
                                .as("%s in %s", k.sql(), phase)
                                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                        .isEqualTo("0A000"));
                    } else if (ps.execute()) {
                        try (ResultSet rs = ps.getResultSet()) {
                            while (rs.next()) {
                                // read it all, as an application does
                            }
                        }
                    }
                }
                List<String> onMappedTables = new ArrayList<>();
                for (String sql : executed) {
                    String lower = sql.toLowerCase(java.util.Locale.ROOT);
                    if (lower.contains("customers") || lower.contains("clients")) {
                        onMappedTables.add(sql);
                    }
                }
                assertThat(new HashSet<>(onMappedTables))
                        .as("%s in %s (%s)", k.sql(), phase, step.verdict())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void preview_mirroredWriteThatIsRecordedToo_saysWhy() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        Preview.Step step =
                Preview.of(rewriter.rewrite(PICKING), PICKING, false).get(Phase.DUAL_WRITE);
        assertThat(step.verdict()).isEqualTo(Verdict.MIRRORED);
        assertThat(step.reason()).isEqualTo("mirror_picked_by_other_rows");
        assertThat(Preview.of(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), "", false)
                        .get(Phase.DUAL_WRITE)
                        .reason())
                .isNull();
    }

    /**
     * With a separate new database, a write whose value only the application's connection gives (who
     * the connection is, a table outside the mapping) is recorded while the old side is the primary
     * and fails from new-primary on, as the driver does
     * ({@code RoutingIT.valueOfTheApplicationsConnection_withTheNewDatabaseAsPrimary_refused}); with
     * the new schema in the same database it is mirrored. A read joining such a table is served by
     * the old side up to new-primary and fails in new-only.
     */
    @Test
    void preview_valueOfTheApplicationsConnection_notTakenFromASeparateNewDatabase() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        Map<String, String> writes = Map.of(
                "UPDATE customers SET name = current_user WHERE id = ?",
                "nondeterministic_connection",
                "UPDATE customers SET city = (SELECT label FROM countries WHERE code = ?) WHERE id = ?",
                "nondeterministic_unmapped_read");
        for (Map.Entry<String, String> w : writes.entrySet()) {
            Map<Phase, Preview.Step> separate = Preview.of(rewriter.rewrite(w.getKey()), w.getKey(), true);
            Map<Phase, Preview.Step> one = Preview.of(rewriter.rewrite(w.getKey()), w.getKey(), false);
            assertThat(separate.get(Phase.DUAL_WRITE).verdict()).as(w.getKey()).isEqualTo(Verdict.RECORDED);
            assertThat(separate.get(Phase.DUAL_WRITE).reason()).isEqualTo(w.getValue());
            for (Phase phase : List.of(Phase.NEW_PRIMARY, Phase.NEW_ONLY)) {
                assertThat(separate.get(phase).verdict()).as(w.getKey()).isEqualTo(Verdict.FAILS);
                assertThat(separate.get(phase).reason()).isEqualTo(w.getValue());
                assertThat(separate.get(phase).runs()).isEmpty();
            }
            assertThat(one.get(Phase.DUAL_WRITE).verdict()).as(w.getKey()).isEqualTo(Verdict.MIRRORED);
            assertThat(one.get(Phase.NEW_PRIMARY).verdict()).isEqualTo(Verdict.MIRRORED);
            assertThat(one.get(Phase.NEW_ONLY).verdict()).isEqualTo(Verdict.REWRITTEN);
        }
        String read = "SELECT c.name, n.label FROM customers c JOIN countries n ON n.code = c.city";
        Map<Phase, Preview.Step> separate = Preview.of(rewriter.rewrite(read), read, true);
        for (Phase phase : List.of(Phase.READ_NEW, Phase.NEW_PRIMARY)) {
            assertThat(separate.get(phase).verdict()).as(phase.configName()).isEqualTo(Verdict.PASS_THROUGH);
            assertThat(separate.get(phase).runs())
                    .extracting(Preview.Run::side)
                    .as(phase.configName() + ": the old side, which holds the table")
                    .containsExactly(Side.OLD);
        }
        assertThat(separate.get(Phase.NEW_ONLY).verdict()).isEqualTo(Verdict.FAILS);
        String locking = read + " FOR UPDATE";
        assertThat(Preview.of(rewriter.rewrite(locking), locking, true)
                        .get(Phase.NEW_PRIMARY)
                        .verdict())
                .as("its locks belong where the writes go first")
                .isEqualTo(Verdict.FAILS);
        assertThat(Preview.of(rewriter.rewrite(read), read, false)
                        .get(Phase.NEW_PRIMARY)
                        .verdict())
                .as("one database: served and compared by the new side")
                .isEqualTo(Verdict.REWRITTEN);
    }

    /**
     * DDL that creates a table from a mapped table's rows runs where it was sent, on the old side,
     * never read or compared on the new side, and fails in new-only, where the old rows are stale.
     */
    @Test
    void preview_ddlCopyingAMappedTable_onTheOldSideThenFails() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        for (String copy : List.of(
                "CREATE TABLE copied AS SELECT * FROM customers", "SELECT id, name INTO copied FROM customers")) {
            RewriteResult result = rewriter.rewrite(copy);
            assertThat(result.kind()).as(copy).isEqualTo(StatementKind.DDL);
            for (boolean separate : List.of(false, true)) {
                Map<Phase, Preview.Step> steps = Preview.of(result, copy, separate);
                for (Phase phase : List.of(Phase.SHADOW_READ, Phase.READ_NEW, Phase.NEW_PRIMARY)) {
                    assertThat(steps.get(phase).verdict()).as(copy).isEqualTo(Verdict.PASS_THROUGH);
                    assertThat(steps.get(phase).reason()).isEqualTo("rows_copied");
                    assertThat(steps.get(phase).runs())
                            .extracting(Preview.Run::side)
                            .containsExactly(Side.OLD);
                }
                assertThat(steps.get(Phase.NEW_ONLY).verdict()).as(copy).isEqualTo(Verdict.FAILS);
            }
        }
    }

    /**
     * A locking read the rewriter refuses runs on the old side, as the driver runs it, but fails in
     * new-primary with a separate new database, where its locks would meet the writes only at their
     * mirror; with one database it still runs on the old side.
     */
    @Test
    void preview_refusedLockingRead_failsInNewPrimaryWithASeparateNewDatabase() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        String locking = "SELECT legacy_flag FROM customers WHERE id = ? FOR UPDATE";
        Map<Phase, Preview.Step> separate = Preview.of(rewriter.rewrite(locking), locking, true);
        Map<Phase, Preview.Step> one = Preview.of(rewriter.rewrite(locking), locking, false);
        assertThat(separate.get(Phase.NEW_PRIMARY).verdict()).isEqualTo(Verdict.FAILS);
        assertThat(separate.get(Phase.NEW_PRIMARY).reason()).isEqualTo("dropped_column_read");
        assertThat(separate.get(Phase.READ_NEW).verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(one.get(Phase.NEW_PRIMARY).verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(one.get(Phase.NEW_PRIMARY).runs())
                .extracting(Preview.Run::side)
                .containsExactly(Side.OLD);
        String plain = "SELECT legacy_flag FROM customers WHERE id = ?";
        assertThat(Preview.of(rewriter.rewrite(plain), plain, true)
                        .get(Phase.NEW_PRIMARY)
                        .verdict())
                .isEqualTo(Verdict.REFUSED);
    }

    /**
     * Rows copied with their key left to the database are mirrored from what the primary read back;
     * from new-primary on, a copy that writes a column the new table drops is recorded (the new side
     * cannot give that column back), as the driver does.
     */
    @Test
    void preview_copyLeavingTheKey_mirroredOrRecordedAsTheDriverDoes() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        String copy = "INSERT INTO customers (name, email) SELECT name, email FROM customers WHERE id < ?";
        String dropped = "INSERT INTO customers (name, legacy_flag) SELECT name, TRUE FROM customers";
        for (Phase phase : List.of(Phase.DUAL_WRITE, Phase.READ_NEW, Phase.NEW_PRIMARY)) {
            assertThat(Preview.of(rewriter.rewrite(copy), copy, false)
                            .get(phase)
                            .verdict())
                    .as(phase.configName())
                    .isEqualTo(Verdict.MIRRORED);
        }
        Map<Phase, Preview.Step> steps = Preview.of(rewriter.rewrite(dropped), dropped, false);
        assertThat(steps.get(Phase.DUAL_WRITE).verdict()).isEqualTo(Verdict.MIRRORED);
        assertThat(steps.get(Phase.NEW_PRIMARY).verdict()).isEqualTo(Verdict.RECORDED);
        assertThat(steps.get(Phase.NEW_PRIMARY).reason()).isEqualTo("dropped_column_read");
    }

    /** A shadow run is previewed only where the driver compares: never for a locking or nondeterministic read. */
    @Test
    void preview_shadowRun_onlyForReadsTheDriverCompares() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        Map<String, Boolean> compared = Map.of(
                "SELECT name FROM customers WHERE id = ?", true,
                "SELECT name FROM customers WHERE id = ? FOR UPDATE", false,
                "SELECT name FROM customers WHERE id = ? FOR SHARE", false,
                "SELECT name, random() FROM customers WHERE id = ?", false);
        compared.forEach((sql, shadowed) -> {
            for (Phase phase : List.of(Phase.SHADOW_READ, Phase.READ_NEW, Phase.NEW_PRIMARY)) {
                assertThat(Preview.of(rewriter.rewrite(sql), sql, false)
                                .get(phase)
                                .runs())
                        .as("%s in %s", sql, phase)
                        .extracting(Preview.Run::role)
                        .containsExactlyElementsOf(
                                shadowed
                                        ? List.of(Preview.Role.PRIMARY, Preview.Role.SHADOW)
                                        : List.of(Preview.Role.PRIMARY));
            }
        });
    }

    /** The rewriter the driver builds for the test's configuration in dual-write, on H2. */
    private Rewriter dualWriteRewriter() throws Exception {
        return dualWriteRewriter(h2());
    }

    /** Like {@link #dualWriteRewriter()}, with the catalog of {@code h2}. */
    private Rewriter dualWriteRewriter(JdbcDataSource h2) throws Exception {
        var config = ConfigLocation.of(
                        config(Phase.DUAL_WRITE).toString(), "test", getClass().getClassLoader())
                .load(new ConfigReader());
        try (Connection c = h2.getConnection()) {
            return MigrationRuntime.rewriter(config, Dialect.H2, c.getMetaData());
        }
    }

    /** DDL that changes a mapped table is previewed as the driver treats it: recorded, refused in new-primary. */
    @Test
    void preview_schemaChange_recordedThenRefusedThenTheContract() throws Exception {
        Rewriter rewriter = dualWriteRewriter();
        String drop = "ALTER TABLE customers DROP COLUMN email";
        Map<Phase, Preview.Step> steps = Preview.of(rewriter.rewrite(drop), drop, false);
        assertThat(steps.get(Phase.OLD_ONLY).verdict()).isEqualTo(Verdict.PASS_THROUGH);
        assertThat(steps.get(Phase.DUAL_WRITE).verdict()).isEqualTo(Verdict.RECORDED);
        assertThat(steps.get(Phase.READ_NEW).verdict()).isEqualTo(Verdict.RECORDED);
        assertThat(steps.get(Phase.NEW_PRIMARY).verdict()).isEqualTo(Verdict.FAILS);
        assertThat(steps.get(Phase.NEW_ONLY).verdict()).isEqualTo(Verdict.RECORDED);
        assertThat(steps.get(Phase.DUAL_WRITE).reason()).isEqualTo("schema_change");
        String index = "CREATE INDEX by_email ON customers (email)";
        assertThat(Preview.of(rewriter.rewrite(index), index, false)
                        .get(Phase.NEW_PRIMARY)
                        .verdict())
                .isEqualTo(Verdict.PASS_THROUGH);
    }

    /**
     * A write to an unmapped parent whose foreign key action changes the old table alone is
     * previewed as the driver treats it: run as sent and recorded in every phase, never refused.
     */
    @Test
    void preview_foreignKeyAction_recordedInEveryPhase() throws Exception {
        JdbcDataSource h2 = h2();
        try (Connection c = h2.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INT PRIMARY KEY)");
            s.execute("ALTER TABLE customers ADD COLUMN account INT REFERENCES accounts (id) ON DELETE CASCADE");
        }
        Rewriter rewriter = dualWriteRewriter(h2);
        String delete = "DELETE FROM accounts WHERE id = ?";
        Map<Phase, Preview.Step> steps = Preview.of(rewriter.rewrite(delete), delete, false);
        assertThat(steps.get(Phase.OLD_ONLY).verdict()).isEqualTo(Verdict.PASS_THROUGH);
        for (Phase phase : List.of(Phase.DUAL_WRITE, Phase.READ_NEW, Phase.NEW_PRIMARY, Phase.NEW_ONLY)) {
            assertThat(steps.get(phase).verdict()).as(phase.configName()).isEqualTo(Verdict.RECORDED);
            assertThat(steps.get(phase).reason()).as(phase.configName()).isEqualTo("foreign_key_action");
        }
        String insert = "INSERT INTO accounts (id) VALUES (?)";
        assertThat(Preview.of(rewriter.rewrite(insert), insert, false)
                        .get(Phase.NEW_PRIMARY)
                        .verdict())
                .isEqualTo(Verdict.PASS_THROUGH);
    }

    @Test
    void rewrite_dialectAndStdin_printsEveryPhase() throws Exception {
        Path yaml = config(Phase.OLD_ONLY);
        SchemaShiftCommand command = new SchemaShiftCommand(Map.<String, String>of()::get);
        var line = SchemaShiftCommand.newCommandLine(command);
        RewriteCommand rewrite = line.getSubcommands().get("rewrite").getCommand();
        rewrite.stdin = new ByteArrayInputStream(
                "UPDATE customers SET name = ? WHERE id = ?\n\nSELECT legacy_flag FROM customers\n"
                        .getBytes(StandardCharsets.UTF_8));
        var out = new java.io.StringWriter();
        line.setOut(new java.io.PrintWriter(out, true));
        int exit = line.execute("rewrite", "--config", yaml.toString(), "--dialect", "h2");
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("statement: UPDATE customers SET name = ? WHERE id = ?")
                .contains("dual-write   mirrored")
                .contains("new mirror: UPDATE clients SET full_name = ?, name_search = lower(?) WHERE id = ?")
                .contains("params: $1, $1, $2")
                .contains("refused: ")
                .contains("dropped_column_read")
                .contains("new-primary  refused (dropped_column_read)")
                .contains("new-only     fails (dropped_column_read)");
    }

    /** {@code schemashift rewrite --config yaml --dialect h2 args…}. */
    private static Cli.Run rewriteOnH2(Path yaml, String... args) {
        List<String> line = new ArrayList<>(List.of("rewrite", "--config", yaml.toString(), "--dialect", "h2"));
        line.addAll(List.of(args));
        return Cli.run(Map.of(), line.toArray(String[]::new));
    }

    /** With the configuration's {@code new.url}, the preview is the separate database's. */
    @Test
    void rewrite_separateNewDatabase_showsWhatItRefuses() throws Exception {
        Path yaml = config(Phase.OLD_ONLY);
        Files.writeString(yaml, Files.readString(yaml) + "new:\n  url: jdbc:h2:mem:elsewhere\n");
        Cli.Run run = rewriteOnH2(
                yaml,
                "UPDATE customers SET name = CAST(session_id() AS VARCHAR(20)) WHERE id = ?",
                "SELECT c.name FROM customers c JOIN countries n ON n.code = c.city");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("writes not mirrored: nondeterministic_connection")
                .contains("dual-write   recorded (nondeterministic_connection)")
                .contains("new-primary  fails (nondeterministic_connection)")
                .contains("reads not compared: nondeterministic_unmapped_read")
                .contains("new-only     fails (nondeterministic_unmapped_read)");
    }

    /**
     * PostgreSQL: a write's {@code now()} stays a call where both statements share the application's
     * transaction, and is one captured timestamp with the configuration's separate new database, as
     * the driver runs it.
     */
    @Test
    void rewrite_transactionsTime_keptInOneDatabase_capturedForASeparateOne() throws Exception {
        Path yaml = config(Phase.OLD_ONLY);
        String sql = "UPDATE customers SET name = CAST(now() AS VARCHAR(40)) WHERE id = ?";
        Cli.Run one = Cli.run(Map.of(), "rewrite", "--config", yaml.toString(), "--dialect", "postgresql", sql);
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("full_name = CAST(now() AS VARCHAR(40))").doesNotContain("now,");
        Files.writeString(yaml, Files.readString(yaml) + "new:\n  url: jdbc:postgresql://127.0.0.1:1/elsewhere\n");
        Cli.Run separate = Cli.run(Map.of(), "rewrite", "--config", yaml.toString(), "--dialect", "postgresql", sql);
        assertThat(separate.exit()).as(separate.toString()).isZero();
        assertThat(separate.out())
                .contains("full_name = CAST(CAST(? AS timestamptz) AS VARCHAR(40))")
                .contains("params: now, $1");
    }

    @Test
    void rewrite_json_namesVerdictAndRuns() throws Exception {
        Path yaml = config(Phase.OLD_ONLY);
        Cli.Run run = rewriteOnH2(yaml, "--phase", "new-primary", "--json", "DELETE FROM customers WHERE id = ?");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .startsWith("{\"migration\":\"preview-")
                .contains("\"dialect\":\"h2\"")
                .contains("{\"phase\":\"new-primary\",\"verdict\":\"mirrored\",\"reason\":null,\"runs\":["
                        + "{\"side\":\"new\",\"role\":\"primary\",\"sql\":\"DELETE FROM clients WHERE id = ?\","
                        + "\"params\":[\"$1\"]},{\"side\":\"old\",\"role\":\"mirror\"");
    }

    @Test
    void rewrite_withoutDialectOrUrl_isUsageError() throws Exception {
        Cli.Run run =
                Cli.run(Map.of(), "rewrite", "--config", config(Phase.OLD_ONLY).toString(), "SELECT 1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("schemashift: error: no dialect: pass --dialect");
    }

    /** A DataSource whose prepared statements note their SQL in {@code executed} when they run. */
    private static DataSource recording(JdbcDataSource h2, List<String> executed) {
        return (DataSource) Proxy.newProxyInstance(
                RewritePreviewTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    Object r = invoke(h2, m, a);
                    return r instanceof Connection c ? connection(c, executed) : r;
                });
    }

    private static Connection connection(Connection real, List<String> executed) {
        InvocationHandler h = (p, m, a) -> {
            Object r = invoke(real, m, a);
            if (m.getName().equals("prepareStatement") && r instanceof PreparedStatement ps) {
                String sql = (String) a[0];
                return Proxy.newProxyInstance(
                        RewritePreviewTest.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (p2, m2, a2) -> {
                            if (m2.getName().startsWith("execute")) {
                                executed.add(sql);
                            }
                            return invoke(ps, m2, a2);
                        });
            }
            return r;
        };
        return (Connection)
                Proxy.newProxyInstance(RewritePreviewTest.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
