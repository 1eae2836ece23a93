package io.schemashift.cli;

import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.RolloutState;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
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

    @Override
    int run(Context context) throws Exception {
        ControlStore store = context.store();
        ControlTables t = store.tables();
        if (printSql) {
            printSql(context, t);
            return OK;
        }
        List<ControlSchema.AddedColumn> added = store.init();
        out().printf(
                        "tables ready: control %s, heartbeat %s, audit %s, divergence %s, mismatch %s, runs %s%n",
                        t.control(), t.heartbeat(), t.audit(), t.divergence(), t.mismatch(), t.runs());
        for (ControlSchema.AddedColumn column : added) {
            out().printf("added column %s.%s (created by an earlier version)%n", column.table(), column.column());
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
            out().printf("new database: intent table %s ready%n", t.intent());
        }
        Optional<RolloutState> existing = store.read();
        if (existing.isPresent()) {
            out().printf(
                            "%s: rollout already stored (version %d): %s%n",
                            store.migration(),
                            existing.get().version(),
                            existing.get().describe());
        } else {
            Instant now = Instant.now();
            RolloutState seed = RolloutState.seed(context.config(), now, author.name());
            String reason = "init: seeded from " + context.config().source();
            RolloutState stored = store.write(seed, AuditEntry.of(seed, seed, null, now, author.name(), reason, false));
            out().printf(
                            "%s: rollout seeded from %s (version %d): %s%n",
                            store.migration(), context.config().source(), stored.version(), stored.describe());
        }
        out().flush();
        warnIfNotFollowed(context);
        return OK;
    }

    private void printSql(Context context, ControlTables tables) {
        out().printf(
                        "-- SchemaShift tables for migration %s on %s (schemashift init --print-sql)%n",
                        context.config().migration(), context.dialect());
        for (String sql : ControlSchema.createAll(context.dialect(), tables)) {
            out().println(sql + ";");
        }
        if (context.newConnections() != null) {
            out().println("-- On the new database (new.url): the intent records, written there from new-primary on");
            for (String sql : ControlSchema.createIntentTable(context.dialect(), tables.intent())) {
                out().println(sql + ";");
            }
        }
        out().println("-- Tables created by an earlier version lack these columns; add the ones missing:");
        for (ControlSchema.AddedColumn column : ControlSchema.upgrades(tables)) {
            out().println("-- " + column.sql() + ";");
        }
        out().flush();
    }
}
