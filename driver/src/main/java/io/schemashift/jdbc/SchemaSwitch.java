package io.schemashift.jdbc;

import io.schemashift.rewriter.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A change of the schema a connection's unqualified names resolve to. The mapped tables are the
 * old schema's: after {@code setSchema("tenant_a")} an unqualified {@code customers} is the
 * tenant's table, and mirroring a write to it into the new table would fork the new side. So the
 * connection follows such changes: through {@code setSchema} / {@code setCatalog}, and sent as SQL
 * (PostgreSQL {@code SET search_path}, {@code SET SCHEMA}, {@code RESET}, {@code DISCARD ALL},
 * {@code set_config('search_path', …)}; MariaDB {@code USE}; H2 {@code SET SCHEMA}).
 */
final class SchemaSwitch {

    /** Where a connection's unqualified names resolve. */
    enum Place {
        /** To the old tables' schema: unqualified names of mapped tables are the mapped tables. */
        HOME,
        /** To another schema: only names qualified with the old one are mapped tables. */
        AWAY,
        /**
         * Not known (a {@code SET LOCAL}, which ends with the transaction; H2's {@code
         * SCHEMA_SEARCH_PATH}; a search path that lists the old schema after another, or is set
         * from a parameter; the old schema not known): statements on mapped tables are refused
         * until the schema is set again.
         */
        UNKNOWN
    }

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern SEARCH_PATH =
            Pattern.compile("SET\\s+(?:SESSION\\s+)?SEARCH_PATH\\s*(?:=|\\s+TO\\s)\\s*(.*)", FLAGS);
    private static final Pattern LOCAL_SEARCH_PATH = Pattern.compile("SET\\s+LOCAL\\s+SEARCH_PATH\\b.*", FLAGS);
    private static final Pattern SET_SCHEMA = Pattern.compile("SET\\s+(?:SESSION\\s+)?SCHEMA\\s+(.*)", FLAGS);
    private static final Pattern RESET = Pattern.compile("RESET\\s+(?:SEARCH_PATH|ALL)|DISCARD\\s+ALL", FLAGS);
    private static final Pattern USE = Pattern.compile("USE\\s+(.*)", FLAGS);
    /** H2's search path of several schemas: not followed. */
    private static final Pattern UNFOLLOWED = Pattern.compile("SET\\s+SCHEMA_SEARCH_PATH\\b.*", FLAGS);
    /** PostgreSQL's {@code SELECT set_config('search_path', 'a, b', false)}: the session's path, as SET. */
    private static final Pattern SET_CONFIG = Pattern.compile(
            "SELECT\\s+(?:pg_catalog\\s*\\.\\s*)?set_config\\s*\\(\\s*'search_path'\\s*,\\s*'((?:[^']|'')*)'\\s*,"
                    + "\\s*false\\s*\\)",
            FLAGS);
    /** Any other call of set_config: it may set the search path (from a parameter, or locally). */
    private static final Pattern ANY_SET_CONFIG = Pattern.compile("\\bset_config\\s*\\(", FLAGS);
    /** set_config's first argument, when it is written as a string other than search_path. */
    private static final Pattern OTHER_SETTING =
            Pattern.compile("\\bset_config\\s*\\(\\s*'(?!search_path')[^']*'\\s*,", FLAGS);

    private SchemaSwitch() {}

    /**
     * Where {@code sql} moves a connection of {@code dialect} whose old tables are in {@code home}
     * (as the database stores it; {@code null}: unknown) and which started at {@code start} (a reset
     * goes back there), or {@code null} when it is no switch.
     */
    static Place of(String sql, Dialect dialect, String home, Place start) {
        Matcher m;
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        if (dialect == Dialect.POSTGRESQL
                && s.regionMatches(true, 0, "SELECT", 0, 6)
                && (m = SET_CONFIG.matcher(s)).matches()) {
            return ofSearchPath(m.group(1).replace("''", "'"), home);
        }
        if (dialect == Dialect.POSTGRESQL && ANY_SET_CONFIG.matcher(s).find()) {
            // inside any statement (a CTE, a DO block): no switch only when every call names another setting
            return ANY_SET_CONFIG.matcher(s).results().count()
                            == OTHER_SETTING.matcher(s).results().count()
                    ? null
                    : Place.UNKNOWN;
        }
        if (s.isEmpty() || "SRUDsrud".indexOf(s.charAt(0)) < 0) {
            return null; // cheap for everything else
        }
        if (RESET.matcher(s).matches()) {
            return start;
        }
        if (UNFOLLOWED.matcher(s).matches()) {
            return Place.UNKNOWN;
        }
        if (dialect == Dialect.MARIADB) {
            m = USE.matcher(s);
            return m.matches() ? place(List.of(name(m.group(1), dialect)), dialect, home) : null;
        }
        if (dialect == Dialect.POSTGRESQL && LOCAL_SEARCH_PATH.matcher(s).matches()) {
            return Place.UNKNOWN;
        }
        if (dialect == Dialect.POSTGRESQL && (m = SEARCH_PATH.matcher(s)).matches()) {
            return m.group(1).strip().equalsIgnoreCase("DEFAULT") ? start : ofSearchPath(m.group(1), home);
        }
        m = SET_SCHEMA.matcher(s);
        return m.matches() ? place(List.of(name(m.group(1), dialect)), dialect, home) : null;
    }

    /** Where {@code setSchema(name)} (or MariaDB's {@code setCatalog}) moves a connection. */
    static Place ofName(String name, Dialect dialect, String home) {
        return place(List.of(name == null ? "" : name), dialect, home);
    }

    /** Where a connection that starts at {@code start} is. */
    static Place ofStart(ConnectionStart start, Dialect dialect, String home) {
        return dialect == Dialect.POSTGRESQL && start.schema() != null
                ? ofSearchPath(start.schema(), home)
                : ofName(start.schema(), dialect, home);
    }

    /** Where a PostgreSQL search path, as written after {@code SET search_path TO}, puts a connection. */
    private static Place ofSearchPath(String written, String home) {
        List<String> path = new ArrayList<>();
        for (String entry : entries(written)) {
            path.add(name(entry, Dialect.POSTGRESQL));
        }
        return place(path, Dialect.POSTGRESQL, home);
    }

    /**
     * The place of a search path (its schemas as stored): home when the old schema comes first
     * (PostgreSQL's {@code $user} and system schemas aside), away when it is not in it at all.
     */
    private static Place place(List<String> path, Dialect dialect, String home) {
        if (home == null) {
            return Place.UNKNOWN;
        }
        boolean first = true;
        for (String schema : path) {
            if (schema.equals("$user") || schema.equals("pg_catalog") || schema.equals("pg_temp")) {
                continue;
            }
            boolean isHome = dialect == Dialect.MARIADB ? schema.equalsIgnoreCase(home) : schema.equals(home);
            if (isHome) {
                return first ? Place.HOME : Place.UNKNOWN;
            }
            first = false;
        }
        return Place.AWAY;
    }

    /** The comma-separated entries of a search path, commas inside quotes kept. */
    private static List<String> entries(String list) {
        List<String> entries = new ArrayList<>();
        StringBuilder entry = new StringBuilder();
        char quote = 0;
        for (char c : list.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ',') {
                entries.add(entry.toString());
                entry.setLength(0);
                continue;
            }
            entry.append(c);
        }
        entries.add(entry.toString());
        return entries;
    }

    /** A schema name as written ({@code "Quoted"}, {@code 'literal'}, {@code `db`}, plain) as the database stores it. */
    private static String name(String written, Dialect dialect) {
        String w = written.strip();
        if (w.length() >= 2 && "\"'`".indexOf(w.charAt(0)) >= 0 && w.charAt(w.length() - 1) == w.charAt(0)) {
            String q = String.valueOf(w.charAt(0));
            return w.substring(1, w.length() - 1).replace(q + q, q);
        }
        return dialect == Dialect.H2 ? w.toUpperCase(Locale.ROOT) : w.toLowerCase(Locale.ROOT);
    }
}
