package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RewriterTest {

    private final Rewriter pg = Fixtures.rewriter(Dialect.POSTGRESQL);

    @Test
    void untouched_noMappedName_sameInstance() {
        String sql = "SELECT * FROM orders /* customers? no: */ WHERE id = ?";
        RewriteResult r = pg.rewrite(sql);
        assertThat(r).isInstanceOfSatisfying(Untouched.class, u -> assertThat(u.sql())
                .isSameAs(sql));
        assertThat(pg.rewrite("SET search_path TO app"))
                .isInstanceOf(Untouched.class)
                .extracting(RewriteResult::kind)
                .isEqualTo(StatementKind.OTHER);
        // a read that sets the session's search path is a session statement too
        assertThat(pg.rewrite("SELECT pg_catalog.set_config('search_path', 'app', false)")
                        .kind())
                .isEqualTo(StatementKind.OTHER);
        assertThat(pg.rewrite("SELECT current_setting('search_path')").kind()).isEqualTo(StatementKind.SELECT);
    }

    @Test
    void cache_hit_returnsSameResult() {
        String sql = "SELECT name FROM customers WHERE id = ?";
        RewriteResult first = pg.rewrite(sql);
        assertThat(pg.rewrite(new String(sql.toCharArray()))).isSameAs(first);
        assertThat(pg.cache().stats().hitCount()).isEqualTo(1);
    }

    @Test
    void cacheBytes0_everyRewriteComputed() {
        Rewriter cold = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .cacheBytes(0)
                .build();
        String sql = "SELECT name FROM customers WHERE id = ?";

        RewriteResult first = cold.rewrite(sql);

        assertThat(cold.rewrite(sql)).isNotSameAs(first).isEqualTo(first);
        assertThat(cold.cache().stats().requestCount()).isZero();
    }

    @Test
    void rewrite_parsesOnTheCallingThread() {
        Rewriter cold = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .cacheBytes(0)
                .build();
        cold.rewrite("SELECT name FROM customers"); // starts the one shared watchdog
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        for (int i = 0; i < 200; i++) {
            assertThat(cold.rewrite("SELECT name FROM customers WHERE id = " + i))
                    .isInstanceOf(Rewritten.class);
        }

        // CCJSqlParserUtil.parse(String) would have started one thread per statement
        assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(20);
    }

    @Test
    void rewrite_null_refused() {
        assertThat(pg.rewrite(null)).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason())
                .isEqualTo(RefusalReason.UNPARSEABLE));
    }

    @Test
    void rewrite_tooLong_refusedWithItsTablesNotCached() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .maxSqlLength(20)
                .build();
        assertThat(r.rewrite("SELECT name FROM customers WHERE 1 = 1")).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.kind()).isEqualTo(StatementKind.SELECT);
        });
        assertThat(r.rewrite("DELETE FROM \"CUSTOMERS\" WHERE id > 100")).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.kind()).isEqualTo(StatementKind.DELETE);
        });
        assertThat(r.cache().estimatedSize()).isZero();
    }

    /**
     * Regression: a 130,000-character INSERT ran on old only, as if it touched no mapped table.
     * Rows of literals after the first are not parsed, so it is rewritten, within the time bound.
     */
    @Test
    void rewrite_longMultiRowInsertOfLiterals_rewrittenEveryRow() {
        StringBuilder sql = new StringBuilder("INSERT INTO customers (id, name, email) VALUES ");
        StringBuilder expected = new StringBuilder(
                "INSERT INTO app_v2.clients (id, full_name, email_address, name_search) OVERRIDING SYSTEM VALUE VALUES ");
        int rows = 0;
        for (; sql.length() < 130_000; rows++) {
            String name = "'name " + rows + "'";
            sql.append(rows == 0 ? "" : ", ")
                    .append("(")
                    .append(rows)
                    .append(", ")
                    .append(name)
                    .append(", 'e@x.io')");
            expected.append(rows == 0 ? "" : ", ")
                    .append("(")
                    .append(rows)
                    .append(", ")
                    .append(name)
                    .append(", 'e@x.io', lower(")
                    .append(name)
                    .append("))");
        }

        RewriteResult r = pg.rewrite(sql.toString());

        assertThat(r).isInstanceOf(Rewritten.class);
        Rewritten w = (Rewritten) r;
        assertThat(w.newSide().sql()).isEqualTo(expected.toString());
        assertThat(w.tables()).containsExactly("customers");
        assertThat(w.kind()).isEqualTo(StatementKind.INSERT);
        assertThat(w.keys()).hasSize(rows);
        assertThat(w.keys().get(rows - 1)).containsExactly(new ParamSource.Literal(String.valueOf(rows - 1)));
    }

    @Test
    void rewrite_longMultiRowInsertOfExpressions_refusedAsAnInsertOnItsTable() {
        StringBuilder sql = new StringBuilder("INSERT INTO customers (id, name, email) VALUES ");
        for (int i = 0; sql.length() < 130_000; i++) {
            sql.append(i == 0 ? "" : ", ").append("(").append(i).append(", upper('n'), 'e@x.io')");
        }

        RewriteResult r = pg.rewrite(sql.toString());

        assertThat(r).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.kind()).isEqualTo(StatementKind.INSERT);
            assertThat(f.reason()).isEqualTo(RefusalReason.UNPARSEABLE);
        });
    }

    /**
     * Bulk loads are not parsed: a load into a mapped table is a refused INSERT on it (recorded, or
     * 0A000 where the new side holds the truth), never an "other" statement that runs unrecorded.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|COPY customers (id, name) FROM PROGRAM 'echo 5,x' WITH (FORMAT csv)|INSERT",
                "POSTGRESQL|COPY customers FROM STDIN|INSERT",
                "POSTGRESQL|copy public.customers from '/tmp/c.csv'|INSERT",
                "POSTGRESQL|COPY customers TO STDOUT|SELECT",
                "POSTGRESQL|COPY (SELECT id FROM customers WHERE id > 1) TO STDOUT|SELECT",
                "MARIADB|LOAD DATA LOCAL INFILE '/tmp/c.csv' INTO TABLE customers|INSERT",
                "MARIADB|LOAD XML INFILE '/tmp/c.xml' INTO TABLE customers|INSERT",
                // statements that run the statement they carry, or carry it as a string
                "POSTGRESQL|EXPLAIN ANALYZE UPDATE customers SET name = 'x' WHERE id = 1|UPDATE",
                "POSTGRESQL|EXPLAIN (ANALYZE, BUFFERS) DELETE FROM customers WHERE id = 1|DELETE",
                "POSTGRESQL|EXPLAIN UPDATE customers SET name = 'x'|SELECT",
                "POSTGRESQL|PREPARE p (int) AS DELETE FROM customers WHERE id = $1|DELETE",
                "POSTGRESQL|DO $$ BEGIN UPDATE customers SET name = 'x' WHERE id = 1; END $$|UPDATE",
                "POSTGRESQL|DO $body$ BEGIN INSERT INTO customers (id) VALUES (1); END $body$ LANGUAGE plpgsql|INSERT",
                "POSTGRESQL|DO 'BEGIN DELETE FROM customers; END'|DELETE",
                "POSTGRESQL|DO $$ BEGIN PERFORM count(*) FROM customers; END $$|OTHER",
                "MARIADB|PREPARE s FROM 'DELETE FROM customers WHERE id = ?'|DELETE",
                "MARIADB|ANALYZE UPDATE customers SET name = 'x' WHERE id = 1|UPDATE"
            })
    void rewrite_bulkLoad_refusedAsAWriteOnItsTable(Dialect dialect, String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect).build();

        assertThat(r.rewrite(sql)).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.kind()).isEqualTo(kind);
        });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|ANALYZE customers",
                "MARIADB|ANALYZE TABLE customers",
                "POSTGRESQL|DO $$ BEGIN RAISE NOTICE 'nothing mapped'; END $$"
            })
    void rewrite_maintenanceAndUnrelatedBlocks_areNoWrites(Dialect dialect, String sql) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect).build();

        assertThat(r.rewrite(sql).kind().isWrite()).isFalse();
    }

    /**
     * A call of a routine whose definition names a mapped table is refused as the write its
     * definition does (or as a read), whatever the calling statement looks like; DDL on the
     * routine and routines over other tables are not calls that reach it.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|CALL rename_customer(1, 'x')|UPDATE",
                "POSTGRESQL|SELECT rename_customer(?, ?)|UPDATE",
                "POSTGRESQL|{call rename_customer(?, ?)}|UPDATE",
                "POSTGRESQL|SELECT * FROM \"Rename_Customer\"(1)|",
                "POSTGRESQL|SELECT customer_count()|SELECT",
                "POSTGRESQL|CALL purge_customers()|TRUNCATE",
                "POSTGRESQL|CALL dynamic_delete(3)|DELETE",
                "POSTGRESQL|INSERT INTO orders (id, n) VALUES (1, customer_count())|INSERT",
                "POSTGRESQL|SELECT audit_only(1)|",
                "POSTGRESQL|CREATE OR REPLACE FUNCTION rename_customer(a int, b text) RETURNS void AS 'SELECT 1' LANGUAGE sql|",
                "POSTGRESQL|DROP FUNCTION rename_customer(int, text)|",
                "POSTGRESQL|SELECT rename_customer FROM orders|",
                "MARIADB|CALL RENAME_CUSTOMER(1, 'x')|UPDATE",
                "MARIADB|CALL hidden_proc|UPDATE",
                "MARIADB|SELECT `hidden_proc`(1)|UPDATE",
                // SQL built at run time may reach any mapped table
                "POSTGRESQL|SELECT update_any('customers', 'x')|UPDATE",
                "POSTGRESQL|SELECT update_concat('customers')|UPDATE",
                "MARIADB|CALL delete_built('customers', 1)|UPDATE",
                "MARIADB|CALL delete_prepared(1)|DELETE",
                "MARIADB|CALL audit_prepared(1)|"
            })
    void rewrite_routineCall_refusedAsWhatItsDefinitionDoes(Dialect dialect, String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .routines(List.of(
                        new Routine(
                                "rename_customer",
                                "CREATE OR REPLACE FUNCTION public.rename_customer(i integer, n text) RETURNS void"
                                        + " LANGUAGE plpgsql AS $function$ BEGIN UPDATE customers SET name = n"
                                        + " WHERE id = i; END $function$"),
                        new Routine("customer_count", "BEGIN RETURN (SELECT count(*) FROM customers); END"),
                        new Routine("purge_customers", "BEGIN TRUNCATE customers; END"),
                        new Routine(
                                "dynamic_delete",
                                "CREATE FUNCTION dynamic_delete(i int) RETURNS void AS $$ BEGIN"
                                        + " EXECUTE 'DELETE FROM customers WHERE id = $1' USING i; END $$"
                                        + " LANGUAGE plpgsql"),
                        new Routine("audit_only", "BEGIN INSERT INTO audit (at) VALUES (now()); END"),
                        new Routine("hidden_proc", null),
                        new Routine(
                                "update_any",
                                "CREATE FUNCTION update_any(t text, n text) RETURNS void AS $$ BEGIN"
                                        + " EXECUTE format('UPDATE %I SET name = $1', t) USING n; END $$ LANGUAGE plpgsql"),
                        new Routine(
                                "update_concat",
                                "CREATE FUNCTION update_concat(t text) RETURNS void AS $$ BEGIN"
                                        + " EXECUTE 'UPDATE ' || quote_ident(t) || ' SET name = NULL'; END $$ LANGUAGE plpgsql"),
                        new Routine(
                                "delete_built",
                                "BEGIN SET @s = CONCAT('DELETE FROM ', t, ' WHERE id = ?'); PREPARE st FROM @s;"
                                        + " EXECUTE st USING i; END"),
                        new Routine(
                                "delete_prepared",
                                "BEGIN PREPARE st FROM 'DELETE FROM customers WHERE id = ?'; EXECUTE st USING i; END"),
                        new Routine(
                                "audit_prepared",
                                "BEGIN PREPARE st FROM 'INSERT INTO audit (id) VALUES (?)'; EXECUTE st USING i; END")))
                .build();

        assertReachedIndirectly(r.rewrite(sql), kind, "calls routine ");
    }

    /**
     * A statement that builds its SQL at run time, out of any text's sight, may write any mapped
     * table: it is refused as a write to every one. Running what an earlier PREPARE prepared is
     * judged by that PREPARE, and literal SQL by what it names.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|DO $$ BEGIN EXECUTE format('UPDATE %I SET name = NULL', concat('cust', 'omers')); END $$|true",
                "POSTGRESQL|DO $$ BEGIN EXECUTE 'UPDATE audit SET at = now()'; END $$|false",
                "POSTGRESQL|EXECUTE stored_plan(1)|false",
                "MARIADB|PREPARE st FROM @sql|true",
                "MARIADB|EXECUTE IMMEDIATE CONCAT('DELETE FROM ', @t)|true",
                "MARIADB|PREPARE st FROM 'SELECT 1'|false",
                "MARIADB|EXECUTE st USING @a|false",
                "H2|EXECUTE IMMEDIATE CONCAT('UPDATE cust', 'omers SET name = NULL')|true",
                "H2|EXECUTE IMMEDIATE 'UPDATE audit SET at = NOW()'|false",
                "H2|RUNSCRIPT FROM '/tmp/changes.sql'|true",
                "H2|SELECT execute FROM audit|false"
            })
    void rewrite_sqlBuiltAtRunTime_refusedAsAWriteToEveryMappedTable(Dialect dialect, String sql, boolean refused) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect).build();

        if (refused) {
            assertReachedIndirectly(r.rewrite(sql), StatementKind.UPDATE, "builds SQL at run time");
        } else {
            assertThat(r.rewrite(sql)).as(sql).isNotInstanceOf(Refused.class);
        }
    }

    /**
     * {@code EXECUTE IMMEDIATE} of a literal runs the statement the literal holds, which is not
     * rewritten: refused as that statement (a write, or OTHER for a read) on the tables it names.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MARIADB|EXECUTE IMMEDIATE 'UPDATE customers SET name = ''x'' WHERE id = 1'|UPDATE",
                "MARIADB|EXECUTE IMMEDIATE 'DELETE FROM customers WHERE id = ?' USING 7|DELETE",
                "MARIADB|EXECUTE IMMEDIATE 'SELECT name FROM customers'|OTHER",
                "H2|execute  immediate 'INSERT INTO customers (id) VALUES (1)'|INSERT"
            })
    void rewrite_executeImmediateOfALiteral_refusedAsWhatItHolds(Dialect dialect, String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect).build();

        assertThat(r.rewrite(sql)).as(sql).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.message()).contains("EXECUTE IMMEDIATE runs the statement its string holds");
        });
        assertThat(r.rewrite("EXECUTE IMMEDIATE 'UPDATE audit SET at = NOW()'")).isInstanceOf(Untouched.class);
    }

    /**
     * MariaDB runs compound statements outside routines; one that writes a mapped table anywhere in
     * it (a branch, a loop) is that write, refused; one that only reads stays OTHER.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "BEGIN NOT ATOMIC SELECT 1; UPDATE customers SET name = 'x' WHERE id = 1; END|UPDATE",
                "IF @a > 0 THEN DO 1; ELSE DELETE FROM customers; END IF|DELETE",
                "WHILE @a > 0 DO INSERT customers (id) VALUES (@a); SET @a = @a - 1; END WHILE|INSERT",
                "CASE @a WHEN 1 THEN REPLACE INTO customers (id) VALUES (1); END CASE|UPSERT",
                "again: LOOP UPDATE customers SET name = NULL; LEAVE again; END LOOP|UPDATE",
                "BEGIN NOT ATOMIC SELECT name FROM customers FOR UPDATE; END|OTHER"
            })
    void rewrite_compoundStatementWritingAMappedTable_refusedAsThatWrite(String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();

        assertThat(r.rewrite(sql)).as(sql).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.tables()).containsExactly("customers");
        });
    }

    /**
     * PostgreSQL's TRUNCATE … CASCADE empties every table that references the truncated one: when
     * that reaches a mapped table, the statement is a refused TRUNCATE of it; without CASCADE, or
     * of a table no mapped table references, it is untouched.
     */
    @Test
    void rewrite_truncateCascadeReachingAMappedTable_refused() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .truncateCascades(Map.of("accounts", Set.of("customers")))
                .build();

        assertThat(r.rewrite("TRUNCATE TABLE accounts CASCADE")).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.kind()).isEqualTo(StatementKind.TRUNCATE);
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.message()).contains("empties mapped tables through foreign keys");
        });
        // with RESTART IDENTITY too
        assertThat(r.rewrite("TRUNCATE accounts RESTART IDENTITY CASCADE"))
                .isInstanceOfSatisfying(
                        Refused.class, f -> assertThat(f.tables()).containsExactly("customers"));
        assertThat(r.rewrite("TRUNCATE accounts")).isInstanceOf(Untouched.class);
        assertThat(r.rewrite("TRUNCATE audit CASCADE")).isInstanceOf(Untouched.class);
        assertThat(pg.rewrite("TRUNCATE accounts CASCADE")).isInstanceOf(Untouched.class);
    }

    /**
     * A write to an unmapped table that fires a trigger whose definition names a mapped table is
     * a refused write to that table; other writes and reads of the table, and a trigger on a mapped
     * table (doctor's business), are not.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO orders (id, customer) VALUES (1, 2)|INSERT",
                "insert into public.orders select 1, 2|INSERT",
                "INSERT INTO orders (id, customer) VALUES (1, 2) ON CONFLICT (id) DO NOTHING|UPSERT",
                "DELETE FROM orders WHERE id = 1|",
                "UPDATE orders SET customer = 3 WHERE id = 1|",
                "SELECT * FROM orders|",
                "INSERT INTO audit SELECT id, customer FROM orders|",
                "WITH x AS (INSERT INTO orders (id) VALUES (1) RETURNING id) SELECT id FROM x|INSERT",
                "UPDATE customers SET name = 'x' WHERE id = 1|"
            })
    void rewrite_writeFiringATriggerThatNamesAMappedTable_refused(String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(
                        new Trigger(
                                "orders",
                                Set.of(StatementKind.INSERT),
                                "orders_count",
                                "CREATE FUNCTION count_order() RETURNS trigger AS $$ BEGIN UPDATE customers"
                                        + " SET name = name WHERE id = NEW.customer; RETURN NEW; END $$ LANGUAGE plpgsql",
                                false),
                        new Trigger(
                                "customers",
                                Set.of(StatementKind.UPDATE),
                                "customers_touch",
                                "BEGIN UPDATE customers SET name = NEW.name; END",
                                false)))
                .build();

        assertReachedIndirectly(
                r.rewrite(sql),
                kind,
                "fires trigger orders_count, whose definition names a mapped table, and what a trigger changes is not"
                        + " mirrored");
    }

    /**
     * A write to a mapped table that fires a trigger its table has on one side only, and which may
     * change rows (one before an INSERT or UPDATE, or one whose definition names a mapped table),
     * is mirrored and recorded; a trigger after a DELETE that writes another table only, and reads,
     * are not.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET name = 'x' WHERE id = 1|true",
                "INSERT INTO customers (id, name) VALUES (1, 'x')|true",
                "INSERT INTO customers (id, name) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET name = 'y'|true",
                "DELETE FROM customers WHERE id = 1|false",
                "SELECT name FROM customers WHERE id = 1|false"
            })
    void rewrite_writeFiringAOneSidedTrigger_mirroredAndRecorded(String sql, boolean recorded) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(STAMP, AUDIT))
                .build();

        assertThat(r.rewrite(sql)).as(sql).isInstanceOfSatisfying(Rewritten.class, w -> {
            assertThat(w.nondeterminism().contains(NonDeterminism.ONE_SIDED_TRIGGER))
                    .isEqualTo(recorded);
            assertThat(w.unmirrorable(false)).isNull();
            if (recorded) {
                assertThat(w.recordedThoughMirrored(false)).isEqualTo(NonDeterminism.ONE_SIDED_TRIGGER);
            }
        });
    }

    /**
     * A trigger the new table has at the same moment counts as the same behaviour; with a separate
     * new database only that database's triggers count, and one the new table alone has is
     * one-sided too, unless it sets only columns the old table lacks (an audit column).
     */
    @Test
    void rewrite_triggerAtTheSameMomentOnBothTables_notRecorded() {
        Trigger newStamp = new Trigger(
                "clients",
                STAMP.events(),
                "clients_stamp",
                "BEGIN NEW.\"email_address\" := lower(NEW.email_address); RETURN NEW; END",
                true);
        Trigger newAudit = new Trigger(
                "clients",
                Set.of(StatementKind.UPDATE),
                "clients_audit",
                "BEGIN NEW.audited_at := now(); NEW.renewed := true; RETURN NEW; END",
                true);
        String update = "UPDATE customers SET name = 'x' WHERE id = 1";
        Rewriter same = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(STAMP, newStamp))
                .build();
        Rewriter separateWithout = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(STAMP, newStamp))
                .newTriggers(List.of())
                .build();
        Rewriter newAlone = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .newTriggers(List.of(newStamp))
                .build();

        assertThat(((Rewritten) same.rewrite(update)).nondeterminism()).isEmpty();
        assertThat(same.oneSidedTriggers("customers", true)).isEmpty();
        assertThat(((Rewritten) separateWithout.rewrite(update)).nondeterminism())
                .containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        assertThat(separateWithout.oneSidedTriggers("CUSTOMERS", true))
                .as("what doctor reports")
                .containsExactly("customers_stamp on customers (BEFORE INSERT, UPDATE)");
        assertThat(((Rewritten) newAlone.rewrite(update)).nondeterminism())
                .containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        assertThat(newAlone.oneSidedTriggers("customers", true))
                .containsExactly("clients_stamp on clients (BEFORE INSERT, UPDATE)");
        Rewriter audited = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(newAudit))
                .build();
        assertThat(((Rewritten) audited.rewrite(update)).nondeterminism()).isEmpty();
        assertThat(audited.oneSidedTriggers("customers", false))
                .as("one table's trigger that sets only columns the other lacks: reported, not recorded")
                .containsExactly("clients_audit on clients (BEFORE UPDATE)");
    }

    /**
     * A BEFORE trigger may change the row without naming {@code NEW.c}: it replaces {@code NEW}
     * wholesale ({@code NEW := …}, {@code SELECT … INTO NEW}), or runs SQL it builds (which may also
     * write a mapped table). Each counts as one that may change rows; one that only returns {@code
     * NEW} does not.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "BEGIN NEW := jsonb_populate_record(NEW, '{\"email\": \"x\"}'); RETURN NEW; END | true",
                "BEGIN NEW = ROW(1, 'x'); RETURN NEW; END | true",
                "BEGIN SELECT * INTO NEW FROM defaults_row(); RETURN NEW; END | true",
                "BEGIN EXECUTE format('UPDATE %I SET x = 1', TG_ARGV[0]); RETURN NEW; END | true",
                "BEGIN PERFORM pg_notify('changes', 'row'); RETURN NEW; END | false",
                "BEGIN RETURN NEW; END | false"
            })
    void rewrite_triggerChangingTheRowWithoutNamingItsColumns_oneSided(String body, boolean oneSided) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(new Trigger(
                        "customers", Set.of(StatementKind.INSERT, StatementKind.UPDATE), "customers_fill", body, true)))
                .build();
        assertThat(((Rewritten) r.rewrite("UPDATE customers SET name = ? WHERE id = ?")).nondeterminism())
                .as(body)
                .isEqualTo(oneSided ? Set.of(NonDeterminism.ONE_SIDED_TRIGGER) : Set.of());
    }

    /**
     * A trigger whose definition the user may not read (MariaDB without the TRIGGER privilege: the
     * catalog gives its name, table and moment only) may do anything: on one mapped table it may
     * change rows, on both it may read each side's clock, on another table it may write every
     * mapped table.
     */
    @Test
    void rewrite_triggerWhoseDefinitionIsHidden_countsAsChangingRows() {
        Set<StatementKind> insert = Set.of(StatementKind.INSERT);
        Trigger oldHidden = new Trigger("customers", insert, "customers_fill", null, true);
        Trigger newHidden = new Trigger("clients", insert, "clients_fill", null, true);
        String write = "INSERT INTO customers (id, name) VALUES (?, ?)";
        Rewriter oneSided = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .triggers(List.of(oldHidden))
                .build();
        Rewriter both = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .triggers(List.of(oldHidden, newHidden))
                .build();
        Rewriter other = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .triggers(List.of(new Trigger("orders", insert, "orders_count", null, false)))
                .build();

        assertThat(((Rewritten) oneSided.rewrite(write)).nondeterminism())
                .containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        assertThat(oneSided.oneSidedTriggers("customers", true))
                .containsExactly("customers_fill on customers (BEFORE INSERT, whose definition cannot be read)");
        assertThat(((Rewritten) both.rewrite(write)).nondeterminism())
                .containsExactly(NonDeterminism.ONE_SIDED_TRIGGER);
        assertThat(other.rewrite("INSERT INTO orders (id) VALUES (1)"))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.message())
                        .contains("fires trigger orders_count, whose definition cannot be read"));
    }

    /**
     * A trigger on both tables that sets a source of a derived column ({@code NEW.name} under {@code
     * name_search = lower(name)}): the new side computes the derived column from the value the
     * statement writes, while the old side stores the trigger's value, from which the backfill
     * computes it. Such writes are mirrored and recorded, unless the new table's trigger sets the
     * derived column itself.
     */
    @Test
    void rewrite_triggerOnBothTablesSettingADerivedColumnsSource_recorded() {
        Set<StatementKind> events = Set.of(StatementKind.INSERT, StatementKind.UPDATE);
        Trigger oldName = new Trigger(
                "customers",
                events,
                "customers_name",
                "BEGIN NEW.name := coalesce(NEW.name, 'anon'); RETURN NEW; END",
                true);
        Trigger newName = new Trigger(
                "clients",
                events,
                "clients_name",
                "BEGIN NEW.full_name := coalesce(NEW.full_name, 'anon'); RETURN NEW; END",
                true);
        Trigger newNameAndSearch = new Trigger(
                "clients",
                events,
                "clients_name",
                "BEGIN NEW.full_name := coalesce(NEW.full_name, 'anon'); NEW.name_search := lower(NEW.full_name);"
                        + " RETURN NEW; END",
                true);
        Rewriter parted = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(oldName, newName))
                .build();
        Rewriter computedByTheTrigger = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(oldName, newNameAndSearch))
                .build();
        for (String write : List.of(
                "INSERT INTO customers (id, name) VALUES (?, ?)", "UPDATE customers SET name = ? WHERE id = ?")) {
            assertThat(((Rewritten) parted.rewrite(write)).recordedThoughMirrored(false))
                    .as(write)
                    .isEqualTo(NonDeterminism.ONE_SIDED_TRIGGER);
            assertThat(((Rewritten) computedByTheTrigger.rewrite(write)).nondeterminism())
                    .as(write)
                    .isEmpty();
        }
        assertThat(parted.oneSidedTriggers("customers", true))
                .containsExactly(
                        "customers_name on customers (BEFORE INSERT, UPDATE, on both tables, sets a source of a"
                                + " derived column, which the new side computes from the written value)");
        assertThat(((Rewritten) parted.rewrite("DELETE FROM customers WHERE id = ?")).nondeterminism())
                .isEmpty();
    }

    private static final Trigger STAMP = new Trigger(
            "customers",
            Set.of(StatementKind.INSERT, StatementKind.UPDATE),
            "customers_stamp",
            "BEGIN NEW.email := lower(NEW.email); RETURN NEW; END",
            true);
    private static final Trigger AUDIT = new Trigger(
            "customers",
            Set.of(StatementKind.DELETE),
            "customers_audit",
            "BEGIN INSERT INTO audit VALUES (OLD.id); RETURN OLD; END",
            false);

    /**
     * PostgreSQL's catalog gives the triggers of every schema by table name: a write to a table of
     * that name in a schema other than the old tables' fires one as well (a namesake's write is
     * refused too).
     */
    @Test
    void rewrite_writeToAnotherSchemasTableFiringATrigger_refused() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .oldSchema("public")
                .triggers(List.of(new Trigger(
                        "orders",
                        Set.of(StatementKind.INSERT),
                        "orders_count",
                        "BEGIN UPDATE customers SET name = name; END",
                        false)))
                .build();

        assertReachedIndirectly(
                r.rewrite("INSERT INTO billing.orders (id, customer) VALUES (1, 2)"),
                StatementKind.INSERT,
                "fires trigger orders_count");
        assertReachedIndirectly(r.rewrite("INSERT INTO billing.invoices (id) VALUES (1)"), null, "");
    }

    /**
     * A write to a parent whose foreign-key action changes a mapped table on one side only is a
     * refused write to that table: a DELETE fires an ON DELETE action; an UPDATE, or an upsert's
     * update, an ON UPDATE action only when it sets a referenced column; MariaDB's REPLACE (which
     * deletes) and a MERGE either. Reads, INSERTs and updates of other columns fire nothing.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|DELETE FROM accounts WHERE id = 1|DELETE",
                "POSTGRESQL|delete from public.accounts|DELETE",
                "POSTGRESQL|UPDATE accounts SET code = 'b' WHERE id = 1|UPDATE",
                "POSTGRESQL|UPDATE accounts SET \"code\" = 'b', label = 'c'|UPDATE",
                "POSTGRESQL|UPDATE accounts SET label = 'b' WHERE id = 1|",
                "POSTGRESQL|INSERT INTO accounts (id, code) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET code = 'b'|UPSERT",
                "POSTGRESQL|INSERT INTO accounts (id, code) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET label = 'b'|",
                "POSTGRESQL|INSERT INTO accounts (id, code) VALUES (1, 'a') ON CONFLICT (id) DO NOTHING|",
                "POSTGRESQL|INSERT INTO accounts (id, code) VALUES (1, 'a')|",
                "POSTGRESQL|SELECT * FROM accounts|",
                "POSTGRESQL|MERGE INTO accounts a USING src s ON a.id = s.id WHEN MATCHED THEN DELETE|UPSERT",
                "MARIADB|REPLACE INTO accounts (id, code) VALUES (1, 'a')|UPSERT",
                "MARIADB|INSERT INTO accounts (id, code) VALUES (1, 'a') ON DUPLICATE KEY UPDATE code = 'b'|UPSERT",
                "MARIADB|INSERT INTO accounts (id, code) VALUES (1, 'a') ON DUPLICATE KEY UPDATE label = 'b'|",
                "MARIADB|UPDATE `accounts` SET `CODE` = 'b'|UPDATE"
            })
    void rewrite_writeFiringAOneSidedForeignKeyAction_refused(Dialect dialect, String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .cascadingKeys(List.of(new CascadingKey(
                        "accounts",
                        "customers",
                        "customers_account",
                        Set.of(StatementKind.DELETE, StatementKind.UPDATE),
                        Set.of("code"),
                        "of public.customers (account_code) -> accounts (code) ON DELETE CASCADE ON UPDATE CASCADE")))
                .build();

        RewriteResult result = r.rewrite(sql);
        if (kind == null) {
            assertThat(result).as(sql).isNotInstanceOf(Refused.class);
            return;
        }
        assertThat(result).as(sql).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.reason()).isEqualTo(RefusalReason.FOREIGN_KEY_ACTION);
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.message())
                    .startsWith("fires the action of foreign key customers_account of mapped table customers, which the"
                            + " new table does not share")
                    .doesNotContain("'b'");
        });
    }

    /**
     * A mapped parent's write that fires a one-sided key action cannot run where it was sent in
     * every phase (its own rows are routed): refused as {@link RefusalReason#INDIRECT}, recorded
     * while the old side holds the truth, 0A000 from new-primary on.
     */
    @Test
    void rewrite_mappedParentFiringAOneSidedForeignKeyAction_refusedAsIndirect() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .cascadingKeys(List.of(new CascadingKey(
                        "customers",
                        "customers",
                        "customers_referrer",
                        Set.of(StatementKind.DELETE),
                        Set.of("id"),
                        "of public.customers (referrer) -> customers (id) ON DELETE SET NULL ON UPDATE NO ACTION")))
                .build();

        assertReachedIndirectly(
                r.rewrite("DELETE FROM customers WHERE id = 1"),
                StatementKind.DELETE,
                "fires the action of foreign key customers_referrer of mapped table customers");
        assertThat(r.rewrite("UPDATE customers SET name = 'x' WHERE id = 1")).isInstanceOf(Rewritten.class);
    }

    /**
     * A statement through a view over a mapped table (directly or through another view) reads or
     * writes it unseen: refused as the statement's write, or as a read; DDL on the view, and views
     * over other tables, are not.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SELECT * FROM customer_names|SELECT",
                "SELECT n.name FROM orders o JOIN customer_names n ON n.id = o.customer|SELECT",
                "UPDATE customer_names SET name = 'x' WHERE id = 1|UPDATE",
                "INSERT INTO customer_names (id, name) VALUES (1, 'x')|INSERT",
                "DELETE FROM \"customer_names\"|DELETE",
                "SELECT * FROM vip_names|SELECT",
                "SELECT * FROM order_totals|",
                "CREATE OR REPLACE VIEW customer_names AS SELECT 1 AS id|",
                "DROP VIEW vip_names|"
            })
    void rewrite_statementThroughAViewOverAMappedTable_refused(String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .views(List.of(
                        new View("vip_names", "SELECT id, name FROM customer_names WHERE id < 10"),
                        new View("customer_names", " SELECT customers.id, customers.name FROM customers;"),
                        new View("order_totals", "SELECT customer, sum(total) FROM orders GROUP BY customer")))
                .build();

        assertReachedIndirectly(r.rewrite(sql), kind, "goes through view ");
    }

    /**
     * {@code result} is refused as reaching customers indirectly, as a statement of {@code kind}
     * with a message that starts with {@code message}; with {@code kind} null, it is not.
     */
    private static void assertReachedIndirectly(RewriteResult result, StatementKind kind, String message) {
        if (kind == null) {
            assertThat(result instanceof Refused f && f.reason() == RefusalReason.INDIRECT)
                    .as(result.toString())
                    .isFalse();
            return;
        }
        assertThat(result).isInstanceOfSatisfying(Refused.class, f -> {
            assertThat(f.reason()).isEqualTo(RefusalReason.INDIRECT);
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.tables()).containsExactly("customers");
            assertThat(f.message()).startsWith(message).doesNotContain("'x'");
        });
    }

    /**
     * MariaDB's multi-table UPDATE and DELETE of a mapped table are rewritten like a single-table
     * one that picks its rows through the join: the columns set are qualified (a joined table may
     * have a column of that name), a derived column gets the set value itself (a multi-table UPDATE
     * assigns in no documented order, so nothing is read back).
     */
    @Test
    void mariadbMultiTableWrite_ofAMappedTable_rewritten() {
        Rewriter my = Fixtures.rewriter(Dialect.MARIADB);
        assertThat(((Rewritten) my.rewrite("UPDATE customers c JOIN orders o ON o.customer = c.id"
                                + " SET c.name = o.label, city = ? WHERE o.id = ?"))
                        .newSide()
                        .sql())
                .isEqualTo("UPDATE clients c JOIN orders o ON o.customer = c.id"
                        + " SET c.full_name = o.label, c.town = ?, c.name_search = lower((o.label)) WHERE o.id = ?");
        assertThat(((Rewritten) my.rewrite("UPDATE orders, customers SET customers.email = orders.label"
                                + " WHERE orders.customer = customers.id AND customers.id = 7"))
                        .newSide()
                        .sql())
                .isEqualTo("UPDATE orders, clients SET clients.email_address = orders.label"
                        + " WHERE orders.customer = clients.id AND clients.id = 7");
        Rewritten deleted = (Rewritten) my.rewrite(
                "DELETE customers FROM customers JOIN orders ON orders.customer = customers.id WHERE customers.id = ?");
        assertThat(deleted.newSide().sql())
                .isEqualTo(
                        "DELETE clients FROM clients JOIN orders ON orders.customer = clients.id WHERE clients.id = ?");
        assertThat(deleted.keys()).containsExactly(List.of(new ParamSource.Bound(1)));
        assertThat(((Rewritten) my.rewrite("DELETE c FROM customers c JOIN orders o ON o.customer = c.id"))
                        .newSide()
                        .sql())
                .isEqualTo("DELETE c FROM clients c JOIN orders o ON o.customer = c.id");
        for (String form : List.of(
                "DELETE FROM c USING customers c JOIN orders o ON o.customer = c.id",
                "DELETE customers.* FROM customers JOIN orders ON orders.customer = customers.id")) {
            assertThat(my.rewrite(form))
                    .as(form + ": deletes from the mapped table, rewritten or refused, never a write of another")
                    .satisfiesAnyOf(r -> assertThat(r).isInstanceOf(Refused.class), r -> {
                        assertThat(((Rewritten) r).writesUnmapped()).isFalse();
                        assertThat(((Rewritten) r).newSide().sql()).contains("clients");
                    });
        }
        for (String[] refused : new String[][] {
            {"UPDATE customers c JOIN orders o ON o.customer = c.id SET c.name = upper(c.name)", "from its own table"},
            {
                "UPDATE customers c JOIN orders o ON o.customer = c.id SET c.name = o.label, o.label = 'x'",
                "more than one table"
            },
            {"UPDATE customers a JOIN customers b ON b.id = a.id + 1 SET b.email = a.email", "joined after another"},
            {"DELETE c, o FROM customers c JOIN orders o ON o.customer = c.id", "a mapped table and another"}
        }) {
            assertThat(my.rewrite(refused[0])).as(refused[0]).isInstanceOfSatisfying(Refused.class, f -> {
                assertThat(f.reason()).isEqualTo(RefusalReason.UNSUPPORTED_CONSTRUCT);
                assertThat(f.message()).contains(refused[1]);
            });
        }
    }

    /**
     * The unit that MariaDB's and H2's date arithmetic takes first ({@code TIMESTAMPADD(SECOND, …)},
     * H2's {@code DATEADD(DAY, …)}: Hibernate 6 writes date arithmetic so) is a keyword, neither
     * looked up as a column (before: refused, {@code unknown_column}) nor renamed when a mapped column
     * has its name. PostgreSQL has no such call: a bare word there is a column.
     */
    @Test
    void dateUnitArgument_keptAsAKeyword() {
        for (Dialect dialect : List.of(Dialect.MARIADB, Dialect.H2)) {
            Rewriter r = Fixtures.rewriter(dialect);
            assertThat(((Rewritten) r.rewrite(
                                    "SELECT name FROM customers WHERE TIMESTAMPDIFF(SECOND, created_at, ?) > 60"))
                            .newSide()
                            .sql())
                    .as(dialect.name())
                    .isEqualTo("SELECT full_name AS name FROM clients WHERE TIMESTAMPDIFF(SECOND, created_at, ?) > 60");
            assertThat(((Rewritten)
                                    r.rewrite(
                                            "UPDATE customers SET created_at = TIMESTAMPADD(MICROSECOND, ?, created_at) WHERE id = ?"))
                            .newSide()
                            .sql())
                    .as(dialect.name())
                    .isEqualTo("UPDATE clients SET created_at = TIMESTAMPADD(MICROSECOND, ?, created_at) WHERE id = ?");
            Rewriter dayRenamed = Rewriter.builder(
                            Mapping.of(List.of(new TableMapping(
                                    "visits",
                                    "visits_v2",
                                    null,
                                    List.of("id"),
                                    Map.of("day", "visit_day"),
                                    Map.of(),
                                    List.of("id", "day", "seen")))),
                            dialect)
                    .build();
            assertThat(((Rewritten) dayRenamed.rewrite("SELECT id FROM visits WHERE TIMESTAMPADD(DAY, day, seen) > ?"))
                            .newSide()
                            .sql())
                    .as(dialect.name() + ": the unit kept, the column renamed")
                    .isEqualTo("SELECT id FROM visits_v2 WHERE TIMESTAMPADD(DAY, visit_day, seen) > ?");
        }
        Rewriter h2 = Fixtures.rewriter(Dialect.H2);
        for (String call :
                List.of("DATEADD(DAY, 1, created_at)", "DATEDIFF(DAY, created_at, ?)", "DATE_TRUNC(DAY, created_at)")) {
            assertThat(((Rewritten) h2.rewrite("SELECT " + call + " FROM customers WHERE city = ?"))
                            .newSide()
                            .sql())
                    .isEqualTo("SELECT " + call + " FROM clients WHERE town = ?");
        }
        assertThat(Fixtures.rewriter(Dialect.POSTGRESQL).rewrite("SELECT date_trunc(day, created_at) FROM customers"))
                .isInstanceOfSatisfying(
                        Refused.class, f -> assertThat(f.reason()).isEqualTo(RefusalReason.UNKNOWN_COLUMN));
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.MARIADB)
                                .rewrite("SELECT id FROM customers WHERE DATEDIFF(city, created_at) > 1"))
                        .newSide()
                        .sql())
                .as("MariaDB's DATEDIFF takes two dates, both columns")
                .isEqualTo("SELECT id FROM clients WHERE DATEDIFF(town, created_at) > 1");
    }

    /**
     * MariaDB's REPLACE is rewritten as the INSERT it starts as and runs as a REPLACE on both sides;
     * its keys name its rows only when no other unique index may delete rows under other keys.
     */
    @Test
    void mariadbReplace_rewrittenAsItsInsertAndRunAsAReplace() {
        Rewriter keyOnly = Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.MARIADB, true)
                                .withUniqueKeys(Map.of("PRIMARY", List.of("id"))))),
                        Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) keyOnly.rewrite("REPLACE INTO customers (id, name) VALUES (?, ?)");
        assertThat(r.kind()).isEqualTo(StatementKind.UPSERT);
        assertThat(r.oldSide().sql()).isEqualTo("REPLACE INTO customers (id, name) VALUES (?, ?)");
        assertThat(r.newSide().sql())
                .isEqualTo("REPLACE INTO clients (id, full_name, name_search) VALUES (?, ?, lower(?))");
        assertThat(r.keys()).containsExactly(List.of(new ParamSource.Bound(1)));
        assertThat(r.probe()).as("nothing to look up").isEqualTo(UpsertProbe.NOTHING);
        assertThat(((Rewritten) keyOnly.rewrite("replace customers set id = 1, name = 'a'"))
                        .newSide()
                        .sql())
                .isEqualTo("REPLACE clients (id, full_name, name_search) VALUES (1, 'a', lower('a'))");
        Rewriter emailToo = Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.MARIADB, true)
                                .withUniqueKeys(Map.of("PRIMARY", List.of("id"), "email", List.of("email"))))),
                        Dialect.MARIADB)
                .build();
        assertThat(((Rewritten) emailToo.rewrite("REPLACE INTO customers (id, email) VALUES (?, ?)")).keys())
                .as("a row holding the email under another key is deleted too: the whole table")
                .isEmpty();
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.MARIADB).rewrite("REPLACE INTO customers (id) VALUES (1)"))
                        .keys())
                .as("indexes not read")
                .isEmpty();
        assertThat(Fixtures.rewriter(Dialect.H2).rewrite("REPLACE INTO customers (id) VALUES (1)"))
                .as("MariaDB's alone")
                .isInstanceOf(Refused.class);
    }

    /** A trailing semicolon ends no second statement: the kind is the statement's. */
    @Test
    void rewrite_trailingSemicolon_keepsTheKind() {
        assertThat(pg.rewrite("SELECT 1;")).isInstanceOfSatisfying(Untouched.class, u -> assertThat(u.kind())
                .isEqualTo(StatementKind.SELECT));
    }

    /**
     * A write to an unmapped table that reads a mapped one is flagged, so that it runs once, MariaDB's
     * multi-table UPDATE and DELETE too; one that writes the joined mapped table as well is refused.
     */
    @Test
    void rewrite_writeToAnUnmappedTable_flaggedOrRefused() {
        Rewriter my = Fixtures.rewriter(Dialect.MARIADB);
        for (String sql : List.of(
                "INSERT INTO audit (id) SELECT id FROM customers",
                "UPDATE audit SET n = (SELECT count(*) FROM customers)",
                "DELETE FROM audit WHERE id IN (SELECT id FROM customers)")) {
            assertThat(pg.rewrite(sql)).as(sql).isInstanceOfSatisfying(Rewritten.class, w -> assertThat(
                            w.writesUnmapped())
                    .isTrue());
        }
        for (String sql : List.of(
                "UPDATE audit a JOIN customers c ON c.id = a.id SET a.n = c.name",
                "UPDATE audit a JOIN customers c ON c.id = a.id SET n = 1",
                "DELETE a FROM audit a JOIN customers c ON c.id = a.id WHERE c.name = 'x'",
                "DELETE audit FROM audit JOIN customers ON customers.id = audit.id")) {
            assertThat(my.rewrite(sql)).as(sql).isInstanceOfSatisfying(Rewritten.class, w -> assertThat(
                            w.writesUnmapped())
                    .isTrue());
        }
        assertThat(pg.rewrite("UPDATE customers SET name = 'x' WHERE id = 1"))
                .isInstanceOfSatisfying(
                        Rewritten.class, w -> assertThat(w.writesUnmapped()).isFalse());
        for (String sql : List.of(
                "UPDATE audit a JOIN customers c ON c.id = a.id SET a.n = 1, c.name = 'x'",
                "UPDATE audit a JOIN customers c ON c.id = a.id SET n = 1, name = 'x'",
                "DELETE a, c FROM audit a JOIN customers c ON c.id = a.id")) {
            assertThat(my.rewrite(sql)).as(sql).isInstanceOfSatisfying(Refused.class, f -> {
                assertThat(f.reason()).isEqualTo(RefusalReason.UNSUPPORTED_CONSTRUCT);
                assertThat(f.tables()).containsExactly("customers");
                assertThat(f.kind().isWrite()).isTrue();
            });
        }
    }

    /**
     * A statement too long to parse is still judged by what it reaches: a routine call or a view
     * first (refused as such), a write that fires a trigger by the lexical scan.
     */
    @Test
    void rewrite_tooLongToParse_stillReachesIndirectly() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .maxSqlLength(30)
                .routines(List.of(new Routine("rename_customer", "BEGIN UPDATE customers SET name = 'x'; END")))
                .views(List.of(new View("customer_names", "SELECT id, name FROM customers")))
                .triggers(List.of(new Trigger(
                        "orders",
                        Set.of(StatementKind.INSERT),
                        "orders_placed",
                        "UPDATE customers SET name = 'y'",
                        false)))
                .build();

        assertThat(r.rewrite("SELECT rename_customer(1, 'a long enough name')"))
                .isInstanceOfSatisfying(Refused.class, f -> {
                    assertThat(f.reason()).isEqualTo(RefusalReason.INDIRECT);
                    assertThat(f.kind()).isEqualTo(StatementKind.UPDATE);
                });
        assertThat(r.rewrite("UPDATE customer_names SET name = 'a long enough name' WHERE id = 1"))
                .isInstanceOfSatisfying(
                        Refused.class, f -> assertThat(f.reason()).isEqualTo(RefusalReason.INDIRECT));
        assertThat(r.rewrite("INSERT INTO orders (id, customer) VALUES (1, 2), (3, 4)"))
                .isInstanceOfSatisfying(Refused.class, f -> {
                    assertThat(f.reason()).isEqualTo(RefusalReason.UNPARSEABLE);
                    assertThat(f.kind()).isEqualTo(StatementKind.INSERT);
                    assertThat(f.tables()).containsExactly("customers");
                });
    }

    /** Away from the old schema, an unqualified name is another schema's table; a qualified one is still mapped. */
    @Test
    void awayFromOldSchema_onlyQualifiedNamesAreMapped() {
        Rewriter home = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .oldSchema("public")
                .build();
        Rewriter away = home.awayFromOldSchema(true);

        assertThat(away.rewrite("UPDATE customers SET name = 'x' WHERE id = 1")).isInstanceOf(Untouched.class);
        assertThat(away.rewrite("UPDATE public.customers SET name = 'x' WHERE id = 1"))
                .isInstanceOfSatisfying(
                        Rewritten.class, w -> assertThat(w.newSide().sql()).startsWith("UPDATE app_v2.clients "));
        assertThat(home.rewrite("UPDATE customers SET name = 'x' WHERE id = 1")).isInstanceOf(Rewritten.class);
        assertThat(away.awayFromOldSchema(true)).isSameAs(away);
        assertThat(home.awayFromOldSchema(true)).isSameAs(away);
        assertThat(pg.awayFromOldSchema(true)).as("old schema unknown").isSameAs(pg);
        // a new table without a schema of its own is named with the old schema, where it is
        Rewriter h2 = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .oldSchema("PUBLIC")
                .build();
        assertThat(h2.awayFromOldSchema(true).rewrite("UPDATE PUBLIC.customers SET name = 'x' WHERE id = 1"))
                .isInstanceOfSatisfying(
                        Rewritten.class, w -> assertThat(w.newSide().sql()).startsWith("UPDATE PUBLIC.clients "));
    }

    /**
     * A table that shares rows with a mapped one (PostgreSQL partitions and inheritance) reads or
     * writes them unseen: refused as the statement's write, or as a read.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers_2024 (id, name) VALUES (1, 'x')|INSERT",
                "UPDATE people SET name = 'x' WHERE id = 1|UPDATE",
                "SELECT count(*) FROM customers_2024|SELECT",
                "UPDATE customers SET name = 'x' WHERE id = 1|"
            })
    void rewrite_statementOnATableThatSharesRows_refused(String sql, StatementKind kind) {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .relatives(Map.of(
                        "customers_2024", Set.of("customers"),
                        "people", Set.of("customers"),
                        "customers", Set.of("customers")))
                .build();

        assertReachedIndirectly(r.rewrite(sql), kind, "goes through table ");
    }

    /** A function in FROM whose name contains a mapped table's (so the text is parsed) is no table. */
    @Test
    void rewrite_tableFunctionInFrom_untouched() {
        assertThat(pg.rewrite("SELECT * FROM customers_fn(1)")).isInstanceOf(Untouched.class);
        assertThat(pg.rewrite("INSERT INTO customers (id, name) SELECT id, name FROM customers_fn(1)"))
                .isInstanceOf(Rewritten.class);
    }

    @Test
    void rewrite_internalError_tablesFromTheLexicalScan() {
        String sql = "UPDATE orders o SET total = 1 WHERE o.id IN (SELECT id FROM customers)";
        Tokens tokens = Tokens.lex(sql, Dialect.POSTGRESQL);

        Refused r = pg.failed(sql, tokens, Fingerprints.of(tokens), new IllegalStateException("bug"));
        Refused untokenized = pg.failed(sql, null, null, new IllegalStateException("bug"));

        assertThat(r.reason()).isEqualTo(RefusalReason.INTERNAL_ERROR);
        assertThat(r.tables()).containsExactly("customers");
        assertThat(r.kind()).isEqualTo(StatementKind.UPDATE);
        assertThat(untokenized.tables()).containsExactly("customers");
    }

    @Test
    void rewrite_parseOutOfTime_refusedAndCachedOnlyTheSecondTime() {
        Rewriter r = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .parseTimeout(java.time.Duration.ofNanos(1))
                .build();
        // Under the 100,000-character limit, and long enough to outlast the watchdog's 10 ms period.
        String sql = "SELECT id FROM customers WHERE "
                + String.join(" OR ", java.util.Collections.nCopies(3_000, "(id = 1 AND name = 'x')"));

        RewriteResult first = r.rewrite(sql);
        assertThat(first).isInstanceOf(Refused.class);
        assertThat(((Refused) first).reason()).isEqualTo(RefusalReason.TIME_BOUND);
        assertThat(r.cache().getIfPresent(sql)).as("cached after one time-out").isNull();

        assertThat(((Refused) r.rewrite(sql)).reason()).isEqualTo(RefusalReason.TIME_BOUND);
        assertThat(r.cache().getIfPresent(sql)).as("cached after the second").isNotNull();
    }

    @Test
    void builder_invalidArguments_throwNamingTheProperty() {
        var b = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2);
        assertThatThrownBy(() -> b.cacheBytes(-1)).hasMessageContaining("cacheBytes");
        assertThatThrownBy(() -> b.maxSqlLength(0)).hasMessageContaining("maxSqlLength");
        assertThatThrownBy(() -> b.parseTimeout(java.time.Duration.ZERO)).hasMessageContaining("parseTimeout");
    }

    @Test
    void insert_missingKey_generatedKeysForTheMirror() {
        Rewritten r = (Rewritten) pg.rewrite("INSERT INTO customers(name) VALUES (?), (?)");
        assertThat(r.generatedKeyColumns()).containsExactly("id");
        assertThat(r.newSideWithKeys().sql())
                .isEqualTo(
                        "INSERT INTO app_v2.clients(full_name, name_search, id) OVERRIDING SYSTEM VALUE VALUES (?, lower(?), ?),"
                                + " (?, lower(?), ?)");
        assertThat(r.newSideWithKeys().params())
                .containsExactly(
                        new ParamSource.Bound(1),
                        new ParamSource.Bound(1),
                        new ParamSource.GeneratedKey(0, 0),
                        new ParamSource.Bound(2),
                        new ParamSource.Bound(2),
                        new ParamSource.GeneratedKey(1, 0));
        assertThat(r.oldSideWithKeys().sql())
                .isEqualTo("INSERT INTO customers(name, id) OVERRIDING SYSTEM VALUE VALUES (?, ?), (?, ?)");
        assertThat(r.keys())
                .containsExactly(
                        List.of(new ParamSource.GeneratedKey(0, 0)), List.of(new ParamSource.GeneratedKey(1, 0)));
    }

    /** {@code DEFAULT VALUES}: an INSERT that names no column; the generated key, where one side gets it, as a value. */
    @Test
    void insert_defaultValues_namesOnlyTheGeneratedKey() {
        Rewritten r = (Rewritten) pg.rewrite("INSERT INTO customers DEFAULT VALUES RETURNING id");
        assertThat(r.newSide().sql()).isEqualTo("INSERT INTO app_v2.clients DEFAULT VALUES RETURNING id");
        assertThat(r.generatedKeyColumns()).containsExactly("id");
        assertThat(r.newSideWithKeys().sql())
                .isEqualTo("INSERT INTO app_v2.clients (id) OVERRIDING SYSTEM VALUE VALUES (?) RETURNING id");
        assertThat(r.oldSideWithKeys().sql())
                .isEqualTo("INSERT INTO customers (id) OVERRIDING SYSTEM VALUE VALUES (?) RETURNING id");
        assertThat(r.keys()).containsExactly(List.of(new ParamSource.GeneratedKey(0, 0)));
        assertThat(r.nondeterminism())
                .as("the derived column's source left to its default")
                .containsExactly(NonDeterminism.DEFAULT_COLUMN);
    }

    /** A key written as DEFAULT: the new side leaves it out, the side that gets the keys writes them in its place. */
    @Test
    void insert_keyWrittenAsDefault_generatedLikeAKeyLeftOut() {
        Rewritten r = (Rewritten) pg.rewrite("INSERT INTO customers (id, name) VALUES (DEFAULT, ?), (default, 'b')");
        assertThat(r.generatedKeyColumns()).containsExactly("id");
        assertThat(r.newSide().sql())
                .isEqualTo(
                        "INSERT INTO app_v2.clients (full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, lower(?)), ('b', lower('b'))");
        assertThat(r.newSideWithKeys().sql())
                .isEqualTo("INSERT INTO app_v2.clients (full_name, name_search, id) OVERRIDING SYSTEM VALUE VALUES"
                        + " (?, lower(?), ?), ('b', lower('b'), ?)");
        assertThat(r.oldSideWithKeys().sql())
                .isEqualTo("INSERT INTO customers (id, name) OVERRIDING SYSTEM VALUE VALUES (?, ?), (?, 'b')");
        assertThat(r.oldSideWithKeys().params())
                .containsExactly(
                        new ParamSource.GeneratedKey(0, 0),
                        new ParamSource.Bound(1),
                        new ParamSource.GeneratedKey(1, 0));
        assertThat(r.keys())
                .containsExactly(
                        List.of(new ParamSource.GeneratedKey(0, 0)), List.of(new ParamSource.GeneratedKey(1, 0)));
        assertThat(((Rewritten) pg.rewrite("INSERT INTO customers VALUES (DEFAULT, ?, ?)"))
                        .oldSideWithKeys()
                        .sql())
                .as("no column list: the old side's values keep their places, named")
                .isEqualTo("INSERT INTO customers (id, name, email) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?)");
    }

    /**
     * MariaDB's LOCK TABLES leaves the session only the tables it locks: each mapped table's new
     * table is locked as the old one is (alias and lock type alike), with one database, and the
     * tables the driver writes on the connection; nothing to do for other statements, other tables,
     * tables not routed, or another dialect.
     */
    @Test
    void lockTables_onMariaDb_alsoLocksWhatTheDriverUses() {
        Rewriter my = Fixtures.rewriter(Dialect.MARIADB);
        List<String> intent = List.of("schemashift_intent");
        assertThat(my.lockTables("LOCK TABLES customers AS c READ, orders WRITE", t -> true, true, intent))
                .isEqualTo(
                        "LOCK TABLES customers AS c READ, orders WRITE, clients AS c READ, schemashift_intent WRITE");
        assertThat(my.lockTables("lock table `customers` low_priority write;", t -> true, true, intent))
                .isEqualTo("lock table `customers` low_priority write, clients low_priority write,"
                        + " schemashift_intent WRITE;");
        assertThat(my.lockTables("LOCK TABLES customers WRITE", t -> true, false, intent))
                .as("two databases: the new tables are not on this connection")
                .isEqualTo("LOCK TABLES customers WRITE, schemashift_intent WRITE");
        assertThat(my.lockTables("LOCK TABLES customers WRITE, clients WRITE", t -> true, true, intent))
                .as("a table the statement locks itself")
                .isEqualTo("LOCK TABLES customers WRITE, clients WRITE, schemashift_intent WRITE");
        assertThat(my.lockTables(
                        "LOCK TABLES customers WRITE, clients WRITE, schemashift_intent WRITE",
                        t -> true,
                        true,
                        intent))
                .isNull();
        assertThat(my.lockTables("LOCK TABLES customers WRITE", t -> false, true, intent))
                .isNull();
        assertThat(my.lockTables("LOCK TABLES orders WRITE", t -> true, true, intent))
                .isNull();
        assertThat(my.lockTables("UNLOCK TABLES", t -> true, true, intent)).isNull();
        assertThat(pg.lockTables("LOCK TABLE customers IN EXCLUSIVE MODE", t -> true, true, intent))
                .isNull();
    }

    /**
     * Seed data ({@code INSERT … SELECT <values> WHERE NOT EXISTS (…)}): one row selected without
     * FROM, its key left to the database, inserted or not. The side that gets the keys the primary
     * generated inserts the selected values as one VALUES row with them, without the condition: the
     * row exactly when the primary inserted it.
     */
    @Test
    void insertSelectOfOneRowWithoutFrom_keyedAsAValuesRow() {
        Rewritten r = (Rewritten) pg.rewrite("INSERT INTO customers (name, email) SELECT 'George', ? AS e"
                + " WHERE NOT EXISTS (SELECT * FROM customers WHERE id = 1)");
        assertThat(r.generatedKeyColumns()).containsExactly("id");
        assertThat(r.newSideWithKeys().sql())
                .isEqualTo("INSERT INTO app_v2.clients (full_name, email_address, name_search, id) OVERRIDING SYSTEM"
                        + " VALUE VALUES ('George', ?, lower('George'), ?)");
        assertThat(r.newSideWithKeys().params())
                .containsExactly(new ParamSource.Bound(1), new ParamSource.GeneratedKey(0, 0));
        assertThat(r.oldSideWithKeys().sql())
                .isEqualTo("INSERT INTO customers (name, email, id) OVERRIDING SYSTEM VALUE VALUES ('George', ?, ?)");
        assertThat(r.keys()).containsExactly(List.of(new ParamSource.GeneratedKey(0, 0)));
        assertThat(r.newSide().sql()).contains("SELECT 'George', ? AS e, lower(('George')) WHERE NOT EXISTS");

        assertThat(((Rewritten) pg.rewrite("INSERT INTO customers (name) OVERRIDING SYSTEM VALUE SELECT ?"))
                        .oldSideWithKeys()
                        .sql())
                .as("the statement's own clause")
                .isEqualTo("INSERT INTO customers (name, id) OVERRIDING SYSTEM VALUE VALUES (?, ?)");
        assertThat(pg.rewrite("INSERT INTO customers (name) SELECT ? ON CONFLICT DO NOTHING"))
                .as("an upsert")
                .isInstanceOf(Refused.class);
    }

    /**
     * Rows copied with {@code INSERT … SELECT … FROM}, the key left to the database: the primary
     * runs the statement; its rows are read back there by the keys it returned ({@link ReadBack}:
     * the keys, then the written columns), and the other side inserts each as a VALUES row of those
     * values ({@link ParamSource.GeneratedKey} columns past the keys), the new side's cast and derived
     * from them. What the select computes or reads is the primary's alone, so a read of other rows
     * makes the write no less mirrorable. Refused where the returned keys need not name the rows
     * inserted: an upsert, {@code INSERT IGNORE}. A {@code *} or a set operation is read back alike.
     */
    @Test
    void insertSelectFromLeavingTheKey_readBackAndInsertedAsValuesRows() {
        Rewritten r = (Rewritten) pg.rewrite(
                "INSERT INTO customers (email, name) SELECT ?, upper(name) FROM customers WHERE id < ? ORDER BY id");
        assertThat(r.readBack().sql(2)).isEqualTo("SELECT id, email, name FROM customers WHERE id IN (?, ?)");
        assertThat(r.newSideWithKeys().sql())
                .isEqualTo("INSERT INTO app_v2.clients (email_address, full_name, name_search, id) OVERRIDING SYSTEM"
                        + " VALUE VALUES (?, ?, lower((?)), ?)");
        assertThat(r.newSideWithKeys().params())
                .containsExactly(
                        new ParamSource.GeneratedKey(0, 1),
                        new ParamSource.GeneratedKey(0, 2),
                        new ParamSource.GeneratedKey(0, 2),
                        new ParamSource.GeneratedKey(0, 0));
        assertThat(r.oldSideWithKeys().sql())
                .isEqualTo("INSERT INTO customers (email, name, id) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?)");
        assertThat(r.keys()).containsExactly(List.of(new ParamSource.GeneratedKey(0, 0)));
        assertThat(r.nondeterminism())
                .as("the select's reads are the primary's alone")
                .isEmpty();
        assertThat(r.newSide().sql()).contains("SELECT ?, upper(full_name), lower((upper(full_name))) FROM");

        assertThat(new ReadBack("t", List.of("a", "b"), List.of("c"), false).sql(2))
                .as("a key of two columns")
                .isEqualTo("SELECT a, b, c FROM t WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)");
        for (String refused : List.of(
                "INSERT INTO customers (name) SELECT name FROM staging ON CONFLICT DO NOTHING",
                "INSERT INTO customers (name) SELECT name FROM staging ON CONFLICT (id) DO UPDATE SET name = 'x'")) {
            assertThat(pg.rewrite(refused)).as(refused).isInstanceOf(Refused.class);
        }
        for (String star : List.of(
                "INSERT INTO customers (name, email) SELECT * FROM staging",
                "INSERT INTO customers (name) SELECT name FROM staging UNION SELECT label FROM towns")) {
            Rewritten copy = (Rewritten) pg.rewrite(star);
            assertThat(copy.readBack().sql(1)).as(star).startsWith("SELECT id, name");
            assertThat(copy.newSide().sql()).as(star).contains("WITH schemashift_rows");
        }
        Rewriter my = Fixtures.rewriter(Dialect.MARIADB);
        assertThat(my.rewrite("INSERT IGNORE INTO customers (name) SELECT name FROM staging"))
                .as("INSERT IGNORE: MariaDB numbers rows it then skips")
                .isInstanceOf(Refused.class);
        assertThat(((Rewritten) my.rewrite("INSERT INTO customers (name) SELECT name FROM staging")).readBack())
                .isNotNull();
    }

    /**
     * PostgreSQL and H2 write into a column numbered GENERATED ALWAYS only with {@code OVERRIDING
     * SYSTEM VALUE}, a no-op on any other column: every INSERT the new side gets says it, as does the
     * old side's insert of keys the new side generated (above). The application's own clause stays
     * once; {@code OVERRIDING USER VALUE}, which drops the values written for an identity, is
     * refused (the parser reads no such clause). MariaDB has no such identity.
     */
    @Test
    void insert_overridesIdentityOnPostgreSqlAndH2() {
        Rewritten explicit = (Rewritten) pg.rewrite("INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(explicit.newSide().sql())
                .isEqualTo("INSERT INTO app_v2.clients (id, full_name, name_search) OVERRIDING SYSTEM VALUE"
                        + " VALUES (?, ?, lower(?))");
        assertThat(explicit.oldSide().sql()).isEqualTo("INSERT INTO customers (id, name) VALUES (?, ?)");
        Rewritten own =
                (Rewritten) pg.rewrite("INSERT INTO customers (id, name) overriding system value VALUES (?, ?)");
        assertThat(own.newSide().sql())
                .isEqualTo("INSERT INTO app_v2.clients (id, full_name, name_search) overriding system value"
                        + " VALUES (?, ?, lower(?))");
        assertThat(own.oldSide().sql())
                .isEqualTo("INSERT INTO customers (id, name) overriding system value VALUES (?, ?)");
        Rewritten copy = (Rewritten) pg.rewrite("INSERT INTO customers (id, name) SELECT customer_id, 'x' FROM orders");
        assertThat(copy.newSide().sql())
                .isEqualTo("INSERT INTO app_v2.clients (id, full_name, name_search) OVERRIDING SYSTEM VALUE"
                        + " SELECT customer_id, 'x', lower(('x')) FROM orders");
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.H2).rewrite("INSERT INTO customers (id, name) VALUES (?, ?)"))
                        .newSide()
                        .sql())
                .contains("(id, full_name, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?))");
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.MARIADB)
                                .rewrite("INSERT INTO customers (id, name) VALUES (?, ?)"))
                        .newSide()
                        .sql())
                .doesNotContain("OVERRIDING");
        RewriteResult user = pg.rewrite("INSERT INTO customers (id, name) OVERRIDING USER VALUE VALUES (?, ?)");
        assertThat(user).isInstanceOf(Refused.class);
        assertThat(((Refused) user).reason()).isEqualTo(RefusalReason.UNPARSEABLE);
    }

    @Test
    void bindsAsWritten_onlyWhereEachPlaceholderTakesTheParameterOfItsPosition() {
        Rewritten plain = (Rewritten) pg.rewrite("INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(plain.oldSide().bindsAsWritten())
                .as("old side: the text as written")
                .isTrue();
        assertThat(plain.newSide().bindsAsWritten())
                .as("new side: the derived column binds name a second time")
                .isFalse();
        Rewritten now = (Rewritten) Fixtures.separateRewriter(Dialect.POSTGRESQL)
                .rewrite("UPDATE customers SET created_at = now() WHERE id = ?");
        assertThat(now.oldSide().bindsAsWritten())
                .as("the captured now() comes first")
                .isFalse();
    }

    @Test
    void write_now_separateDatabase_becomesOneCapturedParameterOnBothSides() {
        Rewritten r = (Rewritten) Fixtures.separateRewriter(Dialect.POSTGRESQL)
                .rewrite("UPDATE customers SET created_at = now() WHERE id = ?");
        assertThat(r.oldSide().sql())
                .isEqualTo("UPDATE customers SET created_at = CAST(? AS timestamptz) WHERE id = ?");
        assertThat(r.oldSide().params()).containsExactly(new ParamSource.Now(), new ParamSource.Bound(1));
        assertThat(r.newSide().params()).containsExactly(new ParamSource.Now(), new ParamSource.Bound(1));
        assertThat(r.nondeterminism()).isEmpty();
        assertThat(r.keys()).containsExactly(List.of(new ParamSource.Bound(1)));
    }

    /**
     * PostgreSQL, one database: both statements run in the application's transaction, whose {@code
     * now()} they share, so a write keeps its calls of the transaction's time (the database's clock,
     * as the application wrote it); a call whose value moves within the transaction is captured.
     */
    @Test
    void write_transactionsTime_oneDatabase_keptOnBothSides() {
        for (String call : List.of(
                "now()",
                "CURRENT_TIMESTAMP",
                "current_timestamp(3)",
                "LOCALTIMESTAMP",
                "transaction_timestamp()",
                "CURRENT_DATE",
                "CURRENT_TIME",
                "localtime")) {
            Rewritten r = (Rewritten) pg.rewrite("UPDATE customers SET created_at = " + call + " WHERE id = ?");
            assertThat(r.oldSide().sql())
                    .as(call)
                    .isEqualTo("UPDATE customers SET created_at = " + call + " WHERE id = ?");
            assertThat(r.newSide().sql())
                    .as(call)
                    .isEqualTo("UPDATE app_v2.clients SET created_at = " + call + " WHERE id = ?");
            assertThat(r.oldSide().bindsNow() || r.newSide().bindsNow())
                    .as(call)
                    .isFalse();
            assertThat(r.nondeterminism()).as(call).isEmpty();
        }
        for (String call : List.of("clock_timestamp()", "statement_timestamp()")) {
            Rewritten r = (Rewritten) pg.rewrite("UPDATE customers SET created_at = " + call + " WHERE id = ?");
            assertThat(r.oldSide().sql())
                    .as(call)
                    .isEqualTo("UPDATE customers SET created_at = CAST(? AS timestamptz) WHERE id = ?");
            assertThat(r.newSide().params()).as(call).containsExactly(new ParamSource.Now(), new ParamSource.Bound(1));
        }
        Rewritten read = (Rewritten) pg.rewrite("SELECT id FROM customers WHERE created_at < now()");
        assertThat(read.nondeterminism()).as("a shadow read runs apart").containsExactly(NonDeterminism.NOW);
    }

    /** pgjdbc's ?? is a ? operator, not two parameters: the parameter map counts what pgjdbc binds. */
    @Test
    void escapedQuestionMarkOperator_isNoParameter() {
        Rewritten read = (Rewritten) pg.rewrite("SELECT id FROM customers WHERE city::jsonb ??| array['a'] AND id = ?");
        assertThat(read.newSide().sql())
                .isEqualTo("SELECT id FROM app_v2.clients WHERE town::jsonb ??| array['a'] AND id = ?");
        assertThat(read.newSide().params()).containsExactly(new ParamSource.Bound(1));
        Rewritten write = (Rewritten) pg.rewrite("UPDATE customers SET name = ? WHERE city::jsonb ?? 'k' AND id = ?");
        assertThat(write.newSide().sql())
                .isEqualTo(
                        "UPDATE app_v2.clients SET full_name = ?, name_search = lower(?) WHERE town::jsonb ?? 'k' AND id = ?");
        assertThat(write.newSide().params())
                .containsExactly(new ParamSource.Bound(1), new ParamSource.Bound(1), new ParamSource.Bound(2));
    }

    /** LOCALTIMESTAMP and LOCALTIME (Hibernate's local date-time functions), which JSqlParser reads as columns. */
    @Test
    void localClockKeywords_readAsTheClock_notAsColumns() {
        for (Dialect dialect : Dialect.values()) {
            Rewriter rewriter = Fixtures.separateRewriter(dialect);
            Rewritten write =
                    (Rewritten) rewriter.rewrite("UPDATE customers SET created_at = LOCALTIMESTAMP WHERE id = ?");
            ParamSource now = new ParamSource.Now(
                    dialect == Dialect.MARIADB ? ParamSource.NowForm.UTC_TEXT : ParamSource.NowForm.TIMESTAMP);
            assertThat(write.newSide().params()).as(dialect.name()).containsExactly(now, new ParamSource.Bound(1));
            assertThat(write.oldSide().params()).as(dialect.name()).containsExactly(now, new ParamSource.Bound(1));
            assertThat(write.nondeterminism()).as(dialect.name()).isEmpty();
            Rewritten read = (Rewritten) rewriter.rewrite(
                    "select c1_0.id from customers c1_0 where c1_0.created_at<localtimestamp and c1_0.name<>localtime");
            assertThat(read.newSide().sql())
                    .as(dialect.name())
                    .endsWith("c1_0 where c1_0.created_at<localtimestamp and c1_0.full_name<>localtime");
            assertThat(read.nondeterminism()).as(dialect.name()).containsExactly(NonDeterminism.NOW);
        }
    }

    @Test
    void write_keys_namedAlongsideSubqueriesAndInASelectedRow() {
        assertThat(((Rewritten)
                                pg.rewrite(
                                        "UPDATE customers SET name = 'x' WHERE id IN (6, 7) AND email = (SELECT email FROM customers WHERE id = 5)"))
                        .keys())
                .containsExactly(List.of(new ParamSource.Literal("6")), List.of(new ParamSource.Literal("7")));
        assertThat(((Rewritten)
                                pg.rewrite(
                                        "INSERT INTO customers (id, name) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM customers WHERE name = ?)"))
                        .keys())
                .as("every row it selects has that key")
                .containsExactly(List.of(new ParamSource.Bound(1)));
        assertThat(((Rewritten) pg.rewrite("INSERT INTO customers (id, name) SELECT id + 100, name FROM customers"))
                        .keys())
                .isEmpty();
    }

    @Test
    void write_randomAndUuid_reported() {
        Rewritten r = (Rewritten)
                pg.rewrite("INSERT INTO customers(id, email) VALUES (nextval('s'), gen_random_uuid()::text)");
        assertThat(r.nondeterminism())
                .contains(NonDeterminism.SEQUENCE, NonDeterminism.UUID, NonDeterminism.DEFAULT_COLUMN);
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void write_callsTheDatabaseDeclaresVolatile_reported() {
        Rewriter withCatalog = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .volatileFunctions(List.of("Token_Of", "lo_import"))
                .build();
        Rewritten r =
                (Rewritten) withCatalog.rewrite("UPDATE customers SET email = public.\"token_of\"() WHERE id = ?");
        assertThat(r.nondeterminism()).containsExactly(NonDeterminism.VOLATILE);
        assertThat(r.unmirrorable(false)).isEqualTo(NonDeterminism.VOLATILE);
        assertThat(((Rewritten) withCatalog.rewrite("UPDATE customers SET email = lower(?) WHERE id = ?"))
                        .nondeterminism())
                .as("not declared volatile")
                .isEmpty();
        assertThat(((Rewritten) pg.rewrite("UPDATE customers SET email = token_of() WHERE id = ?")).nondeterminism())
                .as("a rewriter that read no catalog")
                .isEmpty();
    }

    /** A MariaDB variable holds this session's value: another on a separate new database's connection. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET email = @tenant WHERE id = ?",
                "UPDATE customers SET email = 'x' WHERE id = @id",
                "INSERT INTO customers (id, email) VALUES (?, @@session.time_zone)"
            })
    void write_readingASessionVariable_connectionBound(String sql) {
        Rewriter maria = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) maria.rewrite(sql);
        assertThat(r.nondeterminism()).contains(NonDeterminism.CONNECTION);
        assertThat(r.unmirrorable(true)).isNotNull();
    }

    /** MariaDB built-ins whose value is the connection's database or the clock's. */
    @ParameterizedTest
    @CsvSource({
        "database(), CONNECTION",
        "schema(), CONNECTION",
        "version(), CONNECTION",
        "curtime(), NOW",
        "utc_time(), NOW"
    })
    void write_mariadbBuiltInsThatDifferPerConnectionOrCall_reported(String call, NonDeterminism expected) {
        Rewriter maria = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) maria.rewrite("UPDATE customers SET email = " + call + " WHERE id = ?");
        assertThat(r.nondeterminism()).containsExactly(expected);
        assertThat(r.unmirrorable(true)).isEqualTo(expected);
    }

    /** MariaDB's UTC clock in a write is the captured instant's UTC wall clock, bound as text, at the call's digits. */
    @Test
    void write_mariadbUtcClock_replacedByTheCapturedInstant() {
        Rewritten r = (Rewritten) Fixtures.rewriter(Dialect.MARIADB)
                .rewrite("UPDATE customers SET created_at = utc_timestamp(3), email = utc_date() WHERE id = ?");
        assertThat(r.newSide().sql())
                .isEqualTo("UPDATE clients SET created_at = CAST(? AS DATETIME(3)), email_address = CAST(? AS DATE)"
                        + " WHERE id = ?");
        ParamSource now = new ParamSource.Now(ParamSource.NowForm.UTC_TEXT);
        assertThat(r.newSide().params()).containsExactly(now, now, new ParamSource.Bound(1));
        assertThat(r.nondeterminism()).isEmpty();
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.MARIADB)
                                .rewrite("SELECT id FROM customers WHERE created_at < utc_timestamp()"))
                        .nondeterminism())
                .as("a read is not changed: its value is not compared")
                .containsExactly(NonDeterminism.NOW);
    }

    /**
     * A MariaDB variable a write assigns ({@code SET rank = (@r := @r + 1) ORDER BY score}, the
     * ranking idiom) holds another value when the mirror runs: the primary's run moved it, even on
     * the application's own connection. Not mirrored.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET email = concat('x', @n := @n + 1) ORDER BY id",
                "UPDATE customers SET email = (@n := @n + 1) WHERE id = ?",
                "INSERT INTO customers (id, email) VALUES (?, @last := ?)"
            })
    void write_assigningASessionVariable_notMirrored(String sql) {
        Rewriter maria = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) maria.rewrite(sql);
        assertThat(r.nondeterminism()).contains(NonDeterminism.SESSION);
        assertThat(r.unmirrorable(false)).isEqualTo(NonDeterminism.SESSION);
    }

    /** Calls that act on the session they run in (a setting, a notice) are of the application's connection. */
    @ParameterizedTest
    @ValueSource(strings = {"set_config('app.tenant', email, false)", "pg_notify('changes', email)::text"})
    void write_callsActingOnTheSession_ofTheApplicationsConnection(String call) {
        Rewritten r = (Rewritten) pg.rewrite("UPDATE customers SET email = " + call + " WHERE id = ?");
        assertThat(r.nondeterminism()).containsExactly(NonDeterminism.CONNECTION);
        assertThat(r.unmirrorable(true)).isEqualTo(NonDeterminism.CONNECTION);
    }

    /** A read that takes a named lock acts on the session it runs in: the application's connection's. */
    @Test
    void read_takingANamedLock_isOfTheApplicationsConnection() {
        Rewriter maria = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) maria.rewrite("SELECT GET_LOCK(CONCAT('c', id), 0) FROM customers WHERE id = 1");
        assertThat(r.nondeterminism()).containsExactly(NonDeterminism.CONNECTION);
        assertThat(r.ofTheApplicationsConnection()).isEqualTo(NonDeterminism.CONNECTION);
    }

    @ParameterizedTest
    @CsvSource({
        "timeofday(), NOW",
        "currval('s')::text, SESSION",
        "uuid_generate_v1()::text, UUID",
        "last_insert_id()::text, SESSION",
        "pg_backend_pid()::text, CONNECTION",
        "current_user, CONNECTION",
        "session_user, CONNECTION",
        "current_setting('app.tenant'), CONNECTION",
        "current_database(), CONNECTION",
        "current_schema(), CONNECTION",
        "inet_server_addr()::text, CONNECTION",
        "version(), CONNECTION",
        "txid_current()::text, CONNECTION",
        "pg_current_xact_id()::text, CONNECTION",
        "pg_try_advisory_xact_lock(id)::text, CONNECTION",
        "pg_advisory_unlock_all()::text, CONNECTION"
    })
    void write_builtInsThatDifferPerCall_reported(String call, NonDeterminism expected) {
        Rewritten r = (Rewritten) pg.rewrite("UPDATE customers SET email = " + call + " WHERE id = ?");
        assertThat(r.nondeterminism()).containsExactly(expected);
        assertThat(r.unmirrorable(true)).isEqualTo(expected);
        assertThat(r.unmirrorable(false))
                .as("who the connection is: the same on the application's own connection")
                .isEqualTo(expected == NonDeterminism.CONNECTION ? null : expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DELETE FROM customers WHERE id IN (SELECT id FROM customers LIMIT 3)|true|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers ORDER BY name LIMIT 3)|true|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers ORDER BY id LIMIT 3)|false|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers ORDER BY id OFFSET 2)|false|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers OFFSET 2)|true|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED)|true|",
                "INSERT INTO customers (id, name) SELECT id, name FROM staging LIMIT 5|true|",
                "INSERT INTO customers (id, name) SELECT id, name FROM staging ORDER BY id LIMIT 5|false|",
                "SELECT id FROM customers LIMIT 3|false|",
                "DELETE FROM customers WHERE email = 'x' LIMIT 10|true|MARIADB",
                "UPDATE customers SET email = 'y' WHERE email = 'x' ORDER BY email LIMIT 10|true|MARIADB",
                "UPDATE customers SET email = 'y' WHERE email = 'x' ORDER BY id LIMIT 10|false|MARIADB",
                "DELETE FROM customers WHERE email = 'x' ORDER BY id DESC LIMIT 10|false|MARIADB",
                "UPDATE customers SET email = 'y' WHERE id = ? LIMIT 1|false|MARIADB",
                "DELETE FROM customers WHERE id = 5 AND email = 'x' LIMIT 1|false|MARIADB",
                "UPDATE customers SET id = ? WHERE id = ? LIMIT 1|false|MARIADB",
                "DELETE FROM customers WHERE id IN (?, ?) LIMIT 1|true|MARIADB",
                "DELETE FROM customers WHERE id = ? OR email = 'x' LIMIT 1|true|MARIADB",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers WHERE id = ? LIMIT 1)|true|"
            })
    void write_rowsPickedByAnUnorderedLimit_reported(String sql, boolean rowChoice, Dialect dialect) {
        Rewriter r = dialect == null
                ? pg
                : Rewriter.builder(Fixtures.mapping(dialect), dialect).build();
        assertThat(((Rewritten) r.rewrite(sql)).nondeterminism().contains(NonDeterminism.ROW_CHOICE))
                .isEqualTo(rowChoice);
    }

    /**
     * A single-table write that picks its own rows and returns their keys gets a mirror of one row
     * by its key: its SET list rewritten (the derived column too), the picking clauses and
     * RETURNING cut off. None where the key is not returned under its name, where it is set, or
     * where joins, USING or WITH take part, nor where nothing picks the rows.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers WHERE city = ? FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id"
                        + "|UPDATE app_v2.clients SET full_name = ?, name_search = lower(?) WHERE id = ?"
                        + "|UPDATE customers SET name = ? WHERE id = ?",
                "UPDATE customers c SET name = 'x' WHERE c.id IN (SELECT id FROM customers LIMIT 5) RETURNING *"
                        + "|UPDATE app_v2.clients c SET full_name = 'x', name_search = lower('x') WHERE id = ?"
                        + "|UPDATE customers c SET name = 'x' WHERE id = ?",
                "DELETE FROM customers WHERE id IN (SELECT id FROM customers WHERE city = ? LIMIT 1) RETURNING id, name"
                        + "|DELETE FROM app_v2.clients WHERE id = ?|DELETE FROM customers WHERE id = ?",
                "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers LIMIT 5) RETURNING name||",
                "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers LIMIT 5) RETURNING name AS id||",
                "UPDATE customers SET id = id + 100 WHERE id IN (SELECT id FROM customers LIMIT 5) RETURNING id||",
                "UPDATE customers SET name = o.name FROM orders o WHERE customers.id IN (SELECT id FROM customers LIMIT 5) RETURNING customers.id||",
                "WITH p AS (SELECT id FROM customers LIMIT 5) DELETE FROM customers WHERE id IN (SELECT id FROM p) RETURNING id||",
                "UPDATE customers SET name = ? WHERE city = ? RETURNING id||"
            })
    void write_thatPicksItsOwnRowsAndReturnsTheirKeys_mirroredByKey(String sql, String newSide, String oldSide) {
        Rewritten r = (Rewritten) pg.rewrite(sql);
        if (newSide == null) {
            assertThat(r.keyedMirror()).isNull();
            return;
        }
        assertThat(r.keyedMirror().newSide().sql()).isEqualTo(newSide);
        assertThat(r.keyedMirror().oldSide().sql()).isEqualTo(oldSide);
        assertThat(r.keyedMirror().newSide().params()).last().isEqualTo(new ParamSource.GeneratedKey(0, 0));
        assertThat(r.unmirrorable(false, true)).isNull();
    }

    /**
     * A claim that returns no rows is made to return its keys on PostgreSQL and by MariaDB's DELETE:
     * the primary runs it with {@code RETURNING} of the key appended (before a trailing {@code ;}; a
     * key the new side renames is labelled by its old name), and it is mirrored by key as one that
     * returns them. Not MariaDB's UPDATE nor H2 (no {@code RETURNING}); nor where the statement
     * returns rows itself; nor
     * where its rows are no choice but picked by other rows alone, which may be a whole table; nor
     * on a table with a rule, which may refuse the {@code RETURNING}.
     */
    @Test
    void claimReturningNoRows_madeToReturnItsKeys() {
        Rewritten claim = (Rewritten) pg.rewrite(
                "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED LIMIT 5);");
        assertThat(claim.keyedMirror().oldPrimary().sql())
                .isEqualTo("UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED"
                        + " LIMIT 5) RETURNING id;");
        assertThat(claim.keyedMirror().newPrimary().sql())
                .isEqualTo("UPDATE app_v2.clients SET full_name = ?, name_search = lower(?) WHERE id IN (SELECT id FROM"
                        + " app_v2.clients FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id;");
        assertThat(claim.keyedMirror().newPrimary().params())
                .containsExactly(new ParamSource.Bound(1), new ParamSource.Bound(1));
        assertThat(claim.keyedMirror().newSide().sql())
                .isEqualTo("UPDATE app_v2.clients SET full_name = ?, name_search = lower(?) WHERE id = ?");
        assertThat(claim.unmirrorable(false, true)).isNull();

        Rewriter renamed = Rewriter.builder(
                        Mapping.of(List.of(new TableMapping(
                                "jobs",
                                "jobs_v2",
                                null,
                                List.of("id"),
                                Map.of("id", "job_id", "owner", "worker"),
                                Map.of(),
                                List.of("id", "owner", "done")))),
                        Dialect.POSTGRESQL)
                .build();
        Rewritten purge =
                (Rewritten) renamed.rewrite("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE done LIMIT 100)");
        assertThat(purge.keyedMirror().oldPrimary().sql())
                .isEqualTo("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE done LIMIT 100) RETURNING id");
        assertThat(purge.keyedMirror().newPrimary().sql())
                .isEqualTo("DELETE FROM jobs_v2 WHERE job_id IN (SELECT job_id AS id FROM jobs_v2 WHERE done LIMIT 100)"
                        + " RETURNING job_id AS id");
        assertThat(purge.keyedMirror().oldSide().sql()).isEqualTo("DELETE FROM jobs WHERE id = ?");

        Rewritten returning = (Rewritten)
                pg.rewrite(
                        "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id");
        assertThat(returning.keyedMirror().oldPrimary()).isNull();
        assertThat(returning.keyedMirror().newPrimary()).isNull();
        Rewritten byOtherRows = (Rewritten)
                pg.rewrite("DELETE FROM customers WHERE email IN (SELECT email FROM customers WHERE id = 5)");
        assertThat(byOtherRows.nondeterminism()).containsExactly(NonDeterminism.PICKS_BY_OTHER_ROWS);
        assertThat(byOtherRows.keyedMirror()).isNull();
        Rewriter maria = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten slice = (Rewritten) maria.rewrite("DELETE FROM customers WHERE email = 'x' LIMIT 10;");
        assertThat(slice.keyedMirror().oldPrimary().sql())
                .isEqualTo("DELETE FROM customers WHERE email = 'x' LIMIT 10 RETURNING id;");
        assertThat(((Rewritten) maria.rewrite("UPDATE customers SET name = 'y' WHERE email = 'x' LIMIT 10"))
                        .keyedMirror())
                .as("MariaDB's UPDATE has no RETURNING")
                .isNull();
        assertThat(((Rewritten) maria.rewrite("DELETE FROM customers WHERE email = 'x' LIMIT 10 RETURNING id"))
                        .keyedMirror())
                .isNotNull();
        Rewriter h2 = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2).build();
        assertThat(((Rewritten) h2.rewrite("DELETE FROM customers WHERE email = 'x' LIMIT 10")).keyedMirror())
                .isNull();
        Rewriter ruled = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
                .triggers(List.of(new Trigger(
                        "customers",
                        Set.of(StatementKind.DELETE),
                        "customers_kept (a rule)",
                        "CREATE RULE customers_kept AS ON DELETE TO customers WHERE old.id > 100 DO INSTEAD NOTHING",
                        true,
                        null,
                        true)))
                .build();
        assertThat(((Rewritten) ruled.rewrite("DELETE FROM customers WHERE id IN (SELECT id FROM customers LIMIT 10)"))
                        .keyedMirror())
                .as("a rule may refuse RETURNING (cannot perform DELETE RETURNING)")
                .isNull();
    }

    /**
     * The per-row mirror is judged as the statement it is: a value of its SET list that a side
     * could compute apart (a subquery's unordered {@code LIMIT}, here over a table the mapping does
     * not map) still keeps it from being mirrored, though the key now picks the rows; a subquery
     * that reads the mapped table leaves it mirrored and recorded.
     */
    @Test
    void rowMirroredByKey_judgedByItsOwnSetList() {
        Rewritten limited = (Rewritten) pg.rewrite("UPDATE customers SET name = (SELECT label FROM labels LIMIT 1)"
                + " WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id");
        assertThat(limited.keyedMirror()).isNotNull();
        assertThat(limited.unmirrorable(false, true)).isEqualTo(NonDeterminism.ROW_CHOICE);
        Rewritten reading = (Rewritten)
                pg.rewrite(
                        "UPDATE customers SET name = (SELECT r.name FROM customers r"
                                + " WHERE r.id = 1) WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id");
        assertThat(reading.unmirrorable(false, true)).isNull();
        assertThat(reading.recordedThoughMirrored(true)).isEqualTo(NonDeterminism.READS_OTHER_ROWS);
        Rewritten plain = (Rewritten)
                pg.rewrite(
                        "UPDATE customers SET name = ? WHERE id IN (SELECT id FROM customers FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id");
        assertThat(plain.nondeterminism()).contains(NonDeterminism.ROW_CHOICE, NonDeterminism.PICKS_BY_OTHER_ROWS);
        assertThat(plain.keyedMirror().nondeterminism()).isEmpty();
        assertThat(plain.recordedThoughMirrored(true)).isNull();
    }

    /**
     * db-scheduler's lock-and-fetch on PostgreSQL (its statement as the library sends it): a claim by
     * {@code SKIP LOCKED} over a two-column key, returning {@code st1.*}, mirrored once per claimed
     * row by both key columns.
     */
    @Test
    void dbSchedulersLockAndFetch_mirroredByItsTwoColumnKey() {
        Rewriter r = Rewriter.builder(
                        Mapping.of(List.of(new TableMapping(
                                "scheduled_tasks",
                                "scheduled_tasks_v2",
                                null,
                                List.of("task_name", "task_instance"),
                                Map.of("picked_by", "owner"),
                                Map.of(),
                                List.of(
                                        "task_name",
                                        "task_instance",
                                        "task_data",
                                        "execution_time",
                                        "picked",
                                        "picked_by",
                                        "last_heartbeat",
                                        "version",
                                        "priority")))),
                        Dialect.POSTGRESQL)
                .build();
        Rewritten w = (Rewritten) r.rewrite("UPDATE scheduled_tasks st1 SET picked = ?, picked_by = ?,"
                + " last_heartbeat = ?, version = version + 1 WHERE (st1.task_name, st1.task_instance) IN"
                + " (SELECT st2.task_name, st2.task_instance FROM scheduled_tasks st2 WHERE picked = ? AND"
                + " execution_time <= ? ORDER BY priority DESC, execution_time ASC FOR UPDATE SKIP LOCKED LIMIT ?)"
                + " RETURNING st1.*");
        assertThat(w.keyedMirror().newSide().sql())
                .isEqualTo("UPDATE scheduled_tasks_v2 st1 SET picked = ?, owner = ?, last_heartbeat = ?,"
                        + " version = version + 1 WHERE task_name = ? AND task_instance = ?");
        assertThat(w.keyedMirror().newSide().params())
                .containsExactly(
                        new ParamSource.Bound(1),
                        new ParamSource.Bound(2),
                        new ParamSource.Bound(3),
                        new ParamSource.GeneratedKey(0, 0),
                        new ParamSource.GeneratedKey(0, 1));
        assertThat(w.unmirrorable(false, true)).isNull();
    }

    /**
     * A MariaDB write's own {@code ORDER BY id LIMIT n} takes the first rows each side holds, which
     * are other rows where a side lacks one: mirrored and recorded, unless it names its one row.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET email = 'y' WHERE email = 'x' ORDER BY id LIMIT 10|PICKS_BY_OTHER_ROWS",
                "DELETE FROM customers WHERE email = 'x' ORDER BY id DESC LIMIT 10|PICKS_BY_OTHER_ROWS",
                "DELETE FROM customers WHERE id IN (?, ?) ORDER BY id LIMIT 1|PICKS_BY_OTHER_ROWS",
                "UPDATE customers SET email = 'y' WHERE email = 'x' ORDER BY email LIMIT 10|ROW_CHOICE",
                "UPDATE customers SET email = 'y' WHERE id = ? ORDER BY id LIMIT 1|",
                "DELETE FROM customers WHERE email = 'x' ORDER BY id|"
            })
    void write_firstRowsByKey_pickedByOtherRows(String sql, NonDeterminism expected) {
        Rewriter mariadb = Rewriter.builder(Fixtures.mapping(Dialect.MARIADB), Dialect.MARIADB)
                .build();
        Rewritten r = (Rewritten) mariadb.rewrite(sql);
        assertThat(r.nondeterminism()).isEqualTo(expected == null ? Set.of() : Set.of(expected));
        assertThat(r.recordedThoughMirrored(false))
                .isEqualTo(expected == NonDeterminism.PICKS_BY_OTHER_ROWS ? expected : null);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET email = (SELECT r.email FROM customers r WHERE r.id = 3) WHERE id = ?|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) VALUES (?, (SELECT r.name FROM customers r WHERE r.id = 3))|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) SELECT id + 100, name FROM customers|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) SELECT ?, (SELECT r.name FROM customers r WHERE r.id = ?)|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) SELECT n.id, n.name FROM (SELECT id, name FROM customers) n|READS_OTHER_ROWS",
                "WITH n AS (SELECT id + 100 AS id, name FROM customers) INSERT INTO customers (id, name) SELECT id, name FROM n|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM customers WHERE id = ?)|",
                "INSERT INTO customers (id, name) SELECT ?, ? FROM customers r WHERE r.id = ?|",
                "UPDATE customers SET email = r.email FROM customers r WHERE r.id = 3 AND customers.id = ?|READS_OTHER_ROWS",
                "UPDATE customers SET email = upper(email) FROM customers r WHERE r.id = customers.id|PICKS_BY_OTHER_ROWS",
                "UPDATE customers SET email = n.email FROM (SELECT id, email FROM customers) n WHERE n.id = customers.id + 1|READS_OTHER_ROWS",
                "UPDATE customers SET email = m FROM (SELECT max(email) AS m FROM customers) n|READS_OTHER_ROWS",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name|",
                "UPDATE customers SET email = 'x' WHERE id IN (SELECT id FROM customers WHERE name = ?)|PICKS_BY_OTHER_ROWS",
                "DELETE FROM customers WHERE email = (SELECT min(email) FROM customers WHERE name = ?)|PICKS_BY_OTHER_ROWS",
                "DELETE FROM customers USING customers r WHERE r.email = customers.name|PICKS_BY_OTHER_ROWS",
                "UPDATE customers SET email = 'x' WHERE id IN (?, ?) AND EXISTS (SELECT 1 FROM customers r WHERE r.name = ?)|PICKS_BY_OTHER_ROWS",
                "UPDATE customers SET email = 'x' WHERE id = ? AND EXISTS (SELECT 1 FROM customers r WHERE r.name = ?)|",
                "DELETE FROM customers WHERE id = ? AND email IN (SELECT email FROM customers WHERE name = ?)|",
                "WITH n AS (SELECT id FROM customers WHERE name = ?) DELETE FROM customers WHERE id IN (SELECT id FROM n)|PICKS_BY_OTHER_ROWS",
                "INSERT INTO customers (id, name) SELECT id, name FROM staging s WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.email = s.name)|UNMAPPED_READ PICKS_BY_OTHER_ROWS",
                "INSERT INTO customers (id, name) VALUES (?, ?), (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE EXISTS (SELECT 1 FROM customers r WHERE r.email = ?)|PICKS_BY_OTHER_ROWS",
                "DELETE FROM customers WHERE email = ?|",
                "UPDATE customers SET email = (SELECT label FROM countries WHERE code = ?) WHERE id = ?|UNMAPPED_READ",
                "INSERT INTO customers (id, name) SELECT id, name FROM staging|UNMAPPED_READ",
                "UPDATE customers SET email = 'x' WHERE id = ?|",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = customers.name|",
                // a read's too: a separate new database serves it from the old side (or refuses it in new-only)
                "SELECT c.id FROM customers c JOIN customers d ON d.id = c.id JOIN countries n ON n.code = c.email|UNMAPPED_READ"
            })
    void write_readsOfOtherRowsAndTables_reported(String sql, String expected) {
        Set<NonDeterminism> kinds = expected == null
                ? Set.of()
                : Arrays.stream(expected.split(" "))
                        .map(NonDeterminism::valueOf)
                        .collect(Collectors.toSet());
        Rewritten r = (Rewritten) pg.rewrite(sql);
        assertThat(r.nondeterminism()).isEqualTo(kinds);
        assertThat(r.unmirrorable(false))
                .as("mirrored with the new schema in the same database")
                .isNull();
        assertThat(r.unmirrorable(true))
                .as("not with a separate new database, where the other table may differ")
                .isEqualTo(kinds.contains(NonDeterminism.UNMAPPED_READ) ? NonDeterminism.UNMAPPED_READ : null);
    }

    @Test
    void upsert_probe_isTheKeyOrTheConflictColumns() {
        UpsertProbe byKey = ((Rewritten)
                        pg.rewrite(
                                "INSERT INTO customers (id, name) VALUES (?, ?), (7, 'x') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"))
                .probe();
        assertThat(byKey.columns()).containsExactly("id");
        assertThat(byKey.rows())
                .containsExactly(List.of(new ParamSource.Bound(1)), List.of(new ParamSource.Literal("7")));
        UpsertProbe byEmail = ((Rewritten)
                        pg.rewrite(
                                "INSERT INTO customers (name, email) VALUES (?, ?) ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name"))
                .probe();
        assertThat(byEmail.columns()).containsExactly("email");
        assertThat(byEmail.rows()).containsExactly(List.of(new ParamSource.Bound(2)));
        assertThat(((Rewritten)
                                pg.rewrite(
                                        "INSERT INTO customers (name, email) VALUES (?, lower(?)) ON CONFLICT (email) DO NOTHING"))
                        .probe())
                .as("a value that is an expression")
                .isNull();
        assertThat(((Rewritten) pg.rewrite("INSERT INTO customers (id, name) VALUES (?, ?)")).probe())
                .as("not an upsert")
                .isNull();
        assertThat(((Rewritten)
                                pg.rewrite(
                                        "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id + 1000"))
                        .probe())
                .as("an update that moves the row to another key: recorded for the whole table")
                .isNull();
        for (int id : new int[] {8, 9}) { // the second from the rewrite of their shape, literals lifted
            UpsertProbe literal = ((Rewritten) pg.rewrite("INSERT INTO customers (id, name) VALUES (" + id
                            + ", 'n') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"))
                    .probe();
            assertThat(literal.rows()).containsExactly(List.of(new ParamSource.Literal(String.valueOf(id))));
        }
    }

    /**
     * MariaDB's ON DUPLICATE KEY UPDATE conflicts on any unique index: with the table's unique
     * indexes known, the probe holds one group per index the statement can hit.
     */
    @Test
    void upsert_probeOnMariaDb_isEveryUniqueIndexItCanHit() {
        String upsert = " ON DUPLICATE KEY UPDATE name = VALUES(name)";
        Map<String, List<String>> unique = new java.util.LinkedHashMap<>();
        unique.put("PRIMARY", List.of("id"));
        unique.put("customers_email", List.of("email", "city"));
        Rewriter maria = Rewriter.builder(
                        Mapping.of(List.of(
                                Fixtures.customers(Dialect.MARIADB, true).withUniqueKeys(unique))),
                        Dialect.MARIADB)
                .build();
        UpsertProbe both = ((Rewritten)
                        maria.rewrite("INSERT INTO customers (id, name, email, city) VALUES (?, ?, ?, 'x')" + upsert))
                .probe();
        assertThat(both.columns()).containsExactly("id", "email", "city");
        assertThat(both.groups()).containsExactly(List.of(0), List.of(1, 2));
        assertThat(both.rows())
                .containsExactly(
                        List.of(new ParamSource.Bound(1), new ParamSource.Bound(3), new ParamSource.Literal("'x'")));
        UpsertProbe generatedKey = ((Rewritten)
                        maria.rewrite("INSERT INTO customers (name, email, city) VALUES (?, ?, ?)" + upsert))
                .probe();
        assertThat(generatedKey.columns())
                .as("a key the database generates conflicts with no row")
                .containsExactly("email", "city");
        assertThat(generatedKey.groups()).containsExactly(List.of(0, 1));
        assertThat(((Rewritten) maria.rewrite("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)" + upsert))
                        .probe())
                .as("city left to its default: the look-up cannot name the row it may hit")
                .isNull();

        Rewriter keyOnly = Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.MARIADB, true)
                                .withUniqueKeys(Map.of("PRIMARY", List.of("id"))))),
                        Dialect.MARIADB)
                .build();
        UpsertProbe none = ((Rewritten) keyOnly.rewrite("INSERT INTO customers (name) VALUES (?)" + upsert)).probe();
        assertThat(none.groups()).as("nothing to conflict with: a plain insert").isEmpty();
        assertThat(none.rows()).isEmpty();
        UpsertProbe unread = ((Rewritten) Fixtures.rewriter(Dialect.MARIADB)
                        .rewrite("INSERT INTO customers (id, name) VALUES (?, ?)" + upsert))
                .probe();
        assertThat(unread.columns()).as("indexes not read: the key").containsExactly("id");
    }

    @Test
    void upsert_probeIsTheConflictTargetEvenWhenTheKeyIsGiven() {
        String values = "INSERT INTO customers (id, name, email) VALUES (?, ?, ?) ";
        UpsertProbe byTarget =
                ((Rewritten) pg.rewrite(values + "ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name")).probe();
        assertThat(byTarget.columns()).as("the conflict is decided by email").containsExactly("email");
        assertThat(byTarget.rows()).containsExactly(List.of(new ParamSource.Bound(3)));
        assertThat(((Rewritten) pg.rewrite(values
                                + "ON CONFLICT ON CONSTRAINT customers_email DO UPDATE SET name = EXCLUDED.name"))
                        .probe())
                .as("columns the statement does not name: every row recorded")
                .isNull();
        Rewriter indexed = Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.POSTGRESQL, true)
                                .withUniqueKeys(Map.of("customers_email", List.of("email"))))),
                        Dialect.POSTGRESQL)
                .build();
        Rewritten constraint = (Rewritten) indexed.rewrite(
                values + "ON CONFLICT ON CONSTRAINT Customers_Email DO UPDATE SET name = EXCLUDED.name");
        assertThat(constraint.probe().columns())
                .as("the constraint's index, read from the catalog")
                .containsExactly("email");
        assertThat(constraint.newSide().sql())
                .as("the new table's constraint has another name: the new side names its columns")
                .isEqualTo(
                        "INSERT INTO app_v2.clients (id, full_name, email_address, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?,"
                                + " lower(?)) ON CONFLICT (email_address) DO UPDATE SET full_name = EXCLUDED.full_name,"
                                + " name_search = lower((EXCLUDED.full_name))");
        Rewritten other = (Rewritten)
                indexed.rewrite(values + "ON CONFLICT ON CONSTRAINT other DO UPDATE SET name = EXCLUDED.name");
        assertThat(other.probe()).isNull();
        assertThat(other.newSide().sql()).as("not in the catalog: kept").contains("ON CONFLICT ON CONSTRAINT other");
    }

    /** Forms the rewriter does not rebuild are refused with what to send instead, not a misleading reason. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|INSERT INTO customers (id, name) VALUES (DEFAULT, ?), (?, ?)|DEFAULT as the key value of some rows only|",
                "POSTGRESQL|INSERT INTO customers (id, name) VALUES (?, DEFAULT)|DEFAULT as the value of a source|",
                "POSTGRESQL|UPDATE customers SET name = DEFAULT WHERE id = ?|DEFAULT as the value of a source|"
            })
    void formsNotRebuilt_refusedWithWhatToSendInstead(Dialect dialect, String sql, String what, String instead) {
        Refused r = (Refused) Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r.reason()).isEqualTo(RefusalReason.UNSUPPORTED_CONSTRUCT);
        assertThat(r.message()).contains(what).contains(instead == null ? "" : instead);
    }

    /**
     * The DEFAULT keyword as a value is no column: each side takes its column's default, as for a
     * column an INSERT leaves out. A derived column over it reads the new column back on MariaDB,
     * which assigns left to right.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|INSERT INTO customers (id, name, email) VALUES (?, ?, DEFAULT)"
                        + "|INSERT INTO app_v2.clients (id, full_name, email_address, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?, DEFAULT, lower(?))",
                "POSTGRESQL|UPDATE customers SET email = DEFAULT WHERE id = ?"
                        + "|UPDATE app_v2.clients SET email_address = DEFAULT WHERE id = ?",
                "MARIADB|UPDATE customers SET name = DEFAULT WHERE id = ?"
                        + "|UPDATE clients SET full_name = DEFAULT, name_search = lower(full_name) WHERE id = ?"
            })
    void defaultKeyword_isEachSidesDefault(Dialect dialect, String sql, String newSide) {
        Rewritten r = (Rewritten) Fixtures.rewriter(dialect).rewrite(sql);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.nondeterminism()).isEmpty();
    }

    /**
     * A statement JSqlParser returns as unsupported without an error is judged by its tokens, as
     * one it cannot parse: a write or DDL naming a mapped table is refused, never untouched (it was:
     * {@code REPLACE LOW_PRIORITY} ran on the primary alone, unrecorded).
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "REPLACE LOW_PRIORITY INTO customers (id, name) VALUES (1, 'a')|UPSERT",
                "REPLACE DELAYED INTO customers (id, name) VALUES (1, 'a')|UPSERT"
            })
    void unsupportedStatementOfAMappedTable_refusedAsUnparseable(String sql, StatementKind kind) {
        assertThat(Fixtures.rewriter(Dialect.MARIADB).rewrite(sql)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.UNPARSEABLE);
            assertThat(r.kind()).isEqualTo(kind);
            assertThat(r.tables()).containsExactly("customers");
        });
    }

    /** REPLACE outside MariaDB (H2's MySQL mode), refused saying what to send instead. */
    @Test
    void replace_refusedWithWhatToSendInstead() {
        Refused replace =
                (Refused) Fixtures.rewriter(Dialect.H2).rewrite("REPLACE INTO customers (id, name) VALUES (?, ?)");
        assertThat(replace.reason()).isEqualTo(RefusalReason.UNSUPPORTED_CONSTRUCT);
        assertThat(replace.message())
                .contains("REPLACE into mapped table customers")
                .contains("use INSERT … ON DUPLICATE KEY UPDATE");
    }

    /** Hibernate's upsert (PostgreSQL 15+) and a MERGE with VALUES rows (H2): rewritten, their keys looked up first. */
    @Test
    void merge_byKey_rewrittenAndItsRowsLookedUp() {
        Rewritten hibernate = (Rewritten) pg.rewrite("merge into customers as t using (select cast(? as integer) id,"
                + " cast(? as varchar) name, cast(? as varchar) email) as s on (t.id=s.id)"
                + " when not matched then insert (id, name, email, legacy_flag) values (s.id, s.name, s.email, true)"
                + " when matched and t.name <> s.name then update set name=s.name, legacy_flag = false"
                + " when matched then delete");
        assertThat(hibernate.kind()).isEqualTo(StatementKind.UPSERT);
        assertThat(hibernate.newSide().sql())
                .isEqualTo(
                        "merge into app_v2.clients as t using (select cast(? as integer) id, cast(? as varchar) name,"
                                + " cast(? as varchar) email) as s on (t.id=s.id) when not matched then insert (id, full_name,"
                                + " email_address, name_search) OVERRIDING SYSTEM VALUE values (s.id, s.name, s.email,"
                                + " lower((s.name))) when matched and t.full_name <> s.name then update set full_name = s.name,"
                                + " name_search = lower((s.name)) when matched then delete");
        assertThat(hibernate.probe().columns()).containsExactly("id");
        assertThat(hibernate.probe().rows()).containsExactly(List.of(new ParamSource.Bound(1)));
        assertThat(hibernate.keys()).containsExactly(List.of(new ParamSource.Bound(1)));

        Rewritten rows = (Rewritten) Fixtures.rewriter(Dialect.H2)
                .rewrite("MERGE INTO customers c USING (VALUES (105, 'Merged'), (?, ?)) s(id, name) ON c.id = s.id"
                        + " WHEN MATCHED THEN UPDATE SET name = CASE WHEN c.city = 'x' THEN s.name ELSE c.name END"
                        + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)");
        assertThat(rows.newSide().sql())
                .isEqualTo("MERGE INTO clients c USING (VALUES (105, 'Merged'), (?, ?)) s(id, name) ON c.id = s.id"
                        + " WHEN MATCHED THEN UPDATE SET full_name = CASE WHEN c.town = 'x' THEN s.name ELSE"
                        + " c.full_name END, name_search = lower((CASE WHEN c.town = 'x' THEN s.name ELSE c.full_name"
                        + " END)) WHEN NOT MATCHED THEN INSERT (id, full_name, name_search) OVERRIDING SYSTEM VALUE"
                        + " VALUES (s.id, s.name, lower((s.name)))");
        assertThat(rows.probe().rows())
                .containsExactly(List.of(new ParamSource.Literal("105")), List.of(new ParamSource.Bound(1)));

        // jOOQ's form: the key matched to a value, looked up by it and by the one the INSERT gives
        Rewritten byValue = (Rewritten) Fixtures.rewriter(Dialect.H2)
                .rewrite("merge into \"PUBLIC\".\"CUSTOMERS\" using (select 1 \"one\")"
                        + " on (\"PUBLIC\".\"CUSTOMERS\".\"ID\" = ?) when matched then update set"
                        + " \"PUBLIC\".\"CUSTOMERS\".\"NAME\" = ? when not matched then insert (\"ID\", \"NAME\")"
                        + " values (?, ?)");
        assertThat(byValue.newSide().sql())
                .isEqualTo("merge into clients using (select 1 \"one\") on (clients.\"ID\" = ?) when matched then"
                        + " update set full_name = ?, name_search = lower(?) when not matched then insert (\"ID\","
                        + " full_name, name_search) OVERRIDING SYSTEM VALUE values (?, ?, lower(?))");
        assertThat(byValue.probe().rows())
                .containsExactly(List.of(new ParamSource.Bound(1)), List.of(new ParamSource.Bound(3)));
        assertThat(byValue.keys()).isEqualTo(byValue.probe().rows());

        // jOOQ's onConflict(ID).doUpdate() of two rows on H2
        Rewritten union = (Rewritten) Fixtures.rewriter(Dialect.H2)
                .rewrite("merge into customers using (select cast(? as bigint) id, cast(? as varchar) name"
                        + " union all select cast(? as bigint), cast(? as varchar)) t on customers.id = t.id"
                        + " when matched then update set name = t.name"
                        + " when not matched then insert (id, name) values (t.id, t.name)");
        assertThat(union.probe().rows())
                .containsExactly(List.of(new ParamSource.Bound(1)), List.of(new ParamSource.Bound(3)));
    }

    /** H2's own MERGE (by KEY, or by the primary key): run as that MERGE on both sides, its rows looked up by key. */
    @Test
    void h2MergeByKey_rewrittenAndItsRowsLookedUp() {
        Rewriter h2 = Fixtures.rewriter(Dialect.H2);
        Rewritten byKey = (Rewritten) h2.rewrite("MERGE INTO customers (id, name) KEY (id) VALUES (?, ?), (7, 'x')");
        assertThat(byKey.kind()).isEqualTo(StatementKind.UPSERT);
        assertThat(byKey.oldSide().sql()).isEqualTo("MERGE INTO customers (id, name) KEY (id) VALUES (?, ?), (7, 'x')");
        assertThat(byKey.newSide().sql())
                .isEqualTo("MERGE INTO clients (id, full_name, name_search) KEY (id) VALUES (?, ?, lower(?)),"
                        + " (7, 'x', lower('x'))");
        assertThat(byKey.probe().columns()).containsExactly("id");
        assertThat(byKey.probe().rows())
                .containsExactly(List.of(new ParamSource.Bound(1)), List.of(new ParamSource.Literal("7")));
        assertThat(byKey.keys()).isEqualTo(byKey.probe().rows());

        Rewritten byPrimaryKey =
                (Rewritten) h2.rewrite("merge into customers (id, legacy_flag, city) values (?, ?, ?)");
        assertThat(byPrimaryKey.newSide().sql()).isEqualTo("MERGE into clients (id, town) values (?, ?)");
        assertThat(byPrimaryKey.newSide().params()).containsExactly(new ParamSource.Bound(1), new ParamSource.Bound(3));
        assertThat(byPrimaryKey.probe().rows()).containsExactly(List.of(new ParamSource.Bound(1)));

        for (int id = 41; id <= 43; id++) { // one shape, its literals put back each time
            Rewritten literal =
                    (Rewritten) h2.rewrite("MERGE INTO customers (id, name) KEY (id) VALUES (" + id + ", 'n')");
            assertThat(literal.newSide().sql())
                    .isEqualTo("MERGE INTO clients (id, full_name, name_search) KEY (id) VALUES (" + id
                            + ", 'n', lower('n'))");
            assertThat(literal.probe().rows()).containsExactly(List.of(new ParamSource.Literal(String.valueOf(id))));
        }

        Refused byOtherColumns = (Refused) h2.rewrite("MERGE INTO customers (id, email) KEY (email) VALUES (?, ?)");
        assertThat(byOtherColumns.message()).contains("MERGE … KEY on other columns than the key");
        assertThat(h2.rewrite("MERGE INTO other (id, name) KEY (id) VALUES (1, 'x')"))
                .as("not a mapped table")
                .isInstanceOf(Untouched.class);
    }

    /** A MERGE whose rows are not known by key before it runs: refused, saying why. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MERGE INTO customers c USING staging s ON c.id = s.id WHEN MATCHED THEN DELETE"
                        + "|whose USING is not rows it gives",
                "MERGE INTO customers c USING (SELECT id FROM staging) s ON c.id = s.id WHEN MATCHED THEN DELETE"
                        + "|whose USING is not rows it gives",
                "MERGE INTO customers c USING (VALUES (1, 'x')) s(k, n) ON c.id = s.k AND c.name = s.n"
                        + " WHEN MATCHED THEN DELETE|whose ON is not its key",
                "MERGE INTO customers c USING (VALUES (1, 'x')) s(k, n) ON c.name = s.n WHEN MATCHED THEN DELETE"
                        + "|whose ON is not its key",
                "MERGE INTO customers c USING (VALUES (?, ?)) s(k, n) ON c.id = s.k"
                        + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.k + 1, s.n)|another value than the source column",
                "MERGE INTO customers c USING (VALUES (?, ?)) s(k, n) ON c.id = s.k"
                        + " WHEN NOT MATCHED THEN INSERT (name) VALUES (s.n)|leaves key columns",
                "MERGE INTO customers c USING (VALUES (?, ?)) s(k, n) ON c.id = s.k"
                        + " WHEN MATCHED THEN UPDATE SET id = s.k + 1|sets key column id",
                "MERGE INTO customers c USING (VALUES (?, ?)) s(k, n) ON c.id = s.k"
                        + " WHEN MATCHED THEN UPDATE SET email = name|column name in a MERGE",
                "MERGE INTO customers c USING (VALUES (?, ?)) s(id, name) ON c.id = s.id"
                        + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (id, name)|column id in a MERGE",
                "MERGE INTO customers c USING (VALUES (1), (2)) s(x) ON c.id = ? WHEN MATCHED THEN DELETE"
                        + "|whose ON is not its key",
                "MERGE INTO customers c USING (SELECT 1) s ON c.id = ?"
                        + " WHEN NOT MATCHED THEN INSERT (id, name) VALUES (? + 1, ?)|other than a parameter or a literal",
                "MERGE INTO customers c USING (VALUES (lower(?), ?)) s(k, n) ON c.id = s.k"
                        + " WHEN MATCHED THEN DELETE|gives key column id other than a parameter or a literal"
            })
    void merge_notByKey_refused(String sql, String why) {
        Refused r = (Refused) pg.rewrite(sql);
        assertThat(r.kind()).isEqualTo(StatementKind.UPSERT);
        assertThat(r.tables()).contains("customers");
        assertThat(r.message()).contains(why);
    }

    @Test
    void insert_keyWrittenAsNull_isGeneratedPerSide() {
        Rewriter maria = Fixtures.rewriter(Dialect.MARIADB);
        assertThat(((Rewritten) maria.rewrite("INSERT INTO customers (id, name) VALUES (NULL, ?), (3, ?)"))
                        .nondeterminism())
                .as("AUTO_INCREMENT generates a NULL key, on each side its own")
                .containsExactly(NonDeterminism.SEQUENCE);
        assertThat(((Rewritten) maria.rewrite("INSERT INTO customers (id, name) VALUES (?, NULL)")).nondeterminism())
                .isEmpty();
    }

    @Test
    void storedNames_quotedWhereTheDatabaseWouldFoldThem() {
        assertThat(Dialect.POSTGRESQL.sqlOfStored("public")).isEqualTo("public");
        assertThat(Dialect.POSTGRESQL.sqlOfStored("Tenant\"A")).isEqualTo("\"Tenant\"\"A\"");
        assertThat(Dialect.H2.sqlOfStored("PUBLIC")).isEqualTo("PUBLIC");
        assertThat(Dialect.H2.sqlOfStored("app")).isEqualTo("\"app\"");
        assertThat(Dialect.MARIADB.sqlOfStored("shop-1")).isEqualTo("`shop-1`");
    }

    @Test
    void select_ordered_onlyForOuterOrderBy() {
        assertThat(((Rewritten) pg.rewrite("SELECT name FROM customers ORDER BY id")).ordered())
                .isTrue();
        assertThat(((Rewritten) pg.rewrite("SELECT name FROM (SELECT name FROM customers ORDER BY id) x")).ordered())
                .isFalse();
    }

    @Test
    void fingerprint_literalsAndListsCollapsed_commentsDropped() {
        Fingerprint a = pg.rewrite("SELECT name FROM customers WHERE id IN (1, 2, 3) /* x */")
                .fingerprint();
        Fingerprint b =
                pg.rewrite("select  name from customers where id in (?)").fingerprint();
        assertThat(a).isEqualTo(b);
        assertThat(a.hash()).hasSize(12).matches("[0-9a-f]+");
        assertThat(pg.rewrite("INSERT INTO orders VALUES (1, 'x'), (2, 'y')")
                        .fingerprint()
                        .text())
                .isEqualTo("insert into orders values (?)");
    }

    @Test
    void tokens_questionMarksInStringsAndComments_notParameters() {
        Tokens t = Tokens.lex("SELECT '?', \"?\", $$?$$, $q$ ? $q$ /* ? */ -- ?\n, ? FROM x", Dialect.POSTGRESQL);
        assertThat(t.paramCount()).isEqualTo(1);
        assertThat(Tokens.lex("SELECT 'a\\'?' # ?\n, `?`, ?", Dialect.MARIADB).paramCount())
                .isEqualTo(1);
    }

    @Test
    void dataChangeDeltaTable_isRefusedAsItsWrite() {
        Rewriter h2 = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2).build();
        assertThat(h2.rewrite("SELECT id FROM FINAL TABLE (INSERT INTO customers (name) VALUES (?))"))
                .isInstanceOfSatisfying(Refused.class, r -> {
                    assertThat(r.kind()).isEqualTo(StatementKind.INSERT);
                    assertThat(r.tables()).containsExactly("customers");
                    assertThat(r.reason()).isEqualTo(RefusalReason.UNSUPPORTED_CONSTRUCT);
                });
        assertThat(h2.rewrite("SELECT count(*) FROM OLD TABLE (DELETE FROM customers WHERE id = ?)"))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.kind()).isEqualTo(StatementKind.DELETE));
        assertThat(h2.rewrite("SELECT * FROM FINAL TABLE (INSERT INTO orders (id) VALUES (1)) JOIN customers c ON 1=1"))
                .isInstanceOf(Refused.class);
    }

    /**
     * A column whose collation changes ({@link TableMapping.Retyped} without types): its values go to
     * the new side as written, and a write that compares it by order is recorded (each side orders it
     * its own way); by equality, or in a read, nothing changes.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET name = ? WHERE email < ?|true",
                "DELETE FROM customers WHERE email BETWEEN ? AND ?|true",
                "UPDATE customers SET name = CASE WHEN email >= 'm' THEN 'late' END WHERE id = ?|true",
                "UPDATE customers SET name = ? WHERE email = ?|false",
                "UPDATE customers SET email = ? WHERE id > ?|false",
                "SELECT id FROM customers WHERE email < ?|false"
            })
    void collationChanged_orderedComparisonInAWrite_picksByOtherRows(String sql, boolean picks) {
        for (Dialect dialect : List.of(Dialect.POSTGRESQL, Dialect.MARIADB)) {
            Rewriter collated = Rewriter.builder(
                            Mapping.of(List.of(Fixtures.customers(dialect, true)
                                    .withRetyped(Map.of("email", new TableMapping.Retyped(null, null))))),
                            dialect)
                    .build();
            Rewritten r = (Rewritten) collated.rewrite(sql);
            Rewritten plain = (Rewritten) Fixtures.rewriter(dialect).rewrite(sql);
            assertThat(r.newSide()).as("no cast").isEqualTo(plain.newSide());
            assertThat(r.nondeterminism().contains(NonDeterminism.PICKS_BY_OTHER_ROWS))
                    .as(sql)
                    .isEqualTo(picks);
        }
    }

    /** PostgreSQL, {@code email} {@code text} → {@code uuid} and {@code city} {@code character varying} → an enum. */
    private static Rewriter retypedRewriter() {
        return Rewriter.builder(
                        Mapping.of(List.of(Fixtures.customers(Dialect.POSTGRESQL, true)
                                .withRetyped(Map.of(
                                        "email",
                                        new TableMapping.Retyped("uuid", "text"),
                                        "city",
                                        new TableMapping.Retyped("app_v2.town_kind", "character varying"))))),
                        Dialect.POSTGRESQL)
                .build();
    }

    /**
     * {@code SET (a, b) = (x, y)} means {@code SET a = x, b = y} (PostgreSQL and H2 read every value
     * as the statement found the row): the new side gets those assignments, with the same parameters,
     * casts of retyped columns and judgements, whatever the columns' mapping.
     */
    @Test
    void rowOfColumnsSetFromARowOfValues_rewrittenAsItsSeparateAssignments() {
        Rewriter retyped = retypedRewriter();
        String[][] rowAndSeparate = {
            {
                "UPDATE customers SET (name, email) = (?, ?) WHERE id = ?",
                "UPDATE customers SET name = ?, email = ? WHERE id = ?"
            },
            {
                "UPDATE customers SET (email, city, name) = (city, DEFAULT, email) WHERE id = ?",
                "UPDATE customers SET email = city, city = DEFAULT, name = email WHERE id = ?"
            },
            {
                "UPDATE customers SET (legacy_flag, city) = (?, lower(/* a, b */ ?)), name = ? WHERE id = ?",
                "UPDATE customers SET legacy_flag = ?, city = lower(/* a, b */ ?), name = ? WHERE id = ?"
            },
            {
                "UPDATE customers SET (name) = (SELECT max(o.total) || '' FROM orders o) WHERE id = ?",
                "UPDATE customers SET name = (SELECT max(o.total) || '' FROM orders o) WHERE id = ?"
            },
            {
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET (name, city) ="
                        + " (EXCLUDED.name, coalesce(?, EXCLUDED.city))",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
                        + " city = coalesce(?, EXCLUDED.city)"
            }
        };
        for (Rewriter rewriter :
                List.of(Fixtures.rewriter(Dialect.POSTGRESQL), Fixtures.rewriter(Dialect.H2), retyped)) {
            for (String[] pair : rowAndSeparate) {
                RewriteResult row = rewriter.rewrite(pair[0]);
                RewriteResult separate = rewriter.rewrite(pair[1]);
                assertThat(separate).as(pair[1]).isInstanceOf(Rewritten.class);
                assertThat(row).as(pair[0]).isInstanceOfSatisfying(Rewritten.class, r -> {
                    Rewritten s = (Rewritten) separate;
                    assertThat(r.newSide()).as(pair[0]).isEqualTo(s.newSide());
                    assertThat(r.oldSide().sql()).isEqualTo(pair[0]);
                    assertThat(r.nondeterminism()).as(pair[0]).isEqualTo(s.nondeterminism());
                    assertThat(r.keys()).isEqualTo(s.keys());
                    assertThat(r.rounded()).isEqualTo(s.rounded());
                });
            }
        }
    }

    /**
     * A column whose new type takes no value of the old one by assignment (PostgreSQL {@code text}
     * → {@code uuid}, an enum): the new side casts what a statement writes to it and the parameters
     * and literals it is compared with; DEFAULT, expressions and other columns are left alone.
     */
    @Test
    void typeChangedColumn_valuesWrittenAndComparedCastToTheNewType() {
        Rewriter casting = retypedRewriter();
        assertThat(((Rewritten) casting.rewrite(
                                "INSERT INTO customers (id, email, city) VALUES (?, ?, 'Oslo'), (2, NULL, DEFAULT)"))
                        .newSide()
                        .sql())
                .isEqualTo(
                        "INSERT INTO app_v2.clients (id, email_address, town) OVERRIDING SYSTEM VALUE VALUES (?, CAST(? AS uuid),"
                                + " CAST('Oslo' AS app_v2.town_kind)), (2, CAST(NULL AS uuid), DEFAULT)");
        assertThat(((Rewritten)
                                casting.rewrite(
                                        "UPDATE customers SET email = ?, city = DEFAULT WHERE email = ? AND city IN ('a', ?) AND id = ?"))
                        .newSide()
                        .sql())
                .isEqualTo(
                        "UPDATE app_v2.clients SET email_address = CAST(? AS uuid), town = DEFAULT WHERE email_address"
                                + " = CAST(? AS uuid) AND town IN (CAST('a' AS app_v2.town_kind), CAST(? AS app_v2.town_kind))"
                                + " AND id = ?");
        assertThat(((Rewritten)
                                casting.rewrite(
                                        "SELECT id FROM customers c WHERE ? = c.email OR c.email <> ?"
                                                + " OR c.email IS NOT DISTINCT FROM ? OR c.city NOT BETWEEN ? AND 'z' OR c.email >= -1"))
                        .newSide()
                        .sql())
                .isEqualTo(
                        "SELECT id FROM app_v2.clients c WHERE CAST(? AS uuid) = c.email_address OR c.email_address"
                                + " <> CAST(? AS uuid) OR c.email_address IS NOT DISTINCT FROM CAST(? AS uuid) OR c.town NOT BETWEEN"
                                + " CAST(? AS app_v2.town_kind) AND CAST('z' AS app_v2.town_kind) OR c.email_address >= CAST(-1 AS uuid)");
        assertThat(((Rewritten) casting.rewrite("DELETE FROM customers WHERE city = ANY (?) AND email <> ALL(?)"))
                        .newSide()
                        .sql())
                .as("an array parameter: the array of the new type")
                .isEqualTo(
                        "DELETE FROM app_v2.clients WHERE town = ANY (CAST(? AS app_v2.town_kind[])) AND email_address"
                                + " <> ALL(CAST(? AS uuid[]))");
        assertThat(((Rewritten) casting.rewrite("SELECT c.email, city AS place, email::text, * FROM customers c"))
                        .newSide()
                        .sql())
                .as("a column read back as its old type; one the statement casts itself as written")
                .isEqualTo("SELECT CAST(c.email_address AS text) AS email, CAST(town AS character varying) AS place,"
                        + " email_address::text AS email, id, full_name AS name, CAST(email_address AS text) AS email,"
                        + " CAST(town AS character varying) AS city, created_at FROM app_v2.clients c");
        assertThat(((Rewritten) casting.rewrite("SELECT id FROM customers WHERE email IN (SELECT email FROM customers"
                                + " WHERE city = 'x') AND EXISTS (SELECT * FROM customers)"))
                        .newSide()
                        .sql())
                .as("a subquery's values compared on the new type")
                .isEqualTo("SELECT id FROM app_v2.clients WHERE email_address IN (SELECT CAST(v AS uuid) FROM (SELECT"
                        + " email_address AS email FROM app_v2.clients WHERE town = CAST('x' AS app_v2.town_kind)) AS"
                        + " schemashift_in(v)) AND EXISTS (SELECT id, full_name AS name,"
                        + " email_address AS email, town AS city, created_at FROM app_v2.clients)");
        assertThat(((Rewritten) casting.rewrite(
                                "INSERT INTO customers (id, city) SELECT id + 100, city FROM customers"))
                        .newSide()
                        .sql())
                .as("a column read back as its old type and written as the new one")
                .isEqualTo(
                        "INSERT INTO app_v2.clients (id, town) OVERRIDING SYSTEM VALUE SELECT id + 100, CAST(CAST(town AS character varying) AS"
                                + " app_v2.town_kind) FROM app_v2.clients");
        assertThat(((Rewritten) casting.rewrite("SELECT id FROM customers WHERE email = ? || 'x' OR email = ?::text"
                                + " OR email = lower(?) OR email = ANY (ARRAY[?]) OR email IN (SELECT 'a') OR email IN (?,"
                                + " lower(?)) OR email = (SELECT name FROM customers WHERE id = ?) OR email = CAST(? AS"
                                + " varchar) OR email NOT BETWEEN upper(?) AND lower(?) OR city <> ALL (SELECT o.place FROM"
                                + " orders o WHERE o.id = customers.id) OR lower(?) = email OR (?) = email"))
                        .newSide()
                        .sql())
                .as("an expression, a subquery of the old type: cast to the new type")
                .isEqualTo("SELECT id FROM app_v2.clients WHERE email_address = CAST(? || 'x' AS uuid) OR email_address"
                        + " = CAST(?::text AS uuid) OR email_address = CAST(lower(?) AS uuid) OR email_address = ANY"
                        + " (CAST(ARRAY[?] AS uuid[])) OR email_address IN (SELECT CAST(v AS uuid) FROM (SELECT 'a') AS"
                        + " schemashift_in(v)) OR email_address IN (CAST(? AS uuid), CAST(lower(?) AS uuid)) OR"
                        + " email_address = CAST((SELECT full_name AS name FROM app_v2.clients WHERE id = ?) AS uuid) OR"
                        + " email_address = CAST(CAST(? AS varchar) AS uuid) OR email_address NOT BETWEEN CAST(upper(?) AS"
                        + " uuid) AND CAST(lower(?) AS uuid) OR town <> ALL (SELECT CAST(v AS app_v2.town_kind) FROM"
                        + " (SELECT o.place FROM orders o WHERE o.id = app_v2.clients.id) AS schemashift_in(v)) OR"
                        + " CAST(lower(?) AS uuid) = email_address OR CAST((?) AS uuid) = email_address");
        String untouched = "SELECT id FROM customers WHERE email || 'x' = ? OR email = ?[1]"
                + " OR email = ARRAY[?][1] OR ARRAY[?][1] = email OR DATE '2024-01-01' = city";
        assertThat(((Rewritten) casting.rewrite(untouched)).newSide().sql())
                .as("the column an operand of a longer expression; a value one after an operator: as written")
                .isEqualTo(untouched
                        .replace("customers", "app_v2.clients")
                        .replace("email", "email_address")
                        .replace("city", "town"));
        assertThat(((Rewritten)
                                casting.rewrite(
                                        "DELETE FROM customers WHERE ? || 'x' = email AND (lower(?)::text"
                                                + " || ?) = email OR ? * 2 - 1 <> city AND city IN (?, ?) AND ?::varchar(10) = city AND -? <> city"))
                        .newSide()
                        .sql())
                .as("a longer expression before the column: cast whole")
                .isEqualTo(
                        "DELETE FROM app_v2.clients WHERE CAST(? || 'x' AS uuid) = email_address AND CAST((lower(?)::text"
                                + " || ?) AS uuid) = email_address OR CAST(? * 2 - 1 AS app_v2.town_kind) <> town AND town IN"
                                + " (CAST(? AS app_v2.town_kind), CAST(? AS app_v2.town_kind)) AND CAST(?::varchar(10) AS"
                                + " app_v2.town_kind) = town AND CAST(-? AS app_v2.town_kind) <> town");
        assertThat(((Rewritten) casting.rewrite("SELECT a.id FROM customers a JOIN orders o ON o.email_text = a.email"
                                + " WHERE a.city IN (o.place, \"o\".\"Town\") AND a.email = a.name AND a.city = CASE WHEN ? THEN"
                                + " 'x' END AND a.city <> DATE '2024-01-01'"))
                        .newSide()
                        .sql())
                .as("another column, an expression: cast to the new type; a typed literal: as written")
                .isEqualTo(
                        "SELECT a.id FROM app_v2.clients a JOIN orders o ON CAST(o.email_text AS uuid) = a.email_address"
                                + " WHERE a.town IN (CAST(o.place AS app_v2.town_kind), CAST(\"o\".\"Town\" AS app_v2.town_kind))"
                                + " AND a.email_address = CAST(a.full_name AS uuid) AND a.town = CAST(CASE WHEN ? THEN 'x' END"
                                + " AS app_v2.town_kind) AND a.town <> DATE '2024-01-01'");
        assertThat(((Rewritten)
                                casting.rewrite(
                                        "SELECT lower(email) FROM customers WHERE email LIKE ? AND coalesce(city, ?)"
                                                + " = ? AND email IN (SELECT email FROM customers WHERE lower(city) = ? AND city = ?)"))
                        .newSide()
                        .sql())
                .as("an argument of a function or pattern match: read as the old type, as the application wrote it")
                .isEqualTo(
                        "SELECT lower(CAST(email_address AS text)) FROM app_v2.clients WHERE CAST(email_address AS text)"
                                + " LIKE ? AND coalesce(CAST(town AS character varying), ?) = ? AND email_address IN (SELECT"
                                + " CAST(v AS uuid) FROM (SELECT email_address AS email FROM app_v2.clients WHERE"
                                + " lower(CAST(town AS character varying)) = ? AND town = CAST(? AS app_v2.town_kind)) AS"
                                + " schemashift_in(v))");
        for (String ordered : List.of(
                "UPDATE customers SET name = ? WHERE city < ?",
                "UPDATE customers SET name = ? WHERE id = ? AND ? >= email",
                "DELETE FROM customers WHERE email NOT BETWEEN ? AND ?",
                "UPDATE customers SET name = CASE WHEN city > ? THEN 'a' END WHERE id = ?")) {
            assertThat(((Rewritten) casting.rewrite(ordered)).nondeterminism())
                    .as("%s: an order each side's type gives otherwise, named row or not", ordered)
                    .containsExactly(NonDeterminism.PICKS_BY_OTHER_ROWS);
        }
        for (String spelled : List.of(
                "UPDATE customers SET name = ? WHERE lower(email) = ?",
                "DELETE FROM customers WHERE city LIKE ?",
                "UPDATE customers SET name = ? WHERE id IN (?, ?) AND length(city) = ?",
                "DELETE FROM customers WHERE coalesce(city, ?) = ? RETURNING id",
                "UPDATE customers SET name = ? WHERE email::text LIKE ?",
                "DELETE FROM customers WHERE CAST(city AS varchar(10)) = ?",
                "DELETE FROM customers c WHERE c.email || 'x' = ? OR ? || c.email = ?")) {
            assertThat(((Rewritten) casting.rewrite(spelled)).nondeterminism())
                    .as("%s: rows picked by a spelling of the old type, which the new side spells its own way", spelled)
                    .containsExactly(NonDeterminism.PICKS_BY_OTHER_ROWS);
        }
        for (String named : List.of(
                "UPDATE customers SET name = ? WHERE id = ? AND email LIKE ?",
                "DELETE FROM customers WHERE email = ? RETURNING lower(email), city")) {
            assertThat(((Rewritten) casting.rewrite(named)).nondeterminism())
                    .as("%s: one named row (the update counts tell), or the spelling only returned", named)
                    .isEmpty();
        }
        for (String written : List.of(
                "UPDATE customers SET name = lower(email) WHERE city = ?",
                "UPDATE customers SET name = email || '/x' WHERE city = ?",
                "UPDATE customers SET name = CAST(email AS text) WHERE city = ? AND CAST(email AS uuid) = ?")) {
            assertThat(((Rewritten) casting.rewrite(written)).nondeterminism())
                    .as("%s: the spelling only written: its rows recorded, not the table", written)
                    .containsExactly(NonDeterminism.ROUNDS_APART);
        }
        assertThat(((Rewritten) casting.rewrite("DELETE FROM customers WHERE email::text || ? = ? AND"
                                + " CAST(city AS character varying) = ?"))
                        .newSide()
                        .sql())
                .as("a cast to a string type or a concatenation: as written (an index on email::text still serves it)")
                .isEqualTo("DELETE FROM app_v2.clients WHERE email_address::text || ? = ? AND"
                        + " CAST(town AS character varying) = ?");
        for (String plain : List.of(
                "UPDATE customers SET name = ? WHERE email <> ? AND ? <> city AND id > ? AND ? != email",
                "SELECT id FROM customers WHERE city < ?")) {
            assertThat(((Rewritten) casting.rewrite(plain)).nondeterminism())
                    .as("%s: equality, or a read", plain)
                    .isEmpty();
        }
        Rewritten setFromRetyped = (Rewritten) casting.rewrite("UPDATE customers SET name = email WHERE id = ?");
        assertThat(setFromRetyped.newSide().sql())
                .as("a retyped column as a SET value: read as the old type, for the target and the derived column")
                .isEqualTo("UPDATE app_v2.clients SET full_name = CAST(email_address AS text), name_search ="
                        + " lower(CAST(email_address AS text)) WHERE id = ?");
        assertThat(setFromRetyped.nondeterminism())
                .as("spelled by each side's own type: mirrored and recorded")
                .containsExactly(NonDeterminism.ROUNDS_APART);
        Rewritten upsert = (Rewritten) casting.rewrite("INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id)"
                + " DO UPDATE SET name = lower(EXCLUDED.email), email = EXCLUDED.email");
        assertThat(upsert.newSide().sql())
                .as("so in an upsert's SET; a retyped target's value is cast to the new type")
                .endsWith("DO UPDATE SET full_name = lower(CAST(EXCLUDED.email_address AS text)), email_address ="
                        + " CAST(EXCLUDED.email_address AS uuid), name_search ="
                        + " lower((lower(CAST(EXCLUDED.email_address AS text))))");
        assertThat(upsert.nondeterminism()).containsExactly(NonDeterminism.ROUNDS_APART);
        assertThat(((Rewritten) casting.rewrite("INSERT INTO customers (id, name, email) VALUES (?, ?, ?) ON CONFLICT"
                                + " (id) DO UPDATE SET email = EXCLUDED.email"))
                        .nondeterminism())
                .as("a retyped column set from itself: the same value on both sides")
                .isEmpty();
        assertThat(((Rewritten)
                                casting.rewrite(
                                        "INSERT INTO customers (id, email, name) SELECT ?, ? AS e, name FROM customers WHERE id = ?"))
                        .newSide()
                        .sql())
                .as("INSERT … SELECT: the selected value, not its alias")
                .isEqualTo(
                        "INSERT INTO app_v2.clients (id, email_address, full_name, name_search) OVERRIDING SYSTEM VALUE SELECT ?, CAST(? AS uuid)"
                                + " AS e, full_name AS name, lower((full_name)) FROM app_v2.clients WHERE id = ?");
    }
}
