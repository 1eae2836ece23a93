package io.schemashift.cli;

import io.schemashift.rewriter.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the configuration, then both schemas, before a move. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the YAML file, then both databases: each mapped table and column exists with a compatible type"
                    + " (length, numeric scale, nullability, time zone), key columns are NOT NULL and unique,"
                    + " derived expressions evaluate on a sample row, the new side can generate keys and where its"
                    + " generator stands, the SchemaShift tables exist, and (with --app-user) the application"
                    + " user's grants on the new tables are not broader than on the old ones.",
            "One line per finding: ok, warn or error. Exit code: 0 all ok, " + DoctorCommand.WARNINGS + " warnings, "
                    + DoctorCommand.ERRORS + " errors. Without --url only the file is checked."
        })
final class DoctorCommand extends CommandBase {

    /** Exit code when the worst finding is a warning. */
    static final int WARNINGS = 5;
    /** Exit code when there is an error among the findings. */
    static final int ERRORS = 6;

    @Option(
            names = "--app-user",
            paramLabel = "<user>",
            description = "The application's database user (MariaDB: user or user@host) whose grants are compared.")
    String appUser;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    Context context() throws Exception {
        if (!root.hasUrl()) {
            return new Context(root.loadConfig(spec.commandLine()), null, null, null, null);
        }
        return super.context();
    }

    @Override
    int run(Context context) throws Exception {
        Doctor doctor = new Doctor(context.config());
        Dialect dialect = context.dialect();
        doctor.offline(dialect == null ? Dialect.POSTGRESQL : dialect);
        if (context.connections() != null) {
            doctor.online(dialect, context.connections(), context.newConnections(), appUser);
        }
        Doctor.Severity worst = doctor.worst();
        if (json) {
            List<Object> list = new ArrayList<>();
            for (Doctor.Finding f : doctor.findings()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("severity", f.severity().text());
                m.put("check", f.check());
                m.put("subject", f.subject());
                m.put("message", f.message());
                list.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("databasesChecked", context.connections() != null);
            doc.put("worst", worst.text());
            doc.put("findings", list);
            out().println(Json.write(doc));
        } else {
            for (Doctor.Finding f : doctor.findings()) {
                out().printf("%-5s  %-11s  %s: %s%n", f.severity().text(), f.check(), f.subject(), f.message());
            }
            long warnings = doctor.findings().stream()
                    .filter(f -> f.severity() == Doctor.Severity.WARN)
                    .count();
            long errors = doctor.findings().stream()
                    .filter(f -> f.severity() == Doctor.Severity.ERROR)
                    .count();
            out().printf(
                            "%s: %d error(s), %d warning(s)%s%n",
                            context.config().migration(),
                            errors,
                            warnings,
                            context.connections() == null ? " (file only: pass --url to check the databases)" : "");
        }
        out().flush();
        return switch (worst) {
            case OK -> OK;
            case WARN -> WARNINGS;
            case ERROR -> ERRORS;
        };
    }
}
