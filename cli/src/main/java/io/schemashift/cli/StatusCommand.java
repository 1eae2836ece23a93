package io.schemashift.cli;

import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.RolloutState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The rollout, every instance with what it applies, and the recent mismatch and divergence counts. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the stored phase and percentages, every driver instance with the phase and version it"
                    + " applies and the age of its last heartbeat, and the mismatches and divergences of the"
                    + " recent window.",
            "An instance is STALE when its last heartbeat is older than three control.poll intervals, and"
                    + " BEHIND when it applies an older version than the stored one."
        })
final class StatusCommand extends CommandBase {

    @Option(
            names = "--window",
            paramLabel = "<duration>",
            defaultValue = "15m",
            converter = Converters.Window.class,
            description = "How far back mismatches and divergences are counted (default: ${DEFAULT-VALUE}).")
    Duration window;

    /** Instances not listed because they have been silent for longer than {@link #forget}. */
    private int forgotten;

    @Option(
            names = "--forget",
            paramLabel = "<duration>",
            defaultValue = "1h",
            converter = Converters.Window.class,
            description = "Instances silent for longer than this (stopped long ago) are counted, not listed"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration forget;

    @Option(names = "--all", description = "List every instance that ever sent a heartbeat.")
    boolean all;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        ControlStore store = context.store();
        RolloutState rollout = rollout(context);
        Instant now = Instant.now();
        List<InstanceBeat> known = store.instances();
        List<InstanceBeat> instances = all
                ? known
                : known.stream().filter(b -> b.age(now).compareTo(forget) <= 0).toList();
        forgotten = known.size() - instances.size();
        Instant since = now.minus(window);
        long mismatches = store.mismatchesSince(since);
        long divergences = store.divergencesSince(since);
        Duration poll = context.config().control().poll();
        if (json) {
            out().println(Json.write(json(rollout, instances, now, poll, mismatches, divergences)));
        } else {
            text(out(), rollout, instances, now, poll, mismatches, divergences);
        }
        out().flush();
        return OK;
    }

    private Map<String, Object> json(
            RolloutState r,
            List<InstanceBeat> instances,
            Instant now,
            Duration poll,
            long mismatches,
            long divergences) {
        Map<String, Object> doc = Json.rollout(r);
        doc.put("pollSeconds", poll.toMillis() / 1000.0);
        Map<String, Object> recent = new LinkedHashMap<>();
        recent.put("windowSeconds", window.getSeconds());
        recent.put("mismatches", mismatches);
        recent.put("divergences", divergences);
        doc.put("recent", recent);
        List<Object> list = new ArrayList<>();
        for (InstanceBeat b : instances) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instanceId", b.instanceId());
            i.put("phase", b.phase().configName());
            i.put("configVersion", b.configVersion());
            i.put("lastBeat", b.lastBeat());
            i.put("ageSeconds", Math.max(0, b.age(now).getSeconds()));
            i.put("stale", b.stale(now, poll));
            i.put("behind", b.configVersion() < r.version());
            i.put("statements", b.statements());
            i.put("divergences", b.divergences());
            i.put("mismatches", b.mismatches());
            i.put("startedAt", b.startedAt());
            list.add(i);
        }
        doc.put("instances", list);
        doc.put("unlistedInstances", forgotten);
        return doc;
    }

    private void text(
            PrintWriter out,
            RolloutState r,
            List<InstanceBeat> instances,
            Instant now,
            Duration poll,
            long mismatches,
            long divergences) {
        out.printf("migration   %s%n", r.migration());
        out.printf("phase       %s%n", r.phase());
        out.printf("percent     read-new %d%%, shadow %d%%%n", r.readNewPercent(), r.shadowPercent());
        out.printf("tables      %s%n", Text.tables(r));
        out.printf("version     %d, changed %s by %s%n", r.version(), r.updatedAt(), r.updatedBy());
        out.printf("last %-7s %d mismatches, %d divergences%n", Text.window(window), mismatches, divergences);
        out.println();
        if (instances.isEmpty()) {
            out.println(
                    forgotten == 0
                            ? "no instance has reported a heartbeat"
                            : "no instance has reported a heartbeat in the last " + Text.window(forget));
            printForgotten(out);
            return;
        }
        String format = "%-40s %-12s %7s %9s %11s %11s %10s  %s%n";
        out.printf(
                format,
                "INSTANCE",
                "PHASE",
                "VERSION",
                "LAST BEAT",
                "STATEMENTS",
                "DIVERGENCES",
                "MISMATCHES",
                "STATE");
        int stale = 0;
        for (InstanceBeat b : instances) {
            List<String> state = new ArrayList<>();
            if (b.stale(now, poll)) {
                state.add("STALE");
                stale++;
            }
            if (b.configVersion() < r.version()) {
                state.add("BEHIND");
            }
            out.printf(
                    format,
                    b.instanceId(),
                    b.phase(),
                    b.configVersion(),
                    Text.age(b.age(now)) + " ago",
                    b.statements(),
                    b.divergences(),
                    b.mismatches(),
                    state.isEmpty() ? "ok" : String.join(",", state));
        }
        if (stale > 0) {
            out.printf(
                    "%n%d instance(s) STALE: no heartbeat for more than 3 x control.poll (%s)%n",
                    stale, Text.window(poll.multipliedBy(3)));
        }
        printForgotten(out);
    }

    private void printForgotten(PrintWriter out) {
        if (forgotten > 0) {
            out.printf(
                    "%d instance(s) silent for more than %s not listed (--all lists them)%n",
                    forgotten, Text.window(forget));
        }
    }
}
