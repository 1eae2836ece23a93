package io.schemashift.cli;

import io.schemashift.backfill.ProgressListener;
import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlHealth;
import io.schemashift.control.RolloutState;
import io.schemashift.control.Run;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.TableMapping;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand that works on the database: one funnel turns every failure into exit code 1 and
 * one line on stderr ({@code schemashift: error: …}), with the stack trace only under {@code
 * --verbose} and never a password. Usage errors ({@link ParameterException}) go to picocli, which
 * exits with 2.
 */
abstract class CommandBase implements Callable<Integer> {

    static final String ERROR_PREFIX = "schemashift: error: ";
    static final int OK = 0;
    static final int FAILED = 1;

    @ParentCommand
    SchemaShiftCommand root;

    @Spec
    CommandSpec spec;

    /** Runs the command; returns its exit code. */
    abstract int run(Context context) throws Exception;

    @Override
    public final Integer call() {
        try {
            return run(context());
        } catch (ParameterException usage) {
            throw usage;
        } catch (Exception | LinkageError e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (message.startsWith(ShiftSqlState.MESSAGE_PREFIX)) { // the line says schemashift already
                message = message.substring(ShiftSqlState.MESSAGE_PREFIX.length());
            }
            String hint = hint(e);
            err().println(ERROR_PREFIX + Redaction.oneLine(message, root.secret()) + hint);
            if (root.verbose()) {
                e.printStackTrace(err());
            }
            err().flush();
            return FAILED;
        }
    }

    /** What to do about a missing SchemaShift table or column, or nothing. */
    private static String hint(Throwable e) {
        if (!(e instanceof SQLException s)) {
            return "";
        }
        return switch (ControlHealth.classify(s)) {
            case MISSING_TABLE -> " (run 'schemashift init' to create the control tables)";
            case MISSING_COLUMN -> " (run 'schemashift init' to add the columns this version needs)";
            default -> "";
        };
    }

    /** What the command works on: by default the configuration and the database of {@code --url}. */
    Context context() throws Exception {
        return root.context(spec.commandLine());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The stored rollout; fails with a hint when {@code init} has not run. */
    static RolloutState rollout(Context context) throws Exception {
        var store = context.store();
        return store.read()
                .orElseThrow(() -> new Failure(
                        "no rollout stored for migration " + context.config().migration() + " in table "
                                + store.tables().control() + "; run 'schemashift init' first"));
    }

    /**
     * Stores {@code next} (based on {@code current}) with its audit row, and prints what changed
     * (unless {@code quiet}, for {@code --json}).
     *
     * @param table the table whose override changes, or {@code null} for the whole migration
     */
    RolloutState change(
            Context context,
            RolloutState current,
            RolloutState next,
            String table,
            String by,
            String reason,
            boolean forced,
            boolean quiet)
            throws Exception {
        Instant now = Instant.now();
        RolloutState stored = context.store().write(next, AuditEntry.of(current, next, table, now, by, reason, forced));
        if (quiet) {
            warnIfNotFollowed(context);
            return stored;
        }
        String what = table == null ? stored.migration() : stored.migration() + ", table " + table;
        out().printf(
                        "%s: %s -> %s (version %d%s)%n",
                        what, current.describe(), stored.describe(), stored.version(), forced ? ", forced" : "");
        out().printf(
                        "instances apply it at their next poll (every %s) and next transaction boundary; check with"
                                + " 'schemashift status'%n",
                        Text.window(context.config().control().poll()));
        out().flush();
        warnIfNotFollowed(context);
        return stored;
    }

    /**
     * The mapped old table {@code table}, lower-cased.
     *
     * @throws ParameterException (exit code 2) naming the mapped tables when it is not mapped
     */
    String mappedTable(Context context, String table) {
        if (context.config().mapping().table(table).isEmpty()) {
            String known = context.config().mapping().tables().stream()
                    .map(TableMapping::oldName)
                    .collect(Collectors.joining(", "));
            throw new ParameterException(
                    spec.commandLine(),
                    "unknown table '" + table + "'; mapped in "
                            + context.config().source() + ": " + (known.isEmpty() ? "none" : known));
        }
        return table.toLowerCase(Locale.ROOT);
    }

    /**
     * The old tables (as the mapping names them) given by {@code --table} options, or every mapped
     * table when there are none.
     */
    List<String> mappedTables(Context context, List<String> tables) {
        if (tables == null || tables.isEmpty()) {
            return context.config().mapping().tables().stream()
                    .map(TableMapping::oldName)
                    .toList();
        }
        return tables.stream()
                .map(t -> context.config()
                        .mapping()
                        .table(mappedTable(context, t))
                        .orElseThrow()
                        .oldName())
                .distinct()
                .toList();
    }

    /** A progress bar on a terminal, else plain progress lines on stderr. */
    ProgressListener progress() {
        return ProgressListener.console(line -> {
            err().println(line);
            err().flush();
        });
    }

    /**
     * Records a backfill or verify run: the evidence the read-new guard asks for. A failure to
     * record does not fail the run itself; it is one warning that says the guard will not count it.
     */
    void recordRun(Context context, Run run) {
        try {
            context.store().recordRun(run);
        } catch (SQLException e) {
            String hint = hint(e);
            err().println("schemashift: warning: this " + run.kind().text() + " of " + run.table()
                    + " could not be recorded in " + context.store().tables().runs() + " ("
                    + Redaction.oneLine(String.valueOf(e.getMessage()), root.secret()) + ")"
                    + (hint.isEmpty() ? "" : hint) + "; the read-new guard will not count it");
            err().flush();
        }
    }

    /** Warns when the driver will not follow changes because the configuration names no control table. */
    void warnIfNotFollowed(Context context) {
        if (context.config().control().controlTable().isEmpty()) {
            err().println("schemashift: warning: " + context.config().source() + " sets no control.table, so the"
                    + " driver instances keep the phase of their YAML file and do not follow this table");
            err().flush();
        }
    }

    /** A failure the user can act on: its message is the whole story, exit code 1. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }
}
