package io.schemashift.cli;

import io.schemashift.coverage.CoverageEntry;
import io.schemashift.coverage.CoverageJson;
import io.schemashift.coverage.CoverageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The statement coverage the driver recorded, and a CI gate on it. */
@Command(
        name = "coverage",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every statement shape the driver saw on a mapped table, grouped by table and by what happens to"
                    + " it (refused, not mirrored, rewritten), with its verdict in each phase.",
            "With --fail-on it is a CI gate: exit code " + CoverageCommand.GATE_FAILED + " when a shape fails it."
        })
final class CoverageCommand extends CommandBase {

    /** Exit code when a shape fails the {@code --fail-on} gate. */
    static final int GATE_FAILED = 4;

    @Option(
            names = "--file",
            paramLabel = "<path>",
            description = "Read the coverage.file the driver wrote instead of the statements table (no --url needed).")
    Path file;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Option(names = "--markdown", description = "Print Markdown (for a pull request or a review).")
    boolean markdown;

    @Option(
            names = "--fail-on",
            paramLabel = "<gate>",
            converter = GateName.class,
            description = "refused-writes: a write the rewriter refuses; refused: any refused statement; any-change:"
                    + " any statement not rewritten and mirrored in every phase (refused, not mirrored, or more"
                    + " shapes than coverage.maxShapes). Exit code " + GATE_FAILED + " when one does.")
    CoverageReport.Gate failOn;

    @Override
    Context context() throws Exception {
        if (file != null && !root.hasUrl()) {
            return new Context(root.loadConfig(spec.commandLine()), null, null, null, null);
        }
        return super.context();
    }

    @Override
    int run(Context context) throws Exception {
        List<CoverageEntry> entries = file != null
                ? CoverageJson.read(Files.readString(file, StandardCharsets.UTF_8))
                : new CoverageStore(context.connections(), context.config().migration()).read();
        CoverageReport report = new CoverageReport(context.config().migration(), entries);
        List<CoverageEntry> failing = failOn == null ? List.of() : report.failing(failOn);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("statements", report.json());
            if (failOn != null) {
                doc.put("failOn", failOn.text());
                doc.put(
                        "failing",
                        failing.stream().map(CoverageEntry::fingerprint).toList());
            }
            out().println(Json.write(doc));
        } else if (markdown) {
            StringBuilder md = new StringBuilder("## Statement coverage: ")
                    .append(context.config().migration())
                    .append("\n\n");
            report.markdown(md);
            out().print(md);
        } else if (entries.isEmpty()) {
            out().println("no statement on a mapped table recorded for migration "
                    + context.config().migration() + (file != null ? " in " + file : "")
                    + "; run the application through the driver first");
        } else {
            report.text(out());
        }
        out().flush();
        if (!failing.isEmpty()) {
            err().printf(
                            "schemashift: coverage gate %s failed: %d statement shape(s), e.g. %s [%s]%n",
                            failOn.text(),
                            failing.size(),
                            Text.cut(failing.get(0).example(), 100),
                            failing.get(0).reason());
            err().flush();
            return GATE_FAILED;
        }
        return OK;
    }

    /** {@code refused-writes}, {@code refused} or {@code any-change}. */
    static final class GateName implements ITypeConverter<CoverageReport.Gate> {
        @Override
        public CoverageReport.Gate convert(String value) {
            String n = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (CoverageReport.Gate g : CoverageReport.Gate.values()) {
                if (g.name().equals(n)) {
                    return g;
                }
            }
            throw new TypeConversionException(
                    "unknown gate '" + value + "'; allowed: refused-writes, refused, any-change");
        }
    }
}
