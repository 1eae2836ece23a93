package io.schemashift.cli;

import io.schemashift.control.AuditEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The latest changes of phase and percentages. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Lists the latest changes of phase or percentages, newest first: when, who, what, why, forced.")
final class AuditCommand extends CommandBase {

    @Option(
            names = "--limit",
            paramLabel = "<n>",
            defaultValue = "20",
            converter = Converters.Limit.class,
            description = "How many to list (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        List<AuditEntry> entries = context.store().audit(limit);
        if (json) {
            List<Object> list = new ArrayList<>();
            for (AuditEntry e : entries) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("at", e.at());
                m.put("by", e.by());
                m.put("table", e.table());
                m.put("fromPhase", e.fromPhase().configName());
                m.put("toPhase", e.toPhase().configName());
                m.put("fromReadNewPercent", e.fromReadNewPercent());
                m.put("toReadNewPercent", e.toReadNewPercent());
                m.put("fromShadowPercent", e.fromShadowPercent());
                m.put("toShadowPercent", e.toShadowPercent());
                m.put("reason", e.reason());
                m.put("forced", e.forced());
                list.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("entries", list);
            out().println(Json.write(doc));
        } else if (entries.isEmpty()) {
            out().println("no changes recorded for " + context.config().migration());
        } else {
            for (AuditEntry e : entries) {
                out().printf(
                                "%s  %-12s %s%s -> %s, read-new %d%% -> %d%%, shadow %d%% -> %d%%%s  \"%s\"%n",
                                e.at(),
                                e.by(),
                                e.table() == null ? "" : "table " + e.table() + ": ",
                                e.fromPhase(),
                                e.toPhase(),
                                e.fromReadNewPercent(),
                                e.toReadNewPercent(),
                                e.fromShadowPercent(),
                                e.toShadowPercent(),
                                e.forced() ? "  FORCED" : "",
                                e.reason().replace("\n", " "));
            }
        }
        out().flush();
        return OK;
    }
}
