package io.schemashift.cli;

import picocli.CommandLine.Option;

/** The {@code --by} option: who makes a change, for the audit. */
final class Author {

    @Option(
            names = "--by",
            paramLabel = "<who>",
            description = "Who makes the change, for the audit. Default: the OS user.")
    String by;

    String name() {
        return by != null && !by.isBlank() ? by.strip() : System.getProperty("user.name", "unknown");
    }
}
