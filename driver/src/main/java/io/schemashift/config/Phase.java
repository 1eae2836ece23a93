package io.schemashift.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The rollout phases, in order. See docs/phases.md. */
public enum Phase {
    OLD_ONLY,
    DUAL_WRITE,
    SHADOW_READ,
    READ_NEW,
    NEW_PRIMARY,
    NEW_ONLY;

    /** The name used in the YAML, the CLI and metrics: {@code old-only}, {@code dual-write}… */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The phase named {@code name} ({@code dual-write}, case-insensitive; underscores allowed). */
    public static Optional<Phase> parse(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(p -> p.name().equals(normalized)).findFirst();
    }

    /** Every phase name, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(Phase::configName).collect(Collectors.joining(", "));
    }

    /** One step back; {@code old-only} stays where it is. */
    public Phase previous() {
        return this == OLD_ONLY ? OLD_ONLY : values()[ordinal() - 1];
    }

    /** Whether writes go to both sides. */
    public boolean mirrorsWrites() {
        return this != OLD_ONLY && this != NEW_ONLY;
    }

    /** Whether the new side is the primary (writes land there first, reads come from there). */
    public boolean newIsPrimary() {
        return this == NEW_PRIMARY || this == NEW_ONLY;
    }

    /** Whether reads may be shadow-compared. */
    public boolean comparesReads() {
        return this == SHADOW_READ || this == READ_NEW || this == NEW_PRIMARY;
    }

    @Override
    public String toString() {
        return configName();
    }
}
