package io.schemashift.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI in-process, as {@code main} does, and captures what it prints. */
final class Cli {

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {}

    /** Runs with {@code env} as the environment (unset names: absent from the map). */
    static Run run(Map<String, String> env, String... args) {
        return run(SchemaShiftCommand.newCommandLine(new SchemaShiftCommand(env::get)), args);
    }

    /** Runs on a plain {@code new CommandLine(new SchemaShiftCommand())}, without main's handlers. */
    static Run runPlain(Map<String, String> env, String... args) {
        return run(new CommandLine(new SchemaShiftCommand(env::get)), args);
    }

    private static Run run(CommandLine line, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
