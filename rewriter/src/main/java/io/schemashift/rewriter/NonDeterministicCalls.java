package io.schemashift.rewriter;

import java.util.List;
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
            Map.entry("utc_date", NonDeterminism.NOW),
            Map.entry("utc_time", NonDeterminism.NOW),
            Map.entry("unix_timestamp", NonDeterminism.NOW),
            Map.entry("timeofday", NonDeterminism.NOW),
            Map.entry("random", NonDeterminism.RANDOM),
            Map.entry("rand", NonDeterminism.RANDOM),
            Map.entry("secure_rand", NonDeterminism.RANDOM),
            Map.entry("random_bytes", NonDeterminism.RANDOM),
            Map.entry("gen_random_bytes", NonDeterminism.RANDOM),
            Map.entry("gen_random_uuid", NonDeterminism.UUID),
            Map.entry("uuid", NonDeterminism.UUID),
            Map.entry("random_uuid", NonDeterminism.UUID),
            Map.entry("uuid_generate_v4", NonDeterminism.UUID),
            Map.entry("uuid_short", NonDeterminism.UUID),
            Map.entry("uuid_generate_v1", NonDeterminism.UUID),
            Map.entry("uuid_generate_v1mc", NonDeterminism.UUID),
            Map.entry("uuidv7", NonDeterminism.UUID),
            Map.entry("sys_guid", NonDeterminism.UUID),
            Map.entry("nextval", NonDeterminism.SEQUENCE),
            Map.entry("setval", NonDeterminism.SEQUENCE),
            Map.entry("currval", NonDeterminism.SESSION),
            Map.entry("lastval", NonDeterminism.SESSION),
            Map.entry("last_insert_id", NonDeterminism.SESSION),
            Map.entry("row_count", NonDeterminism.SESSION),
            Map.entry("found_rows", NonDeterminism.SESSION),
            Map.entry("connection_id", NonDeterminism.CONNECTION),
            Map.entry("pg_backend_pid", NonDeterminism.CONNECTION),
            Map.entry("current_setting", NonDeterminism.CONNECTION),
            Map.entry("session_id", NonDeterminism.CONNECTION),
            Map.entry("current_user", NonDeterminism.CONNECTION),
            Map.entry("session_user", NonDeterminism.CONNECTION),
            Map.entry("system_user", NonDeterminism.CONNECTION),
            Map.entry("user", NonDeterminism.CONNECTION),
            Map.entry("inet_client_addr", NonDeterminism.CONNECTION),
            Map.entry("inet_client_port", NonDeterminism.CONNECTION),
            // the database, server or transaction the connection is on: another with a separate new database
            Map.entry("inet_server_addr", NonDeterminism.CONNECTION),
            Map.entry("inet_server_port", NonDeterminism.CONNECTION),
            Map.entry("database", NonDeterminism.CONNECTION),
            Map.entry("schema", NonDeterminism.CONNECTION),
            Map.entry("current_database", NonDeterminism.CONNECTION),
            Map.entry("current_schema", NonDeterminism.CONNECTION),
            Map.entry("current_schemas", NonDeterminism.CONNECTION),
            Map.entry("version", NonDeterminism.CONNECTION),
            Map.entry("pg_postmaster_start_time", NonDeterminism.CONNECTION),
            Map.entry("pg_conf_load_time", NonDeterminism.CONNECTION),
            Map.entry("txid_current", NonDeterminism.CONNECTION),
            Map.entry("txid_current_if_assigned", NonDeterminism.CONNECTION),
            Map.entry("pg_current_xact_id", NonDeterminism.CONNECTION),
            Map.entry("pg_current_xact_id_if_assigned", NonDeterminism.CONNECTION),
            // what they do belongs to the session they run in: a lock it holds, a setting, a notice
            Map.entry("set_config", NonDeterminism.CONNECTION),
            Map.entry("pg_notify", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_lock", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_lock_shared", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_xact_lock", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_xact_lock_shared", NonDeterminism.CONNECTION),
            Map.entry("pg_try_advisory_lock", NonDeterminism.CONNECTION),
            Map.entry("pg_try_advisory_lock_shared", NonDeterminism.CONNECTION),
            Map.entry("pg_try_advisory_xact_lock", NonDeterminism.CONNECTION),
            Map.entry("pg_try_advisory_xact_lock_shared", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_unlock", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_unlock_shared", NonDeterminism.CONNECTION),
            Map.entry("pg_advisory_unlock_all", NonDeterminism.CONNECTION),
            Map.entry("get_lock", NonDeterminism.CONNECTION),
            Map.entry("release_lock", NonDeterminism.CONNECTION),
            Map.entry("release_all_locks", NonDeterminism.CONNECTION),
            Map.entry("is_free_lock", NonDeterminism.CONNECTION),
            Map.entry("is_used_lock", NonDeterminism.CONNECTION));

    /** Timestamp calls a captured instant can replace, and whether their type has a time zone. */
    private static final Set<String> WITH_ZONE =
            Set.of("now", "current_timestamp", "statement_timestamp", "transaction_timestamp", "clock_timestamp");

    private static final Set<String> WITHOUT_ZONE = Set.of("localtimestamp", "sysdate");

    /** PostgreSQL's clock calls whose value moves within a transaction: the statement's or the call's time. */
    private static final Set<String> MOVING_IN_A_TRANSACTION =
            Set.of("clock_timestamp", "statement_timestamp", "timeofday");

    /** Date calls a captured instant can replace: its date in the session's time zone. */
    private static final Set<String> DATES = Set.of("current_date", "curdate");

    /** MariaDB's calls of the UTC wall clock a captured instant can replace (ShedLock's {@code UTC_TIMESTAMP(3)}). */
    private static final Set<String> UTC = Set.of("utc_timestamp", "utc_date");

    private NonDeterministicCalls() {}

    /** {@code CURRENT_TIMESTAMP(3)}, {@code pg_catalog.now}, {@code "Now"} → {@code current_timestamp}, {@code now}. */
    static String normalize(String name) {
        String n =
                name.toLowerCase(Locale.ROOT).replace("\"", "").replace("`", "").trim();
        int paren = n.indexOf('(');
        if (paren >= 0) {
            n = n.substring(0, paren).trim();
        }
        int dot = n.lastIndexOf('.');
        return dot >= 0 ? n.substring(dot + 1) : n;
    }

    /** SQL's values without parentheses that say who or where the connection is ({@code current_user}), unquoted. */
    private static final Set<String> CONNECTION_KEYWORDS =
            Set.of("current_user", "session_user", "system_user", "current_role", "current_schema", "current_catalog");

    /**
     * Whether an unqualified, unquoted name that no table in scope has as a column is one of SQL's
     * values of the connection ({@code current_user}; PostgreSQL's {@code user} too).
     */
    static boolean connectionKeyword(String written, Dialect dialect) {
        String n = written.toLowerCase(Locale.ROOT);
        return CONNECTION_KEYWORDS.contains(n) || (dialect == Dialect.POSTGRESQL && n.equals("user"));
    }

    /**
     * Whether an unqualified name is one of SQL's clock keywords that JSqlParser reads as a column
     * ({@code LOCALTIMESTAMP}, {@code LOCALTIME}; reserved words on every dialect, so never a column
     * unless quoted).
     */
    static boolean clockKeyword(String written) {
        return written.equalsIgnoreCase("localtimestamp") || written.equalsIgnoreCase("localtime");
    }

    static NonDeterminism kind(String normalized) {
        return KINDS.get(normalized);
    }

    /** What the call {@code normalized} reads of the clock; {@code null} when it does not read it. */
    static ClockRead clockRead(String normalized) {
        if (KINDS.get(normalized) != NonDeterminism.NOW) {
            return null;
        }
        if (DATES.contains(normalized)) {
            return ClockRead.DATE;
        }
        return WITH_ZONE.contains(normalized) || WITHOUT_ZONE.contains(normalized)
                ? ClockRead.INSTANT
                : ClockRead.OTHER;
    }

    /**
     * Whether {@code normalized} reads the current date or time apart on the two sides; with {@code
     * transactionClock} (two statements in one PostgreSQL transaction, which share its {@code
     * now()}), only a call whose value moves within it does.
     */
    static boolean readsClock(String normalized, boolean transactionClock) {
        return KINDS.get(normalized) == NonDeterminism.NOW
                && (!transactionClock || MOVING_IN_A_TRANSACTION.contains(normalized));
    }

    /**
     * A call of the current timestamp or date that stays the same within a PostgreSQL transaction
     * ({@code now}, {@code current_timestamp}, {@code localtimestamp}, {@code transaction_timestamp},
     * {@code current_date}) written as a call again, to the fractional digits it asks for; {@code
     * null} for any other.
     *
     * @param digits the fractional second digits the call asks for, or -1: none given
     */
    static Fragment transactionCall(String normalized, int digits) {
        String precision = digits < 0 ? "" : "(" + digits + ")";
        String call =
                switch (normalized) {
                    case "now", "transaction_timestamp" -> normalized + "()";
                    case "current_timestamp", "localtimestamp" -> normalized.toUpperCase(Locale.ROOT) + precision;
                    case "current_date" -> "CURRENT_DATE";
                    default -> null;
                };
        return call == null ? null : new Fragment(call, List.of());
    }

    /**
     * The captured instant ({@link ParamSource.Now}) that replaces the call in a write, typed as the
     * call's value is and read in the session's time zone as the call reads the clock (so the row
     * holds what the call would have given, whatever the JVM's zone); {@code null} when the call is
     * not replaced (it is then reported).
     *
     * @param digits the fractional second digits the call asks for ({@code now(3)}), or -1: none given
     */
    static Fragment instant(String normalized, Dialect dialect, int digits) {
        String cast = cast(normalized, dialect, digits);
        if (cast == null) {
            return null;
        }
        ParamSource.NowForm form =
                dialect == Dialect.MARIADB ? ParamSource.NowForm.UTC_TEXT : ParamSource.NowForm.TIMESTAMP;
        return new Fragment(cast, List.of(new ParamSource.Now(form)));
    }

    /** MariaDB: the bound UTC wall clock as the session's, to {@code digits} fractional digits. */
    private static String mariadbWallClock(int digits) {
        return "CONVERT_TZ(CAST(? AS DATETIME(" + digits + ")), '+00:00', @@session.time_zone)";
    }

    private static String cast(String normalized, Dialect dialect, int digits) {
        if (UTC.contains(normalized)) {
            if (dialect != Dialect.MARIADB) {
                return null;
            }
            return normalized.equals("utc_date")
                    ? "CAST(? AS DATE)"
                    : "CAST(? AS DATETIME(" + Math.max(digits, 0) + "))";
        }
        if (DATES.contains(normalized)) {
            return switch (dialect) {
                case POSTGRESQL -> "CAST(CAST(? AS timestamptz) AS date)";
                case H2 -> "CAST(CAST(? AS TIMESTAMP WITH TIME ZONE) AS DATE)";
                case MARIADB -> "CAST(" + mariadbWallClock(6) + " AS DATE)";
            };
        }
        boolean zoned = WITH_ZONE.contains(normalized);
        if (!zoned && !WITHOUT_ZONE.contains(normalized)) {
            return null;
        }
        String precision = digits < 0 ? "" : "(" + digits + ")";
        return switch (dialect) {
            case POSTGRESQL ->
                zoned
                        ? "CAST(? AS timestamptz" + precision + ")"
                        : "CAST(CAST(? AS timestamptz) AS timestamp" + precision + ")";
            case H2 -> zoned ? "CAST(? AS TIMESTAMP WITH TIME ZONE)" : "CAST(? AS TIMESTAMP)";
            case MARIADB -> mariadbWallClock(Math.max(digits, 0)); // NOW() has none
        };
    }

    /** The fractional second digits a call's text asks for ({@code CURRENT_TIMESTAMP(3)}: 3), or -1: none given. */
    static int digits(String call) {
        int open = call.lastIndexOf('(');
        int close = call.lastIndexOf(')');
        if (open < 0 || close != call.length() - 1) {
            return -1;
        }
        String inside = call.substring(open + 1, close).trim();
        return inside.length() == 1 && Character.isDigit(inside.charAt(0)) ? inside.charAt(0) - '0' : -1;
    }
}
