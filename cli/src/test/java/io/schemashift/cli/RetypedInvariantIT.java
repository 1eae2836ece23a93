package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The invariant over PostgreSQL columns whose type changes to one that takes no value of the old
 * type by assignment ({@code ref text → uuid}, {@code qty varchar → integer}, {@code tier text →}
 * an enum): random workloads through the driver, with values in every spelling the old type keeps
 * apart and the new one does not ({@code 'A0EE…'} and {@code 'a0ee…'}, {@code '007'} and {@code
 * '7'}), written, compared, copied into another column and picked by (a function or pattern of
 * them included); then {@code schemashift
 * verify} compares the sides as the new type reads the old values, and every key on which they
 * differ must be in the divergence log. Every other workload writes each value in one spelling
 * only, not the new type's ({@code 'A0EE…'}, {@code '007'}), and picks rows by key or by those
 * values: there no statement picks other rows on each side, and the log must name each key (not
 * the whole table), a row whose copy into another column each side spells apart included. One
 * database and two, {@code dual-write} and {@code new-primary}.
 */
class RetypedInvariantIT {

    private static final int SEEDS = 12;
    private static final int OPS = 30;
    private static final int IDS = 6;
    private static final String[] REFS = {
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13"
    };
    private static final String[] QTYS = {"7", "12", "3", "007"};
    /** Numbers each in one spelling, not the one an {@code integer} gives back. */
    private static final String[] PADDED_QTYS = {"007", "012", "003"};

    private static final String[] TIERS = {"gold", "silver"};
    private static final Pattern KEY = Pattern.compile("\"key\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary", "true, new-primary"})
    void randomWorkloads_everyDifferingKeyLogged(boolean separate, String phase) throws Exception {
        String migration =
                "rtinv_" + ProcessHandle.current().pid() + "_" + (separate ? "2_" : "1_") + phase.replace('-', '_');
        CliDatabase db = CliDatabase.create(TestDatabase.Kind.POSTGRESQL, migration, separate);
        db.run(
                db.oldUrl(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), legacy_flag INT, ref TEXT,"
                        + " qty VARCHAR(10), tier TEXT)");
        db.run(
                db.newUrl(),
                "CREATE TYPE tier_kind AS ENUM ('gold', 'silver')",
                "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), name_search VARCHAR(100),"
                        + " ref UUID, qty INTEGER, tier tier_kind)");
        Path config = db.customersConfig(
                Files.createTempDirectory(dir, "c"),
                migration,
                "phase: " + phase + "\ncontrol: { table: schemashift_control, poll: 200ms }\n");
        Cli.Run init = db.cli(config, "init");
        assertThat(init.exit()).as(init.toString()).isZero();

        Properties info = new Properties();
        info.setProperty("user", db.server().user());
        info.setProperty("password", db.server().password());
        info.setProperty("schemashift.config", config.toString());
        for (int seed = 1; seed <= SEEDS; seed++) {
            boolean oneSpelling = seed % 2 == 0;
            db.run(db.oldUrl(), "TRUNCATE customers", "DELETE FROM schemashift_divergence");
            db.run(db.newUrl(), "TRUNCATE clients");
            List<String> log = new ArrayList<>();
            Random random = new Random(seed);
            try (Connection app = DriverManager.getConnection(
                    "jdbc:schemashift:" + db.oldUrl().substring(5), info)) {
                for (int i = 0; i < OPS; i++) {
                    log.add(step(app, random, oneSpelling));
                }
                MigrationRuntime runtime = Runtimes.find(info, null).orElseThrow();
                assertThat(runtime.divergences().flush(Duration.ofSeconds(20))).isTrue();
            }
            Cli.Run verify = db.cli(config, "verify", "--json");
            Set<String> differing = keys(verify.out());
            Set<String> logged = new HashSet<>(db.rows(
                    db.oldUrl(),
                    "SELECT coalesce(key_text, '*') FROM schemashift_divergence WHERE migration = '" + migration
                            + "'"));
            String as = "seed " + seed + ", " + phase + ":\n" + String.join("\n", log) + "\n" + verify.out();
            if (oneSpelling) {
                assertThat(logged).as(as).doesNotContain("*|");
            }
            if (!logged.contains("*|")) {
                assertThat(logged)
                        .as(as)
                        .containsAll(differing.stream().map(k -> k + "|").toList());
            }
        }
    }

    /** One random statement of the workload, run through the driver; returns what it ran. */
    private static String step(Connection app, Random random, boolean oneSpelling) throws SQLException {
        long id = 1 + random.nextInt(IDS);
        String ref = spelled(REFS[random.nextInt(REFS.length)], random, oneSpelling);
        String qty = oneSpelling ? PADDED_QTYS[random.nextInt(PADDED_QTYS.length)] : QTYS[random.nextInt(QTYS.length)];
        String tier = TIERS[random.nextInt(TIERS.length)];
        String sql;
        List<Object> params;
        int op = random.nextInt(12);
        if (oneSpelling && (op == 4 || op == 5 || op == 11)) {
            op = 3; // they record the whole table: rows picked by other rows or by a spelling, not named by key
        }
        switch (op) {
            case 0 -> {
                sql = "INSERT INTO customers (id, name, ref, qty, tier) VALUES (?, ?, ?, ?, ?)";
                params = List.of(id, "n" + id, ref, qty, tier);
            }
            case 1 -> {
                sql = "INSERT INTO customers (id, name, ref, qty, tier) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id)"
                        + " DO UPDATE SET ref = EXCLUDED.ref, qty = EXCLUDED.qty, name = EXCLUDED.name";
                params = List.of(id, "u" + id, ref, qty, tier);
            }
            case 2 -> {
                sql = "UPDATE customers SET qty = ? WHERE ref = upper(?)";
                params = List.of(qty, ref);
            }
            case 3 -> {
                sql = "UPDATE customers SET name = ref WHERE id = ?";
                params = List.of(id);
            }
            case 4 -> {
                sql = "UPDATE customers SET name = qty WHERE tier = ?";
                params = List.of(tier);
            }
            case 5 -> {
                sql = "DELETE FROM customers WHERE ref IN (SELECT ref FROM customers WHERE qty = ?)";
                params = List.of(qty);
            }
            case 6 -> {
                sql = "UPDATE customers SET tier = CASE WHEN ? THEN 'gold' ELSE 'silver' END WHERE id = ?";
                params = List.of(random.nextBoolean(), id);
            }
            case 7 -> {
                sql = "UPDATE customers SET ref = ? WHERE qty = ?";
                params = List.of(ref, qty);
            }
            case 8 -> {
                sql = "DELETE FROM customers WHERE id = ? AND ref = ?";
                params = List.of(id, ref);
            }
            case 10 -> {
                sql = "UPDATE customers SET tier = ? WHERE id = ? AND length(qty) = ?";
                params = List.of(tier, id, 1 + random.nextInt(3));
            }
            case 11 -> {
                sql = "DELETE FROM customers WHERE ref LIKE ?";
                params = List.of(ref.substring(0, 3) + "%");
            }
            default -> {
                sql = "UPDATE customers SET qty = ? WHERE ref = ANY (string_to_array(?, ','))";
                params = List.of(qty, ref + "," + spelled(REFS[random.nextInt(REFS.length)], random, oneSpelling));
            }
        }
        String outcome;
        try (PreparedStatement ps = app.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            outcome = String.valueOf(ps.executeUpdate());
        } catch (SQLException e) {
            outcome = "failed: " + e.getMessage(); // a duplicate key: the invariant holds all the same
        }
        return sql + " " + params + " -> " + outcome;
    }

    /** {@code uuid} as the old column may hold it: as is, in upper case (always, in {@code oneSpelling}), or without hyphens. */
    private static String spelled(String uuid, Random random, boolean oneSpelling) {
        return switch (oneSpelling ? 1 : random.nextInt(3)) {
            case 0 -> uuid;
            case 1 -> uuid.toUpperCase(Locale.ROOT);
            default -> uuid.replace("-", "");
        };
    }

    /** The differing rows' keys of a {@code verify --json} report. */
    private static Set<String> keys(String json) {
        Set<String> keys = new HashSet<>();
        Matcher m = KEY.matcher(json);
        while (m.find()) {
            keys.add(m.group(1).replace("\\\"", "\""));
        }
        return keys;
    }
}
