package io.schemashift.demo;

import io.schemashift.cli.SchemaShiftCommand;
import picocli.CommandLine;

/**
 * The {@code schemashift} command with {@code demo} added: what {@code ./schemashift demo} runs.
 * The production command line ({@code cli/target/schemashift.jar}) does not carry the demo.
 */
public final class DemoMain {

    private DemoMain() {}

    public static void main(String[] args) {
        System.exit(commandLine(new SchemaShiftCommand()).execute(args));
    }

    /** The command line of {@code command} with the {@code demo} subcommand. */
    public static CommandLine commandLine(SchemaShiftCommand command) {
        return SchemaShiftCommand.newCommandLine(command).addSubcommand(new DemoCommand());
    }
}
