package io.schemashift.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The tour every application test takes: its workload once in each phase, old-only → dual-write →
 * backfill, verify → shadow-read → read-new → new-primary → rollback to read-new → new-primary →
 * verify → new-only, moved by the {@link Operator} through the control table, and the end
 * conditions: {@code verify} equal, no divergence (meter or log), no shadow mismatch and at least
 * one shadow match.
 *
 * <p>The mapping is the same for every application: {@code customers(id, name, email,
 * legacy_flag, ref, version)} becomes {@code clients(id, full_name, email_address, name_search =
 * lower(name), ref, version)}: a renamed table, two renamed columns, a dropped and a derived one,
 * and on PostgreSQL a column retyped from {@code varchar} to {@code uuid} (the JPA shop writes it).
 */
public final class EveryPhase {

    /** The application's own use of the database, run once per phase with a distinct tag. */
    @FunctionalInterface
    public interface Workload {
        void run(String tag) throws Exception;
    }

    private EveryPhase() {}

    /**
     * Writes the migration file: the mapping above, {@code old-only}, the control table polled
     * every 200 ms. {@code oldColumns} lists the old table's columns, for an application whose
     * first connection comes before the old table exists (Flyway on an empty database).
     */
    public static Path config(String migration, boolean oldColumns) throws IOException {
        Path config = Files.createTempFile("schemashift-" + migration, ".yaml");
        Files.writeString(
                config,
                "migration: " + migration + "\n"
                        + """
                tables:
                  customers:
                    to: clients
                    key: [id]
                """
                        + (oldColumns ? "    oldColumns: [id, name, email, legacy_flag, ref, version]\n" : "")
                        + """
                    columns:
                      name: full_name
                      email: email_address
                      legacy_flag: null
                    derived:
                      name_search: "lower(name)"
                phase: old-only
                control:
                  table: schemashift_control
                  poll: 200ms
                """);
        return config;
    }

    /**
     * Takes the tour from {@code old-only} (after {@code init}) to {@code new-only}, asserting the
     * end conditions before the last move. Meters are read from {@code registry}, where the
     * migration registered them.
     */
    public static void run(
            Operator operator,
            SchemaShiftDataSource app,
            TestDatabase.Kind kind,
            MeterRegistry registry,
            String migration,
            Workload workload)
            throws Exception {
        run(operator, app, kind, registry, migration, 1, null, workload);
    }

    /**
     * The tour, with the operator asking for {@code minComparisons} shadow comparisons before each
     * move past shadow-read (0: the application's reads are not compared, and the caller says why),
     * the new table in the database of {@code newUrl} ({@code null}: the application's).
     */
    public static void run(
            Operator operator,
            SchemaShiftDataSource app,
            TestDatabase.Kind kind,
            MeterRegistry registry,
            String migration,
            long minComparisons,
            String newUrl,
            Workload workload)
            throws Exception {
        String min = Long.toString(minComparisons);
        Identities keys =
                new Identities(operator.server(), operator.url(), newUrl == null ? operator.url() : newUrl, kind);
        workload.run("a");
        operator.move(app, "dual-write", "phase", "dual-write");
        workload.run("b");
        operator.ok("backfill");
        operator.ok("verify"); // the read-new guard asks for a clean verify after the backfill
        operator.move(app, "shadow-read", "phase", "shadow-read", "--shadow", "100");
        workload.run("c");
        operator.move(app, "read-new", "phase", "read-new", "--read-new", "100", "--min-comparisons", min);
        workload.run("d");
        keys.pastOtherSide("clients", "customers");
        operator.move(app, "new-primary", "phase", "new-primary", "--min-comparisons", min);
        workload.run("e");
        keys.pastOtherSide("customers", "clients");
        operator.move(app, "read-new", "rollback");
        workload.run("f");
        keys.pastOtherSide("clients", "customers");
        operator.move(app, "new-primary", "phase", "new-primary", "--min-comparisons", min);
        workload.run("g");

        assertThat(operator.ok("verify")).contains("equal");
        assertThat(sum(registry, "schemashift.divergences", migration))
                .as("divergences counted")
                .isZero();
        assertThat(keys.count("SELECT count(*) FROM schemashift_divergence WHERE migration = '" + migration + "'"))
                .as("divergences recorded")
                .isZero();
        assertThat(sum(registry, "schemashift.shadow.comparisons", migration, "outcome", "mismatch"))
                .as("shadow mismatches")
                .isZero();
        assertThat(sum(registry, "schemashift.shadow.comparisons", migration, "outcome", "match"))
                .as("shadow reads compared")
                .isGreaterThanOrEqualTo(minComparisons);

        operator.move(app, "new-only", "phase", "new-only", "--min-comparisons", min);
        workload.run("h");
    }

    /** The sum of the counters {@code name} of {@code migration} with the given tags. */
    public static double sum(MeterRegistry registry, String name, String migration, String... tags) {
        return registry.find(name).tag("migration", migration).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /**
     * The operator's raw access to the databases, for the identity step and the checks: {@code
     * customers} in {@code url}'s, {@code clients} in {@code newUrl}'s (the same or a second one).
     */
    private record Identities(TestDatabase server, String url, String newUrl, TestDatabase.Kind kind) {

        /**
         * The operator's step before a side starts generating keys again: move its identity past the
         * other side's largest key (PostgreSQL; MariaDB's AUTO_INCREMENT follows explicit ids itself).
         */
        void pastOtherSide(String table, String other) throws Exception {
            if (kind != TestDatabase.Kind.POSTGRESQL) {
                return;
            }
            long otherMax = max(other);
            try (Connection c = server.connect(where(table));
                    Statement s = c.createStatement()) {
                s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                        + "GREATEST((SELECT COALESCE(max(id), 1) FROM " + table + "), " + otherMax + "))");
            }
        }

        private long max(String table) throws Exception {
            try (Connection c = server.connect(where(table));
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COALESCE(max(id), 1) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private String where(String table) {
            return table.equals("clients") ? newUrl : url;
        }

        long count(String sql) throws Exception {
            try (Connection c = server.connect(url);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
