package io.schemashift.cli;

import io.schemashift.control.MismatchCount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The query shapes and tables with the most shadow-read mismatches. */
@Command(
        name = "mismatches",
        mixinStandardHelpOptions = true,
        description = "Lists the query shapes (fingerprints) and tables with the most mismatch reports, most first.")
final class MismatchesCommand extends CommandBase {

    @Option(
            names = "--top",
            paramLabel = "<n>",
            defaultValue = "10",
            converter = Converters.Limit.class,
            description = "How many to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(
            names = "--since",
            paramLabel = "<duration>",
            converter = Converters.Window.class,
            description = "Count only reports of the last <duration> (e.g. 15m, 24h). Default: all.")
    Duration since;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        Instant from = since == null ? Instant.EPOCH : Instant.now().minus(since);
        List<MismatchCount> counts = context.store().topMismatches(top, from);
        if (json) {
            List<Object> list = new ArrayList<>();
            for (MismatchCount c : counts) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("fingerprint", c.fingerprint());
                m.put("table", c.table());
                m.put("queryShape", c.queryShape());
                m.put("count", c.count());
                m.put("lastSeen", c.lastSeen());
                list.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("since", since == null ? null : from);
            doc.put("mismatches", list);
            out().println(Json.write(doc));
        } else if (counts.isEmpty()) {
            out().println("no mismatches" + (since == null ? "" : " in the last " + Text.window(since)));
        } else {
            String format = "%7s  %-24s  %-20s  %-32s  %s%n";
            out().printf(format, "COUNT", "LAST SEEN", "TABLE", "FINGERPRINT", "QUERY SHAPE");
            for (MismatchCount c : counts) {
                out().printf(
                                format,
                                c.count(),
                                c.lastSeen(),
                                c.table(),
                                c.fingerprint(),
                                Text.cut(c.queryShape(), 100));
            }
        }
        out().flush();
        return OK;
    }
}
