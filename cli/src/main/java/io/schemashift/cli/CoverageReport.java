package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.coverage.CoverageEntry;
import io.schemashift.coverage.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The statement coverage as people read it: shapes grouped by table and by what happens to them
 * (refused, not mirrored, rewritten), in text, Markdown or JSON. Used by {@code coverage} and
 * {@code report}.
 */
final class CoverageReport {

    /** What happens to a shape, for grouping; in the order reports list them. */
    enum Group {
        REFUSED("refused"),
        NOT_MIRRORED("not mirrored"),
        REWRITTEN("rewritten"),
        OVERFLOW("overflow");

        final String text;

        Group(String text) {
            this.text = text;
        }

        static Group of(CoverageEntry e) {
            if ("overflow".equals(e.fingerprint())) {
                return OVERFLOW;
            }
            if (e.refused()) {
                return REFUSED;
            }
            return e.changesBehaviour() ? NOT_MIRRORED : REWRITTEN;
        }
    }

    /** What {@code --fail-on} checks. */
    enum Gate {
        REFUSED_WRITES,
        REFUSED,
        ANY_CHANGE;

        /** Whether {@code e} fails this gate. */
        boolean fails(CoverageEntry e) {
            Group g = Group.of(e);
            return switch (this) {
                case REFUSED_WRITES -> g == Group.REFUSED && e.kind().isWrite();
                case REFUSED -> g == Group.REFUSED;
                case ANY_CHANGE -> g != Group.REWRITTEN;
            };
        }

        String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final String migration;
    private final List<CoverageEntry> entries;

    CoverageReport(String migration, List<CoverageEntry> entries) {
        this.migration = migration;
        this.entries = List.copyOf(entries);
    }

    List<CoverageEntry> entries() {
        return entries;
    }

    /** The shapes that fail {@code gate}. */
    List<CoverageEntry> failing(Gate gate) {
        return entries.stream().filter(gate::fails).toList();
    }

    long count(Group group) {
        return entries.stream().filter(e -> Group.of(e) == group).count();
    }

    /** table → group → shapes, tables by name, groups in {@link Group} order. */
    private Map<String, Map<Group, List<CoverageEntry>>> grouped() {
        Map<String, Map<Group, List<CoverageEntry>>> byTable = new TreeMap<>();
        for (CoverageEntry e : entries) {
            String table = e.tables().isEmpty() ? "(unknown)" : e.tables();
            byTable.computeIfAbsent(table, t -> new TreeMap<>())
                    .computeIfAbsent(Group.of(e), g -> new ArrayList<>())
                    .add(e);
        }
        return byTable;
    }

    String summary() {
        long executions = entries.stream().mapToLong(CoverageEntry::total).sum();
        return String.format(
                "%d statement shape(s) on mapped tables, %d execution(s): %d refused, %d not mirrored, %d rewritten%s",
                entries.size() - count(Group.OVERFLOW),
                executions,
                count(Group.REFUSED),
                count(Group.NOT_MIRRORED),
                count(Group.REWRITTEN),
                count(Group.OVERFLOW) > 0 ? " (more shapes than coverage.maxShapes: counted as overflow)" : "");
    }

    void text(PrintWriter out) {
        out.println("migration " + migration + ": " + summary());
        grouped().forEach((table, groups) -> {
            out.println();
            out.println("table " + table);
            groups.forEach((group, list) -> {
                out.printf("  %s (%d)%n", group.text, list.size());
                for (CoverageEntry e : list) {
                    out.printf(
                            "    %-6s %8d run(s)  %s  %s%s%n",
                            e.kind().name().toLowerCase(Locale.ROOT),
                            e.total(),
                            e.fingerprint(),
                            Text.cut(e.example(), 100),
                            e.reason() == null ? "" : "  [" + e.reason() + "]");
                    out.printf("           %s%n", verdicts(e));
                }
            });
        });
    }

    /** {@code dual-write mirrored, …, new-only rewritten}, old-only (always pass-through) left out. */
    static String verdicts(CoverageEntry e) {
        List<String> parts = new ArrayList<>();
        for (Phase p : Phase.values()) {
            if (p != Phase.OLD_ONLY) {
                parts.add(p.configName() + " " + e.verdict(p).text());
            }
        }
        return String.join(", ", parts);
    }

    /** Runs per phase, only the phases it ran in: {@code old-only 12, dual-write 3}. */
    static String runs(CoverageEntry e) {
        return e.counts().entrySet().stream()
                .filter(c -> c.getValue() > 0)
                .map(c -> c.getKey().configName() + " " + c.getValue())
                .collect(Collectors.joining(", "));
    }

    void markdown(StringBuilder md) {
        md.append(summary()).append(".\n");
        grouped().forEach((table, groups) -> {
            md.append("\n### Table `").append(table).append("`\n\n");
            md.append("| what | kind | runs | shape | reason |");
            for (Phase p : Phase.values()) {
                if (p != Phase.OLD_ONLY) {
                    md.append(' ').append(p.configName()).append(" |");
                }
            }
            md.append("\n|---|---|---|---|---|");
            md.append("---|".repeat(Phase.values().length - 1)).append('\n');
            groups.forEach((group, list) -> {
                for (CoverageEntry e : list) {
                    md.append("| ").append(group.text);
                    md.append(" | ").append(e.kind().name().toLowerCase(Locale.ROOT));
                    md.append(" | ").append(e.total());
                    md.append(" | `").append(cell(Text.cut(e.example(), 120))).append('`');
                    md.append(" | ")
                            .append(e.reason() == null ? "" : e.reason())
                            .append(" |");
                    for (Phase p : Phase.values()) {
                        if (p != Phase.OLD_ONLY) {
                            Verdict v = e.verdict(p);
                            md.append(' ').append(v.text()).append(" |");
                        }
                    }
                    md.append('\n');
                }
            });
        });
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("`", "'").replace('\n', ' ');
    }

    List<Object> json() {
        List<Object> list = new ArrayList<>();
        for (CoverageEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fingerprint", e.fingerprint());
            m.put("tables", e.tables());
            m.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            m.put("group", Group.of(e).text);
            m.put("reason", e.reason());
            m.put("example", e.example());
            Map<String, Object> verdicts = new LinkedHashMap<>();
            Map<String, Object> counts = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                verdicts.put(p.configName(), e.verdict(p).text());
                counts.put(p.configName(), e.counts().get(p));
            }
            m.put("verdicts", verdicts);
            m.put("counts", counts);
            m.put("firstSeen", e.firstSeen());
            m.put("lastSeen", e.lastSeen());
            list.add(m);
        }
        return list;
    }
}
