package io.schemashift.cli;

import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.RolloutState;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates the control-plane tables and seeds the rollout from the YAML file. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Creates the control, heartbeat, audit, divergence and mismatch tables on the old (primary)"
                    + " database if they do not exist, and stores the rollout of the YAML file (phase,"
                    + " percentages, per-table phases) if none is stored yet.",
            "Idempotent: running it again changes nothing."
        })
final class InitCommand extends CommandBase {

    @Mixin
    Author author;

    @Override
    int run(Context context) throws Exception {
        ControlStore store = context.store();
        store.init();
        ControlTables t = store.tables();
        out().printf(
                        "tables ready: control %s, heartbeat %s, audit %s, divergence %s, mismatch %s%n",
                        t.control(), t.heartbeat(), t.audit(), t.divergence(), t.mismatch());
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
}
