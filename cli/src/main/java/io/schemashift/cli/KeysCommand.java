package io.schemashift.cli;

import io.schemashift.api.Side;
import io.schemashift.backfill.KeyHandover;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * Key handover ({@link KeyHandover}): before the primary moves, the side about to generate keys
 * must have a key generator past every key already used on both sides.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {
            "Key handover when the primary moves. For each mapped table, finds the key generator of the side about"
                    + " to generate keys (PostgreSQL identity or sequence, MariaDB AUTO_INCREMENT, H2 identity) and"
                    + " compares its next value with the largest key on both sides.",
            "check: report; exit code 1 when a generator is behind. sync: move the generators that are behind to"
                    + " the largest key + 1 + --headroom (never backwards); with --dry-run only report.",
            "Run 'keys sync' before 'phase new-primary' (to new) and before a rollback from new-primary (to old):"
                    + " both refuse while the generator is behind."
        })
final class KeysCommand extends CommandBase {

    /** What {@code keys} does. */
    enum Action {
        CHECK,
        SYNC
    }

    @Parameters(
            index = "0",
            paramLabel = "check|sync",
            converter = ActionName.class,
            description = "check: report where the generators stand; sync: move those that are behind.")
    Action action;

    @Option(
            names = "--table",
            paramLabel = "<table>",
            description = "Only this old table (repeatable). Default: every mapped table.")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--to",
            paramLabel = "old|new",
            converter = Truth.SideName.class,
            description = "The side about to generate keys. Default: the side that does not generate them in each"
                    + " table's phase now (new up to read-new, old from new-primary).")
    Side to;

    @Option(
            names = "--headroom",
            paramLabel = "<keys>",
            defaultValue = "1000",
            converter = Converters.Count.class,
            description = "Keys left free above the largest key (default: ${DEFAULT-VALUE}), for the keys the"
                    + " current primary hands out until every instance has switched.")
    long headroom;

    @Option(names = "--dry-run", description = "With sync: print what would move and change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        Truth truth = Truth.read(context);
        KeyHandover handover = KeyHandover.of(
                context.config().mapping(), context.dialect(), context.connections(), context.newConnections());
        boolean behind = false;
        List<Object> rows = new ArrayList<>();
        for (String table : mappedTables(context, tables)) {
            Side side = to != null ? to : Truth.sideOf(truth.phaseOf(table)).other();
            KeyHandover.Finding f = handover.check(side, List.of(table)).get(0);
            Map<String, Object> row = json(f);
            row.put("phase", truth.phaseOf(table).configName());
            rows.add(row);
            print(describe(f) + " (phase " + truth.phaseOf(table) + ")");
            if (f.status() != KeyHandover.Status.BEHIND) {
                continue;
            }
            long target = f.max() + 1 + headroom;
            if (action == Action.CHECK) {
                behind = true;
                row.put("syncTo", target);
                print("  behind: the first generated key would collide; 'schemashift keys sync' moves it to " + target);
            } else if (dryRun) {
                row.put("wouldMoveTo", target);
                print("  would move it to " + target + " (--dry-run: nothing changed)");
            } else {
                KeyHandover.Finding after =
                        handover.sync(side, List.of(table), headroom).get(0);
                row.put("movedTo", after.next());
                row.put("after", json(after));
                print("  moved to " + after.next() + ": "
                        + after.status().name().toLowerCase(Locale.ROOT));
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("action", action.name().toLowerCase(Locale.ROOT));
            doc.put("dryRun", dryRun);
            doc.put("headroom", headroom);
            doc.put("behind", behind);
            doc.put("tables", rows);
            out().println(Json.write(doc));
        }
        out().flush();
        return behind ? FAILED : OK;
    }

    private void print(String line) {
        if (!json) {
            out().println(line);
        }
    }

    private static Map<String, Object> json(KeyHandover.Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", f.table());
        m.put("side", Truth.name(f.side()));
        m.put("sideTable", f.sideTable());
        m.put("column", f.column());
        m.put("generator", f.generator().name().toLowerCase(Locale.ROOT));
        m.put("sequence", f.sequence());
        m.put("next", f.next());
        m.put("maxOld", f.maxOld());
        m.put("maxNew", f.maxNew());
        m.put("status", f.status().name().toLowerCase(Locale.ROOT));
        return m;
    }

    /** {@code customers: new side clients.id: identity public.clients_id_seq, next 4; largest key: old 3, new 3: behind}. */
    static String describe(KeyHandover.Finding f) {
        String where = f.table() + ": " + Truth.name(f.side()) + " side " + f.sideTable() + "." + f.column() + ": ";
        if (f.generator() == KeyHandover.Generator.NONE) {
            return where + "no key generator (the application supplies keys): nothing to move";
        }
        return where + generatorName(f) + ", next " + f.next() + "; largest key: old " + f.maxOld() + ", new "
                + f.maxNew() + ": " + f.status().name().toLowerCase(Locale.ROOT);
    }

    /** {@code identity public.clients_id_seq}, {@code auto increment}. */
    static String generatorName(KeyHandover.Finding f) {
        return f.generator().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (f.sequence() == null ? "" : " " + f.sequence());
    }

    /** {@code check} or {@code sync}, case-insensitive. */
    static final class ActionName implements ITypeConverter<Action> {
        @Override
        public Action convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "check" -> Action.CHECK;
                case "sync" -> Action.SYNC;
                default -> throw new TypeConversionException("unknown action '" + value + "'; allowed: check, sync");
            };
        }
    }
}
