package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.coverage.Preview;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.runtime.InProcessDriver;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Previews what the driver does with a statement in each phase: the SQL on each side and where
 * each of its parameters comes from, or the refusal and its reason. Uses the driver's own rewriter
 * (built as the driver builds it) and routing table, through {@link Preview}.
 */
@Command(
        name = "rewrite",
        mixinStandardHelpOptions = true,
        description = {
            "Shows, for each phase, the SQL the driver would run on each side and its parameters, or why the"
                    + " statement is refused.",
            "Statements come from the arguments, or from stdin, one per line. With --url the old columns come"
                    + " from the database (as in the driver); with --dialect alone only those listed in the file"
                    + " are known."
        })
final class RewriteCommand extends CommandBase {

    @Parameters(paramLabel = "<sql>", arity = "0..*", description = "The statements (default: one per line of stdin).")
    List<String> statements;

    @Option(
            names = "--dialect",
            paramLabel = "<dialect>",
            description = "postgresql, mariadb (also MySQL) or h2. Default: the dialect of --url.")
    String dialect;

    @Option(
            names = "--phase",
            paramLabel = "<phase>",
            converter = Converters.PhaseName.class,
            description = "Show this phase only. Default: every phase.")
    Phase phase;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    /** Standard input, replaceable by tests. */
    InputStream stdin = System.in;

    @Override
    Context context() throws Exception {
        Dialect named = dialect == null ? null : dialect(dialect);
        if (root.hasUrl()) {
            Context c = root.context(spec.commandLine());
            return named == null ? c : new Context(c.config(), named, c.connections(), c.newConnections(), c.secret());
        }
        if (named == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no dialect: pass --dialect postgresql|mariadb|h2, or --url of the old database");
        }
        return new Context(root.loadConfig(spec.commandLine()), named, null, null, null);
    }

    private Dialect dialect(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("MYSQL")) {
            return Dialect.MARIADB;
        }
        for (Dialect d : Dialect.values()) {
            if (d.name().equals(n)) {
                return d;
            }
        }
        throw new ParameterException(
                spec.commandLine(), "unknown dialect '" + name + "'; allowed: postgresql, mariadb, mysql, h2");
    }

    @Override
    int run(Context context) throws Exception {
        Rewriter rewriter;
        if (context.connections() == null) {
            rewriter = InProcessDriver.rewriter(context.config(), context.dialect(), null);
        } else {
            try (Connection c = context.connections().open()) {
                rewriter = InProcessDriver.rewriter(context.config(), context.dialect(), c.getMetaData());
            }
        }
        List<Object> docs = new ArrayList<>();
        boolean separate = context.config().newSide().separateDatabase();
        for (String sql : input()) {
            RewriteResult result = rewriter.rewrite(sql);
            Map<Phase, Preview.Step> steps = Preview.of(result, sql, separate);
            String reason = Preview.reason(result, separate);
            if (json) {
                docs.add(json(sql, result, reason, steps));
            } else {
                print(sql, result, reason, steps);
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("dialect", context.dialect().name().toLowerCase(Locale.ROOT));
            doc.put("statements", docs);
            out().println(Json.write(doc));
        }
        out().flush();
        return OK;
    }

    private List<String> input() throws Exception {
        if (statements != null && !statements.isEmpty()) {
            return statements;
        }
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        if (lines.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no statement: pass <sql> or write statements to stdin");
        }
        return lines;
    }

    private List<Phase> phases() {
        return phase == null ? List.of(Phase.values()) : List.of(phase);
    }

    private static String outcome(RewriteResult result) {
        if (result.tables().isEmpty()) {
            return "untouched";
        }
        return result instanceof Rewritten ? "rewritten" : "refused";
    }

    private void print(String sql, RewriteResult result, String reason, Map<Phase, Preview.Step> steps) {
        out().println("statement: " + sql);
        out().printf(
                        "  %s, %s, tables %s, fingerprint %s%n",
                        result.kind().name().toLowerCase(Locale.ROOT),
                        outcome(result),
                        result.tables().isEmpty() ? "(no mapped table)" : String.join(",", result.tables()),
                        result.fingerprint().hash());
        if (result instanceof Refused r) {
            out().printf("  refused: %s (%s)%n", r.message(), reason);
        } else if (reason != null) {
            out().printf("  %s: %s%n", result.kind().isWrite() ? "writes not mirrored" : "reads not compared", reason);
        }
        for (Phase p : phases()) {
            Preview.Step step = steps.get(p);
            out().printf(
                            "  %-12s %s%s%n",
                            p.configName(),
                            step.verdict().text(),
                            step.reason() == null ? "" : " (" + step.reason() + ")");
            if (step.runs().isEmpty()) {
                out().println("               fails with SQLState 0A000 before either side changes");
            }
            for (Preview.Run run : step.runs()) {
                out().printf(
                                "               %s %s: %s%n",
                                run.side().name().toLowerCase(Locale.ROOT),
                                run.role().text(),
                                run.sql());
                if (run.params() != null && !run.params().isEmpty()) {
                    out().println("                 params: " + String.join(", ", params(run.params())));
                }
            }
        }
        out().println();
    }

    private Map<String, Object> json(String sql, RewriteResult result, String reason, Map<Phase, Preview.Step> steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sql", sql);
        m.put("kind", result.kind().name().toLowerCase(Locale.ROOT));
        m.put("outcome", outcome(result));
        m.put("tables", List.copyOf(result.tables()));
        m.put("fingerprint", result.fingerprint().hash());
        m.put("reason", reason);
        m.put("message", result instanceof Refused r ? r.message() : null);
        List<Object> phaseDocs = new ArrayList<>();
        for (Phase p : phases()) {
            Preview.Step step = steps.get(p);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("phase", p.configName());
            s.put("verdict", step.verdict().text());
            s.put("reason", step.reason());
            List<Object> runs = new ArrayList<>();
            for (Preview.Run run : step.runs()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("side", run.side().name().toLowerCase(Locale.ROOT));
                r.put("role", run.role().text());
                r.put("sql", run.sql());
                r.put("params", run.params() == null ? null : params(run.params()));
                runs.add(r);
            }
            s.put("runs", runs);
            phaseDocs.add(s);
        }
        m.put("phases", phaseDocs);
        return m;
    }

    /** Where each {@code ?} takes its value: {@code $2} (the application's 2nd parameter), {@code now}… */
    private static List<String> params(List<ParamSource> params) {
        List<String> out = new ArrayList<>(params.size());
        for (ParamSource p : params) {
            if (p instanceof ParamSource.Bound b) {
                out.add("$" + b.index());
            } else if (p instanceof ParamSource.GeneratedKey k) {
                out.add("generated_key(row " + k.row() + ", column " + k.column() + ")");
            } else if (p instanceof ParamSource.Literal l) {
                out.add("literal " + l.sqlText());
            } else {
                out.add("now");
            }
        }
        return out;
    }
}
