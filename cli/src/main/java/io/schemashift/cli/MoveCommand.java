package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.PhaseGuard;
import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A command that changes the rollout ({@code phase}, {@code rollback}): the guard rails' verdicts,
 * the refusal that {@code --force} overrides, the audited change, {@code --wait} and {@code
 * --json}, in one place.
 */
abstract class MoveCommand extends CommandBase {

    @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why; recorded in the audit.")
    String reason;

    @Option(names = "--force", description = "Override the guard rails; recorded in the audit.")
    boolean force;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Mixin
    Author author;

    @Mixin
    WaitOptions wait;

    /** The reason, stripped; a usage error when blank. */
    String reason() {
        if (reason.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--reason must not be empty");
        }
        return reason.strip();
    }

    /** The tables whose phase this change moves: the one given, or every mapped table without an override. */
    static List<String> movingTables(Context context, RolloutState current, String tableName) {
        if (tableName != null) {
            return List.of(tableName);
        }
        return context.config().mapping().tables().stream()
                .map(TableMapping::oldName)
                .filter(t -> !current.tablePhases().containsKey(t.toLowerCase(Locale.ROOT)))
                .toList();
    }

    /**
     * Refuses, or makes the change from {@code current} to {@code next} (audited as forced when a
     * failed verdict is overridden), then waits with {@code --wait}; prints the outcome as text or
     * JSON and returns the exit code.
     *
     * @param table the table whose override changes, or {@code null} for the whole migration
     * @param dryRun print the verdicts and change nothing
     * @throws Failure when a verdict failed and {@code --force} is not given
     */
    int move(
            Context context,
            RolloutState current,
            RolloutState next,
            String table,
            List<PhaseGuard.Verdict> verdicts,
            boolean dryRun)
            throws Exception {
        Phase from = table == null ? current.phase() : current.phaseOf(table);
        Phase to = table == null ? next.phase() : next.phaseOf(table);
        List<String> refusals = PhaseGuard.failures(verdicts);
        boolean allowed = refusals.isEmpty() || force;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("migration", current.migration());
        doc.put("table", table);
        doc.put("from", state(current));
        doc.put("to", state(next));
        doc.put("dryRun", dryRun);
        doc.put("allowed", allowed);
        doc.put("forced", allowed && !refusals.isEmpty());
        doc.put("verdicts", verdicts(verdicts));
        if (dryRun || !allowed) {
            doc.put("changed", false);
            doc.put("version", current.version());
            if (json) {
                out().println(Json.write(doc));
                out().flush();
            } else if (dryRun) {
                printDryRun(current, next, table, verdicts, refusals);
            }
            if (dryRun) {
                return allowed ? OK : FAILED;
            }
            throw new Failure("refusing to move " + subject(current, table) + " from " + from + " to " + to + ": "
                    + String.join("; ", refusals) + "; fix the cause, or pass --force (recorded in the audit)");
        }
        if (!refusals.isEmpty()) {
            err().println("schemashift: warning: forced past: " + String.join("; ", refusals));
            err().flush();
        }
        RolloutState stored = change(context, current, next, table, author.name(), reason(), !refusals.isEmpty(), json);
        doc.put("changed", true);
        doc.put("version", stored.version());
        int exit = OK;
        if (wait.await) {
            List<InstanceBeat> behind = wait.behind(context, stored.version());
            exit = behind.isEmpty() ? OK : WaitOptions.TIMED_OUT;
            doc.put("waited", waited(behind));
            printWaited(stored.version(), behind);
        }
        if (json) {
            out().println(Json.write(doc));
        }
        out().flush();
        return exit;
    }

    private void printDryRun(
            RolloutState current,
            RolloutState next,
            String table,
            List<PhaseGuard.Verdict> verdicts,
            List<String> refusals) {
        String what = table == null ? current.migration() : current.migration() + ", table " + table;
        out().printf("dry run, nothing changed: %s: %s -> %s%n", what, current.describe(), next.describe());
        for (PhaseGuard.Verdict v : verdicts) {
            out().println("  " + v);
        }
        String verdict = refusals.isEmpty()
                ? "allowed"
                : force ? "allowed only because of --force (audited as forced)" : "refused";
        out().println("verdict: " + verdict);
        out().flush();
    }

    /** The success line (text only), or the error line naming the instances still behind (also with --json). */
    private void printWaited(long version, List<InstanceBeat> behind) {
        if (behind.isEmpty()) {
            if (!json) {
                out().printf("every live instance applies version %d%n", version);
            }
            return;
        }
        err().println(ERROR_PREFIX + "after " + Text.window(wait.timeout) + ", " + behind.size()
                + " live instance(s) still apply an older version than " + version + ": "
                + behind.stream()
                        .map(b -> b.instanceId() + " (version " + b.configVersion() + ")")
                        .collect(Collectors.joining(", "))
                + "; see 'schemashift status'");
        err().flush();
    }

    private Map<String, Object> waited(List<InstanceBeat> behind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeoutSeconds", wait.timeout.toMillis() / 1000.0);
        m.put("allApplied", behind.isEmpty());
        List<Object> list = new ArrayList<>();
        for (InstanceBeat b : behind) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instanceId", b.instanceId());
            i.put("configVersion", b.configVersion());
            list.add(i);
        }
        m.put("behind", list);
        return m;
    }

    /** The phase and percentages of a rollout, for {@code from} and {@code to}. */
    private static Map<String, Object> state(RolloutState r) {
        Map<String, Object> m = Json.rollout(r);
        m.keySet().retainAll(List.of("phase", "readNewPercent", "shadowPercent", "tablePhases"));
        return m;
    }

    private static List<Object> verdicts(List<PhaseGuard.Verdict> verdicts) {
        List<Object> list = new ArrayList<>();
        for (PhaseGuard.Verdict v : verdicts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", v.check());
            m.put("passed", v.passed());
            m.put("detail", v.detail());
            list.add(m);
        }
        return list;
    }

    private static String subject(RolloutState r, String table) {
        return table == null ? r.migration() : r.migration() + ", table " + table + ",";
    }
}
