package io.schemashift.benchmarks.shadow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A SchemaShift configuration for the shadow benchmarks: one table in phase {@code shadow-read}. */
final class ShadowConfig {

    private ShadowConfig() {}

    /**
     * Writes the configuration to a temporary file; returns its path.
     *
     * @param columns the {@code columns:} mapping lines (old: new), indented for the table, or empty
     */
    static Path write(String migration, String oldTable, String newTable, String columns, int shadowPercent) {
        return write(migration, oldTable, newTable, columns, shadowPercent, "");
    }

    /** As {@link #write(String, String, String, String, int)}, with {@code extra} YAML appended. */
    static Path write(
            String migration, String oldTable, String newTable, String columns, int shadowPercent, String extra) {
        String yaml = "migration: " + migration + "\n"
                + "tables:\n"
                + "  " + oldTable + ":\n"
                + "    to: " + newTable + "\n"
                + "    key: [id]\n"
                + columns
                + "phase: shadow-read\n"
                + "routing:\n"
                + "  shadowPercent: " + shadowPercent + "\n"
                + extra;
        try {
            Path file = Files.createTempFile("schemashift-" + migration, ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
