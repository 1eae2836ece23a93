package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlTables;
import io.schemashift.rewriter.Dialect;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A column whose type changes to one that holds its values alike but spells them otherwise, or
 * (PostgreSQL) to one that takes no value of the old type by assignment ({@code text} → {@code
 * uuid}, {@code integer}, an enum…: copied through a cast, and compared as the cast gives it, so
 * {@code '007'} equals {@code 7}): after
 * {@code schemashift backfill}, {@code schemashift verify} finds the sides equal (before: every
 * row differed, and {@code verify --repair} could not make them equal), and it still finds a row
 * whose value does differ, which {@code --repair} then mends, towards the new side and (from
 * {@code new-primary} on) back towards the old. One database and two.
 */
class VerifyTypePairsIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** A PostgreSQL enum, created on the new side before its table. */
    private static final String TIER = "tier_kind";

    @TempDir
    Path dir;

    /**
     * A type pair: values written into the old column, and a value for the new column that differs
     * from the first of them.
     */
    private record Pair(String oldType, String newType, List<String> values, String differing) {}

    private static List<Pair> pairs(TestDatabase.Kind kind) {
        return switch (kind) {
            case POSTGRESQL ->
                List.of(
                        new Pair("DATE", "TIMESTAMP", List.of("'2024-01-01'"), "'2024-01-01 10:00:00'"),
                        new Pair("DATE", "TIMESTAMPTZ", List.of("'2024-01-01'"), "'2024-01-01 00:00:00+09'"),
                        new Pair("TIME", "TIMETZ", List.of("'10:00:01.5'"), "'10:00:01.5+09'"),
                        new Pair("CHAR(5)", "VARCHAR(10)", List.of("'ab'", "' a'"), "'abc'"),
                        new Pair(
                                "JSON",
                                "JSONB",
                                List.of("'{\"b\": 1,  \"a\": [1, 2]}'"),
                                "'{\"b\": 1, \"a\": [2, 1]}'"),
                        new Pair("TEXT", "JSONB", List.of("'{\"b\": 1,  \"a\": [1, 2]}'"), "'{\"a\": 3}'"),
                        new Pair(
                                "TEXT",
                                "UUID",
                                List.of("'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "'a0eebc999c0b4ef8bb6d6bb9bd380a13'"),
                                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'"),
                        new Pair("TEXT", "INTEGER", List.of("'007'", "' -12'"), "8"),
                        new Pair("VARCHAR(20)", "DATE", List.of("'2024-1-31'"), "'2024-02-01'"),
                        new Pair("INT", "BOOLEAN", List.of("1", "0"), "false"),
                        new Pair("TEXT", TIER, List.of("'gold'"), "'silver'"),
                        new Pair("REAL", "DOUBLE PRECISION", List.of("0.1", "0.12345679", "1e10"), "0.2"));
            case MARIADB ->
                List.of(
                        new Pair("DATE", "DATETIME", List.of("'2024-01-01'"), "'2024-01-01 10:00:00'"),
                        new Pair("TIME", "TIME(6)", List.of("'10:00:01'", "'-838:59:59'"), "'10:00:01.5'"),
                        new Pair("CHAR(5)", "VARCHAR(10)", List.of("'ab'"), "'abc'"),
                        new Pair("FLOAT", "DOUBLE", List.of("0.1", "0.12345679", "1e10"), "0.2"));
            case H2 ->
                List.of(
                        new Pair("DATE", "TIMESTAMP", List.of("'2024-01-01'"), "'2024-01-01 10:00:00'"),
                        new Pair("TIME", "TIME WITH TIME ZONE", List.of("'10:00:01'"), "'10:00:01+09'"),
                        new Pair("CHAR(5)", "VARCHAR(10)", List.of("'ab'"), "'abc'"),
                        new Pair("REAL", "DOUBLE PRECISION", List.of("0.1", "0.12345679", "1e10"), "0.2"),
                        new Pair(
                                "UUID",
                                "VARCHAR(36)",
                                List.of("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
                                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'"));
        };
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void typeSpelledOtherwise_verifiedEqual_andADifferenceStillFoundAndRepaired(TestDatabase.Kind kind)
            throws Exception {
        java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Tokyo"));
        try {
            check(kind);
        } finally {
            java.util.TimeZone.setDefault(jvmZone);
        }
    }

    private void check(TestDatabase.Kind kind) throws Exception {
        for (Pair pair : pairs(kind)) {
            for (boolean separate : new boolean[] {false, true}) {
                String as = pair.oldType() + " → " + pair.newType() + (separate ? ", two databases" : ", one database");
                String migration = "cltp_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
                CliDatabase db = CliDatabase.create(kind, migration, separate);
                db.run(
                        db.oldUrl(),
                        "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), legacy_flag INT, v "
                                + pair.oldType() + ")");
                if (pair.newType().equals(TIER)) {
                    db.run(db.newUrl(), "CREATE TYPE " + TIER + " AS ENUM ('gold', 'silver')");
                }
                db.run(
                        db.newUrl(),
                        "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100),"
                                + " name_search VARCHAR(100), v " + pair.newType() + ")");
                db.run(
                        db.oldUrl(),
                        ControlSchema.createRunsTable(
                                        Dialect.fromJdbcUrl(db.oldUrl()).orElseThrow(), ControlTables.DEFAULT_RUNS)
                                .toArray(String[]::new));
                int id = 1;
                for (String value : pair.values()) {
                    db.run(
                            db.oldUrl(),
                            "INSERT INTO customers (id, name, v) VALUES (" + id++ + ", 'n', " + value + ")");
                }
                db.run(db.oldUrl(), "INSERT INTO customers (id, name, v) VALUES (" + id + ", 'n', NULL)");
                Path config = db.customersConfig(Files.createTempDirectory(dir, "c"), migration, "phase: dual-write\n");

                Cli.Run backfill = db.cli(config, "backfill");
                assertThat(backfill.exit()).as(as + "\n" + backfill).isZero();
                Cli.Run verify = db.cli(config, "verify");
                assertThat(verify.exit()).as(as + "\n" + verify).isZero();
                if (pair.oldType().equals("REAL")) {
                    assertThat(db.rows(db.newUrl(), "SELECT v FROM clients WHERE id = 1"))
                            .as(as + ": the number written, not the float widened in binary (0.10000000149011612)")
                            .containsExactly("0.1|");
                }

                db.run(db.newUrl(), "UPDATE clients SET v = " + pair.differing() + " WHERE id = 1");
                Cli.Run differs = db.cli(config, "verify");
                assertThat(differs.exit()).as(as + "\n" + differs).isEqualTo(VerifyCommand.DIFFER);
                Cli.Run repair = db.cli(config, "verify", "--repair");
                assertThat(repair.exit()).as(as + "\n" + repair).isZero();
                assertThat(repair.out()).as(as).contains("repaired 1 rows; those keys now: equal");
                Cli.Run again = db.cli(config, "verify");
                assertThat(again.exit()).as(as + "\n" + again).isZero();

                // from new-primary on the new side holds the truth: a repair writes its value back to the old
                Path newPrimary =
                        db.customersConfig(Files.createTempDirectory(dir, "c"), migration, "phase: new-primary\n");
                db.run(db.oldUrl(), "UPDATE customers SET v = NULL WHERE id = 1");
                Cli.Run back = db.cli(newPrimary, "verify", "--repair");
                assertThat(back.exit()).as(as + "\n" + back).isZero();
                assertThat(back.out()).as(as).contains("repaired 1 rows; those keys now: equal");
            }
        }
    }
}
