package io.schemashift.cli;

import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.RolloutState;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Creates the control-plane tables and seeds the rollout from the YAML file. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Creates the control, heartbeat, audit, divergence, mismatch, runs, intent and statements tables on"
                    + " the old (primary) database, and the intent table on a separate new database, if they do not"
                    + " exist, adds the columns a newer version needs to tables an older"
                    + " one created, and stores the rollout of the YAML file (phase, percentages, per-table"
                    + " phases) if none is stored yet.",
            "Run it as a role that may create tables (a migrator); the application's role needs only SELECT,"
                    + " INSERT, UPDATE and DELETE on these tables: the driver never runs DDL.",
            "Idempotent: running it again changes nothing."
        })
final class InitCommand extends CommandBase {

    @Mixin
    Author author;

    @Option(
            names = "--print-sql",
            description = "Print the DDL for the database of --url (for Flyway, Liquibase…) and change nothing;"
                    + " the rollout is then seeded by the first 'schemashift init' or 'phase'.")
    boolean printSql;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        ControlStore store = context.store();
        ControlTables t = store.tables();
        if (printSql) {
            printSql(context, t);
            return OK;
        }
        List<ControlSchema.AddedColumn> added = store.init();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("migration", store.migration());
        Map<String, Object> tables = new LinkedHashMap<>();
        tables.put("control", t.control());
        tables.put("heartbeat", t.heartbeat());
        tables.put("audit", t.audit());
        tables.put("divergence", t.divergence());
        tables.put("mismatch", t.mismatch());
        tables.put("runs", t.runs());
        doc.put("tables", tables);
        List<Object> columns = new ArrayList<>();
        for (ControlSchema.AddedColumn column : added) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("table", column.table());
            c.put("column", column.column());
            columns.add(c);
        }
        doc.put("addedColumns", columns);
        print(String.format(
                "tables ready: control %s, heartbeat %s, audit %s, divergence %s, mismatch %s, runs %s",
                t.control(), t.heartbeat(), t.audit(), t.divergence(), t.mismatch(), t.runs()));
        for (ControlSchema.AddedColumn column : added) {
            print("added column " + column.table() + "." + column.column() + " (created by an earlier version)");
        }
        if (context.newConnections() != null) {
            // The primary writes intent records in its own transaction, and from new-primary on
            // the primary is the new database.
            try (Connection c = context.newConnections().open()) {
                ControlSchema.execute(c, ControlSchema.createIntentTable(context.dialect(), t.intent()));
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            doc.put("newDatabaseIntentTable", t.intent());
            print("new database: intent table " + t.intent() + " ready");
        }
        Optional<RolloutState> existing = store.read();
        RolloutState rollout;
        if (existing.isPresent()) {
            rollout = existing.get();
            print(String.format(
                    "%s: rollout already stored (version %d): %s",
                    store.migration(), rollout.version(), rollout.describe()));
        } else {
            Instant now = Instant.now();
            RolloutState seed = RolloutState.seed(context.config(), now, author.name());
            String reason = "init: seeded from " + context.config().source();
            rollout = store.write(seed, AuditEntry.of(seed, seed, null, now, author.name(), reason, false));
            print(String.format(
                    "%s: rollout seeded from %s (version %d): %s",
                    store.migration(), context.config().source(), rollout.version(), rollout.describe()));
        }
        doc.put("seeded", existing.isEmpty());
        doc.put("rollout", Json.rollout(rollout));
        if (json) {
            out().println(Json.write(doc));
        }
        out().flush();
        warnIfNotFollowed(context);
        return OK;
    }

    private void print(String line) {
        if (!json) {
            out().println(line);
        }
    }

    private void printSql(Context context, ControlTables tables) {
        List<String> create = ControlSchema.createAll(context.dialect(), tables).stream()
                .map(sql -> sql + ";")
                .toList();
        List<String> upgrades = ControlSchema.upgrades(tables).stream()
                .map(column -> column.sql() + ";")
                .toList();
        List<String> newSideCreate = context.newConnections() == null
                ? List.of()
                : ControlSchema.createIntentTable(context.dialect(), tables.intent()).stream()
                        .map(sql -> sql + ";")
                        .toList();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("dialect", context.dialect().name().toLowerCase(Locale.ROOT));
            doc.put("create", create);
            doc.put("upgrades", upgrades);
            doc.put("createOnNew", newSideCreate);
            out().println(Json.write(doc));
            out().flush();
            return;
        }
        out().printf(
                        "-- SchemaShift tables for migration %s on %s (schemashift init --print-sql)%n",
                        context.config().migration(), context.dialect());
        create.forEach(out()::println);
        if (!newSideCreate.isEmpty()) {
            out().println("-- On the new database (new.url): the intent records, written there from new-primary on");
            newSideCreate.forEach(out()::println);
        }
        out().println("-- Tables created by an earlier version lack these columns; add the ones missing:");
        upgrades.forEach(sql -> out().println("-- " + sql));
        out().flush();
    }
}
