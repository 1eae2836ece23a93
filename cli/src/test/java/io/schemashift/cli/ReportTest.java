package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigReader;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.Run;
import io.schemashift.rewriter.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code schemashift report}: open items and time buckets (the demo's own report: DemoReportTest in module demo). */
class ReportTest {

    @Test
    void openItems_divergencesBeforeACleanVerify_areRepaired(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:mem:report" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1";
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(
                yaml,
                "migration: report-open\ntables:\n  customers: { to: clients, key: [id] }\n  orders: { to: orders_v2,"
                        + " key: [id] }\n");
        assertThat(Cli.run(Map.of(), "init", "--config", yaml.toString(), "--url", url)
                        .exit())
                .isZero();
        var config = new ConfigReader().read(yaml.toString(), Files.readString(yaml));
        ControlStore store = new ControlStore(() -> DriverManager.getConnection(url), Dialect.H2, config);
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        divergence(url, store, "customers", t0);
        divergence(url, store, "orders", t0);
        store.recordRun(
                new Run(Run.Kind.VERIFY, "customers", t0.plusSeconds(60), t0.plusSeconds(70), Run.Outcome.CLEAN, 42));
        divergence(url, store, "orders", t0.plusSeconds(120));

        Path out = dir.resolve("out");
        Cli.Run run = Cli.run(Map.of(), "report", "--config", yaml.toString(), "--url", url, "--out", out.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md)
                .contains("| 2026-01-01T10:01:00Z | verify | customers | clean | 42 | 10s |")
                .contains("| unrepaired divergences | orders | 2 recorded after the last clean verify, latest"
                        + " 2026-01-01T10:02:00Z |")
                .doesNotContain("| unrepaired divergences | customers |");
        assertThat(ImageIO.read(out.resolve("divergences.png").toFile())).isNotNull();
    }

    private static void divergence(String url, ControlStore store, String table, Instant at) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement(
                        ControlSchema.insertDivergence(store.tables().divergence()))) {
            ps.setString(1, "report-open");
            ps.setString(2, table);
            ps.setString(3, null);
            ps.setString(4, "abc");
            ps.setString(5, "mirror_failed");
            ps.setObject(6, ControlSchema.timestamp(at));
            ps.executeUpdate();
        }
    }

    @Test
    void bucket_cutsTheSpanIntoAtMostAboutSixty() {
        assertThat(ReportCommand.bucket(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReportCommand.bucket(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReportCommand.bucket(Duration.ofHours(3))).isEqualTo(Duration.ofMinutes(10));
        assertThat(ReportCommand.bucket(Duration.ofDays(30))).isEqualTo(Duration.ofDays(1));
    }
}
