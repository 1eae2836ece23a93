package io.schemashift.rewriter;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The SQL calls whose value can differ between two executions, by normalized name. */
final class NonDeterministicCalls {

    private static final Map<String, NonDeterminism> KINDS = Map.ofEntries(
            Map.entry("now", NonDeterminism.NOW),
            Map.entry("current_timestamp", NonDeterminism.NOW),
            Map.entry("localtimestamp", NonDeterminism.NOW),
            Map.entry("sysdate", NonDeterminism.NOW),
            Map.entry("statement_timestamp", NonDeterminism.NOW),
            Map.entry("transaction_timestamp", NonDeterminism.NOW),
            Map.entry("clock_timestamp", NonDeterminism.NOW),
            Map.entry("current_date", NonDeterminism.NOW),
            Map.entry("current_time", NonDeterminism.NOW),
            Map.entry("localtime", NonDeterminism.NOW),
            Map.entry("curdate", NonDeterminism.NOW),
            Map.entry("curtime", NonDeterminism.NOW),
            Map.entry("utc_timestamp", NonDeterminism.NOW),
            Map.entry("unix_timestamp", NonDeterminism.NOW),
            Map.entry("random", NonDeterminism.RANDOM),
            Map.entry("rand", NonDeterminism.RANDOM),
            Map.entry("gen_random_uuid", NonDeterminism.UUID),
            Map.entry("uuid", NonDeterminism.UUID),
            Map.entry("random_uuid", NonDeterminism.UUID),
            Map.entry("uuid_generate_v4", NonDeterminism.UUID),
            Map.entry("uuid_short", NonDeterminism.UUID),
            Map.entry("nextval", NonDeterminism.SEQUENCE),
            Map.entry("setval", NonDeterminism.SEQUENCE),
            Map.entry("lastval", NonDeterminism.SEQUENCE));

    /** Timestamp calls a captured instant can replace, and whether their type has a time zone. */
    private static final Set<String> WITH_ZONE =
            Set.of("now", "current_timestamp", "statement_timestamp", "transaction_timestamp", "clock_timestamp");

    private static final Set<String> WITHOUT_ZONE = Set.of("localtimestamp", "sysdate");

    private NonDeterministicCalls() {}

    /** {@code CURRENT_TIMESTAMP(3)}, {@code pg_catalog.now} → {@code current_timestamp}, {@code now}. */
    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        int paren = n.indexOf('(');
        if (paren >= 0) {
            n = n.substring(0, paren).trim();
        }
        int dot = n.lastIndexOf('.');
        return dot >= 0 ? n.substring(dot + 1) : n;
    }

    static NonDeterminism kind(String normalized) {
        return KINDS.get(normalized);
    }

    /**
     * The parameter text that replaces the call in a write, or {@code null} when the call is not
     * replaced (it is then reported). Typed, so that arithmetic on it still resolves.
     */
    static String nowCast(String normalized, Dialect dialect) {
        boolean zoned = WITH_ZONE.contains(normalized);
        if (!zoned && !WITHOUT_ZONE.contains(normalized)) {
            return null;
        }
        return switch (dialect) {
            case POSTGRESQL -> zoned ? "CAST(? AS timestamptz)" : "CAST(? AS timestamp)";
            case H2 -> zoned ? "CAST(? AS TIMESTAMP WITH TIME ZONE)" : "CAST(? AS TIMESTAMP)";
            case MARIADB -> "?";
        };
    }
}
