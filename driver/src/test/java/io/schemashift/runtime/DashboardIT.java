package io.schemashift.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.schemashift.config.Phase;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every metric that docs/dashboards/schemashift.json and the alerting rules next to it query exists in a Prometheus registry after
 * a workload through every phase (mirrored writes, an injected divergence, shadow reads that match
 * and mismatch, reads and writes with the new side primary, a reload from the file).
 */
class DashboardIT {

    private static final Path DASHBOARD = Path.of("..", "docs", "dashboards", "schemashift.json");
    private static final Path ALERTS = Path.of("..", "docs", "dashboards", "schemashift-alerts.yaml");
    private static final Pattern EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern METRIC = Pattern.compile("\\bschemashift_[a-z0-9_]+");
    private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @BeforeAll
    static void meters() {
        Metrics.globalRegistry.add(PROMETHEUS);
    }

    @AfterAll
    static void noMeters() {
        Metrics.globalRegistry.remove(PROMETHEUS);
    }

    @Test
    void dashboardAndAlerts_everyQueriedMetric_existsAfterAWorkload() throws Exception {
        String tail = "control: { poll: 100ms }\n";
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), true, "phase: dual-write\n" + tail);
        MigrationRuntime runtime;
        try (Connection c = fx.connect()) {
            runtime = fx.runtime();
            for (int id = 1; id <= 5; id++) {
                insert(c, id, "Name " + id);
            }
            fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (100, 'taken', 'taken')");
            insert(c, 100, "Old 100"); // the mirror hits the new side's row: a divergence

            phase(fx, runtime, Phase.SHADOW_READ, "routing: { shadowPercent: 100 }\n" + tail);
            read(c, 1); // match
            read(c, 100); // mismatch: the new side holds another name
            c.createStatement()
                    .executeQuery("SELECT legacy_flag FROM customers WHERE id = 1")
                    .close(); // refused
            phase(fx, runtime, Phase.READ_NEW, "routing: { readNewPercent: 100, shadowPercent: 100 }\n" + tail);
            read(c, 2);
            phase(fx, runtime, Phase.NEW_PRIMARY, "routing: { shadowPercent: 100 }\n" + tail);
            insert(c, 6, "Name 6");
            read(c, 6);
        }
        List<String> expressions = new ArrayList<>();
        Matcher expr = EXPR.matcher(Files.readString(DASHBOARD));
        while (expr.find()) {
            expressions.add(expr.group(1));
        }
        assertThat(expressions).as("dashboard queries").hasSizeGreaterThan(15);
        List<String> alerts = alertExpressions();
        assertThat(alerts).as("alert expressions").hasSize(11);
        expressions.addAll(alerts);
        Set<String> queried = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                queried.add(m.group());
            }
        }
        // shadow comparisons finish off the application's thread; the mismatch is reported last (a
        // separate new side is re-read after the commit lag, 2 x writes.budget)
        await("every queried metric exported").atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        exported(fx.migration))
                .as("metrics exported for the workload's migration; its statement and mirror counts:%n%s", counts(fx))
                .containsAll(queried));
        // what the heartbeat reports: the injected divergence and the one confirmed mismatch
        ShiftMetrics.Totals totals = runtime.metrics().totals();
        assertThat(totals.mismatches()).isEqualTo(1);
        assertThat(totals.divergences()).isGreaterThanOrEqualTo(1);
        assertThat(totals.statements()).isGreaterThanOrEqualTo(10);
        runtime.close();
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions() throws Exception {
        Map<String, Object> doc =
                (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(ALERTS));
        List<String> expressions = new ArrayList<>();
        for (Object group : (List<Object>) doc.get("groups")) {
            for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                expressions.add((String) ((Map<String, Object>) rule).get("expr"));
            }
        }
        return expressions;
    }

    private static void phase(MigrationFixture fx, MigrationRuntime runtime, Phase phase, String routing)
            throws Exception {
        String text = Files.readString(fx.configPath());
        fx.writeConfig(text.substring(0, text.indexOf("phase:")) + "phase: " + phase.configName() + "\n" + routing);
        await("reload to " + phase).until(() -> runtime.rollout().phase() == phase);
    }

    /** The statement and mirrored-write series of the fixture's migration, to diagnose a failure. */
    private static String counts(MigrationFixture fx) {
        return PROMETHEUS
                .scrape()
                .lines()
                .filter(l -> l.startsWith("schemashift_statements") || l.startsWith("schemashift_mirror_writes"))
                .filter(l -> l.contains("migration=\"" + fx.migration + "\"") && !l.endsWith(" 0.0"))
                .collect(Collectors.joining("\n"));
    }

    /** The names of the Prometheus series of {@code migration} in a scrape now. */
    private static Set<String> exported(String migration) {
        Set<String> names = new TreeSet<>();
        for (String line : PROMETHEUS.scrape().split("\n")) {
            Matcher name = METRIC.matcher(line);
            if (!line.startsWith("#") && line.contains("migration=\"" + migration + "\"") && name.lookingAt()) {
                names.add(name.group());
            }
        }
        return names;
    }

    private static void insert(Connection c, int id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, name);
            ps.setString(3, id + "@example.com");
            ps.executeUpdate();
        }
    }

    private static void read(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, email FROM customers WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getString("name");
                }
            }
        }
    }
}
