package io.schemashift.config;

import com.zaxxer.hikari.HikariConfig;
import io.schemashift.api.ReportValues;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Parses and validates a configuration file into a {@link MigrationConfig}. Every problem is
 * reported as one {@link ConfigException} naming the file, the line, the key and what is
 * allowed. Values may refer to {@code ${env:NAME}} and {@code ${sys:NAME}} (with an optional
 * {@code :-default}); substituted values are never echoed in messages.
 *
 * <p>Thread-safe: instances hold only the variable lookups.
 *
 * <p>Over 500 lines: every configuration key, with its rule and message, is read in one place.
 */
public final class ConfigReader {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(env|sys):([A-Za-z0-9_.\\-]+)(?::-([^}]*))?}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern MIGRATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    /** The shortest duration any key accepts. */
    private static final Duration MIN_DURATION = Duration.ofMillis(100);

    private static final Set<String> TOP = keys(
            "migration",
            "new",
            "tables",
            "phase",
            "routing",
            "compare",
            "writes",
            "shadow",
            "control",
            "report",
            "coverage");

    /** HikariCP's settings by property name, with the type its setter takes. */
    private static final Map<String, Class<?>> HIKARI_SETTINGS = hikariSettings();

    private final UnaryOperator<String> env;
    private final UnaryOperator<String> sys;

    /** A reader that resolves variables from the process environment and system properties. */
    public ConfigReader() {
        this(System::getenv, System::getProperty);
    }

    /** A reader with explicit variable lookups (returning {@code null} for unset names). */
    public ConfigReader(UnaryOperator<String> env, UnaryOperator<String> sys) {
        this.env = env;
        this.sys = sys;
    }

    /**
     * Parses {@code yaml}, read from {@code source}.
     *
     * @throws ConfigException if the text is not valid YAML or not a valid configuration
     */
    public MigrationConfig read(String source, String yaml) throws ConfigException {
        return new Parse(source).config(compose(source, yaml));
    }

    private static MappingNode compose(String source, String yaml) throws ConfigException {
        try {
            Node root = new Compose(LoadSettings.builder().setLabel(source).build())
                    .composeString(yaml)
                    .orElseThrow(() -> ConfigException.at(source, 0, null, "the file is empty"));
            if (root instanceof MappingNode mapping) {
                return mapping;
            }
            throw ConfigException.at(source, line(root), null, "the file must be a YAML mapping of keys to values");
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw ConfigException.at(source, line, null, "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw ConfigException.at(source, 0, null, "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    /** One parse: carries the source name into every message. */
    private final class Parse {
        private final String source;

        Parse(String source) {
            this.source = source;
        }

        MigrationConfig config(MappingNode root) throws ConfigException {
            Map<String, NodeTuple> top = entries(root, "", TOP);
            String migration = require(top, "", "migration");
            if (!MIGRATION_ID.matcher(migration).matches()) {
                throw error(
                        top.get("migration").getValueNode(),
                        "migration",
                        "must be 1 to 64 letters, digits, '-', '_' or '.'");
            }
            MigrationConfig.NewSide newSide = newSide(top.get("new"));
            Mapping mapping = tables(top.get("tables"), newSide.schema());
            Phase phase = top.containsKey("phase") ? phase(top.get("phase").getValueNode(), "phase") : Phase.OLD_ONLY;
            return new MigrationConfig(
                    source,
                    migration,
                    newSide,
                    mapping,
                    rollout(top.get("routing"), phase, mapping),
                    compare(top.get("compare")),
                    writes(top.get("writes")),
                    shadow(top.get("shadow")),
                    control(top.get("control")),
                    report(top.get("report")),
                    coverage(top.get("coverage")));
        }

        private MigrationConfig.NewSide newSide(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(entry, "new", keys("url", "user", "password", "schema", "pool"));
            String url = optional(e, "new", "url", null);
            if (url != null && !url.startsWith("jdbc:")) {
                throw error(e.get("url").getValueNode(), "new.url", "must be a JDBC URL starting with 'jdbc:'");
            }
            String schema = optional(e, "new", "schema", null);
            if (schema != null) {
                identifier(e.get("schema").getValueNode(), "new.schema", schema);
            }
            Properties pool = new Properties();
            if (e.containsKey("pool")) {
                if (url == null) {
                    throw error(
                            e.get("pool").getKeyNode(), "new.pool", "only applies with new.url (a separate database)");
                }
                for (Map.Entry<String, NodeTuple> p :
                        entries(e.get("pool").getValueNode(), "new.pool", null).entrySet()) {
                    String path = "new.pool." + p.getKey();
                    String value = scalar(p.getValue().getValueNode(), path);
                    poolSetting(p.getValue(), path, p.getKey(), value);
                    pool.setProperty(p.getKey(), value);
                }
                try {
                    new HikariConfig(pool);
                } catch (RuntimeException invalid) {
                    String problem = firstLine(invalid.getMessage());
                    for (String name : pool.stringPropertyNames()) {
                        String value = pool.getProperty(name);
                        problem = value.isEmpty() ? problem : problem.replace(value, "…");
                    }
                    throw error(e.get("pool").getValueNode(), "new.pool", "not a valid HikariCP setting: " + problem);
                }
            }
            String password = optional(e, "new", "password", null);
            return new MigrationConfig.NewSide(
                    url,
                    optional(e, "new", "user", null),
                    password == null ? null : new Secret(password),
                    schema,
                    pool);
        }

        /** The mapped tables; {@code newSchema} ({@code new.schema}) qualifies those that name no schema. */
        /**
         * Checks one HikariCP setting the way HikariCP converts it. HikariCP itself would log, and
         * put into its exception, a value it cannot convert, and the value may be a secret.
         */
        private void poolSetting(NodeTuple entry, String path, String name, String value) throws ConfigException {
            if (name.startsWith("dataSource.")) {
                return; // a property of the new side's driver, passed on as it is
            }
            Class<?> type = HIKARI_SETTINGS.get(name);
            if (type == null) {
                throw error(
                        entry.getKeyNode(),
                        path,
                        "unknown HikariCP setting (e.g. maximumPoolSize, minimumIdle, idleTimeout, maxLifetime,"
                                + " dataSource.<driver property>)");
            }
            try {
                if (type == int.class) {
                    Integer.parseInt(value);
                } else if (type == long.class) {
                    Long.parseLong(value);
                } else if (type == boolean.class) {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw error(entry.getValueNode(), path, "must be true or false");
                    }
                } else if (type != String.class) {
                    throw error(entry.getKeyNode(), path, "cannot be set in the file (HikariCP takes an object)");
                }
            } catch (NumberFormatException notANumber) {
                throw error(entry.getValueNode(), path, "must be a whole number");
            }
        }

        private Mapping tables(NodeTuple entry, String newSchema) throws ConfigException {
            Map<String, NodeTuple> tables = section(entry, "tables", null);
            List<TableMapping> mappings = new ArrayList<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> t : tables.entrySet()) {
                String oldName = t.getKey();
                String path = "tables." + oldName;
                identifier(t.getValue().getKeyNode(), path, oldName);
                Integer earlier = seen.put(
                        oldName.toLowerCase(Locale.ROOT), line(t.getValue().getKeyNode()));
                if (earlier != null) {
                    throw error(
                            t.getValue().getKeyNode(), path, "table is mapped twice (first at line " + earlier + ")");
                }
                mappings.add(table(oldName, path, t.getValue(), newSchema));
            }
            return Mapping.of(mappings);
        }

        private TableMapping table(String oldName, String path, NodeTuple entry, String newSchema)
                throws ConfigException {
            Map<String, NodeTuple> e =
                    section(entry, path, keys("to", "schema", "key", "columns", "derived", "oldColumns"));
            String to = optional(e, path, "to", oldName);
            identifier(e.containsKey("to") ? e.get("to").getValueNode() : entry.getKeyNode(), path + ".to", to);
            if (!e.containsKey("key")) {
                throw error(entry.getKeyNode(), path + ".key", "is required: the row-identity columns, e.g. key: [id]");
            }
            List<String> key = identifiers(e.get("key").getValueNode(), path + ".key");
            if (key.isEmpty()) {
                throw error(e.get("key").getValueNode(), path + ".key", "must list at least one column");
            }
            Map<String, String> columns = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> c : entries(e, path, "columns").entrySet()) {
                String column = path + ".columns." + c.getKey();
                identifier(c.getValue().getKeyNode(), column, c.getKey());
                Node value = c.getValue().getValueNode();
                String renamed = isNull(value) ? null : identifier(value, column, scalar(value, column));
                if (renamed == null && key.stream().anyMatch(k -> k.equalsIgnoreCase(c.getKey()))) {
                    throw error(value, column, "a key column cannot be dropped");
                }
                columns.put(c.getKey(), renamed);
            }
            List<String> oldColumns = e.containsKey("oldColumns")
                    ? identifiers(e.get("oldColumns").getValueNode(), path + ".oldColumns")
                    : List.of();
            String schema = optional(e, path, "schema", newSchema);
            if (e.containsKey("schema") && schema != null) {
                identifier(e.get("schema").getValueNode(), path + ".schema", schema);
            }
            Map<String, String> derived = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> d : entries(e, path, "derived").entrySet()) {
                String column = path + ".derived." + d.getKey();
                identifier(d.getValue().getKeyNode(), column, d.getKey());
                String expression = scalar(d.getValue().getValueNode(), column);
                // Parsed now, so that a bad expression is a config error rather than a failure at first connect.
                try {
                    Rewriter.builder(
                                    Mapping.of(List.of(new TableMapping(
                                            oldName,
                                            to,
                                            schema,
                                            key,
                                            columns,
                                            Map.of(d.getKey(), expression),
                                            oldColumns))),
                                    Dialect.POSTGRESQL)
                            .cacheBytes(0)
                            .build();
                } catch (IllegalArgumentException bad) {
                    throw error(
                            d.getValue().getValueNode(),
                            column,
                            "must be an SQL expression over old columns, e.g. \"lower(name)\"");
                }
                derived.put(d.getKey(), expression);
            }
            return new TableMapping(oldName, to, schema, key, columns, derived, oldColumns);
        }

        private MigrationConfig.Rollout rollout(NodeTuple entry, Phase phase, Mapping mapping) throws ConfigException {
            Map<String, NodeTuple> e =
                    section(entry, "routing", keys("readNewPercent", "shadowPercent", "stickiness", "tables", "seed"));
            Map<String, Phase> tablePhases = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> t :
                    entries(e, "routing", "tables").entrySet()) {
                String path = "routing.tables." + t.getKey();
                if (mapping.table(t.getKey()).isEmpty()) {
                    throw error(
                            t.getValue().getKeyNode(),
                            path,
                            "unknown table; per-table phases apply to tables listed under 'tables'");
                }
                Map<String, NodeTuple> override = section(t.getValue(), path, keys("phase"));
                if (!override.containsKey("phase")) {
                    throw error(
                            t.getValue().getKeyNode(),
                            path + ".phase",
                            "is required: the table's phase, e.g. { phase: dual-write }");
                }
                tablePhases.put(
                        t.getKey().toLowerCase(Locale.ROOT),
                        phase(override.get("phase").getValueNode(), path + ".phase"));
            }
            String stickiness = choice(e, "routing", "stickiness", "transaction", "transaction", "connection");
            return new MigrationConfig.Rollout(
                    phase,
                    percent(e, "routing", "readNewPercent"),
                    percent(e, "routing", "shadowPercent"),
                    MigrationConfig.Stickiness.valueOf(stickiness.toUpperCase(Locale.ROOT)),
                    tablePhases,
                    integer(e, "routing", "seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }

        private MigrationConfig.Compare compare(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(
                    entry, "compare", keys("ignore", "order", "timestampPrecision", "maxRows", "caseInsensitive"));
            List<String> ignore = new ArrayList<>();
            if (e.containsKey("ignore")) {
                for (Node n : sequence(e.get("ignore").getValueNode(), "compare.ignore")) {
                    String column = scalar(n, "compare.ignore");
                    if (!column.matches("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*")) {
                        throw error(n, "compare.ignore", "entries are table.column, e.g. customers.updated_at");
                    }
                    ignore.add(column.toLowerCase(Locale.ROOT));
                }
            }
            return new MigrationConfig.Compare(
                    ignore,
                    choice(e, "compare", "order", "auto", "auto", "ordered", "multiset"),
                    choice(e, "compare", "timestampPrecision", "millis", "seconds", "millis", "micros", "nanos"),
                    (int) integer(e, "compare", "maxRows", 10_000, 1, 10_000_000),
                    bool(e, "compare", "caseInsensitive", false));
        }

        private MigrationConfig.Writes writes(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(
                    entry,
                    "writes",
                    keys(
                            "onMirrorFailure",
                            "budget",
                            "breakerFailures",
                            "breakerCooldown",
                            "divergenceTable",
                            "intent",
                            "intentTable",
                            "intentStaleAfter"));
            return new MigrationConfig.Writes(
                    MigrationConfig.MirrorFailurePolicy.valueOf(
                            choice(e, "writes", "onMirrorFailure", "record", "record", "fail")
                                    .toUpperCase(Locale.ROOT)),
                    duration(e, "writes", "budget", Duration.ofMillis(250)),
                    (int) integer(e, "writes", "breakerFailures", 5, 1, 1_000),
                    duration(e, "writes", "breakerCooldown", Duration.ofSeconds(10)),
                    tableName(e, "writes", "divergenceTable", "schemashift_divergence"),
                    bool(e, "writes", "intent", true),
                    tableName(e, "writes", "intentTable", "schemashift_intent"),
                    duration(e, "writes", "intentStaleAfter", Duration.ofMinutes(5)));
        }

        private MigrationConfig.Shadow shadow(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(entry, "shadow", keys("threads", "queue", "timeout"));
            return new MigrationConfig.Shadow(
                    (int) integer(e, "shadow", "threads", 2, 1, 64),
                    (int) integer(e, "shadow", "queue", 64, 0, 100_000),
                    duration(e, "shadow", "timeout", Duration.ofSeconds(2)));
        }

        private MigrationConfig.Control control(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(
                    entry,
                    "control",
                    keys("table", "poll", "catalogRefresh", "heartbeatTable", "auditTable", "runsTable"));
            return new MigrationConfig.Control(
                    tableName(e, "control", "table", null),
                    duration(e, "control", "poll", Duration.ofSeconds(5)),
                    duration(e, "control", "catalogRefresh", Duration.ofSeconds(60)),
                    tableName(e, "control", "heartbeatTable", "schemashift_heartbeat"),
                    tableName(e, "control", "auditTable", "schemashift_audit"),
                    tableName(e, "control", "runsTable", "schemashift_runs"));
        }

        private MigrationConfig.Report report(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(entry, "report", keys("mismatchTable", "values"));
            return new MigrationConfig.Report(
                    tableName(e, "report", "mismatchTable", null),
                    ReportValues.valueOf(choice(e, "report", "values", "redacted", "redacted", "omitted", "plain")
                            .toUpperCase(Locale.ROOT)));
        }

        private MigrationConfig.Coverage coverage(NodeTuple entry) throws ConfigException {
            Map<String, NodeTuple> e = section(entry, "coverage", keys("enabled", "maxShapes", "file"));
            return new MigrationConfig.Coverage(
                    bool(e, "coverage", "enabled", true),
                    (int) integer(e, "coverage", "maxShapes", 10_000, 1, 1_000_000),
                    optional(e, "coverage", "file", null));
        }

        // ---- typed values ------------------------------------------------------------------

        private Phase phase(Node node, String path) throws ConfigException {
            String name = scalar(node, path);
            // The message quotes the text as written: a ${env:…} value is never echoed.
            String written = ((ScalarNode) node).getValue();
            return Phase.parse(name)
                    .orElseThrow(
                            () -> error(node, path, "unknown phase '" + written + "'; allowed: " + Phase.allowed()));
        }

        private int percent(Map<String, NodeTuple> e, String section, String key) throws ConfigException {
            return (int) integer(e, section, key, 0, 0, 100);
        }

        private long integer(Map<String, NodeTuple> e, String section, String key, long dflt, long min, long max)
                throws ConfigException {
            if (!e.containsKey(key)) {
                return dflt;
            }
            Node node = e.get(key).getValueNode();
            String path = section + "." + key;
            try {
                long value = Long.parseLong(scalar(node, path).trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the allowed range
            }
            throw error(node, path, "must be a whole number from " + min + " to " + max);
        }

        private boolean bool(Map<String, NodeTuple> e, String section, String key, boolean dflt)
                throws ConfigException {
            return e.containsKey(key) ? Boolean.parseBoolean(choice(e, section, key, null, "true", "false")) : dflt;
        }

        private Duration duration(Map<String, NodeTuple> e, String section, String key, Duration dflt)
                throws ConfigException {
            if (!e.containsKey(key)) {
                return dflt;
            }
            Node node = e.get(key).getValueNode();
            Matcher m = DURATION.matcher(scalar(node, section + "." + key).trim());
            if (!m.matches()) {
                throw error(node, section + "." + key, "must be a duration such as 250ms, 5s, 2m or 1h");
            }
            long amount = Long.parseLong(m.group(1));
            Duration value =
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    };
            if (value.compareTo(MIN_DURATION) < 0) {
                // 0s would spin the control loop and give no mirror or shadow statement any time at all
                throw error(node, section + "." + key, "must be at least 100ms");
            }
            return value;
        }

        private String choice(Map<String, NodeTuple> e, String section, String key, String dflt, String... allowed)
                throws ConfigException {
            if (!e.containsKey(key)) {
                return dflt;
            }
            Node node = e.get(key).getValueNode();
            String value = scalar(node, section + "." + key).trim().toLowerCase(Locale.ROOT);
            if (Arrays.asList(allowed).contains(value)) {
                return value;
            }
            throw error(node, section + "." + key, "must be one of " + String.join(", ", allowed));
        }

        private String tableName(Map<String, NodeTuple> e, String section, String key, String dflt)
                throws ConfigException {
            String name = optional(e, section, key, dflt);
            return name == null || !e.containsKey(key)
                    ? name
                    : identifier(e.get(key).getValueNode(), section + "." + key, name);
        }

        private String identifier(Node node, String path, String name) throws ConfigException {
            if (!IDENTIFIER.matcher(name).matches()) {
                throw error(
                        node, path, "must be an SQL identifier (letters, digits, '_', '$', not starting with a digit)");
            }
            return name;
        }

        private List<String> identifiers(Node node, String path) throws ConfigException {
            List<String> names = new ArrayList<>();
            for (Node n : sequence(node, path)) {
                names.add(identifier(n, path, scalar(n, path)));
            }
            return names;
        }

        // ---- structure ---------------------------------------------------------------------

        private String require(Map<String, NodeTuple> e, String section, String key) throws ConfigException {
            String path = section.isEmpty() ? key : section + "." + key;
            if (!e.containsKey(key)) {
                throw ConfigException.at(source, 0, path, "is required");
            }
            return scalar(e.get(key).getValueNode(), path);
        }

        private String optional(Map<String, NodeTuple> e, String section, String key, String dflt)
                throws ConfigException {
            if (!e.containsKey(key) || isNull(e.get(key).getValueNode())) {
                return dflt;
            }
            return scalar(e.get(key).getValueNode(), section + "." + key);
        }

        /** The entries of an optional nested section ({@code null} entry: empty). */
        private Map<String, NodeTuple> section(NodeTuple entry, String path, Set<String> allowed)
                throws ConfigException {
            return entry == null || isNull(entry.getValueNode())
                    ? Map.of()
                    : entries(entry.getValueNode(), path, allowed);
        }

        private Map<String, NodeTuple> entries(Map<String, NodeTuple> e, String section, String key)
                throws ConfigException {
            return section(e.get(key), section + "." + key, null);
        }

        /** The keys of a mapping node; rejects unknown ({@code allowed != null}) and duplicate keys. */
        private Map<String, NodeTuple> entries(Node node, String path, Set<String> allowed) throws ConfigException {
            if (!(node instanceof MappingNode mapping)) {
                throw error(node, path, "must be a mapping of keys to values");
            }
            Map<String, NodeTuple> result = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode(), path);
                String keyPath = path.isEmpty() ? key : path + "." + key;
                if (allowed != null && !allowed.contains(key)) {
                    throw error(
                            tuple.getKeyNode(),
                            keyPath,
                            "unknown key; allowed" + (path.isEmpty() ? "" : " in '" + path + "'") + ": "
                                    + String.join(", ", allowed));
                }
                if (result.put(key, tuple) != null) {
                    throw error(tuple.getKeyNode(), keyPath, "appears twice");
                }
            }
            return result;
        }

        private List<Node> sequence(Node node, String path) throws ConfigException {
            if (node instanceof SequenceNode seq) {
                return seq.getValue();
            }
            throw error(node, path, "must be a list, e.g. [a, b]");
        }

        private String scalar(Node node, String path) throws ConfigException {
            if (!(node instanceof ScalarNode s)) {
                throw error(node, path, "must be a single value, not a list or mapping");
            }
            return substitute(s.getValue(), node, path);
        }

        private String substitute(String value, Node node, String path) throws ConfigException {
            Matcher m = VARIABLE.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(2);
                String resolved = m.group(1).equals("env") ? env.apply(name) : sys.apply(name);
                if (resolved == null) {
                    resolved = m.group(3);
                }
                if (resolved == null) {
                    throw error(
                            node,
                            path,
                            (m.group(1).equals("env") ? "environment variable " : "system property ") + name
                                    + " is not set (write ${" + m.group(1) + ":" + name + ":-default} for a default)");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            return m.appendTail(out).toString();
        }

        private ConfigException error(Node node, String path, String problem) {
            return ConfigException.at(source, line(node), path, problem);
        }
    }

    private static Map<String, Class<?>> hikariSettings() {
        Map<String, Class<?>> settings = new java.util.HashMap<>();
        for (java.lang.reflect.Method m : HikariConfig.class.getMethods()) {
            String name = m.getName();
            if (name.length() > 3 && name.startsWith("set") && m.getParameterCount() == 1) {
                String property = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                Class<?> type = m.getParameterTypes()[0];
                // an overload taking text wins: HikariCP then sets the value as it is
                settings.merge(property, type, (a, b) -> a == String.class ? a : b);
            }
        }
        return Map.copyOf(settings);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static Set<String> keys(String... names) {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(Arrays.asList(names)));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
