package io.schemashift.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlSchema;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Rewriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder on its own: bounded, counted per phase, flushed as additions, never throwing. */
class StatementCoverageTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dir;

    private MigrationConfig config(String extra) throws Exception {
        Path yaml = dir.resolve("c" + IDS.incrementAndGet() + ".yaml");
        Files.writeString(
                yaml,
                """
                migration: cov-unit
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns: { name: full_name, legacy_flag: null }
                control: { poll: 1h }
                """
                        + extra);
        return ConfigLocation.of(yaml.toString(), "test", getClass().getClassLoader())
                .load(new ConfigReader());
    }

    private static String h2() {
        return "jdbc:h2:mem:covunit" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet()
                + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void seen_beyondMaxShapes_countsOverflowAndKeepsTheFirst() throws Exception {
        MigrationConfig config = config("coverage: { maxShapes: 2 }\n");
        Rewriter rewriter = Rewriter.builder(config.mapping(), Dialect.H2).build();
        String url = h2();
        try (StatementCoverage coverage = StatementCoverage.start(config, () -> DriverManager.getConnection(url))) {
            coverage.seen(rewriter.rewrite("SELECT name FROM customers WHERE id = 1"), config.rollout());
            coverage.seen(rewriter.rewrite("SELECT name FROM customers WHERE id = 2"), config.rollout());
            coverage.seen(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), config.rollout());
            coverage.seen(rewriter.rewrite("SELECT 1"), config.rollout()); // no mapped table
            coverage.seen(rewriter.rewrite("UPDATE customers SET name = ? WHERE id = ?"), config.rollout());
            coverage.seen(rewriter.rewrite("UPDATE customers SET name = ? WHERE id = ?"), config.rollout());
            coverage.seen(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), config.rollout());

            List<CoverageEntry> entries = coverage.snapshot();
            assertThat(entries).extracting(CoverageEntry::fingerprint).contains("overflow");
            assertThat(entries).hasSize(3);
            CoverageEntry select = entries.stream()
                    .filter(e -> e.example().startsWith("select"))
                    .findFirst()
                    .orElseThrow();
            assertThat(select.counts().get(Phase.OLD_ONLY)).isEqualTo(2);
            assertThat(select.total()).isEqualTo(2);
            CoverageEntry overflow = entries.stream()
                    .filter(e -> e.fingerprint().equals("overflow"))
                    .findFirst()
                    .orElseThrow();
            assertThat(overflow.total()).isEqualTo(2);
        }
    }

    @Test
    void flush_withoutTable_neverThrows_thenAddsWhatWasCounted() throws Exception {
        MigrationConfig config = config("");
        Rewriter rewriter = Rewriter.builder(config.mapping(), Dialect.H2).build();
        String url = h2();
        try (Connection keep = DriverManager.getConnection(url);
                StatementCoverage coverage = StatementCoverage.start(config, () -> DriverManager.getConnection(url))) {
            coverage.seen(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), config.rollout());
            assertThatCode(coverage::flush).doesNotThrowAnyException(); // no table yet

            ControlSchema.execute(
                    keep, ControlSchema.createStatementsTable(Dialect.H2, ControlSchema.STATEMENTS_TABLE));
            coverage.flush();
            coverage.seen(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), config.rollout());
            coverage.seen(rewriter.rewrite("DELETE FROM customers WHERE id = ?"), config.rollout());
            coverage.flush();
            coverage.flush(); // nothing new: nothing added

            try (Statement s = keep.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT kind, verdicts, n_old_only, n_dual_write FROM " + ControlSchema.STATEMENTS_TABLE)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("DELETE");
                assertThat(rs.getString(2)).isEqualTo("pass-through,mirrored,mirrored,mirrored,mirrored,rewritten");
                assertThat(rs.getLong(3)).isEqualTo(3);
                assertThat(rs.getLong(4)).isZero();
                assertThat(rs.next()).isFalse();
            }
            List<CoverageEntry> stored = new CoverageStore(() -> DriverManager.getConnection(url), "cov-unit").read();
            assertThat(stored).singleElement().satisfies(e -> assertThat(e.total())
                    .isEqualTo(3));
        }
    }

    @Test
    void disabled_recordsNothing() throws Exception {
        assertThat(StatementCoverage.start(config("coverage: { enabled: false }\n"), () -> {
                    throw new AssertionError("no connection expected");
                }))
                .isNull();
    }
}
