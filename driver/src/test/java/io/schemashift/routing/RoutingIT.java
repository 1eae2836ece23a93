package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How reads and writes are routed: the read-new share per transaction or per connection, the safe
 * path for refused and mixed-phase statements, DDL, and writes that cannot be mirrored exactly.
 * Old and new rows are made to differ on purpose, so every read shows which side served it.
 */
class RoutingIT {

    /** Each test's fixtures closed after it: the class opens dozens, and their pools would hold the servers' connections. */
    @AfterEach
    void closeFixtures() throws SQLException {
        MigrationFixture.closeAll();
    }

    /** Row 1 reads "old" from the old side and "new" from the new side. */
    private static MigrationFixture markedSides(TestDatabase.Kind kind, String yaml) throws SQLException {
        return markedSides(kind, "", yaml);
    }

    private static MigrationFixture markedSides(TestDatabase.Kind kind, String moreTables, String yaml)
            throws SQLException {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, moreTables, yaml);
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'old', 'o@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'new', 'new', 'n@x')");
        return fx;
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "H2"})
    void readNewPercent_decidedOncePerTransaction(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = markedSides(kind, "phase: read-new\nrouting:\n  readNewPercent: 30\n  seed: 7\n");
        int newTransactions = 0;
        int transactions = 300;
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            PreparedStatement read = c.prepareStatement("SELECT name FROM customers WHERE id = ?");
            for (int i = 0; i < transactions; i++) {
                Set<String> sides = new TreeSet<>();
                for (int r = 0; r < 3; r++) {
                    read.setInt(1, 1);
                    try (ResultSet rs = read.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        sides.add(rs.getString("name"));
                    }
                }
                assertThat(sides).as("sides read by one transaction").hasSize(1);
                newTransactions += sides.contains("new") ? 1 : 0;
                c.commit();
            }
        }
        assertThat(newTransactions).as("transactions served by the new side").isBetween(60, 120);
    }

    /**
     * {@code read-new}: a read that fails on the new side (here its table lost a column behind the
     * driver's back) is served by the old side, which holds every row until {@code new-primary}, and
     * counted; not on PostgreSQL inside a transaction, which the failure aborted.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void readFailingOnTheNewSide_inReadNew_servedByTheOldSide(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind), separate, "phase: read-new\nrouting:\n  readNewPercent: 100\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'old', 'o@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'new', 'new', 'n@x')");
        String sql = "SELECT name, email FROM customers WHERE id = 1";
        try (Connection c = fx.connect();
                PreparedStatement read = c.prepareStatement(sql);
                Statement st = c.createStatement()) {
            assertThat(name(read.executeQuery())).as("served by the new side").isEqualTo("new");
            fx.rawNew("ALTER TABLE clients DROP COLUMN email");
            assertThat(name(read.executeQuery())).isEqualTo("old");
            assertThat(name(st.executeQuery(sql))).isEqualTo("old");
            c.setAutoCommit(false);
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                assertThatThrownBy(() -> read.executeQuery()).isInstanceOf(SQLException.class);
                c.rollback();
            } else {
                assertThat(name(read.executeQuery())).as("in a transaction").isEqualTo("old");
                c.commit();
            }
        }
        assertThat(fx.count("schemashift.reads.fallbacks", "cause", "failed"))
                .isEqualTo(kind == TestDatabase.Kind.POSTGRESQL ? 2 : 3);
    }

    /**
     * {@code read-new} on PostgreSQL, a user not granted the new table yet: its reads, in auto-commit
     * and inside a transaction (where a failed read would abort it), are served by the old side from
     * the start and counted ({@code cause=unavailable}); once the grant is given and the catalog read
     * again, by the new side. Before: every read picked for the new side failed with "permission
     * denied" inside a transaction.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readNew_newTableNotGranted_servedByTheOldSide(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.postgres(), separate, "phase: read-new\nrouting:\n  readNewPercent: 100\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'old', 'o@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'new', 'new', 'n@x')");
        String role = fx.applicationRole("ss_reader");
        fx.rawNew("REVOKE SELECT ON clients FROM " + role);
        String sql = "SELECT name FROM customers WHERE id = 1";
        try {
            try (Connection c = fx.connectAs(role, role);
                    PreparedStatement read = c.prepareStatement(sql)) {
                assertThat(name(read.executeQuery())).isEqualTo("old");
                c.setAutoCommit(false);
                assertThat(name(read.executeQuery())).as("in a transaction").isEqualTo("old");
                assertThat(name(read.executeQuery())).isEqualTo("old");
                c.commit();
                assertThat(fx.count("schemashift.reads.fallbacks", "cause", "unavailable"))
                        .isEqualTo(2);

                fx.rawNew("GRANT SELECT ON clients TO " + role);
                fx.runtime().catalogChanged(null);
                assertThat(name(read.executeQuery())).as("granted").isEqualTo("new");
                c.commit();
            }
        } finally {
            fx.dropRole(role);
        }
    }

    /**
     * The same on MariaDB (one database): a user granted every table but the new one is served by
     * the old side from the start, inside a transaction too; once granted and the catalog read again,
     * by the new side. Before: MariaDB's grants were not read, and every such read went to the new
     * side, failed there ("SELECT command denied") and fell back one by one.
     */
    @Test
    void readNew_newTableNotGranted_servedByTheOldSide_mariadb() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.MARIADB),
                false,
                "phase: read-new\nrouting:\n  readNewPercent: 100\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'old', 'o@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'new', 'new', 'n@x')");
        String user = fx.mariadbUserReadingAllBut("ss_reader", "clients");
        try (Connection c = fx.connectAs(user, "app");
                PreparedStatement read = c.prepareStatement("SELECT name FROM customers WHERE id = 1")) {
            assertThat(name(read.executeQuery())).isEqualTo("old");
            c.setAutoCommit(false);
            assertThat(name(read.executeQuery())).as("in a transaction").isEqualTo("old");
            c.commit();
            assertThat(fx.count("schemashift.reads.fallbacks", "cause", "unavailable"))
                    .isEqualTo(2);
            fx.rawOld("GRANT SELECT ON clients TO '" + user + "'@'%'");
            fx.runtime().catalogChanged(null);
            assertThat(name(read.executeQuery())).as("granted").isEqualTo("new");
            c.commit();
        } finally {
            fx.runtime().close();
            fx.rawOld("DROP USER '" + user + "'@'%'");
        }
    }

    private static String name(ResultSet rs) throws SQLException {
        return MigrationFixture.firstValue(rs);
    }

    @Test
    void stickinessConnection_everyTransactionOfAConnectionOnOneSide() throws Exception {
        MigrationFixture fx = markedSides(
                TestDatabase.Kind.H2,
                "phase: read-new\nrouting:\n  readNewPercent: 50\n  stickiness: connection\n  seed: 3\n");
        Set<String> connectionsSides = new TreeSet<>();
        for (int conn = 0; conn < 20; conn++) {
            Set<String> sides = new TreeSet<>();
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                for (int i = 0; i < 10; i++) {
                    try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 1")) {
                        rs.next();
                        sides.add(rs.getString(1));
                    }
                }
            }
            assertThat(sides).as("sides read by one connection").hasSize(1);
            connectionsSides.addAll(sides);
        }
        assertThat(connectionsSides).as("both sides serve some connections").containsExactly("new", "old");
    }

    @Test
    void seededPick_isReproducibleAndHonoursThePercentage() {
        List<Boolean> first = new ArrayList<>();
        List<Boolean> again = new ArrayList<>();
        int picked = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean p = Routing.pick(42, 5, i, 25);
            first.add(p);
            again.add(Routing.pick(42, 5, i, 25));
            picked += p ? 1 : 0;
        }
        assertThat(again).isEqualTo(first);
        assertThat(picked).isBetween(2_300, 2_700);
        assertThat(Routing.pick(42, 5, 1, 0)).isFalse();
        assertThat(Routing.pick(42, 5, 1, 100)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "H2"})
    void refusedAndMixedPhaseStatements_takeThePrimaryOnlyAndAreCounted(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = markedSides(
                kind,
                """
                  orders:
                    to: orders_v2
                    key: [id]
                """,
                """
                phase: read-new
                routing:
                  readNewPercent: 100
                  tables: { orders: { phase: old-only } }
                """);
        fx.rawOld(
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT)",
                "CREATE TABLE orders_v2 (id INT PRIMARY KEY, customer_id INT)",
                "INSERT INTO orders VALUES (10, 1)");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 1")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("a plain read in read-new at 100%")
                        .isEqualTo("new");
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = 10")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("customers (read-new) joined to orders (old-only)")
                        .isEqualTo("old");
            }
            try (ResultSet rs = st.executeQuery("SELECT legacy_flag, name FROM customers WHERE id = 1")) {
                rs.next();
                assertThat(rs.getString(2)).as("a read of a dropped column").isEqualTo("old");
            }
            try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE no_such_column = 1")) {
                assertThat(rs.next()).isFalse();
            } catch (SQLException e) {
                assertThat(e.getMessage()).as("the primary's own error").containsIgnoringCase("no_such_column");
            }
        }
        assertThat(fx.count("schemashift.rewrite.refusals", "reason", "mixed_phases"))
                .isEqualTo(1);
        assertThat(fx.count("schemashift.rewrite.refusals", "reason", "dropped_column_read"))
                .isEqualTo(1);
        assertThat(fx.count("schemashift.rewrite.refusals", "reason", "unknown_column"))
                .isEqualTo(1);
        assertThat(fx.count("schemashift.statements", "kind", "select", "route", "old"))
                .as("selects on the old side")
                .isEqualTo(3);
        assertThat(fx.count("schemashift.statements", "kind", "select", "route", "new"))
                .as("selects on the new side")
                .isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "H2"})
    void ddl_runsWhereItWasSent(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), true, "phase: new-primary\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE audit_notes (id INT PRIMARY KEY)");
            st.execute("ALTER TABLE customers ADD COLUMN note VARCHAR(20)");
        }
        fx.rawOld("INSERT INTO audit_notes VALUES (1)", "UPDATE customers SET note = 'x'");
    }

    /**
     * MariaDB and H2 commit the open transaction before DDL (MariaDB also before LOCK TABLES…): the
     * driver commits it first, the new side's part with it, so that a later ROLLBACK takes back
     * nothing on either side; a MariaDB temporary table commits nothing, and a rollback after it
     * takes back the writes on both.
     */
    @ParameterizedTest
    @CsvSource({"MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void statementThatCommitsImplicitly_commitsBothSidesFirst(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("CREATE TABLE staging (id INT)");
        List<String> commitFirst = new ArrayList<>(List.of(
                "CREATE TABLE notes (id INT)",
                "ALTER TABLE customers ADD COLUMN note VARCHAR(10)",
                "TRUNCATE TABLE staging",
                "prepared: CREATE INDEX notes_id ON notes (id)",
                "prepared: ALTER TABLE customers ADD COLUMN remark VARCHAR(10)",
                "batch: CREATE TABLE notes_too (id INT)"));
        if (maria) {
            commitFirst.add("LOCK TABLES staging WRITE");
        }
        int id = 1;
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : commitFirst) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (" + id++ + ", 'kept')");
                if (sql.startsWith("prepared: ")) {
                    try (PreparedStatement ps = c.prepareStatement(sql.substring("prepared: ".length()))) {
                        ps.execute();
                    }
                } else if (sql.startsWith("batch: ")) {
                    st.addBatch("INSERT INTO staging VALUES (1)");
                    st.addBatch(sql.substring("batch: ".length()));
                    st.executeBatch();
                } else {
                    st.execute(sql);
                }
                if (sql.startsWith("LOCK")) {
                    st.execute("UNLOCK TABLES");
                }
                c.rollback();
            }
            if (maria) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (" + id + ", 'gone')");
                st.execute("CREATE TEMPORARY TABLE scratch (id INT)");
                c.rollback();
            }
            c.setAutoCommit(true);
        }
        assertThat(MigrationFixture.ids(fx.oldRows()))
                .as("each write before a statement that commits first is kept")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(1, commitFirst.size() + 1)
                        .boxed()
                        .toList());
        fx.assertSidesEqual();
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /**
     * A temporary table that takes a mapped table's name hides it from the connection's statements:
     * mirrored into the new table, their writes would fork it. They run on the old side alone (on the
     * temporary table) and are recorded; once the temporary table is gone, writes are mirrored again.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void temporaryTableNamedLikeAMappedTable_itsStatementsAreNotMirrored(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        String temporary = "CREATE TEMPORARY TABLE customers"
                + " (id INT PRIMARY KEY, name VARCHAR(100), legacy_flag BOOLEAN, email VARCHAR(100))";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'One'), (2, 'Two')");
            PreparedStatement preparedBefore = c.prepareStatement("UPDATE customers SET name = ? WHERE id = ?");
            st.execute(temporary);
            assertThat(st.executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'Temporary 2')"))
                    .isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE customers SET name = 'Temporary 1' WHERE id = 1"))
                    .as("the temporary table has no row 1")
                    .isZero();
            preparedBefore.setString(1, "Prepared 2");
            preparedBefore.setInt(2, 2);
            assertThat(preparedBefore.executeUpdate()).isEqualTo(1);
            try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Prepared 2");
            }
            st.execute(pg ? "DROP TABLE customers" : "DROP TEMPORARY TABLE customers");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (3, 'Three')");
            if (pg) {
                c.setAutoCommit(false);
                st.execute(temporary + " ON COMMIT DROP");
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (4, 'Temporary 4')");
                c.commit();
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (5, 'Five')");
                c.commit();
                c.setAutoCommit(true);
                st.execute(temporary);
                st.execute("DISCARD TEMP");
                st.executeUpdate("UPDATE customers SET name = 'Six' WHERE id = 3");
                // SELECT … INTO TEMP makes one too
                st.execute("SELECT * INTO TEMP customers FROM customers WHERE id = 3");
                assertThat(st.executeUpdate("UPDATE customers SET name = 'Temporary 3' WHERE id = 3"))
                        .isEqualTo(1);
                st.execute("DISCARD TEMP");
            }
        }
        assertThat(fx.oldRows())
                .containsExactlyElementsOf(
                        pg
                                ? List.of("1|One|one|null", "2|Two|two|null", "3|Six|six|null", "5|Five|five|null")
                                : List.of("1|One|one|null", "2|Two|two|null", "3|Three|three|null"));
        fx.assertSidesEqual();
        assertThat(fx.divergenceRecords())
                .as("the temporary table's writes, recorded for the whole table they hide")
                .containsOnly("null|refused_unsupported_construct");
        assertThat(fx.count("schemashift.divergences", "reason", "refused_unsupported_construct"))
                .as("each write (a table's records of one statement in one write batch are one row)")
                .isEqualTo(pg ? 5 : 3);
    }

    /**
     * A statement prepared with SQL runs at each EXECUTE: each is judged as the statement it runs
     * (a refused write, recorded), not as a plain EXECUTE that changes the old table unrecorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void executeOfASqlPreparedWrite_isRecordedEachTime(TestDatabase.Kind kind, boolean separate) throws Exception {
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'One'), (2, 'Two')");
            st.execute(
                    pg
                            ? "PREPARE Renamer(int, varchar) AS UPDATE customers SET name = $2 WHERE id = $1"
                            : "PREPARE Renamer FROM 'UPDATE customers SET name = ? WHERE id = ?'");
            assertThat(fx.divergenceRecords()).containsExactly("null|refused_unparseable");
            if (pg) {
                st.execute("EXECUTE renamer(1, 'Renamed 1')");
                st.execute("EXECUTE \"renamer\"(2, 'Renamed 2')");
                st.execute("DEALLOCATE renamer");
                st.execute("PREPARE renamer AS SELECT 1");
            } else {
                st.execute("SET @n = 'Renamed 1', @i = 1");
                st.execute("EXECUTE renamer USING @n, @i");
                st.execute("SET @n = 'Renamed 2', @i = 2");
                st.execute("EXECUTE `RENAMER` USING @n, @i");
                st.execute("PREPARE renamer FROM 'SELECT 1'");
            }
            st.execute("EXECUTE renamer");
        }
        assertThat(fx.differingIds()).containsExactly(1, 2);
        assertThat(fx.divergenceRecords()).containsOnly("null|refused_unparseable");
        assertThat(fx.count("schemashift.divergences", "reason", "refused_unparseable"))
                .as("the PREPARE and each EXECUTE of the write; not the EXECUTE of what replaced it")
                .isEqualTo(3);
    }

    /**
     * SQL that runs statements held in a string or in a block: MariaDB's and H2's {@code EXECUTE
     * IMMEDIATE}, of a literal or of an expression, and MariaDB's compound statements outside a
     * routine ({@code BEGIN NOT ATOMIC … END}, {@code IF … END IF}, {@code WHILE}), and H2's {@code
     * RUNSCRIPT} of a file. Each write of a mapped table in there is recorded for the whole table;
     * each ran on the old side unrecorded (a literal's SQL was taken for a statement on no table, a
     * block or a script for an OTHER statement).
     */
    @ParameterizedTest
    @CsvSource({"MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void writesHeldInAStringOrABlock_areRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO customers (id, name) VALUES (1, 'One'), (2, 'Two'), (3, 'Three'), (4, 'Four')");
            st.execute("EXECUTE IMMEDIATE 'UPDATE customers SET name = ''Renamed'' WHERE id = 1'");
            st.execute(
                    maria
                            ? "EXECUTE IMMEDIATE CONCAT('UPDATE cust', 'omers SET name = ''Built'' WHERE id = 2')"
                            : "EXECUTE IMMEDIATE 'UPDATE cust' || 'omers SET name = ''Built'' WHERE id = 2'");
            if (maria) {
                st.execute("EXECUTE IMMEDIATE 'SELECT name FROM customers'");
                st.execute("BEGIN NOT ATOMIC SELECT 1; UPDATE customers SET name = 'Block' WHERE id = 3; END");
                st.execute("IF (SELECT COUNT(*) FROM customers) > 0 THEN DO 1; ELSE DELETE FROM customers; END IF");
                st.execute(
                        "WHILE (SELECT COUNT(*) FROM customers WHERE id = 4) > 0 DO DELETE FROM customers WHERE id = 4;"
                                + " END WHILE");
            } else {
                Path script = Files.createTempFile("schemashift-script", ".sql");
                script.toFile().deleteOnExit();
                Files.writeString(script, "UPDATE customers SET name = 'Scripted' WHERE id = 3;\n");
                st.execute("RUNSCRIPT FROM '" + script + "'");
            }
        }
        assertThat(fx.differingIds()).containsExactlyElementsOf(maria ? List.of(1, 2, 3, 4) : List.of(1, 2, 3));
        List<String> strings = List.of("null|refused_unsupported_construct", "null|refused_indirect");
        List<String> blocks = maria
                ? Collections.nCopies(3, "null|refused_unparseable")
                : List.of("null|refused_indirect"); // the script
        assertThat(fx.divergenceRecords())
                .as("each write recorded for the whole table (the IF's too, whose ELSE may delete); not the read")
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(strings.stream(), blocks.stream()).toList());
    }

    /**
     * In {@code new-primary} the same writes held in a string, a block or a script fail with {@code
     * 0A000} before they run: the old table, the mirror a rollback returns to, keeps its rows, and
     * so does the new one.
     */
    @ParameterizedTest
    @CsvSource({"MARIADB,false", "MARIADB,true", "H2,false"})
    void writesHeldInAStringOrABlock_failInNewPrimary(TestDatabase.Kind kind, boolean separate) throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: new-primary\n");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'One')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'One', 'one')");
        List<String> writes = new ArrayList<>(List.of(
                "EXECUTE IMMEDIATE 'UPDATE customers SET name = ''Renamed'' WHERE id = 1'",
                "EXECUTE IMMEDIATE 'ALTER TABLE customers DROP COLUMN email'"));
        if (maria) {
            writes.add("BEGIN NOT ATOMIC SELECT 1; UPDATE customers SET name = 'Block' WHERE id = 1; END");
            writes.add("IF (SELECT COUNT(*) FROM customers) > 5 THEN DO 1; ELSE DELETE FROM customers; END IF");
        } else {
            Path script = Files.createTempFile("schemashift-script", ".sql");
            script.toFile().deleteOnExit();
            Files.writeString(script, "UPDATE customers SET name = 'Scripted' WHERE id = 1;\n");
            writes.add("RUNSCRIPT FROM '" + script + "'");
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            for (String sql : writes) {
                assertThatThrownBy(() -> st.execute(sql))
                        .as(sql)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("0A000"))
                        .hasMessageContaining("new-primary");
            }
        }
        assertThat(fx.oldRows()).containsExactly("1|One|one|null");
        fx.assertSidesEqual();
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /**
     * An INSERT that leaves a column to its default, where the old and the new column's defaults
     * differ, would store one value on each side: it runs on the primary only and its key is
     * recorded. The same default on both sides, or the column written, is mirrored as ever. Before:
     * mirrored, each side storing its own default, nothing recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void insertLeavingADifferingDefault_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld(
                "ALTER TABLE customers ADD COLUMN status VARCHAR(20) DEFAULT 'active'",
                "ALTER TABLE customers ADD COLUMN tier INT DEFAULT 0");
        fx.rawNew(
                "ALTER TABLE clients ADD COLUMN status VARCHAR(20) DEFAULT 'new'",
                "ALTER TABLE clients ADD COLUMN tier INT DEFAULT 0");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'left to the defaults')");
            st.executeUpdate("INSERT INTO customers (id, name, status) VALUES (2, 'status written', 'gold')");
            st.executeUpdate(
                    "INSERT INTO customers (id, name, status, tier) VALUES (3, 'written DEFAULT', DEFAULT, 1)");
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO customers (id, name, status) VALUES (?, ?, ?)")) {
                ps.setInt(1, 4);
                ps.setString(2, "prepared");
                ps.setString(3, "silver");
                ps.executeUpdate();
            }
        }
        List<String> old = statuses(fx, fx.oldUrl, "customers");
        List<String> neu = statuses(fx, fx.newUrl, "clients");
        assertThat(old).containsExactly("1|active|0", "2|gold|0", "3|active|1", "4|silver|0");
        assertThat(neu)
                .as("mirrored where the column was written; the tier's default is shared")
                .containsExactly("2|gold|0", "4|silver|0");
        assertThat(fx.divergenceRecords())
                .containsExactlyInAnyOrder(
                        "[\"1\"]|nondeterministic_default_column", "[\"3\"]|nondeterministic_default_column");
    }

    /**
     * An INSERT that leaves out the source of a derived column ({@code name} under {@code name_search
     * = lower(name)}), which the old table stores as {@code NULL} (nullable, no default) or as its
     * constant default: the new side computes the derived column from that value, as the backfill
     * does from the stored row, and the write is mirrored, in either phase that writes both sides.
     * Where the old column's default is a call, the new side cannot compute it from the statement:
     * recorded, as before. Before: every such INSERT ran on the primary alone and was recorded
     * ({@code nondeterministic_default_column}).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void insertLeavingOutADerivedColumnsSourceOfAKnownValue_mirroredComputedFromIt(
            TestDatabase.Kind kind, boolean separate) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = kind + " " + phase + " separate=" + separate;
            try (MigrationFixture fx =
                    MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n")) {
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, email) VALUES (1, 'a@x'), (2, 'b@x')");
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, email) VALUES (?, ?)")) {
                        ps.setInt(1, 3);
                        ps.setString(2, "c@x");
                        ps.executeUpdate();
                    }
                    st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (4, 'Named', 'd@x')");
                }
                assertThat(fx.oldRows()).as(as).hasSize(4).contains("1|null|null|a@x", "4|Named|named|d@x");
                fx.assertSidesEqual();
                assertThat(fx.divergenceRecords()).as(as).isEmpty();
            }
            try (MigrationFixture fx =
                    MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n")) {
                fx.rawOld("ALTER TABLE customers ALTER COLUMN name SET DEFAULT 'it''s anon'");
                fx.rawNew("ALTER TABLE clients ALTER COLUMN full_name SET DEFAULT 'it''s anon'");
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, email) VALUES (1, 'a@x')");
                }
                assertThat(fx.oldRows()).as(as).containsExactly("1|it's anon|it's anon|a@x");
                fx.assertSidesEqual();
                assertThat(fx.divergenceRecords())
                        .as(as + ": a constant default")
                        .isEmpty();
            }
            try (MigrationFixture fx =
                    MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n")) {
                // H2 keeps upper('anon') as the constant it is
                String call = kind == TestDatabase.Kind.H2 ? "CAST(RANDOM_UUID() AS VARCHAR(100))" : "upper('anon')";
                fx.rawOld("ALTER TABLE customers ALTER COLUMN name SET DEFAULT (" + call + ")");
                fx.rawNew("ALTER TABLE clients ALTER COLUMN full_name SET DEFAULT (" + call + ")");
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, email) VALUES (1, 'a@x')");
                }
                assertThat(fx.divergenceRecords())
                        .as(as + ": a default the database computes, not known before it runs")
                        .containsExactly("[\"1\"]|nondeterministic_default_column");
            }
        }
    }

    /**
     * Derived columns over columns whose types round a written value ({@code twice = amount * 2}
     * over a {@code NUMERIC(10,2)}, {@code at_day = CAST(at AS date)} over a whole-second timestamp):
     * the new side computes them from the written value cast to the old column's type, what the old
     * column stores and the backfill reads ({@code 1.005} is stored {@code 1.01}, twice {@code 2.02};
     * {@code 23:59:59.6} rounds to the next day on PostgreSQL and H2). Before: computed from the
     * value as written ({@code 2.01}, the day before), the sides parted silently.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void derivedOverAColumnThatRoundsTheWrittenValue_computedFromTheValueAsStored(
            TestDatabase.Kind kind, boolean separate) throws Exception {
        String at = kind == TestDatabase.Kind.MARIADB ? "at DATETIME" : "at TIMESTAMP(0)";
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = kind + " " + phase + " separate=" + separate;
            try (MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.of(kind),
                    separate,
                    """
                      amounts:
                        to: amounts_v2
                        key: [id]
                        derived:
                          twice: "amount * 2"
                          at_day: "CAST(at AS date)"
                    """,
                    "phase: " + phase + "\n")) {
                fx.rawOld("CREATE TABLE amounts (id INT PRIMARY KEY, amount NUMERIC(10,2), " + at + ")");
                fx.rawNew("CREATE TABLE amounts_v2 (id INT PRIMARY KEY, amount NUMERIC(10,2), " + at
                        + ", twice NUMERIC(10,2), at_day DATE)");
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO amounts (id, amount, at) VALUES (1, 1.005, '2020-01-01 23:59:59.6')");
                    try (PreparedStatement ps =
                            c.prepareStatement("INSERT INTO amounts (id, amount, at) VALUES (?, ?, ?)")) {
                        ps.setInt(1, 2);
                        ps.setBigDecimal(2, new java.math.BigDecimal("3.335"));
                        ps.setTimestamp(3, java.sql.Timestamp.valueOf("2020-03-04 23:59:59.7"));
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE amounts SET amount = ? WHERE id = ?")) {
                        ps.setBigDecimal(1, new java.math.BigDecimal("2.345"));
                        ps.setInt(2, 1);
                        ps.executeUpdate();
                    }
                }
                List<String> computed =
                        fx.query(false, "SELECT id, amount, at, amount * 2, CAST(at AS date) FROM amounts ORDER BY id");
                assertThat(computed).as(as).hasSize(2).first().asString().startsWith("1|2.35|");
                assertThat(fx.query(true, "SELECT id, amount, at, twice, at_day FROM amounts_v2 ORDER BY id"))
                        .as(as + ": the derived columns as the backfill computes them from the old rows")
                        .isEqualTo(computed);
                assertThat(fx.divergenceRecords()).as(as).isEmpty();
            }
        }
    }

    /**
     * {@code DEFAULT} written for the source of a derived column ({@code name} under {@code
     * name_search = lower(name)}): a multi-row INSERT of jOOQ's, which writes it for a value one
     * record leaves unset, and {@code SET name = DEFAULT}. The new side computes the derived column
     * from the value the old column then stores ({@code NULL}, or its constant default), as the
     * backfill does from the stored row. Before: refused, so run on the primary alone and recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void defaultWrittenForADerivedColumnsSource_mirroredComputedFromItsValue(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = kind + " " + phase + " separate=" + separate;
            for (String defaultName : java.util.Arrays.asList(null, "'it''s anon'")) {
                try (MigrationFixture fx =
                        MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n")) {
                    if (defaultName != null) {
                        fx.rawOld("ALTER TABLE customers ALTER COLUMN name SET DEFAULT " + defaultName);
                        fx.rawNew("ALTER TABLE clients ALTER COLUMN full_name SET DEFAULT " + defaultName);
                    }
                    try (Connection c = fx.connect();
                            Statement st = c.createStatement()) {
                        st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'Ann', 'a@x'),"
                                + " (2, DEFAULT, 'b@x'), (3, 'Cy', 'c@x')");
                        try (PreparedStatement ps =
                                c.prepareStatement("UPDATE customers SET name = DEFAULT, email = ? WHERE id = ?")) {
                            ps.setString(1, "updated@x");
                            ps.setInt(2, 3);
                            ps.executeUpdate();
                        }
                    }
                    String left = defaultName == null ? "null|null" : "it's anon|it's anon";
                    assertThat(fx.oldRows())
                            .as(as)
                            .containsExactly("1|Ann|ann|a@x", "2|" + left + "|b@x", "3|" + left + "|updated@x");
                    fx.assertSidesEqual();
                    assertThat(fx.divergenceRecords()).as(as).isEmpty();
                }
            }
        }
    }

    /**
     * Derived columns over a column both tables default to the current time ({@code created_day =
     * CAST(created AS date)}, {@code created_text = CAST(created AS VARCHAR(40))} over a whole-second
     * {@code created}), which an INSERT leaves out: the column gets the time both sides are given
     * (one captured instant, or on PostgreSQL in one database the transaction's), and the derived
     * columns are computed from it as the column stores it, rounded to whole seconds: what the
     * backfill computes from the stored row. Before: every such INSERT ran on the primary alone
     * and was recorded ({@code nondeterministic_default_column}).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void insertLeavingOutACurrentTimeDefaultADerivedColumnReads_mirroredComputedFromIt(
            TestDatabase.Kind kind, boolean separate) throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        String text = maria ? "CHAR(40)" : "VARCHAR(40)";
        String created =
                maria ? "created DATETIME DEFAULT CURRENT_TIMESTAMP" : "created TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP";
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = kind + " " + phase + " separate=" + separate;
            try (MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.of(kind),
                    separate,
                    """
                      events:
                        to: events_v2
                        key: [id]
                        derived:
                          created_day: "CAST(created AS date)"
                    """
                            + "      created_text: \"CAST(created AS " + text + ")\"\n",
                    "phase: " + phase + "\n")) {
                fx.rawOld("CREATE TABLE events (id INT PRIMARY KEY, note VARCHAR(50), " + created + ")");
                fx.rawNew("CREATE TABLE events_v2 (id INT PRIMARY KEY, note VARCHAR(50), " + created
                        + ", created_day DATE, created_text VARCHAR(40))");
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO events (id, note) VALUES (1, 'a'), (2, 'b')");
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, note) VALUES (?, ?)")) {
                        for (int id = 3; id <= 5; id++) {
                            ps.setInt(1, id);
                            ps.setString(2, "prepared");
                            ps.executeUpdate();
                        }
                    }
                    st.executeUpdate("INSERT INTO events (id, note) SELECT 10, 'selected'");
                }
                List<String> computed = fx.query(
                        false,
                        "SELECT id, created, CAST(created AS date), CAST(created AS " + text
                                + ") FROM events ORDER BY id");
                assertThat(computed).as(as).hasSize(6).noneMatch(r -> r.contains("null"));
                assertThat(fx.query(true, "SELECT id, created, created_day, created_text FROM events_v2 ORDER BY id"))
                        .as(as + ": the derived columns as the backfill computes them from the old rows")
                        .isEqualTo(computed);
                assertThat(fx.divergenceRecords()).as(as).isEmpty();
            }
        }
    }

    /**
     * A column whose type is a domain with a default (PostgreSQL, H2) takes the domain's default,
     * which the column's metadata does not report: an INSERT that leaves it out, where the new
     * column has none (or another), is recorded as for a differing column default; with the same
     * domain on both sides it is mirrored. Before: mirrored, the old side storing the domain's
     * default and the new side NULL, nothing recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "H2,false"})
    void insertLeavingADomainsDefault_recordedWhereTheNewColumnDiffers(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld(
                "CREATE DOMAIN tier_level AS INT DEFAULT 7",
                "CREATE DOMAIN status_text AS VARCHAR(20) DEFAULT 'active'",
                "ALTER TABLE customers ADD COLUMN status status_text",
                "ALTER TABLE customers ADD COLUMN tier tier_level");
        if (separate) {
            fx.rawNew("CREATE DOMAIN tier_level AS INT DEFAULT 7");
        }
        fx.rawNew(
                "ALTER TABLE clients ADD COLUMN status VARCHAR(20)", "ALTER TABLE clients ADD COLUMN tier tier_level");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'left to the defaults')");
            st.executeUpdate("INSERT INTO customers (id, name, status) VALUES (2, 'status written', 'gold')");
        }
        assertThat(statuses(fx, fx.oldUrl, "customers")).containsExactly("1|active|7", "2|gold|7");
        assertThat(statuses(fx, fx.newUrl, "clients"))
                .as("mirrored where the status was written; the tier's domain is shared")
                .containsExactly("2|gold|7");
        assertThat(fx.divergenceRecords()).containsExactly("[\"1\"]|nondeterministic_default_column");
    }

    /**
     * One constant default on two columns whose types round a value apart ({@code numeric(10,2)}
     * beside {@code numeric(12,4)}) is stored as one value where both keep it ({@code 1.5}) and
     * as two where they do not ({@code 1.23456}: 1.23 and 1.2346): an INSERT that leaves the second
     * out runs on the primary only and is recorded, as for a differing default. Before: mirrored,
     * each side rounding the default its own way, nothing recorded (PostgreSQL and H2 report the
     * default as written; MariaDB rounds it into each column's type when the table is made, so its
     * two defaults differ).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void insertLeavingADefaultTheTypesRoundApart_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            fx.rawOld(
                    "ALTER TABLE customers ADD COLUMN amount NUMERIC(10,2) DEFAULT 1.5",
                    "ALTER TABLE customers ADD COLUMN rate NUMERIC(10,2) DEFAULT 1.23456");
            fx.rawNew(
                    "ALTER TABLE clients ADD COLUMN amount NUMERIC(12,4) DEFAULT 1.5",
                    "ALTER TABLE clients ADD COLUMN rate NUMERIC(12,4) DEFAULT 1.23456");
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'left to the defaults')");
                st.executeUpdate("INSERT INTO customers (id, name, rate) VALUES (2, 'rate written', 2.5)");
            }
            String as = kind + " " + phase + (separate ? " separate" : "");
            String primary = phase.equals("new-primary") ? fx.newUrl : fx.oldUrl;
            String mirror = phase.equals("new-primary") ? fx.oldUrl : fx.newUrl;
            assertThat(amounts(fx, primary, phase.equals("new-primary") ? "clients" : "customers"))
                    .as(as)
                    .hasSize(2);
            assertThat(amounts(fx, mirror, phase.equals("new-primary") ? "customers" : "clients"))
                    .as(as + ": mirrored where the default both keep alike is left out")
                    .containsExactly("2|1.5|2.5");
            assertThat(fx.divergenceRecords()).as(as).containsExactly("[\"1\"]|nondeterministic_default_column");
        }
    }

    private static List<String> amounts(MigrationFixture fx, String url, String table) throws SQLException {
        return rows(
                fx,
                url,
                "SELECT id, amount, rate FROM " + table + " ORDER BY id",
                rs -> rs.getInt(1) + "|"
                        + rs.getBigDecimal(2).stripTrailingZeros().toPlainString() + "|"
                        + rs.getBigDecimal(3).stripTrailingZeros().toPlainString());
    }

    /** One result row as text. */
    @FunctionalInterface
    private interface RowText {
        String of(ResultSet rs) throws SQLException;
    }

    /** The rows {@code query} reads on {@code url}, each as {@code text} shows it. */
    private static List<String> rows(MigrationFixture fx, String url, String query, RowText text) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = fx.server.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                rows.add(text.of(rs));
            }
        }
        return rows;
    }

    /**
     * A column that is not the key but an identity (PostgreSQL, H2: {@code GENERATED … AS
     * IDENTITY}, which JDBC reports with no default) numbers each side's rows on its own: an
     * INSERT that leaves it out runs on the primary alone and is recorded, on one side or both.
     * Before: mirrored, the old side numbering the row and the new side leaving it NULL.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "H2,false"})
    void insertLeavingANonKeyIdentityColumn_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        for (boolean both : new boolean[] {false, true}) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
            fx.rawOld("ALTER TABLE customers ADD COLUMN ticket INT GENERATED BY DEFAULT AS IDENTITY");
            fx.rawNew("ALTER TABLE clients ADD COLUMN ticket INT" + (both ? " GENERATED BY DEFAULT AS IDENTITY" : ""));
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'numbered by the database')");
                st.executeUpdate("INSERT INTO customers (id, name, ticket) VALUES (2, 'numbered', 70)");
            }
            assertThat(fx.newRows())
                    .as(kind + " identity on both: " + both)
                    .containsExactly("2|numbered|numbered|null");
            assertThat(fx.divergenceRecords()).containsExactly("[\"1\"]|nondeterministic_default_column");
        }
    }

    /**
     * Keys numbered GENERATED ALWAYS on both sides (PostgreSQL, H2), which take a written value only
     * with OVERRIDING SYSTEM VALUE: the side that mirrors writes the primary's keys all the same, in
     * dual-write (the new side) and in new-primary (the old side), and an application's own OVERRIDING
     * SYSTEM VALUE stays once. Before: every mirrored insert failed and was recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "H2,false", "H2,true"})
    void keysGeneratedAlways_mirroredAsThePrimaryNumberedThem(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            fx.rawOld("ALTER TABLE customers ALTER COLUMN id SET GENERATED ALWAYS");
            fx.rawNew("ALTER TABLE clients ALTER COLUMN id SET GENERATED ALWAYS");
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO customers (name) VALUES ('one')");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name, email) VALUES (?, ?)")) {
                    for (String name : List.of("two", "three")) {
                        ps.setString(1, name);
                        ps.setString(2, name + "@x");
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                st.executeUpdate("INSERT INTO customers (id, name) OVERRIDING SYSTEM VALUE VALUES (5, 'five')");
            }
            assertThat(MigrationFixture.ids(fx.oldRows())).as(phase).containsExactly(5, 1000, 1001, 1002);
            fx.assertSidesEqual();
            assertThat(fx.divergenceRecords()).as(phase).isEmpty();
        }
    }

    /**
     * Rows copied into a table whose columns change type (text to {@code uuid}, {@code jsonb},
     * {@code integer}, {@code numeric}), their key left to the database: the read-back gives the
     * primary's stored values, each side stores them by its own type, and the sides hold the same
     * rows, in dual-write (old values cast for the new side) and new-primary (new values read back as
     * the old types). A column whose two types may store a value apart (text and {@code
     * numeric(10,2)}) has its rows recorded too, as for any value the statement computes.
     */
    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary", "true, new-primary"})
    void insertSelectFromIntoRetypedColumns_mirrored(boolean separate, String phase) throws Exception {
        String identity = "INT GENERATED BY DEFAULT AS IDENTITY (START WITH 700) PRIMARY KEY";
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.postgres(),
                separate,
                """
                  items:
                    to: items_v2
                    key: [id]
                """,
                "phase: " + phase + "\n");
        fx.rawOld("CREATE TABLE items (id " + identity + ", ref TEXT, doc TEXT, qty VARCHAR(10), amount TEXT)");
        fx.rawNew(
                "CREATE TABLE items_v2 (id " + identity + ", ref UUID, doc JSONB, qty INTEGER, amount NUMERIC(10,2))");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO items (ref, doc, qty, amount) VALUES"
                    + " ('1b4e28ba-2fa1-11d2-883f-0016d3cca427', '{\"a\": 1}', '7', '2.50')");
            assertThat(st.executeUpdate(
                            "INSERT INTO items (ref, doc, qty, amount) SELECT ref, doc, qty, amount FROM items"))
                    .isEqualTo(1);
        }
        String read = "SELECT id, ref::text, doc::jsonb::text, qty::int, amount::numeric(10,2) FROM %s ORDER BY id";
        assertThat(fx.query(false, read.formatted("items")))
                .containsExactly(
                        "700|1b4e28ba-2fa1-11d2-883f-0016d3cca427|{\"a\": 1}|7|2.50",
                        "701|1b4e28ba-2fa1-11d2-883f-0016d3cca427|{\"a\": 1}|7|2.50");
        assertThat(fx.query(true, read.formatted("items_v2"))).isEqualTo(fx.query(false, read.formatted("items")));
        assertThat(fx.divergenceRecords()).as(phase).containsExactly("[\"701\"]|mirror_value_adjusted");
    }

    /**
     * A key column renamed in the new table, which does not list it first ({@code ledger(version,
     * entry_id, label)}): where the new side generates the key (new-primary), PostgreSQL returns the
     * whole row, and the key is the column of its new name, not the first. Before: the old side got
     * the row under the first column's value (the version, 7) — a fork no record named.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void renamedGeneratedKey_readByItsNewName(TestDatabase.Kind kind, boolean separate) throws Exception {
        String identity = kind == TestDatabase.Kind.MARIADB
                ? "INT AUTO_INCREMENT PRIMARY KEY"
                : "INT GENERATED BY DEFAULT AS IDENTITY (START WITH 500) PRIMARY KEY";
        String options = kind == TestDatabase.Kind.MARIADB ? " AUTO_INCREMENT = 500" : "";
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind),
                separate,
                """
                  entries:
                    to: ledger
                    key: [id]
                    columns:
                      id: entry_id
                """,
                "phase: new-primary\n");
        fx.rawOld("CREATE TABLE entries (id " + identity + ", label VARCHAR(20))" + options);
        fx.rawNew(
                "CREATE TABLE ledger (version INT DEFAULT 7, entry_id " + identity + ", label VARCHAR(20))" + options);
        try (Connection c = fx.connect();
                Statement st = c.createStatement();
                PreparedStatement ps = c.prepareStatement("INSERT INTO entries (label) VALUES (?)")) {
            st.executeUpdate("INSERT INTO entries (label) VALUES ('first')");
            ps.setString(1, "second");
            ps.executeUpdate();
        }
        assertThat(fx.query(false, "SELECT id, label FROM entries ORDER BY id"))
                .containsExactly("500|first", "501|second");
        assertThat(fx.query(true, "SELECT entry_id, label FROM ledger ORDER BY entry_id"))
                .containsExactly("500|first", "501|second");
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /**
     * A PostgreSQL user that may insert into a table but not read it (an insert-only audit table):
     * PostgreSQL returns generated keys only through {@code RETURNING}, which needs the read. The
     * driver asks for none there: the insert runs as it would without SchemaShift, and its mirror,
     * which needs the keys, is recorded (the whole table, keys unknown). An insert that writes its key
     * is mirrored as ever. Before: every insert that left its key to the database failed ("permission
     * denied for table customers").
     */
    @ParameterizedTest
    @CsvSource({"false,dual-write", "true,dual-write", "false,new-primary"})
    void insertByAUserThatMayNotReadTheTable_runsAndIsRecorded(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, "phase: " + phase + "\n");
        String role = "ss_inserter_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        fx.rawOld(
                "CREATE ROLE " + role + " LOGIN PASSWORD 'inserter'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role,
                "REVOKE SELECT ON " + (phase.equals("dual-write") ? "customers" : "clients") + " FROM " + role);
        try {
            try (Connection c = fx.connectAs(role, "inserter");
                    Statement st = c.createStatement();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name, email) VALUES (?, ?)")) {
                assertThat(st.executeUpdate("INSERT INTO customers (name, email) VALUES ('Ann', 'a@x')"))
                        .isEqualTo(1);
                ps.setString(1, "Bob");
                ps.setString(2, "b@x");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                assertThat(st.executeUpdate("INSERT INTO customers (id, name) VALUES (5, 'Keyed')"))
                        .isEqualTo(1);
            }
            assertThat(fx.divergenceRecords()).as(phase).containsOnly("null|keys_unknown");
            assertThat(fx.oldRows()).contains("5|Keyed|keyed|null");
            assertThat(fx.newRows()).contains("5|Keyed|keyed|null");
        } finally {
            fx.runtime().close();
            fx.rawOld("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    /**
     * Rows an application copies with {@code INSERT … SELECT … FROM}, their key left to the database
     * (a clone of an order's lines, an archive): which rows the select finds, and so which key goes
     * with which values, only the primary can tell. The rows are read back there by the keys it
     * returned and mirrored with them, in dual-write and new-primary, plain or prepared, in
     * auto-commit and in a transaction, selecting rows of the mapped table itself, through a set
     * operation too, and in a batch (its entries' rows read back together; on MariaDB, whose entries
     * each return one key, the table recorded whole). A row the primary cannot give back
     * (new-primary: a column the new table dropped) is recorded by its key. Before:
     * refused, recorded whole, and failed from new-primary on.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void insertSelectFromLeavingTheKey_mirroredWithThePrimarysKeys(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        String copy =
                "INSERT INTO customers (email, name) SELECT ?, UPPER(name) FROM customers WHERE id < ? ORDER BY id";
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            long firstKey;
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO customers (name, email) VALUES ('Ann', 'a@x'), ('Bob', 'b@x')");
                assertThat(st.executeUpdate("INSERT INTO customers (name, email) SELECT CONCAT(name, ' copy'), email"
                                + " FROM customers WHERE email LIKE '%@x' ORDER BY id"))
                        .isEqualTo(2);
                assertThat(
                                st.executeUpdate(
                                        "INSERT INTO customers (name, email) SELECT name, email FROM customers WHERE name = 'nobody'"))
                        .isZero();
                try (PreparedStatement ps = c.prepareStatement(copy, Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, "p@x");
                    ps.setInt(2, 1002);
                    assertThat(ps.executeUpdate()).isEqualTo(2);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        firstKey = keys.getLong(1);
                    }
                }
                c.setAutoCommit(false);
                st.executeUpdate(
                        "INSERT INTO customers (name) SELECT CONCAT('tx ', name) FROM customers WHERE id = 1000");
                c.commit();
                assertThat(st.executeUpdate("INSERT INTO customers (name, email) SELECT name, email FROM customers"
                                + " WHERE email = 'b@x' AND name = 'Bob' UNION ALL SELECT 'Uma', 'u@x'"))
                        .as("a set operation")
                        .isEqualTo(2);
                c.commit();
            }
            // MariaDB numbers an INSERT … SELECT's rows in blocks (1, 2, 4…) and drops the rest: ids have gaps
            assertThat(fx.oldRows().stream().map(r -> r.substring(r.indexOf('|') + 1)))
                    .as(phase)
                    .containsExactly(
                            "Ann|ann|a@x",
                            "Bob|bob|b@x",
                            "Ann copy|ann copy|a@x",
                            "Bob copy|bob copy|b@x",
                            "ANN|ann|p@x",
                            "BOB|bob|p@x",
                            "tx Ann|tx ann|null",
                            "Bob|bob|b@x",
                            "Uma|uma|u@x");
            assertThat(fx.oldRows()).as("the application's first key").contains(firstKey + "|ANN|ann|p@x");
            fx.assertSidesEqual();
            assertThat(fx.divergenceRecords()).as(phase).isEmpty();

            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate(
                        "INSERT INTO customers (name, legacy_flag) SELECT name, 1 FROM customers WHERE id = 1000");
            }
            if (phase.equals("dual-write")) {
                assertThat(fx.divergenceRecords())
                        .as(phase + ": a dropped column copied")
                        .isEmpty();
                fx.assertSidesEqual();
            } else {
                String last = fx.newRows().get(fx.newRows().size() - 1);
                assertThat(last).as("the new side holds the row").endsWith("|Ann|ann|null");
                assertThat(fx.divergenceRecords())
                        .as(phase + ": the new side gives no dropped column back")
                        .containsExactly(
                                "[\"" + last.substring(0, last.indexOf('|')) + "\"]|refused_dropped_column_read");
            }
            List<String> before = fx.divergenceRecords();
            try (Connection c = fx.connect();
                    PreparedStatement ps = c.prepareStatement(copy)) {
                for (int below : List.of(1001, 1002)) {
                    ps.setString(1, "batch@x");
                    ps.setInt(2, below);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String batched = "SELECT count(*) FROM %s WHERE email = 'batch@x'";
            boolean newPrimary = phase.equals("new-primary");
            assertThat(fx.query(newPrimary, batched.formatted(newPrimary ? "clients" : "customers")))
                    .as(phase + ": the primary's rows")
                    .containsExactly("3");
            if (kind == TestDatabase.Kind.MARIADB) {
                assertThat(fx.divergenceRecords())
                        .as(phase + ": a batch's entries each return one key")
                        .contains("null|keys_unknown");
            } else {
                assertThat(fx.query(!newPrimary, batched.formatted(newPrimary ? "customers" : "clients")))
                        .as(phase + ": a batch's rows, read back together")
                        .containsExactly("3");
                assertThat(fx.divergenceRecords()).as(phase).isEqualTo(before);
            }
        }
    }

    /**
     * Seed data an application inserts at every start, its key left to the database ({@code INSERT …
     * SELECT <values> WHERE NOT EXISTS (…)}, Spring PetClinic's data.sql on PostgreSQL): the row is
     * mirrored with the primary's key when the primary inserted it, and nothing when it did not, in
     * dual-write and new-primary. A batch whose entries did not all insert their row cannot pair keys
     * with entries: its whole table is recorded. Before: refused, recorded whole, and failed from
     * new-primary on.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void seedInsertSelectingOneRow_mirroredWithThePrimarysKey(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        String seed = "INSERT INTO customers (name, email) SELECT 'George', 'g@x'"
                + " WHERE NOT EXISTS (SELECT * FROM customers WHERE name = 'George')";
        String bound = "INSERT INTO customers (name, email) SELECT ?, ? AS e"
                + " WHERE NOT EXISTS (SELECT * FROM customers WHERE name = ?)";
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            try (Connection c = fx.connect();
                    Statement st = c.createStatement();
                    PreparedStatement ps = c.prepareStatement(bound)) {
                assertThat(st.executeUpdate(seed)).isEqualTo(1);
                assertThat(st.executeUpdate(seed)).as("the next start").isZero();
                for (String name : List.of("Betty", "Carol")) {
                    ps.setString(1, name);
                    ps.setString(2, name.charAt(0) + "@x");
                    ps.setString(3, name);
                    ps.addBatch();
                }
                ps.executeBatch();
                for (String name : List.of("George", "Carol")) { // there already: the batch inserts nothing
                    ps.setString(1, name);
                    ps.setString(2, "again@x");
                    ps.setString(3, name);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            assertThat(fx.oldRows())
                    .as(phase)
                    .containsExactly("1000|George|george|g@x", "1001|Betty|betty|B@x", "1002|Carol|carol|C@x");
            fx.assertSidesEqual();
            assertThat(fx.divergenceRecords()).as(phase).isEmpty();

            for (List<String> names : List.of(List.of("Betty", "Dora"), List.of("Erin", "Erin"))) {
                try (Connection c = fx.connect();
                        PreparedStatement ps = c.prepareStatement(bound)) {
                    for (String name : names) {
                        ps.setString(1, name);
                        ps.setString(2, name.charAt(0) + "@x");
                        ps.setString(3, name);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            assertThat(fx.divergenceRecords())
                    .as(phase + ": an entry of each batch inserted nothing (the first, the last)")
                    .isNotEmpty()
                    .containsOnly("null|keys_unknown");
        }
    }

    /**
     * A column both tables default to the current time ({@code created_at DEFAULT
     * CURRENT_TIMESTAMP}), which an INSERT leaves out: each side would read its own clock when its
     * statement runs (another database's, or a moment later), and store another instant. Both
     * sides get one timestamp, captured once per execution, as for a {@code now()} the statement
     * writes itself.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void insertLeavingACurrentTimeDefault_storesOneInstantOnBothSides(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        String column = maria
                ? "created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)"
                : "created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP";
        String day = "on_day DATE DEFAULT " + (maria ? "(CURRENT_DATE)" : "CURRENT_DATE");
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            fx.rawOld("ALTER TABLE customers ADD COLUMN " + column, "ALTER TABLE customers ADD COLUMN " + day);
            fx.rawNew("ALTER TABLE clients ADD COLUMN " + column, "ALTER TABLE clients ADD COLUMN " + day);
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'stamped by the default')");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
                    for (int id = 2; id <= 4; id++) {
                        ps.setInt(1, id);
                        ps.setString(2, "prepared " + id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                st.executeUpdate("INSERT INTO customers (id, name, created) VALUES (5, 'written DEFAULT', DEFAULT)");
            }
            List<String> old = createdAt(fx, fx.oldUrl, "customers");
            assertThat(old).as(kind + " " + phase).hasSize(5).noneMatch(r -> r.contains("|null"));
            assertThat(createdAt(fx, fx.newUrl, "clients"))
                    .as(kind + " " + phase + (separate ? " separate" : ""))
                    .isEqualTo(old);
            assertThat(fx.divergenceRecords()).isEmpty();
        }
    }

    /**
     * H2's {@code MERGE … KEY} that leaves out a column both tables default to the current time
     * updates a row of its key without touching that column: the row keeps its time on both sides.
     * A row it inserts would take each side's own clock, and the driver cannot tell before it runs
     * which it does: it runs on the primary alone and its key is recorded. Before: the column was
     * added to the primary's MERGE with a captured instant, as for an INSERT, so every matched row's
     * time was overwritten, on both sides.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void h2MergeLeavingACurrentTimeDefaultOut_keepsAMatchedRowsTime(boolean separate) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = phase + (separate ? " separate" : "");
            try (MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.of(TestDatabase.Kind.H2), separate, "phase: " + phase + "\n")) {
                String column = "created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP";
                String day = "on_day DATE DEFAULT CURRENT_DATE";
                fx.rawOld("ALTER TABLE customers ADD COLUMN " + column, "ALTER TABLE customers ADD COLUMN " + day);
                fx.rawNew("ALTER TABLE clients ADD COLUMN " + column, "ALTER TABLE clients ADD COLUMN " + day);
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, name, created, on_day)"
                            + " VALUES (1, 'a', TIMESTAMP '2020-01-02 03:04:05', DATE '2020-01-02')");
                    st.executeUpdate("MERGE INTO customers (id, name) KEY (id) VALUES (1, 'renamed')");
                    try (PreparedStatement ps = c.prepareStatement("MERGE INTO customers (id, name) VALUES (?, ?)")) {
                        ps.setInt(1, 1);
                        ps.setString(2, "renamed again");
                        ps.executeUpdate();
                        ps.setInt(1, 2);
                        ps.setString(2, "inserted");
                        ps.executeUpdate();
                    }
                }
                List<String> old = createdAt(fx, fx.oldUrl, "customers");
                assertThat(old).as(as).hasSize(phase.equals("dual-write") ? 2 : 1);
                assertThat(createdAt(fx, fx.newUrl, "clients"))
                        .as(as)
                        .hasSize(phase.equals("dual-write") ? 1 : 2)
                        .contains("1|2020-01-02 03:04:05.0|2020-01-02");
                assertThat(old).as(as).contains("1|2020-01-02 03:04:05.0|2020-01-02");
                assertThat(fx.divergenceRecords())
                        .as(as + ": run on the primary alone, as any write that leaves a side its own default")
                        .containsOnly(
                                "[\"1\"]|nondeterministic_default_column", "[\"2\"]|nondeterministic_default_column");
                assertThat(fx.divergedKeys()).as(as).containsAll(fx.differingIds());
            }
        }
    }

    /**
     * The current time in another spelling or precision on the new column ({@code now()} or {@code
     * LOCALTIMESTAMP} against {@code CURRENT_TIMESTAMP}; MariaDB's {@code DATETIME} against {@code
     * DATETIME(6)}) is the same instant: an INSERT that leaves it out is mirrored with one captured
     * instant — not run on the primary alone as a differing default would be — captured in the
     * fractional seconds both types keep (whole seconds beside a {@code DATETIME}), so that both
     * sides store it alike and nothing is recorded. Before: each such INSERT of MariaDB's pair
     * recorded, whole seconds on one side and microseconds on the other.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void insertLeavingACurrentTimeDefaultSpelledOtherwise_mirrored(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        String oldColumn =
                maria ? "created DATETIME DEFAULT CURRENT_TIMESTAMP" : "created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP";
        String newColumn = maria
                ? "created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)"
                : "created TIMESTAMP(6) DEFAULT " + (kind == TestDatabase.Kind.H2 ? "LOCALTIMESTAMP" : "now()");
        String day = "on_day DATE DEFAULT " + (maria ? "(CURRENT_DATE)" : "CURRENT_DATE");
        for (String phase : List.of("dual-write", "new-primary")) {
            String as = kind + " " + phase + (separate ? " separate" : "");
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            fx.rawOld("ALTER TABLE customers ADD COLUMN " + oldColumn, "ALTER TABLE customers ADD COLUMN " + day);
            fx.rawNew("ALTER TABLE clients ADD COLUMN " + newColumn, "ALTER TABLE clients ADD COLUMN " + day);
            try (Connection c = fx.connect();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
                for (int id = 1; id <= 3; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "stamped " + id);
                    ps.executeUpdate();
                }
            }
            fx.assertSidesEqual();
            List<String> old = createdAt(fx, fx.oldUrl, "customers");
            assertThat(old).as(as).hasSize(3).noneMatch(r -> r.contains("|null"));
            assertThat(createdAt(fx, fx.newUrl, "clients"))
                    .as(as + (maria ? ": whole seconds on both sides, as the DATETIME keeps" : ""))
                    .isEqualTo(old);
            assertThat(fx.divergenceRecords()).as(as).isEmpty();
        }
    }

    /**
     * PostgreSQL, new tables in the application's database: both statements of a write run in the
     * application's transaction, so a call of its time ({@code now()}, {@code CURRENT_TIMESTAMP},
     * {@code CURRENT_DATE}, a column's default of one) reads the same on both sides and is left as
     * written: every row the transaction writes holds the transaction's time, by the database's
     * clock, as it would without SchemaShift. Before: each execution bound an instant the JVM
     * captured when it ran, so rows of one transaction held different times, none of them its {@code
     * now()}. A call whose time moves within the transaction ({@code clock_timestamp()}) still gets
     * one captured instant on both sides.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dual-write", "new-primary"})
    void postgresqlOneDatabase_writesKeepTheTransactionsTime(String phase) throws Exception {
        try (MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.POSTGRESQL), false, "phase: " + phase + "\n")) {
            java.util.function.Function<String, String[]> columns = table -> new String[] {
                "ALTER TABLE " + table + " ADD COLUMN created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP",
                "ALTER TABLE " + table + " ADD COLUMN on_day DATE DEFAULT CURRENT_DATE",
                "ALTER TABLE " + table + " ADD COLUMN moved TIMESTAMPTZ"
            };
            fx.rawOld(columns.apply("customers"));
            fx.rawNew(columns.apply("clients"));
            String transactionTime;
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                try (ResultSet rs = st.executeQuery("SELECT CAST(now() AS TIMESTAMP(6)), CURRENT_DATE")) {
                    rs.next();
                    transactionTime = rs.getTimestamp(1) + "|" + rs.getDate(2);
                }
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'the default')");
                st.executeUpdate(
                        "INSERT INTO customers (id, name, created, on_day) VALUES (2, 'written', now(), DEFAULT)");
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO customers (id, name, created) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                    ps.setInt(1, 3);
                    ps.setString(2, "prepared");
                    ps.executeUpdate();
                }
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (4, 'updated later')");
                st.executeUpdate("UPDATE customers SET created = LOCALTIMESTAMP, on_day = current_date,"
                        + " moved = clock_timestamp() WHERE id = 4");
                c.commit();
            }
            List<String> old = createdAt(fx, fx.oldUrl, "customers");
            assertThat(old)
                    .as(phase + ": every row the transaction wrote holds its time")
                    .containsExactly(
                            "1|" + transactionTime,
                            "2|" + transactionTime,
                            "3|" + transactionTime,
                            "4|" + transactionTime);
            assertThat(createdAt(fx, fx.newUrl, "clients")).as(phase).isEqualTo(old);
            assertThat(rows(fx, fx.oldUrl, "SELECT moved FROM customers WHERE id = 4", rs -> rs.getString(1)))
                    .as(phase + ": clock_timestamp() captured for both sides")
                    .isEqualTo(rows(fx, fx.newUrl, "SELECT moved FROM clients WHERE id = 4", rs -> rs.getString(1)))
                    .doesNotContainNull();
            fx.assertSidesEqual();
            assertThat(fx.divergenceRecords()).as(phase).isEmpty();
        }
    }

    private static List<String> createdAt(MigrationFixture fx, String url, String table) throws SQLException {
        return rows(
                fx,
                url,
                "SELECT id, created, on_day FROM " + table + " ORDER BY id",
                rs -> rs.getInt(1) + "|" + rs.getTimestamp(2) + "|" + rs.getDate(3));
    }

    private static List<String> statuses(MigrationFixture fx, String url, String table) throws SQLException {
        return rows(
                fx,
                url,
                "SELECT id, status, tier FROM " + table + " ORDER BY id",
                rs -> rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
    }

    /**
     * DDL that changes a mapped old table's rows or columns forks the sides as a write does: while
     * the old side is the primary it runs there and the table is recorded; in {@code new-primary},
     * where the old table is the mirror a rollback returns to, it fails before it runs; in {@code
     * new-only} (the contract step) it runs, recorded. DDL that keeps every value (an index, a new column)
     * runs unrecorded. Before: every DDL ran on the old side alone, unrecorded, and a dropped and
     * re-added column left the old side's emails empty with nothing in the divergence log.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void ddlThatChangesAMappedTable_isRecordedOrRefused(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture dual = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        try (Connection c = dual.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'One', 'a@x'), (2, 'Two', 'b@x'),"
                    + " (3, 'Three', 'c@x')");
            st.execute("CREATE INDEX customers_by_name ON customers (name)");
            st.execute("ALTER TABLE customers DROP COLUMN email");
            st.execute("ALTER TABLE customers ADD COLUMN email VARCHAR(100)");
            st.executeUpdate("UPDATE customers SET email = 'again@x' WHERE id = 1"); // mirrored as before
            assertThat(dual.differingIds()).as("the emails the old side lost").containsExactly(2, 3);
            assertThat(dual.divergenceRecords())
                    .as("the drop, recorded for the whole table; not the index, not the new column")
                    .containsExactly("null|refused_schema_change");
            // prepared, in a transaction (MariaDB and H2 commit it first), and in a batch
            c.setAutoCommit(false);
            try (PreparedStatement drop = c.prepareStatement("ALTER TABLE customers DROP COLUMN email");
                    PreparedStatement add = c.prepareStatement("ALTER TABLE customers ADD COLUMN email VARCHAR(100)")) {
                drop.execute();
                add.execute();
            }
            c.commit();
            c.setAutoCommit(true);
            st.executeUpdate("UPDATE customers SET email = 'batched@x' WHERE id = 2");
            st.addBatch("ALTER TABLE customers DROP COLUMN email");
            st.addBatch("ALTER TABLE customers ADD COLUMN email VARCHAR(100)");
            st.executeBatch();
        }
        assertThat(dual.differingIds()).as("every email the old side lost").containsExactly(1, 2, 3);
        assertThat(dual.divergenceRecords()).containsOnly("null|refused_schema_change");
        assertThat(dual.count("schemashift.divergences", "reason", "refused_schema_change"))
                .as("each drop recorded")
                .isEqualTo(3);

        MigrationFixture newPrimary = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: new-primary\n");
        try (Connection c = newPrimary.connect();
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("ALTER TABLE customers DROP COLUMN email"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"))
                    .hasMessageContaining("changes the rows or columns of [customers]")
                    .hasMessageContaining("new-primary");
            st.execute("CREATE INDEX customers_by_name ON customers (name)");
        }
        newPrimary.rawOld("SELECT email FROM customers"); // the column is still there
        assertThat(newPrimary.divergenceRecords()).isEmpty();

        MigrationFixture newOnly = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: new-only\n");
        try (Connection c = newOnly.connect();
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE customers DROP COLUMN legacy_flag"); // the contract
        }
        assertThatThrownBy(() -> newOnly.rawOld("SELECT legacy_flag FROM customers"))
                .isInstanceOf(SQLException.class);
        assertThat(newOnly.divergenceRecords())
                .as("recorded, as every change the old side gets in new-only")
                .containsExactly("null|refused_schema_change");
    }

    /**
     * The session settings that change what a statement's values mean (the time zone of a timestamp
     * literal and of {@code NOW()}, PostgreSQL's date style, MariaDB's SQL mode and foreign key
     * checks, off for a bulk load) are the application connection's on a separate new side too:
     * its pooled connections had their own, so the same text stored other instants there, with no
     * error and nothing recorded. A connection that set nothing gets the defaults back; a
     * PostgreSQL {@code SET} rolled back is undone on both. A MariaDB variable {@code @v} is not carried: a write reading one is
     * recorded, not mirrored with the new connection's {@code NULL}. H2: its time zone (before, not
     * carried either).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void sessionSettings_holdOnTheNewSideToo(TestDatabase.Kind kind, boolean separate) throws Exception {
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        boolean maria = kind == TestDatabase.Kind.MARIADB;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        String zoned = pg ? "TIMESTAMPTZ" : maria ? "TIMESTAMP NULL" : "TIMESTAMP WITH TIME ZONE";
        fx.rawOld("ALTER TABLE customers ADD COLUMN at " + zoned);
        fx.rawNew("ALTER TABLE clients ADD COLUMN at " + zoned);
        if (maria) {
            fx.rawOld("ALTER TABLE customers ADD COLUMN ref INT");
            fx.rawNew("ALTER TABLE clients ADD COLUMN ref INT, ADD CONSTRAINT clients_ref FOREIGN KEY (ref)"
                    + " REFERENCES clients (id)");
        }
        String insert = "INSERT INTO customers (id, name, at) VALUES (?, 'n', ?)";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.execute(maria ? "SET time_zone = '+05:30'" : "SET TIME ZONE 'Asia/Kolkata'");
            st.executeUpdate("INSERT INTO customers (id, name, at) VALUES (1, 'literal', '2026-01-01 10:00:00')");
            st.executeUpdate("INSERT INTO customers (id, name, at) VALUES (2, 'now', NOW())");
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                ps.setInt(1, 3);
                ps.setTimestamp(2, java.sql.Timestamp.valueOf("2026-01-01 10:00:00"));
                ps.executeUpdate();
            }
            if (pg) {
                try (PreparedStatement set = c.prepareStatement("SET datestyle = 'ISO, DMY'")) {
                    set.execute();
                }
                st.executeUpdate("INSERT INTO customers (id, name, at) VALUES (4, 'dmy', '02/01/2026 10:00:00')");
                c.setAutoCommit(false);
                st.execute("SET TIME ZONE 'America/New_York'");
                c.rollback(); // undoes the SET
                c.setAutoCommit(true);
            } else if (maria) {
                st.execute("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
                st.executeUpdate("UPDATE \"customers\" SET \"email\" = 'quoted' WHERE id = 1");
                st.execute("SET time_zone = '-03:00'");
                st.execute("SET foreign_key_checks = 0"); // a bulk load's: the new side's must be off too
                st.executeUpdate("INSERT INTO customers (id, name, ref) VALUES (7, 'orphan', 999)");
                st.execute("SET @tenant = 'acme'");
                st.executeUpdate("UPDATE customers SET name = @tenant WHERE id = 2");
            }
            st.executeUpdate("INSERT INTO customers (id, name, at) VALUES (5, 'later', '2026-01-01 10:00:00')");
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, at) VALUES (6, 'default', '2026-01-01 10:00:00')");
        }
        String epoch = maria ? "UNIX_TIMESTAMP(at)" : "CAST(EXTRACT(EPOCH FROM at) AS BIGINT)";
        List<String> old = instants(fx, fx.oldUrl, "SELECT id, " + epoch + ", email FROM customers ORDER BY id");
        assertThat(instants(fx, fx.newUrl, "SELECT id, " + epoch + ", email FROM clients ORDER BY id"))
                .as("the same instants on both sides")
                .isEqualTo(old)
                .hasSize(pg || maria ? 6 : 5); // 4: PostgreSQL's date style
        assertThat(old.get(0)).as("10:00 at +05:30").startsWith("1|1767241800|");
        assertThat(fx.divergenceRecords())
                .as("a variable's value is the session's own: not mirrored to another database's session")
                .isEqualTo(!maria || !separate ? List.of() : List.of("[\"2\"]|nondeterministic_connection"));
        assertThat(fx.differingIds()).isEqualTo(!maria || !separate ? Set.of() : Set.of(2));
    }

    private static List<String> instants(MigrationFixture fx, String url, String query) throws SQLException {
        return rows(fx, url, query, rs -> rs.getInt(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
    }

    /** The DEFAULT keyword as a value gives each side its column's default, as a column left out would. */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void defaultKeyword_mirroredAsEachSidesDefault(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("ALTER TABLE customers ALTER COLUMN email SET DEFAULT 'none'");
        fx.rawNew("ALTER TABLE clients ALTER COLUMN email SET DEFAULT 'none'");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'One', DEFAULT), (2, 'Two', 'b')");
            st.executeUpdate("UPDATE customers SET email = DEFAULT WHERE id = 2");
            if (kind == TestDatabase.Kind.MARIADB) {
                st.executeUpdate("UPDATE customers SET name = DEFAULT WHERE id = 1");
            }
        }
        assertThat(fx.oldRows())
                .containsExactly(
                        kind == TestDatabase.Kind.MARIADB ? "1|null|null|none" : "1|One|one|none", "2|Two|two|none");
        fx.assertSidesEqual();
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /** A temporary view over a mapped table reaches it as any view (PostgreSQL: MariaDB and H2 have none). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeThroughATemporaryView_isRecorded(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, "phase: dual-write\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (6, 'Six')");
            st.execute("CREATE TEMPORARY VIEW recent_customers AS SELECT * FROM customers");
            assertThat(st.executeUpdate("UPDATE recent_customers SET name = 'Viewed 6' WHERE id = 6"))
                    .isEqualTo(1);
        }
        assertThat(fx.differingIds()).containsExactly(6);
        assertThat(fx.divergenceRecords()).containsExactly("null|refused_indirect");
    }

    @Test
    void now_isOneCapturedValueOnBothSides() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, "phase: dual-write\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'a', CAST(now() AS VARCHAR(100)))");
            st.executeUpdate("UPDATE customers SET email = CAST(CURRENT_TIMESTAMP AS VARCHAR(100)) WHERE id = 1");
        }
        fx.assertSidesEqual();
        assertThat(fx.divergedKeys()).isEmpty();
    }

    @Test
    void randomAndUuid_areNotMirroredButLoggedByKey() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), false, "phase: dual-write\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO customers (id, name) VALUES (7, CAST(random() AS VARCHAR(40)))"))
                    .isEqualTo(1);
            assertThat(st.executeUpdate(
                            "INSERT INTO customers (id, name) VALUES (8, CAST(gen_random_uuid() AS VARCHAR(40)))"))
                    .isEqualTo(1);
        }
        assertThat(fx.oldRows()).hasSize(2);
        assertThat(fx.newRows())
                .as("nothing silently different on the new side")
                .isEmpty();
        assertThat(fx.divergedKeys()).containsExactlyInAnyOrder(7, 8);
        assertThat(fx.divergenceReasons())
                .containsExactlyInAnyOrder("nondeterministic_random", "nondeterministic_uuid");
    }

    /**
     * From {@code new-primary} on with a separate new database, the primary runs on a new-side
     * connection, not the application's: a write whose value the application's own connection gives
     * — what its session holds ({@code @tenant}, {@code current_setting(…)}), a value its previous
     * statement set ({@code LAST_INSERT_ID()}, {@code currval(…)}), who or where it is, a table outside
     * the mapping (in the old database; the new one may hold a stale copy) — would store the new
     * connection's value on the side that holds the truth. Refused before either side changes.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,new-primary", "POSTGRESQL,new-only", "MARIADB,new-primary", "MARIADB,new-only"})
    void valueOfTheApplicationsConnection_withTheNewDatabaseAsPrimary_refused(TestDatabase.Kind kind, String phase)
            throws Exception {
        MigrationFixture fx = withAStaleCopyOfCountries(kind, "phase: " + phase + "\n");
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        fx.rawOld(pg ? "CREATE SEQUENCE tickets" : "CREATE TABLE tickets (id INT AUTO_INCREMENT PRIMARY KEY)");
        List<String> writes = List.of(
                "INSERT INTO customers (id, name) VALUES (1, "
                        + (pg ? "current_setting('app.tenant', true)" : "@tenant") + ")",
                "INSERT INTO customers (id, name) VALUES (2, CAST("
                        + (pg ? "currval('tickets') AS VARCHAR(20)" : "LAST_INSERT_ID() AS CHAR") + "))",
                "INSERT INTO customers (id, name) VALUES (4, " + (pg ? "current_database()" : "database()") + ")",
                "UPDATE customers SET name = (SELECT label FROM countries WHERE code = 'x') WHERE id = 3");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.execute(pg ? "SELECT set_config('app.tenant', 'acme', false)" : "SET @tenant = 'acme'");
            st.execute(pg ? "SELECT nextval('tickets')" : "INSERT INTO tickets VALUES (NULL)");
            for (String write : writes) {
                assertThatThrownBy(() -> st.executeUpdate(write))
                        .as(phase + ": " + write)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("0A000"))
                        .hasMessageContaining("the application's connection");
            }
        }
        assertThat(fx.oldRows()).as(phase).containsExactly("3|c3|c3|null");
        assertThat(fx.newRows()).as(phase).containsExactly("3|c3|c3|null");
        String refusals = "schemashift.rewrite.refusals";
        assertThat(fx.count(refusals, "reason", "nondeterministic_connection")).isEqualTo(2);
        assertThat(fx.count(refusals, "reason", "nondeterministic_session")).isEqualTo(1);
        assertThat(fx.count(refusals, "reason", "nondeterministic_unmapped_read"))
                .isEqualTo(1);
    }

    /**
     * Reads too: where a separate new database would serve a read whose value only the application's
     * connection gives (a table outside the mapping, of which the new database holds at most a stale
     * copy; a variable of the application's session), the old side serves it while it is still
     * written ({@code read-new}, {@code new-primary}); in {@code new-only} it fails with {@code 0A000},
     * and so does a locking read in {@code new-primary}, whose locks belong where the writes go first.
     */
    @ParameterizedTest
    @CsvSource({
        "POSTGRESQL,read-new",
        "POSTGRESQL,new-primary",
        "POSTGRESQL,new-only",
        "MARIADB,read-new",
        "MARIADB,new-primary",
        "MARIADB,new-only"
    })
    void readOfTheApplicationsConnection_notServedByASeparateNewDatabase(TestDatabase.Kind kind, String phase)
            throws Exception {
        MigrationFixture fx =
                withAStaleCopyOfCountries(kind, "phase: " + phase + "\nrouting:\n  readNewPercent: 100\n");
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        Map<String, String> reads = Map.of(
                "SELECT co.label FROM customers c JOIN countries co ON co.code = 'x' WHERE c.id = 3",
                "Xland",
                "SELECT " + (pg ? "current_setting('app.tenant', true)" : "@tenant") + " FROM customers WHERE id = 3",
                "acme");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.execute(pg ? "SELECT set_config('app.tenant', 'acme', false)" : "SET @tenant = 'acme'");
            String locking = "SELECT co.label FROM customers c JOIN countries co ON co.code = 'x' WHERE c.id = 3"
                    + (pg ? " FOR UPDATE OF c" : " FOR UPDATE");
            if (phase.equals("read-new")) { // the old side is the primary: it locks and reads there
                try (ResultSet rs = st.executeQuery(locking)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("Xland");
                }
            } else {
                assertThatThrownBy(() -> st.executeQuery(locking))
                        .as(phase + ": " + locking)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("0A000"));
            }
            for (Map.Entry<String, String> read : reads.entrySet()) {
                if (phase.equals("new-only")) {
                    assertThatThrownBy(() -> st.executeQuery(read.getKey()))
                            .as(read.getKey())
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                    .isEqualTo("0A000"))
                            .hasMessageContaining("the application's connection");
                } else {
                    try (ResultSet rs = st.executeQuery(read.getKey())) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1))
                                .as(phase + ": " + read.getKey())
                                .isEqualTo(read.getValue());
                    }
                }
            }
        }
    }

    /**
     * A read that takes a lock of the application's session (PostgreSQL's advisory locks, MariaDB's
     * named locks) or changes its settings takes it on the application's connection, where its
     * unlock (a statement that names no table) runs, never on a separate new database's pooled
     * connection, where it would stay with the pool: the old side serves it in {@code read-new}
     * and {@code new-primary}.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,read-new", "POSTGRESQL,new-primary", "MARIADB,read-new", "MARIADB,new-primary"})
    void readTakingALockOfTheSession_takesItOnTheApplicationsConnection(TestDatabase.Kind kind, String phase)
            throws Exception {
        MigrationFixture fx =
                withAStaleCopyOfCountries(kind, "phase: " + phase + "\nrouting:\n  readNewPercent: 100\n");
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            String lock = pg
                    ? "SELECT pg_advisory_lock(id) FROM customers WHERE id = 3"
                    : "SELECT GET_LOCK(CONCAT('ss-lock-', id), 0) FROM customers WHERE id = 3";
            try (ResultSet rs = st.executeQuery(lock)) {
                assertThat(rs.next()).isTrue();
            }
            String unlock = pg ? "SELECT pg_advisory_unlock(3)" : "SELECT RELEASE_LOCK('ss-lock-3')";
            try (ResultSet rs = st.executeQuery(unlock)) {
                assertThat(rs.next()).isTrue();
                assertThat(pg ? rs.getBoolean(1) : rs.getInt(1) == 1)
                        .as(phase + ": the lock is the application's session's")
                        .isTrue();
            }
            if (pg) {
                st.executeQuery("SELECT set_config('app.tenant', name, false) FROM customers WHERE id = 3")
                        .close();
                try (ResultSet rs = st.executeQuery("SELECT current_setting('app.tenant', true)")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1))
                            .as(phase + ": the setting is the session's")
                            .isEqualTo("c3");
                }
            }
        }
    }

    /**
     * A locking read the rewriter cannot handle (it reads a column the new schema drops) runs on the
     * old side, as any such read does, except in {@code new-primary} with a separate new database:
     * there the writes go to the new side first and reach the old side only at their mirror, so a
     * lock on an old row would meet them there, in a deadlock across two databases that neither
     * detects. It fails with {@code 0A000} before anything is locked; with one database it still
     * locks on the old side (the database sees the whole cycle), and a plain read is served there.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void unrewritableLockingRead_inNewPrimaryWithASeparateDatabase_refused(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: new-primary\n");
        fx.rawOld("INSERT INTO customers (id, name, legacy_flag) VALUES (3, 'c3', 1)");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (3, 'c3', 'c3')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            String locking = "SELECT legacy_flag FROM customers WHERE id = 3 FOR UPDATE";
            if (separate) {
                assertThatThrownBy(() -> st.executeQuery(locking))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("0A000"))
                        .hasMessageContaining("dropped_column_read")
                        .hasMessageContaining("locks");
            } else {
                try (ResultSet rs = st.executeQuery(locking)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT legacy_flag FROM customers WHERE id = 3")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            c.rollback();
        }
        assertThat(fx.count("schemashift.rewrite.refusals", "reason", "dropped_column_read"))
                .isEqualTo(2);
    }

    /**
     * DDL that copies a mapped table's rows into a new table ({@code CREATE TABLE … AS SELECT},
     * PostgreSQL's {@code SELECT … INTO}) creates it where the application's connection is, from
     * the old table, never as a read served or compared by the new side (which would create the
     * table there, or copy the new table's rows under the old names): up to {@code new-primary}
     * the old table holds every row. In {@code new-only}, where the old table is no longer written,
     * it fails with {@code 0A000} rather than copy stale rows.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,true", "H2,false"})
    void ddlCopyingAMappedTable_createsItFromTheOldTable_failsInNewOnly(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        for (String phase : List.of("shadow-read", "read-new", "new-primary", "new-only")) {
            MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.of(kind),
                    separate,
                    "phase: " + phase + "\nrouting:\n  readNewPercent: 100\n  shadowPercent: 100\n");
            fx.rawOld("INSERT INTO customers (id, name, legacy_flag) VALUES (3, 'c3', 1)");
            fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (3, 'c3', 'c3')");
            List<String> copies = new ArrayList<>(List.of("CREATE TABLE copied_a AS SELECT * FROM customers"));
            if (pg) {
                copies.add("SELECT * INTO copied_b FROM customers");
            }
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                for (String copy : copies) {
                    String table = copy.contains("copied_a") ? "copied_a" : "copied_b";
                    if (phase.equals("new-only")) {
                        assertThatThrownBy(() -> st.execute(copy))
                                .as(copy)
                                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                        .isEqualTo("0A000"))
                                .hasMessageContaining("rows_copied");
                        assertThat(fx.query(false, "SELECT count(*) FROM customers"))
                                .as("nothing created")
                                .containsExactly("1");
                        continue;
                    }
                    st.execute(copy);
                    assertThat(fx.query(false, "SELECT id, name, legacy_flag FROM " + table))
                            .as(phase + ": " + copy + ", on the old side, from the old table")
                            .containsExactly("3|c3|1");
                    if (separate) {
                        assertThatThrownBy(() -> fx.query(true, "SELECT count(*) FROM " + table))
                                .as(phase + ": " + copy + " created nothing in the new database")
                                .isInstanceOf(SQLException.class);
                    }
                }
            }
            if (phase.equals("new-only")) {
                assertThatThrownBy(() -> fx.query(false, "SELECT count(*) FROM copied_a"))
                        .isInstanceOf(SQLException.class);
                assertThat(fx.count("schemashift.rewrite.refusals", "reason", "rows_copied"))
                        .isEqualTo(copies.size());
            }
        }
    }

    /**
     * A separate new database holding row 3 alike on both sides and a table the migration does not
     * map, {@code countries}, whose copy in the new database is stale.
     */
    private static MigrationFixture withAStaleCopyOfCountries(TestDatabase.Kind kind, String yaml) throws SQLException {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), true, yaml);
        String countries = "CREATE TABLE countries (code VARCHAR(2) PRIMARY KEY, label VARCHAR(20))";
        fx.rawOld(countries, "INSERT INTO countries VALUES ('x', 'Xland')");
        fx.rawNew(countries, "INSERT INTO countries VALUES ('x', 'stale copy')");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (3, 'c3')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (3, 'c3', 'c3')");
        return fx;
    }

    /**
     * A call whose value differs between two executions that no list of built-ins names: a
     * function of the application's own (volatile, not deterministic), a built-in outside the list,
     * a value of the session ({@code currval}, {@code LAST_INSERT_ID()}), who the connection is
     * (the same on the application's connection, not on a separate new database's).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void callsThatDifferBetweenSides_areNotMirroredButLoggedByKey(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        // a separate new database as the primary refuses those of the application's connection (the test above)
        for (String phase : separate ? List.of("dual-write") : List.of("dual-write", "new-primary")) {
            callsThatDifferBetweenSides(kind, separate, phase);
        }
    }

    private static void callsThatDifferBetweenSides(TestDatabase.Kind kind, boolean separate, String phase)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        String[] setUp =
                switch (kind) {
                    case POSTGRESQL ->
                        new String[] {
                            "CREATE FUNCTION token_of() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$",
                            "CREATE SEQUENCE tickets"
                        };
                    case MARIADB ->
                        new String[] {
                            "CREATE FUNCTION token_of() RETURNS VARCHAR(40) NOT DETERMINISTIC NO SQL RETURN md5(rand())",
                            "CREATE TABLE tickets (id INT AUTO_INCREMENT PRIMARY KEY)"
                        };
                    case H2 ->
                        new String[] {
                            "CREATE ALIAS token_of AS 'String t() { return java.util.UUID.randomUUID().toString(); }'"
                        };
                };
        fx.rawOld(setUp);
        if (separate) {
            fx.rawNew(setUp); // the function exists on both sides: its two calls still differ
        }
        String who =
                switch (kind) {
                    case POSTGRESQL -> "CAST(pg_backend_pid() AS VARCHAR(20))";
                    case MARIADB -> "CAST(connection_id() AS CHAR)";
                    case H2 -> "CAST(session_id() AS VARCHAR(20))";
                };
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, token_of())");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'b')");
            st.executeUpdate("UPDATE customers SET email = token_of() WHERE id = 2");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (5, " + who + ")");
            if (kind != TestDatabase.Kind.H2) { // the database the connection is on: ss_old_… or ss_new_…
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (6, "
                        + (kind == TestDatabase.Kind.POSTGRESQL ? "current_database()" : "database()") + ")");
            }
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (3, CAST(timeofday() AS VARCHAR(100)))");
                st.execute("SELECT nextval('tickets')");
                st.executeUpdate(
                        "INSERT INTO customers (id, name) VALUES (4, CAST(currval('tickets') AS VARCHAR(20)))");
            } else if (kind == TestDatabase.Kind.MARIADB) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (3, sys_guid())");
                st.executeUpdate("INSERT INTO tickets VALUES (NULL)");
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (4, CAST(LAST_INSERT_ID() AS CHAR))");
            }
        }
        assertThat(fx.divergedKeys())
                .as(phase + ": every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .contains(1, 2);
        assertThat(fx.divergenceReasons()).contains("nondeterministic_volatile");
        if (separate) {
            assertThat(fx.divergedKeys())
                    .as(phase + ": who the connection is differs there")
                    .contains(5);
        } else {
            assertThat(fx.divergedKeys())
                    .as(phase + ": the same connection: mirrored")
                    .doesNotContain(5, 6);
            assertThat(fx.differingIds()).as(phase).doesNotContain(5, 6);
        }
    }

    /**
     * A limit on the rows a statement returns ({@code setMaxRows}: Spring's {@code JdbcTemplate}
     * applies its {@code maxRows} to every statement it makes, jOOQ's {@code maxRows} too) is kept by
     * the statements that run in the application's place, reads and writes, on every database and in
     * each phase that rewrites. Before: on PostgreSQL every such statement on a mapped table failed
     * ({@code setLargeMaxRows}, which pgjdbc does not implement).
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB", "H2"})
    void rowLimitOfAStatement_keptWhereItIsRewritten(TestDatabase.Kind kind) throws Exception {
        for (String phase : List.of("dual-write", "new-primary", "new-only")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: " + phase + "\n");
            try (Connection c = fx.connect();
                    Statement st = c.createStatement();
                    PreparedStatement update = c.prepareStatement("UPDATE customers SET email = ? WHERE id > ?")) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
                st.setMaxRows(2);
                assertThat(st.getMaxRows()).isEqualTo(2);
                List<String> names = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT name FROM customers ORDER BY id")) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                assertThat(names).as(phase).containsExactly("a", "b");
                update.setMaxRows(1);
                update.setString(1, "x@y");
                update.setInt(2, 0);
                assertThat(update.executeUpdate()).as(phase).isEqualTo(3);
            }
            if (!phase.equals("new-only")) {
                fx.assertSidesEqual();
            }
        }
    }

    /**
     * A limit on the bytes of a column's value a statement returns ({@code setMaxFieldSize}; pgjdbc
     * cuts a string to it) and its fetch direction (a scrollable statement's result set takes it)
     * are kept by the statements that run a read in the application's place. Before: a read the new
     * side served returned the whole value, read forward.
     */
    @Test
    void fieldSizeLimitOfAStatement_keptWhereItIsRewritten() throws Exception {
        for (String phase : List.of("dual-write", "new-primary", "new-only")) {
            try (MigrationFixture fx = MigrationFixture.create(
                            TestDatabases.of(TestDatabase.Kind.POSTGRESQL), false, "phase: " + phase + "\n");
                    Connection c = fx.connect();
                    Statement st = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'abcdef')");
                st.setMaxFieldSize(3);
                st.setFetchDirection(ResultSet.FETCH_REVERSE);
                assertThat(st.getMaxFieldSize()).isEqualTo(3);
                try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as(phase).isEqualTo("abc");
                    assertThat(rs.getFetchDirection()).as(phase).isEqualTo(ResultSet.FETCH_REVERSE);
                }
            }
        }
    }

    /**
     * A statement made for a scrollable result set (what a paging UI or a report reads with {@code
     * absolute}, {@code previous}, {@code last}) gets one where its read of a mapped table runs as
     * another statement (rewritten for the new side, or run beside the application's), plain or
     * prepared, on every database and in each phase.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB", "H2"})
    void scrollableResultSet_scrollsWhereTheReadIsRewritten(TestDatabase.Kind kind) throws Exception {
        for (String phase : List.of("dual-write", "new-primary", "new-only")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: " + phase + "\n");
            String read = "SELECT name FROM customers ORDER BY id";
            try (Connection c = fx.connect();
                    Statement st = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
                    PreparedStatement ps =
                            c.prepareStatement(read, ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
                for (ResultSet rs : List.of(st.executeQuery(read), ps.executeQuery())) {
                    try (rs) {
                        assertThat(rs.getType()).as(phase).isEqualTo(ResultSet.TYPE_SCROLL_INSENSITIVE);
                        assertThat(rs.absolute(2)).as(phase).isTrue();
                        assertThat(rs.getString(1)).as(phase).isEqualTo("b");
                        assertThat(rs.previous()).as(phase).isTrue();
                        assertThat(rs.getString(1)).as(phase).isEqualTo("a");
                        assertThat(rs.last()).as(phase).isTrue();
                        assertThat(rs.getRow()).as(phase).isEqualTo(3);
                    }
                }
            }
        }
    }

    /**
     * Date arithmetic with a unit first, as Hibernate 6 writes it on MariaDB ({@code timestampadd},
     * {@code timestampdiff}) and H2 ({@code dateadd}, {@code datediff}): rewritten, a write mirrored,
     * a read served by the new side in {@code new-only}. Before, the unit was looked up as a column:
     * every such statement was refused ({@code unknown_column}), a write recorded for its whole table
     * in {@code dual-write} and failed from {@code new-primary} on, a read failed in {@code new-only}.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"MARIADB", "H2"})
    void dateArithmeticWithAUnit_rewrittenAndMirrored(TestDatabase.Kind kind) throws Exception {
        String days = kind == TestDatabase.Kind.MARIADB
                ? "TIMESTAMPDIFF(DAY, '2020-01-01', TIMESTAMPADD(DAY, id, '2020-01-01'))"
                : "DATEDIFF(DAY, DATE '2020-01-01', DATEADD(DAY, id, DATE '2020-01-01'))";
        for (boolean separate : new boolean[] {false, true}) {
            for (String phase : List.of("dual-write", "new-primary", "new-only")) {
                MigrationFixture fx =
                        MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
                try (Connection c = fx.connect();
                        PreparedStatement write = c.prepareStatement("UPDATE customers SET email = CAST(" + days
                                + " AS " + (kind == TestDatabase.Kind.H2 ? "VARCHAR" : "CHAR") + "(10)) WHERE id = ?");
                        PreparedStatement read =
                                c.prepareStatement("SELECT name, email FROM customers WHERE " + days + " = ?")) {
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b')");
                    }
                    write.setInt(1, 2);
                    assertThat(write.executeUpdate()).as(phase).isEqualTo(1);
                    read.setInt(1, 2);
                    try (ResultSet rs = read.executeQuery()) {
                        assertThat(rs.next()).as(phase).isTrue();
                        assertThat(rs.getString(1) + "|" + rs.getString(2))
                                .as(phase)
                                .isEqualTo("b|2");
                        assertThat(rs.next()).isFalse();
                    }
                }
                assertThat(fx.count("schemashift.rewrite.refusals")).as(phase).isZero();
                if (!phase.equals("new-only")) {
                    fx.assertSidesEqual();
                    assertThat(fx.divergenceRecords()).as(phase).isEmpty();
                }
            }
        }
    }

    /**
     * A statement told to {@code closeOnCompletion} closes when the application closes its result set,
     * wherever the read ran: before, in {@code new-primary} and {@code new-only} (a side statement's
     * result set) the application's statement stayed open, one leaked statement per read. A write
     * leaves it open, as JDBC says.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB", "H2"})
    void closeOnCompletion_closesTheStatementWhereverTheReadRan(TestDatabase.Kind kind) throws Exception {
        for (String phase : List.of("old-only", "dual-write", "new-primary", "new-only")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: " + phase + "\n");
            String read = "SELECT name FROM customers ORDER BY id";
            try (Connection c = fx.connect()) {
                Statement st = c.createStatement();
                PreparedStatement ps = c.prepareStatement(read);
                st.closeOnCompletion();
                ps.closeOnCompletion();
                assertThat(st.isCloseOnCompletion()).isTrue();
                assertThat(st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a')"))
                        .isEqualTo(1);
                assertThat(st.isClosed()).as(phase + ": a write leaves it open").isFalse();
                for (Statement s : List.of(st, ps)) {
                    ResultSet rs = s == st ? st.executeQuery(read) : ps.executeQuery();
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("a");
                    assertThat(s.isClosed())
                            .as(phase + ": open while its rows are read")
                            .isFalse();
                    rs.close();
                    assertThat(s.isClosed())
                            .as(phase + ": closed with its result set")
                            .isTrue();
                }
                try (Statement other = c.createStatement()) {
                    other.executeQuery(read).close();
                    assertThat(other.isClosed())
                            .as(phase + ": without it, open")
                            .isFalse();
                }
            }
        }
    }

    /**
     * A write whose rows a LIMIT picks without an ORDER BY on the key may pick other rows on the
     * other side (here PostgreSQL's heap order differs between the sides): not mirrored, recorded
     * (MariaDB, H2); on PostgreSQL run with {@code RETURNING} of its key appended and mirrored by
     * those keys, nothing recorded. Ordered by the key, it is mirrored and recorded: the first rows
     * each side holds may differ.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB", "H2"})
    void rowsPickedByAnUnorderedLimit_areNotMirroredButLogged(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\n");
        for (int id = 1; id <= 3; id++) {
            fx.rawOld("INSERT INTO customers (id, name) VALUES (" + id + ", 'c" + id + "')");
            int reversed = 4 - id;
            fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (" + reversed + ", 'c" + reversed
                    + "', 'c" + reversed + "')");
        }
        String pick = kind == TestDatabase.Kind.MARIADB
                ? "UPDATE customers SET email = 'picked' WHERE email IS NULL LIMIT 1"
                : "UPDATE customers SET email = 'picked' WHERE id IN (SELECT id FROM customers WHERE email IS NULL LIMIT 1)";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(pick)).isEqualTo(1);
            assertThat(st.executeUpdate(pick.replace("LIMIT 1", "ORDER BY id LIMIT 1")))
                    .isEqualTo(1);
        }
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            assertThat(fx.divergenceRecords())
                    .as("the unordered pick mirrored by the key it returned; the ordered one mirrored and recorded")
                    .containsExactly("null|mirror_picked_by_other_rows");
            assertThat(fx.newRows())
                    .as("both picks mirrored: the sides' first rows without an email are alike after the first")
                    .isEqualTo(fx.oldRows());
        } else {
            assertThat(fx.divergenceRecords())
                    .as("the rows are not named: the whole table; the ordered pick is mirrored and recorded too")
                    .containsExactlyInAnyOrder("null|nondeterministic_row_choice", "null|mirror_picked_by_other_rows");
            assertThat(fx.newRows())
                    .as("the ordered pick mirrored: the first row without an email on each side")
                    .anyMatch(row -> row.endsWith("|picked"));
        }
    }

    /**
     * A mirrored write that reads a table outside the mapping reads that same table with the new
     * schema in the same database (mirrored), but another copy of it, or none, in a separate new
     * database: there it is not mirrored but recorded, even when the copy exists and differs.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void writeReadingAnUnmappedTable_mirroredInTheSameDatabaseRecordedInAnother(
            TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld(
                "CREATE TABLE countries (code CHAR(2) PRIMARY KEY, label VARCHAR(40))",
                "INSERT INTO countries VALUES ('fr', 'France')");
        if (separate) {
            fx.rawNew(
                    "CREATE TABLE countries (code CHAR(2) PRIMARY KEY, label VARCHAR(40))",
                    "INSERT INTO countries VALUES ('fr', 'Frankreich')");
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a')");
            st.executeUpdate(
                    "UPDATE customers SET email = (SELECT label FROM countries WHERE code = 'fr') WHERE id = 1");
        }
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds());
        if (separate) {
            assertThat(fx.divergenceReasons()).containsExactly("nondeterministic_unmapped_read");
            assertThat(fx.divergedKeys()).containsExactly(1);
        } else {
            fx.assertSidesEqual();
            assertThat(fx.divergedKeys()).isEmpty();
        }
    }

    /**
     * An upsert of a row the new side does not hold yet (not backfilled) updates it on the old
     * side and inserts it on the new one, from the statement's values alone: the new row lacks
     * what the old one kept, and the backfill keeps the row it finds. The key is recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void upsertOfARowTheNewSideLacks_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'before', 'a@x')");
        String upsert =
                switch (kind) {
                    case POSTGRESQL ->
                        "INSERT INTO customers (id, name) VALUES (1, 'after') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";
                    case MARIADB ->
                        "INSERT INTO customers (id, name) VALUES (1, 'after') ON DUPLICATE KEY UPDATE name = VALUES(name)";
                    case H2 -> "MERGE INTO customers (id, name) KEY (id) VALUES (1, 'after')";
                };
        try (Connection c = fx.connect()) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate(upsert);
                st.executeUpdate(upsert.replace("(1, 'after')", "(2, 'new')"));
            }
            try (PreparedStatement ps = c.prepareStatement(upsert.replace("(1, 'after')", "(?, ?)"))) {
                // a batch, looked up in parts: rows both sides lack, and one (4) on the old side alone
                for (int id = 3; id <= 252; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "batched");
                    ps.addBatch();
                }
                fx.rawOld("INSERT INTO customers (id, name, email) VALUES (4, 'old only', 'd@x')");
                ps.executeBatch();
            }
        }
        assertThat(fx.oldRows()).contains("1|after|after|a@x", "4|batched|batched|d@x");
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactlyInAnyOrder(1, 4);
        assertThat(fx.divergenceReasons())
                .as("MariaDB's counts (2 updated, 1 inserted) tell it too")
                .contains("upsert_of_lacking_row")
                .isSubsetOf("upsert_of_lacking_row", "mirror_missed_rows");
    }

    /**
     * A MERGE by key (Hibernate's {@code StatelessSession.upsert} on PostgreSQL 15+ and H2, and one
     * with VALUES rows): mirrored, rewritten to the new table; a row the mirror side lacks (one side
     * updates it, the other inserts it from the statement's values alone) is recorded by its key.
     */
    @ParameterizedTest
    @CsvSource({
        "POSTGRESQL,false,dual-write",
        "POSTGRESQL,true,dual-write",
        "POSTGRESQL,false,new-primary",
        "POSTGRESQL,true,new-primary",
        "H2,false,dual-write",
        "H2,true,dual-write",
        "H2,false,new-primary",
        "H2,true,new-primary"
    })
    void mergeByKey_mirrored_aRowOneSideLacksRecorded(TestDatabase.Kind kind, boolean separate, String phase)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        for (int id : new int[] {1, 3}) {
            fx.rawOld("INSERT INTO customers (id, name, email) VALUES (" + id + ", 'before', 'a@x')");
            fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (" + id
                    + ", 'before', 'before', 'a@x')");
        }
        boolean oldPrimary = phase.equals("dual-write");
        // row 4 on the primary alone (not backfilled yet): the mirror inserts it from the statement's values
        if (oldPrimary) {
            fx.rawOld("INSERT INTO customers (id, name, email) VALUES (4, 'primary only', 'd@x')");
        } else {
            fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (4, 'primary only',"
                    + " 'primary only', 'd@x')");
        }
        String hibernate = "merge into customers as t using (select cast(? as integer) id, cast(? as varchar(100))"
                + " name) as s on (t.id=s.id) when not matched then insert (id, name) values (s.id, s.name)"
                + " when matched then update set name=s.name";
        try (Connection c = fx.connect()) {
            try (PreparedStatement ps = c.prepareStatement(hibernate)) {
                for (int id : new int[] {1, 2, 4}) {
                    ps.setInt(1, id);
                    ps.setString(2, "merged " + id);
                    assertThat(ps.executeUpdate()).as("row %d", id).isEqualTo(1);
                }
                for (int id : new int[] {6, 7}) { // a batch, looked up as one
                    ps.setInt(1, id);
                    ps.setString(2, "merged " + id);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1);
            }
            // jOOQ's onConflict(ID).doUpdate() of several rows on H2: the rows as SELECT … UNION ALL SELECT …
            try (PreparedStatement ps = c.prepareStatement("merge into customers using (select cast(? as integer) id,"
                    + " cast(? as varchar(100)) name union all select cast(? as integer), cast(? as varchar(100))) t"
                    + " on customers.id = t.id when matched then update set name = t.name"
                    + " when not matched then insert (id, name) values (t.id, t.name)")) {
                ps.setInt(1, 8);
                ps.setString(2, "merged 8");
                ps.setInt(3, 9);
                ps.setString(4, "merged 9");
                assertThat(ps.executeUpdate()).isEqualTo(2);
            }
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("MERGE INTO customers c USING (VALUES (3, 'gone'), (5, 'five')) s(id, name)"
                                + " ON c.id = s.id WHEN MATCHED AND s.name = 'gone' THEN DELETE"
                                + " WHEN NOT MATCHED THEN INSERT (id, name, email) VALUES (s.id, s.name, 'e@x')"))
                        .isEqualTo(2);
            }
        }
        List<String> expected = List.of(
                "1|merged 1|merged 1|a@x",
                "2|merged 2|merged 2|null",
                "4|merged 4|merged 4|d@x",
                "5|five|five|e@x",
                "6|merged 6|merged 6|null",
                "7|merged 7|merged 7|null",
                "8|merged 8|merged 8|null",
                "9|merged 9|merged 9|null");
        assertThat(oldPrimary ? fx.oldRows() : fx.newRows()).containsExactlyElementsOf(expected);
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactly(4);
        assertThat(fx.divergenceReasons()).containsExactly("upsert_of_lacking_row");
        assertThat(oldPrimary ? fx.newRows() : fx.oldRows())
                .as("the mirror inserted row 4 from the statement's values alone")
                .contains("4|merged 4|merged 4|null");
    }

    /**
     * A MERGE that matches the key to a value (jOOQ's {@code USING (SELECT 1) ON (t.id = ?)}): the
     * INSERT gives the key its own parameter, which the statement does not tie to the matched one.
     * Both keys are looked up, and where one side lacks either row both are recorded: here the
     * old side updates row 1 and the new side, lacking it, inserts row 2.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "H2,false", "H2,true"})
    void mergeMatchingTheKeyToAValue_bothKeysRecordedWhereASideLacksARow(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'before', 'a@x')");
        String jooq = "merge into customers using (select 1 as one) as s on (customers.id = ?)"
                + " when matched then update set name = ? when not matched then insert (id, name) values (?, ?)";
        try (Connection c = fx.connect();
                PreparedStatement ps = c.prepareStatement(jooq)) {
            for (int[] keys : new int[][] {{1, 2}, {3, 3}}) {
                ps.setInt(1, keys[0]);
                ps.setString(2, "updated " + keys[0]);
                ps.setInt(3, keys[1]);
                ps.setString(4, "inserted " + keys[1]);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(fx.oldRows()).containsExactly("1|updated 1|updated 1|a@x", "3|inserted 3|inserted 3|null");
        assertThat(fx.newRows())
                .as("the new side lacked row 1 and inserted row 2")
                .containsExactly("2|inserted 2|inserted 2|null", "3|inserted 3|inserted 3|null");
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactlyInAnyOrder(1, 2);
    }

    /**
     * H2's own MERGE of a SELECT's rows: the keys it writes are not in its text, so it is mirrored
     * and recorded as the whole table (the new side may lack a row it updates on the old); with a
     * separate new database it reads a table the new side has its own copy of, and is recorded only.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void h2MergeOfSelectedRows_mirroredAndRecordedAsTheWholeTable(boolean separate) throws Exception {
        MigrationFixture fx =
                MigrationFixture.create(TestDatabases.of(TestDatabase.Kind.H2), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'before', 'a@x')");
        for (boolean newSide : separate ? new boolean[] {false, true} : new boolean[] {false}) {
            String[] staging = {
                "CREATE TABLE staging (id INT, name VARCHAR(100))",
                "INSERT INTO staging VALUES (1, 'after'), (2, 'new')"
            };
            if (newSide) {
                fx.rawNew(staging);
            } else {
                fx.rawOld(staging);
            }
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("MERGE INTO customers (id, name) KEY (id) SELECT id, name FROM staging"))
                    .isEqualTo(2);
        }
        assertThat(fx.oldRows()).containsExactly("1|after|after|a@x", "2|new|new|null");
        if (!separate) { // a separate new database's staging table may differ: recorded, not mirrored
            assertThat(fx.newRows()).as("mirrored").contains("2|new|new|null");
        }
        assertThat(fx.divergenceRecords()).as("the whole table").anyMatch(r -> r.startsWith("null|"));
    }

    /**
     * In {@code new-primary} the new side holds the truth and the old one is the mirror: an upsert
     * of a row only the new side holds updates it there and inserts it on the old side from its
     * values alone; the row is recorded just the same.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false", "H2,true"})
    void upsertInNewPrimaryOfARowTheOldSideLacks_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: new-primary\n");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'before', 'before', 'a@x')");
        String upsert =
                switch (kind) {
                    case POSTGRESQL ->
                        "INSERT INTO customers (id, name) VALUES (1, 'after') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";
                    case MARIADB ->
                        "INSERT INTO customers (id, name) VALUES (1, 'after') ON DUPLICATE KEY UPDATE name = VALUES(name)";
                    case H2 -> "MERGE INTO customers (id, name) VALUES (1, 'after')"; // H2's own: by the primary key
                };
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(upsert);
        }
        assertThat(fx.newRows()).containsExactly("1|after|after|a@x");
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactly(1);
    }

    /**
     * PostgreSQL's upsert on another unique column than the key, whose key the database generates
     * (the form jOOQ's {@code onConflict(EMAIL)} sends): looked up by that column; a row the new
     * side lacks is recorded by the key the old side returned, one both sides hold is not.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void upsertOnAnotherUniqueColumn_lookedUpByIt(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, "phase: dual-write\n");
        fx.rawOld(
                "CREATE UNIQUE INDEX customers_email ON customers (email)",
                "INSERT INTO customers (id, name, email) VALUES (1, 'lacking', 'a@x'), (2, 'held', 'b@x')");
        fx.rawNew(
                "CREATE UNIQUE INDEX clients_email ON clients (email)",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (2, 'held', 'held', 'b@x')");
        try (Connection c = fx.connect();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO customers (name, email) VALUES (?, ?) ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name",
                        Statement.RETURN_GENERATED_KEYS)) {
            for (String email : List.of("a@x", "b@x")) {
                ps.setString(1, "upserted");
                ps.setString(2, email);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(fx.oldRows()).containsExactly("1|upserted|upserted|a@x", "2|upserted|upserted|b@x");
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactly(1);
        assertThat(fx.divergenceReasons()).containsExactly("upsert_of_lacking_row");
    }

    /**
     * An upsert that gives its key but conflicts on another unique column ({@code ON CONFLICT
     * (email)}, or the constraint on it by name) updates the row that holds that email, under
     * another key, and inserts its own key on a new side that lacks that row: both count 1. It is
     * looked up by what decides its conflict (a constraint by its index, read from the catalog; the
     * new side names its columns, the new table's constraint having another name), not by its key, and recorded as the whole table (the row it updated has another key); the row
     * both sides hold is not recorded.
     */
    @ParameterizedTest
    @CsvSource({
        "false,ON CONFLICT (email)",
        "true,ON CONFLICT (email)",
        "false,ON CONFLICT ON CONSTRAINT customers_email",
        "true,ON CONFLICT ON CONSTRAINT customers_email"
    })
    void upsertGivingItsKeyOnAnotherConflictTarget_lookedUpByTheTarget(boolean separate, String conflict)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, "phase: dual-write\n");
        fx.rawOld(
                "ALTER TABLE customers ADD CONSTRAINT customers_email UNIQUE (email)",
                "INSERT INTO customers (id, name, email) VALUES (5, 'held', 'a@x'), (6, 'both', 'b@x')");
        fx.rawNew(
                "ALTER TABLE clients ADD CONSTRAINT clients_email UNIQUE (email)",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (6, 'both', 'both', 'b@x')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            for (String row : List.of("(9, 'upserted', 'a@x')", "(10, 'upserted', 'b@x')")) {
                assertThat(st.executeUpdate("INSERT INTO customers (id, name, email) VALUES " + row + " " + conflict
                                + " DO UPDATE SET name = EXCLUDED.name"))
                        .isEqualTo(1);
            }
        }
        assertThat(fx.oldRows()).containsExactly("5|upserted|upserted|a@x", "6|upserted|upserted|b@x");
        assertThat(fx.differingIds()).isNotEmpty();
        // the key the statement gives need not be the row it updated: the whole table
        // the new side names the constraint's columns (its own constraint has another name)
        assertThat(fx.divergenceRecords()).containsOnly("null|upsert_of_lacking_row");
    }

    /**
     * MariaDB's {@code ON DUPLICATE KEY UPDATE} hits a row on any unique index. Setting a row the
     * old side holds (by email, under another id) to its own values counts 1, as inserting it on a
     * new side that lacks it does: only the look-up by every unique index finds it. An upsert
     * whose key the database generates updates a row both sides hold by email: it returns no key,
     * is mirrored as written, and is not recorded.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void duplicateKeyUpdateOnAnotherUniqueIndex_lookedUpByEveryIndex(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: dual-write\n");
        fx.rawOld(
                "CREATE UNIQUE INDEX customers_email ON customers (email)",
                "INSERT INTO customers (id, name, email) VALUES (5, 'same', 'a@x'), (2, 'held', 'b@x')");
        fx.rawNew(
                "CREATE UNIQUE INDEX clients_email ON clients (email)",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (2, 'held', 'held', 'b@x')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (9, 'same', 'a@x')"
                            + " ON DUPLICATE KEY UPDATE name = VALUES(name)"))
                    .as("the old side's row kept its values; the new side inserted one: both count 1")
                    .isEqualTo(1);
            assertThat(st.executeUpdate("INSERT INTO customers (name, email) VALUES ('renamed', 'b@x')"
                            + " ON DUPLICATE KEY UPDATE name = VALUES(name)"))
                    .as("an update: no key generated, mirrored as written")
                    .isEqualTo(2);
        }
        assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(2, 5);
        assertThat(fx.newRows()).contains("2|renamed|renamed|b@x");
        assertThat(fx.differingIds()).contains(9);
        assertThat(fx.divergenceRecords())
                .as("the row it updated holds another key than the one it gives: the whole table")
                .containsExactly("null|upsert_of_lacking_row");
    }

    /**
     * A unique index the new table has and the old lacks (the migration adds {@code UNIQUE (email)}):
     * MariaDB's {@code ON DUPLICATE KEY UPDATE} and {@code REPLACE} hit a row on any unique index, so
     * where the old side inserts row 2, the new side updates (or replaces) row 1, which holds the email.
     * Every key on which the sides then differ must be in the log.
     */
    @ParameterizedTest
    @CsvSource({"false, ON DUPLICATE KEY", "true, ON DUPLICATE KEY", "false, REPLACE", "true, REPLACE"})
    void upsertHittingAUniqueIndexOnlyTheNewTableHas_everyDifferenceLogged(boolean separate, String form)
            throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            upsertHittingAUniqueIndexOnlyTheNewTableHas(separate, form, phase);
        }
    }

    private static void upsertHittingAUniqueIndexOnlyTheNewTableHas(boolean separate, String form, String phase)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: " + phase + "\n");
        fx.rawNew("CREATE UNIQUE INDEX clients_email ON clients (email)");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'first', 'a@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'first', 'first', 'a@x')");
        String sql = form.equals("REPLACE")
                ? "REPLACE INTO customers (id, name, email) VALUES (2, 'second', 'a@x')"
                : "INSERT INTO customers (id, name, email) VALUES (2, 'second', 'a@x')"
                        + " ON DUPLICATE KEY UPDATE name = VALUES(name)";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
        Set<Integer> differing = fx.differingIds();
        assertThat(differing).as(phase).isNotEmpty();
        List<String> records = fx.divergenceRecords();
        boolean wholeTable = records.stream().anyMatch(r -> r.startsWith("null|"));
        for (int id : differing) {
            assertThat(wholeTable || records.stream().anyMatch(r -> r.startsWith("[\"" + id + "\"]|")))
                    .as(phase + ": key " + id + " differs; records " + records)
                    .isTrue();
        }
    }

    /**
     * An upsert decided by another unique column ({@code ON CONFLICT (email)}, MariaDB's any-index {@code ON
     * DUPLICATE KEY}) updates the row holding that email on one side and inserts its own key on the other,
     * whichever side holds it, primary or mirror, in {@code dual-write} as from {@code new-primary} on (where the
     * old side is the mirror). Both count 1; the sides then differ, and the table is recorded.
     */
    @ParameterizedTest
    @CsvSource({
        "POSTGRESQL,false,true",
        "POSTGRESQL,false,false",
        "POSTGRESQL,true,true",
        "POSTGRESQL,true,false",
        "MARIADB,false,true",
        "MARIADB,false,false",
        "MARIADB,true,true",
        "MARIADB,true,false"
    })
    void upsertOnAnotherUniqueColumn_eitherSideHoldingTheRow_everyDifferenceLogged(
            TestDatabase.Kind kind, boolean separate, boolean newHoldsTheRow) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            upsertOnAnotherUniqueColumn(kind, separate, newHoldsTheRow, phase);
        }
    }

    private static void upsertOnAnotherUniqueColumn(
            TestDatabase.Kind kind, boolean separate, boolean newHoldsTheRow, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        fx.rawOld("CREATE UNIQUE INDEX customers_email ON customers (email)");
        fx.rawNew("CREATE UNIQUE INDEX clients_email ON clients (email)");
        if (newHoldsTheRow) {
            fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (5, 'held', 'held', 'a@x')");
        } else {
            fx.rawOld("INSERT INTO customers (id, name, email) VALUES (5, 'held', 'a@x')");
        }
        String upsert = kind == TestDatabase.Kind.MARIADB
                ? "INSERT INTO customers (id, name, email) VALUES (9, 'upserted', 'a@x')"
                        + " ON DUPLICATE KEY UPDATE name = VALUES(name)"
                : "INSERT INTO customers (id, name, email) VALUES (9, 'upserted', 'a@x')"
                        + " ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(upsert);
        }
        assertThat(fx.differingIds())
                .as(phase + ": one side updated row 5, the other inserted row 9")
                .containsExactly(5, 9);
        assertThat(fx.divergenceRecords())
                .as(phase + ": the row one side updated holds another key than the statement gives: the whole table")
                .anySatisfy(r -> assertThat(r).startsWith("null|"));
    }

    /**
     * MariaDB returns the first key a multi-row {@code ON DUPLICATE KEY UPDATE} inserted; the rows
     * it updated take none, so the keys of the others do not follow from their positions (here b
     * and c got 1000 and 1001, where positions would give 1001 and 1002). Such keys are not
     * guessed: the write is not mirrored and the table is recorded.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void multiRowDuplicateKeyUpdateWithGeneratedKeys_keysNotGuessed(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: dual-write\n");
        fx.rawOld(
                "CREATE UNIQUE INDEX customers_email ON customers (email)",
                "INSERT INTO customers (id, name, email) VALUES (1, 'a', 'a@x')");
        fx.rawNew(
                "CREATE UNIQUE INDEX clients_email ON clients (email)",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'a', 'a', 'a@x')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (name, email) VALUES ('a2', 'a@x'), ('b', 'b@x'), ('c', 'c@x')"
                    + " ON DUPLICATE KEY UPDATE name = VALUES(name)");
        }
        assertThat(fx.oldRows()).containsExactly("1|a2|a2|a@x", "1000|b|b|b@x", "1001|c|c|c@x");
        assertThat(fx.differingIds()).isNotEmpty();
        assertThat(fx.divergenceRecords())
                .as("the rows are not named: the whole table")
                .containsExactly("null|keys_unknown");
    }

    /**
     * MariaDB's ranking idiom, {@code SET email = (@n := @n + 1) ORDER BY id}: the primary's run moves
     * the variable, so a mirror on the same connection would number the rows on from where the primary
     * stopped (4, 5, 6 against 1, 2, 3), and one on a separate connection from nothing. Not mirrored,
     * recorded as the whole table; the application's statement and its variable as without SchemaShift.
     */
    @ParameterizedTest
    @CsvSource({"false, dual-write", "true, dual-write", "false, new-primary"})
    void updateAssigningASessionVariable_notMirroredButRecorded(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.MARIADB), separate, "phase: " + phase + "\n");
        for (int id = 1; id <= 3; id++) {
            fx.rawOld("INSERT INTO customers (id, name) VALUES (" + id + ", 'c" + id + "')");
            fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (" + id + ", 'c" + id + "', 'c" + id
                    + "')");
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.execute("SET @n := 0");
            assertThat(st.executeUpdate("UPDATE customers SET email = concat('r', @n := @n + 1) ORDER BY id"))
                    .isEqualTo(3);
            try (ResultSet rs = st.executeQuery("SELECT @n")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1))
                        .as("the application's variable moved once")
                        .isEqualTo(3);
            }
        }
        List<String> primary = phase.equals("new-primary") ? fx.newRows() : fx.oldRows();
        assertThat(primary).containsExactly("1|c1|c1|r1", "2|c2|c2|r2", "3|c3|c3|r3");
        assertThat(phase.equals("new-primary") ? fx.oldRows() : fx.newRows())
                .as("not mirrored")
                .containsExactly("1|c1|c1|null", "2|c2|c2|null", "3|c3|c3|null");
        assertThat(fx.divergenceRecords()).containsExactly("null|nondeterministic_session");
    }

    /**
     * MariaDB: the key of an insert the new side numbered, read back through the session ({@code
     * SELECT LAST_INSERT_ID()}, MyBatis' {@code selectKey}). The application's connection is the old
     * database's, where the mirror wrote the key as a value, which leaves {@code LAST_INSERT_ID()}
     * alone: the driver hands it the key (with the tables in one database both share one session).
     */
    @ParameterizedTest
    @CsvSource({"false, new-primary", "true, new-primary", "true, new-only"})
    void lastInsertId_afterAnInsertTheNewSideNumbered_isThatKey(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: " + phase + "\n");
        fx.rawNew("ALTER TABLE clients AUTO_INCREMENT = 5000");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (name) VALUES ('one')");
            assertThat(lastInsertId(st)).isEqualTo(5000);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name) VALUES (?), (?)")) {
                ps.setString(1, "two");
                ps.setString(2, "three");
                ps.executeUpdate();
            }
            assertThat(lastInsertId(st)).as("a multi-row insert's first key").isEqualTo(5001);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name) VALUES (?)")) {
                for (String name : List.of("four", "five")) {
                    ps.setString(1, name);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            assertThat(lastInsertId(st)).as("a batch's last statement's key").isEqualTo(5004);
        }
        assertThat(MigrationFixture.ids(fx.newRows())).containsExactly(5000, 5001, 5002, 5003, 5004);
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    private static long lastInsertId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * MariaDB's {@code LOCK TABLES} leaves the session only the tables it locks: the driver locks the
     * new table too (one database) and its intent table, so the writes under the lock are mirrored,
     * in dual-write and new-primary, sent as a plain statement or prepared (MyBatis prepares every
     * statement). Before: each mirror failed and was recorded, and from new-primary on the write
     * itself failed (prepared: until this release).
     */
    @ParameterizedTest
    @CsvSource({"false, dual-write", "false, new-primary", "true, dual-write", "true, new-primary"})
    void lockTables_onMariaDb_writesUnderTheLockMirrored(boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: " + phase + "\n");
        for (int id : List.of(1, 10)) {
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                if (id == 1) {
                    st.execute("LOCK TABLES customers WRITE");
                } else {
                    try (PreparedStatement lock = c.prepareStatement("LOCK TABLES customers WRITE")) {
                        lock.executeUpdate();
                    }
                }
                st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (" + id + ", 'one', 'o@x')");
                st.executeUpdate("INSERT INTO customers (name, email) VALUES ('two', 't@x')");
                st.executeUpdate("UPDATE customers SET email = 'u@x' WHERE id = " + id);
                st.execute("UNLOCK TABLES");
            }
        }
        assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(1, 10, 1000, 1001);
        fx.assertSidesEqual();
        assertThat(fx.divergenceRecords()).isEmpty();
    }

    /**
     * MariaDB generates an {@code AUTO_INCREMENT} key for a row that gives it as NULL or 0 (what
     * a MyBatis mapper that lists {@code id} sends for a new object). Each side would generate its
     * own: such a row is not mirrored, and the table is recorded.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void insertGivingItsKeyAsNull_onMariaDb_notMirroredAndRecorded(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.mariadb(), separate, "phase: dual-write\n");
        fx.rawNew("ALTER TABLE clients AUTO_INCREMENT = 5000"); // the sides' counters differ, as they come to
        try (Connection c = fx.connect();
                Statement st = c.createStatement();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO customers (id, name) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (NULL, 'literal null')");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (0, 'zero')");
            ps.setNull(1, java.sql.Types.INTEGER);
            ps.setString(2, "bound null");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (7, 'given')");
        }
        assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(7, 1000, 1001, 1002);
        assertThat(MigrationFixture.ids(fx.newRows()))
                .as("only the row with its key")
                .containsExactly(7);
        assertThat(fx.divergenceRecords()).containsOnly("null|nondeterministic_sequence", "null|keys_unknown");
        assertThat(fx.count("schemashift.divergences", "reason", "keys_unknown"))
                .isEqualTo(2);
        assertThat(fx.count("schemashift.divergences", "reason", "nondeterministic_sequence"))
                .isEqualTo(1);
    }

    /**
     * An insert that skips a row the old side holds ({@code ON CONFLICT DO NOTHING}, MariaDB's
     * {@code INSERT IGNORE}) inserts it on a new side that lacks it (not backfilled), from the
     * statement's values alone: the update counts differ (0 against 1), and the row is recorded.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void insertSkippingARowTheNewSideLacks_isRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'before', 'a@x')");
        String skip = kind == TestDatabase.Kind.POSTGRESQL
                ? "INSERT INTO customers (id, name) VALUES (1, 'skipped') ON CONFLICT DO NOTHING"
                : "INSERT IGNORE INTO customers (id, name) VALUES (1, 'skipped')";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(skip)).isZero();
        }
        assertThat(fx.oldRows()).containsExactly("1|before|before|a@x");
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .containsExactly(1);
    }

    /**
     * A batch whose counts a driver reports as unknown ({@code SUCCESS_NO_INFO}: MariaDB's bulk
     * protocol, which its driver uses for INSERT batches by default and for every batch with {@code
     * useBulkStmts}; pgjdbc's {@code reWriteBatchedInserts}) cannot show a row one side skipped or
     * lacked: each entry of a write whose counts could differ is recorded. A plain INSERT … VALUES
     * inserts every row or fails, and is not.
     */
    @ParameterizedTest
    @CsvSource({
        "MARIADB,false,useBulkStmts=false",
        "MARIADB,true,useBulkStmts=false",
        "MARIADB,false,useBulkStmts=true",
        "POSTGRESQL,false,reWriteBatchedInserts=true",
        "POSTGRESQL,true,reWriteBatchedInserts=true"
    })
    void batchWhoseCountsAreUnknown_everyDifferenceRecorded(TestDatabase.Kind kind, boolean separate, String parameters)
            throws Exception {
        boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'before', 'a@x'), (3, 'three', 'c@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (4, 'four', 'four', 'd@x')");
        try (Connection c = fx.connect(parameters)) {
            batch(c, "INSERT INTO customers (id, name) VALUES (?, ?)", 10, 11);
            batch(
                    c,
                    pg
                            ? "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING"
                            : "INSERT IGNORE INTO customers (id, name) VALUES (?, ?)",
                    1,
                    2,
                    4);
            batch(c, "UPDATE customers SET name = ? WHERE id = ?", 3, 2);
        }
        assertThat(fx.differingIds()).containsExactly(1, 3, 4);
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(fx.differingIds())
                .doesNotContain(10, 11);
    }

    /** Runs {@code sql} as a batch, one entry per id: {@code ?, ?} as id and name, or name and id for an UPDATE. */
    private static void batch(Connection c, String sql, int... ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            boolean update = sql.startsWith("UPDATE");
            for (int id : ids) {
                ps.setInt(update ? 2 : 1, id);
                ps.setString(update ? 1 : 2, "batch " + id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * A write that returns its rows ({@code RETURNING}) has no update count: each side's count is
     * the rows it returned, and a difference is recorded as for any write.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeReturningRows_countedByItsRows(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (3, 'three', 'c@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (7, 'seven', 'seven', 's@x')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("UPDATE customers SET email = 'r' WHERE id = 3 RETURNING id")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(st.execute("DELETE FROM customers WHERE id = 7 RETURNING id"))
                    .isTrue();
        }
        assertThat(fx.divergenceRecords())
                .containsExactlyInAnyOrder("[\"3\"]|mirror_missed_rows", "[\"7\"]|mirror_count_mismatch");
    }

    /**
     * A write whose value reads another row of a mapped table gets what each side holds of that
     * row: before the backfill ends, nothing on the new side. It is mirrored, and the row it wrote
     * is recorded so that verify checks it.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "H2,false"})
    void writeReadingAnotherRow_mirroredAndRecorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld(
                "INSERT INTO customers (id, name, email) VALUES (3, 'not backfilled', 'c@x')",
                "INSERT INTO customers (id, name, email) VALUES (5, 'e', 'e@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (5, 'e', 'e', 'e@x')");
        // MariaDB reads the table it updates only through a derived table
        String copy = kind == TestDatabase.Kind.MARIADB
                ? "UPDATE customers SET email = (SELECT r.email FROM (SELECT email FROM customers WHERE id = 3) r) WHERE id = 5"
                : "UPDATE customers SET email = (SELECT r.email FROM customers r WHERE r.id = 3) WHERE id = 5";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(copy)).isEqualTo(1);
        }
        assertThat(fx.oldRows()).contains("5|e|e|c@x");
        Set<Integer> differing = new TreeSet<>(fx.differingIds());
        differing.remove(3); // not backfilled yet: the backfill's to copy
        assertThat(fx.divergedKeys())
                .as("every key on which the sides differ is in the divergence log")
                .containsAll(differing)
                .containsExactly(5);
        assertThat(fx.divergenceReasons()).containsExactly("mirror_read_other_rows");
    }

    /**
     * A copy of another row ({@code INSERT … SELECT}, {@code UPDATE … FROM}) takes what each side
     * holds of it: when that row differs, so does the copy, whose counts still match. The copy is
     * mirrored and recorded: by key when the statement names it, else as the whole table.
     */
    @ParameterizedTest
    @CsvSource({
        "POSTGRESQL,false,dual-write",
        "POSTGRESQL,true,dual-write",
        "MARIADB,false,dual-write",
        "H2,false,dual-write",
        "POSTGRESQL,false,new-primary",
        "POSTGRESQL,true,new-primary",
        "MARIADB,true,new-primary"
    })
    void copyOfARowThatDiffers_isRecorded(TestDatabase.Kind kind, boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        fx.rawOld(
                "INSERT INTO customers (id, name, email) VALUES (5, 'e', 'e@x')",
                "INSERT INTO customers (id, name, email) VALUES (7, 'g', 'g@x')");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (5, 'e', 'e', 'differs@x')",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (7, 'g', 'g', 'g@x')");
        boolean updateFrom = kind == TestDatabase.Kind.POSTGRESQL;
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(
                            st.executeUpdate(
                                    "INSERT INTO customers (id, name, email) SELECT 6, name, email FROM customers WHERE id = 5"))
                    .isEqualTo(1);
            if (updateFrom) {
                assertThat(
                                st.executeUpdate(
                                        "UPDATE customers SET email = r.email FROM customers r WHERE r.id = 5 AND customers.id = 7"))
                        .isEqualTo(1);
            }
        }
        assertThat(fx.differingIds()).containsExactlyElementsOf(updateFrom ? List.of(5, 6, 7) : List.of(5, 6));
        assertThat(fx.divergenceRecords())
                .as("each copy by its key, which the statement names")
                .containsExactlyInAnyOrderElementsOf(
                        updateFrom
                                ? List.of("[\"6\"]|mirror_read_other_rows", "[\"7\"]|mirror_read_other_rows")
                                : List.of("[\"6\"]|mirror_read_other_rows"));
    }

    /** Row 5 on both sides, in dual-write; the new side refuses a row named 'moved', so that a mirror fails. */
    private static MigrationFixture rowFiveNotMovableOnNew(TestDatabase.Kind kind, boolean separate)
            throws SQLException {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (5, 'e')");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search) VALUES (5, 'e', 'e')",
                "ALTER TABLE clients ADD CONSTRAINT not_moved CHECK (full_name <> 'moved')");
        return fx;
    }

    /**
     * An UPDATE that changes a row's key moves the row: when its mirror fails, the row is missing under its new key
     * on one side and still there under its old key on the other, and the record must name both (or the table).
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true", "H2,false"})
    void updateOfTheKey_whoseMirrorFails_isRecordedUnderBothKeys(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = rowFiveNotMovableOnNew(kind, separate);
        try (Connection c = fx.connect();
                PreparedStatement move =
                        c.prepareStatement("UPDATE customers SET id = ?, name = 'moved' WHERE id = ?")) {
            move.setInt(1, 99);
            move.setInt(2, 5);
            assertThat(move.executeUpdate()).isEqualTo(1);
        }
        assertThat(fx.differingIds()).containsExactly(5, 99);
        boolean wholeTable = fx.divergenceRecords().contains("null|mirror_failed");
        assertThat(wholeTable || fx.divergedKeys().containsAll(List.of(5, 99)))
                .as("every key on which the sides differ is in the divergence log: " + fx.divergenceRecords())
                .isTrue();
    }

    /** Likewise an upsert whose update sets the key: the row it updates moves to a key the statement does not name. */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void upsertThatSetsTheKey_whoseMirrorFails_isRecordedForTheWholeTable(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        MigrationFixture fx = rowFiveNotMovableOnNew(kind, separate);
        String upsert = kind == TestDatabase.Kind.POSTGRESQL
                ? "INSERT INTO customers (id, name) VALUES (5, 'moved')"
                        + " ON CONFLICT (id) DO UPDATE SET id = 1005, name = EXCLUDED.name"
                : "INSERT INTO customers (id, name) VALUES (5, 'moved') ON DUPLICATE KEY UPDATE id = 1005, name = 'moved'";
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(upsert);
        }
        assertThat(fx.differingIds()).containsExactly(5, 1005);
        assertThat(fx.divergenceRecords())
                .as("every key on which the sides differ is in the divergence log")
                .contains("null|mirror_failed");
    }

    /** Writes that pick rows 6 and 7 by row 5's email: {@code p@x} on the old side, {@code q@x} on the new. */
    enum Picking {
        SUBQUERY_UPDATE("UPDATE customers SET name = 'picked' WHERE email = (SELECT email FROM customers WHERE id = 5)"
                + " AND id <> 5"),
        SUBQUERY_DELETE("DELETE FROM customers WHERE email IN (SELECT email FROM customers WHERE id = 5) AND id <> 5"),
        KEYED_UPDATE("UPDATE customers SET name = 'picked' WHERE id IN (6, 7)"
                + " AND email = (SELECT email FROM customers WHERE id = 5)"),
        FROM_UPDATE("UPDATE customers SET name = 'picked' FROM customers r WHERE r.id = 5 AND customers.email = r.email"
                + " AND customers.id <> 5"),
        USING_DELETE("DELETE FROM customers USING customers r WHERE r.id = 5 AND customers.email = r.email"
                + " AND customers.id <> 5");

        final String sql;

        Picking(String sql) {
            this.sql = sql;
        }
    }

    static Stream<Arguments> pickingWrites() {
        List<Arguments> cases = new ArrayList<>();
        for (Picking form : Picking.values()) {
            boolean postgresOnly = form == Picking.FROM_UPDATE || form == Picking.USING_DELETE;
            cases.add(Arguments.of(TestDatabase.Kind.POSTGRESQL, false, "dual-write", form));
            cases.add(Arguments.of(TestDatabase.Kind.POSTGRESQL, true, "dual-write", form));
            cases.add(Arguments.of(TestDatabase.Kind.POSTGRESQL, true, "new-primary", form));
            if (!postgresOnly) {
                cases.add(Arguments.of(TestDatabase.Kind.MARIADB, false, "dual-write", form));
                cases.add(Arguments.of(TestDatabase.Kind.MARIADB, true, "new-primary", form));
                cases.add(Arguments.of(TestDatabase.Kind.H2, false, "dual-write", form));
            }
        }
        return cases.stream();
    }

    /**
     * A write that picks its rows by other rows (a subquery in its {@code WHERE}, {@code UPDATE … FROM},
     * {@code DELETE … USING}) picks by each side's copy of them: where one differs, each side changes
     * its own rows, at equal counts, and rows both sides held alike differ afterwards. Such a write is
     * mirrored and recorded: by key when the statement names its rows, else as the whole table.
     */
    @ParameterizedTest
    @MethodSource("pickingWrites")
    void rowsPickedByARowThatDiffers_areRecorded(TestDatabase.Kind kind, boolean separate, String phase, Picking form)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        fx.rawOld(
                "INSERT INTO customers (id, name, email) VALUES (5, 'e', 'p@x')",
                "INSERT INTO customers (id, name, email) VALUES (6, 'f', 'p@x')",
                "INSERT INTO customers (id, name, email) VALUES (7, 'g', 'q@x')");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (5, 'e', 'e', 'q@x')",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (6, 'f', 'f', 'p@x')",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (7, 'g', 'g', 'q@x')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(form.sql)).isEqualTo(1);
        }
        assertThat(fx.differingIds())
                .as("each side picked its own row: 6 on the old side, 7 on the new (5 differed before)")
                .containsExactly(5, 6, 7);
        if (form == Picking.KEYED_UPDATE) {
            assertThat(fx.divergenceRecords())
                    .as("the rows the statement names")
                    .containsExactlyInAnyOrder(
                            "[\"6\"]|mirror_picked_by_other_rows", "[\"7\"]|mirror_picked_by_other_rows");
        } else {
            assertThat(fx.divergenceRecords())
                    .as("the whole table: the rows picked are not named in the text")
                    .containsExactly("null|mirror_picked_by_other_rows");
        }
    }

    /**
     * A column whose collation changes orders its values otherwise on each side: with {@code 'B'} and
     * {@code 'á'} held alike, {@code WHERE email < 'b'} takes {@code 'B'} by bytes (C, {@code
     * utf8mb4_bin}) and {@code 'á'} by language ({@code en-x-icu}, {@code utf8mb4_general_ci}), one row
     * each: equal counts, other rows. Such a write is mirrored and recorded, as one that compares a
     * column retyped from a string type by order.
     */
    @ParameterizedTest
    @CsvSource({"POSTGRESQL, false", "POSTGRESQL, true", "MARIADB, false", "MARIADB, true"})
    void orderedComparisonOfAColumnWhoseCollationChanges_recorded(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            orderedComparisonOfAColumnWhoseCollationChanges(kind, separate, phase);
        }
    }

    private static void orderedComparisonOfAColumnWhoseCollationChanges(
            TestDatabase.Kind kind, boolean separate, String phase) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            fx.rawOld("ALTER TABLE customers ALTER COLUMN email TYPE VARCHAR(100) COLLATE \"C\"");
            fx.rawNew("ALTER TABLE clients ALTER COLUMN email TYPE VARCHAR(100) COLLATE \"en-x-icu\"");
        } else {
            fx.rawOld("ALTER TABLE customers MODIFY email VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            fx.rawNew("ALTER TABLE clients MODIFY email VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
        fx.rawOld(
                "INSERT INTO customers (id, name, email) VALUES (1, 'c1', 'B')",
                "INSERT INTO customers (id, name, email) VALUES (2, 'c2', 'á')");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'c1', 'c1', 'B')",
                "INSERT INTO clients (id, full_name, name_search, email) VALUES (2, 'c2', 'c2', 'á')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE customers SET name = 'picked' WHERE email < 'b'"))
                    .isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE customers SET email = 'B' WHERE email = 'B'"))
                    .as("equality: counted, not recorded")
                    .isEqualTo(1);
        }
        assertThat(fx.differingIds())
                .as(phase + ": row 1 on the old side, row 2 on the new")
                .containsExactly(1, 2);
        assertThat(fx.divergenceRecords())
                .as(phase + ": the whole table: the rows taken are not named in the text")
                .containsExactly("null|mirror_picked_by_other_rows");
    }

    /**
     * A column that holds text on one side and numbers on the other (a {@code VARCHAR} code become
     * {@code INT}: MariaDB and H2 convert on assignment) is ordered apart: {@code '9' > '50'} as
     * text, {@code 9 < 50} as numbers. A write that compares it by order picks other rows on each
     * side, here as many (so no count tells), and is recorded. Before: mirrored, unrecorded.
     */
    @ParameterizedTest
    @CsvSource({"MARIADB,false", "MARIADB,true", "H2,false"})
    void orderedComparisonOfAColumnRetypedFromText_recorded(TestDatabase.Kind kind, boolean separate) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
            fx.rawOld(
                    "ALTER TABLE customers ADD COLUMN code VARCHAR(10)",
                    "INSERT INTO customers (id, name, code) VALUES (1, 'c1', '9')",
                    "INSERT INTO customers (id, name, code) VALUES (2, 'c2', '1000')");
            fx.rawNew(
                    "ALTER TABLE clients ADD COLUMN code INT",
                    "INSERT INTO clients (id, full_name, name_search, code) VALUES (1, 'c1', 'c1', 9)",
                    "INSERT INTO clients (id, full_name, name_search, code) VALUES (2, 'c2', 'c2', 1000)");
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE customers SET name = 'picked' WHERE code > '50'"))
                        .isEqualTo(1);
            }
            assertThat(fx.differingIds())
                    .as(phase + ": row 1 picked as text, row 2 as a number")
                    .containsExactly(1, 2);
            assertThat(fx.divergenceRecords())
                    .as(phase + ": the whole table: the rows taken are not named in the text")
                    .containsExactly("null|mirror_picked_by_other_rows");
        }
    }

    /** MariaDB writes that take the first rows by key: which come first depends on the rows each side holds. */
    enum FirstRows {
        DELETE("DELETE FROM customers WHERE email IS NULL ORDER BY id LIMIT 1"),
        UPDATE("UPDATE customers SET name = 'claimed' WHERE email IS NULL ORDER BY id LIMIT 1"),
        KEYED_UPDATE("UPDATE customers SET name = 'claimed' WHERE id IN (1, 2) ORDER BY id LIMIT 1");

        final String sql;

        FirstRows(String sql) {
            this.sql = sql;
        }
    }

    static Stream<Arguments> firstRowWrites() {
        List<Arguments> cases = new ArrayList<>();
        for (FirstRows form : FirstRows.values()) {
            cases.add(Arguments.of(false, "dual-write", form));
            cases.add(Arguments.of(true, "dual-write", form));
            cases.add(Arguments.of(true, "new-primary", form));
        }
        return cases.stream();
    }

    /**
     * {@code ORDER BY id LIMIT 1} (a job queue's claim, a purge in slices) takes the first rows each
     * side holds: where the other side lacks row 1 (not backfilled yet), it takes row 2, which both
     * held alike. Such a write is mirrored and recorded, as any write that picks its rows by others:
     * by key when it names them, else the whole table.
     */
    @ParameterizedTest
    @MethodSource("firstRowWrites")
    void firstRowsByKey_takenFromRowsTheSidesHoldApart_areRecorded(boolean separate, String phase, FirstRows form)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.MARIADB), separate, "phase: " + phase + "\n");
        boolean newPrimary = phase.equals("new-primary");
        for (int id = 1; id <= 3; id++) {
            String name = String.valueOf((char) ('a' + id - 1));
            if (id > 1 || !newPrimary) {
                fx.rawOld("INSERT INTO customers (id, name) VALUES (" + id + ", '" + name + "')");
            }
            if (id > 1 || newPrimary) {
                fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (" + id + ", '" + name + "', '"
                        + name + "')");
            }
        }
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(form.sql)).isEqualTo(1);
        }
        assertThat(fx.differingIds())
                .as("the primary took row 1, the other side row 2, which both held alike")
                .contains(2);
        if (form == FirstRows.KEYED_UPDATE) {
            assertThat(fx.divergenceRecords())
                    .as("the rows the statement names")
                    .containsExactlyInAnyOrder(
                            "[\"1\"]|mirror_picked_by_other_rows", "[\"2\"]|mirror_picked_by_other_rows");
        } else {
            assertThat(fx.divergenceRecords())
                    .as("the whole table: the rows taken are not named in the text")
                    .containsExactly("null|mirror_picked_by_other_rows");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "H2"})
    void refusedPreparedWrite_runsOnOldOnlyAndIsCountedAndLogged(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\n");
        fx.rawOld("INSERT INTO customers (id, name, legacy_flag) VALUES (1, 'a', 1)");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a')");
        try (Connection c = fx.connect();
                PreparedStatement update = c.prepareStatement("UPDATE customers SET name = ? WHERE legacy_flag = ?")) {
            for (int i = 0; i < 2; i++) {
                update.setString(1, "b" + i);
                update.setInt(2, 1);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(fx.oldRows()).containsExactly("1|b1|b1|null");
        assertThat(fx.newRows()).as("not mirrored").containsExactly("1|a|a|null");
        assertThat(fx.count("schemashift.rewrite.refusals", "reason", "dropped_column_read"))
                .isEqualTo(2);
        assertThat(fx.divergenceReasons()).containsExactly("refused_dropped_column_read");
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void failingMirror_recordPolicy_appTransactionCommitsAndTheRowIsLogged(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\n");
        fx.rawNew("ALTER TABLE clients ADD CONSTRAINT no_bad CHECK (full_name <> 'bad')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'good')");
            assertThat(st.executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'bad')"))
                    .isEqualTo(1);
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (3, 'good too')");
            c.commit();
        }
        assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(1, 2, 3);
        assertThat(MigrationFixture.ids(fx.newRows())).containsExactly(1, 3);
        assertThat(fx.divergedKeys()).containsExactly(2);
        assertThat(fx.divergenceReasons()).containsExactly("mirror_failed");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void failingMirror_recordPolicy_autoCommit_appStatementRunsAloneAndTheRowIsLogged(TestDatabase.Kind kind)
            throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, "phase: dual-write\n");
        fx.rawNew("ALTER TABLE clients ADD CONSTRAINT no_bad CHECK (full_name <> 'bad')");
        try (Connection c = fx.connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO customers (name, email) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (String name : List.of("good", "bad", "good too")) {
                insert.setString(1, name);
                insert.setString(2, name + "@x");
                assertThat(insert.executeUpdate()).as("insert of " + name).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt(1)).isGreaterThanOrEqualTo(1000);
                }
            }
        }
        List<String> old = fx.oldRows();
        assertThat(old).extracting(r -> r.split("\\|")[1]).containsExactly("good", "bad", "good too");
        assertThat(fx.newRows()).extracting(r -> r.split("\\|")[1]).containsExactly("good", "good too");
        assertThat(fx.divergenceReasons()).containsExactly("mirror_failed");
        assertThat(fx.divergedKeys()).containsExactly(MigrationFixture.ids(old).get(1));
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB", "H2"})
    void failingMirror_failPolicy_statementFailsAndNeitherSideHasTheRow(TestDatabase.Kind kind) throws Exception {
        failPolicy(kind, false);
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void failingMirror_failPolicy_separateDatabase_statementFailsAndNeitherSideHasTheRow(TestDatabase.Kind kind)
            throws Exception {
        failPolicy(kind, true);
    }

    private static void failPolicy(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind), separate, "phase: dual-write\nwrites:\n  onMirrorFailure: fail\n");
        fx.rawNew("ALTER TABLE clients ADD CONSTRAINT no_bad CHECK (full_name <> 'bad')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'good')");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'bad')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("not mirrored to the new schema")
                    .hasMessageContaining("onMirrorFailure is 'fail'");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (3, 'good too')");
        }
        assertThat(MigrationFixture.ids(fx.oldRows())).as("old side").containsExactly(1, 3);
        fx.assertSidesEqual();
    }

    @Test
    void newPrimary_commitFailsOnNew_appSeesItAndOldRollsBack() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, "phase: new-primary\n");
        fx.rawNew("ALTER TABLE clients ADD CONSTRAINT one_email UNIQUE (email) DEFERRABLE INITIALLY DEFERRED");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'a', 'same@x')");
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'b', 'same@x')");
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("one_email");
        }
        assertThat(fx.newRows()).as("new side, the primary").isEmpty();
        assertThat(fx.oldRows()).as("old side, the mirror, rolled back with it").isEmpty();
    }

    @Test
    void dualWrite_commitFailsOnOld_newSideDoesNotKeepTheRows() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, "phase: dual-write\n");
        fx.rawOld("ALTER TABLE customers ADD CONSTRAINT one_email UNIQUE (email) DEFERRABLE INITIALLY DEFERRED");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'a', 'same@x')");
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'b', 'same@x')");
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class);
            c.setAutoCommit(true); // what a pool does on return: must not commit the new side's part
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (3, 'c', 'c@x')");
        }
        fx.assertSidesEqual();
        assertThat(MigrationFixture.ids(fx.newRows())).containsExactly(3);
    }

    @Test
    void dualWrite_sameDatabase_autoCommitPairFailsAtCommit_neitherSideKeepsIt() throws Exception {
        // the local pair commits by switching auto-commit back on: a commit that fails there fails the statement
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), false, "phase: dual-write\n");
        fx.rawNew("ALTER TABLE clients ADD CONSTRAINT one_email UNIQUE (email) DEFERRABLE INITIALLY DEFERRED");
        try (Connection c = fx.connect();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")) {
            insert(insert, 1, "same@x");
            assertThatThrownBy(() -> insert(insert, 2, "same@x"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("one_email");
            assertThat(c.getAutoCommit()).as("still in auto-commit mode").isTrue();
            insert(insert, 3, "c@x");
        }
        fx.assertSidesEqual();
        assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(1, 3);
    }

    private static void insert(PreparedStatement insert, int id, String email) throws SQLException {
        insert.setInt(1, id);
        insert.setString(2, "n" + id);
        insert.setString(3, email);
        insert.executeUpdate();
    }

    @Test
    void newPrimary_autoCommit_nestedQueriesWhileIterating_resultSetsStayOpen() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, "phase: new-primary\n");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a'), (2, 'b', 'b'), (3, 'c', 'c')");
        List<String> seen = new ArrayList<>();
        try (Connection c = fx.connect();
                Statement outer = c.createStatement();
                PreparedStatement inner = c.prepareStatement("SELECT name FROM customers WHERE id = ?");
                ResultSet rs = outer.executeQuery("SELECT id FROM customers ORDER BY id")) {
            while (rs.next()) {
                inner.setInt(1, rs.getInt(1));
                try (ResultSet one = inner.executeQuery()) {
                    one.next();
                    seen.add(one.getString(1));
                }
            }
        }
        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void readNew_lockingRead_lockstheOldSideWhereTheWritesGo() throws Exception {
        MigrationFixture fx =
                markedSides(TestDatabase.Kind.POSTGRESQL, "phase: read-new\nrouting:\n  readNewPercent: 100\n");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 1 FOR UPDATE")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("old");
            }
            try (ResultSet rs = st.executeQuery("SELECT name FROM customers WHERE id = 1")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("a plain read of the same transaction")
                        .isEqualTo("new");
            }
            c.commit();
        }
    }

    @Test
    void streamParameter_dualWrite_appInsertSucceedsAndTheMissIsLogged() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), false, "phase: dual-write\n");
        try (Connection c = fx.connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
            insert.setInt(1, 1);
            insert.setCharacterStream(2, new java.io.StringReader("streamed"));
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        assertThat(fx.oldRows()).containsExactly("1|streamed|streamed|null");
        assertThat(fx.newRows()).isEmpty();
        assertThat(fx.divergenceReasons()).containsExactly("unreplayable_parameter");
    }

    @Test
    void closedRuntime_removesItsMeters_andANewOneReportsItsOwnPhase() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        try (Connection c = fx.connect()) {
            c.createStatement().executeQuery("SELECT name FROM customers").close();
        }
        var registry = io.micrometer.core.instrument.Metrics.globalRegistry;
        assertThat(registry.find("schemashift.phase")
                        .tag("migration", fx.migration)
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        fx.close();
        assertThat(registry.find("schemashift.phase")
                        .tag("migration", fx.migration)
                        .meters())
                .isEmpty();

        fx.writeConfig(java.nio.file.Files.readString(fx.configPath()).replace("phase: dual-write", "phase: read-new"));
        try (Connection c = fx.connect()) {
            c.createStatement().executeQuery("SELECT name FROM customers").close();
        }
        assertThat(registry.find("schemashift.phase")
                        .tag("migration", fx.migration)
                        .gauge()
                        .value())
                .as("the new runtime's phase, not the closed one's")
                .isEqualTo(3.0);
    }
}
