package io.schemashift.cli;

import io.schemashift.control.ControlSchema;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database (or the old and new databases) of a CLI test: runs {@code schemashift} against it
 * in-process and reads it back.
 *
 * @param server the database server
 * @param oldUrl the old (primary) database
 * @param newUrl the new side's database; the same as {@code oldUrl} for one database
 */
record CliDatabase(TestDatabase server, String oldUrl, String newUrl) {

    /** Fresh database(s) named after {@code name} (which should carry the JVM's pid). */
    static CliDatabase create(TestDatabase.Kind kind, String name, boolean separate) {
        TestDatabase server = TestDatabases.of(kind);
        String oldUrl = server.create(name);
        return new CliDatabase(server, oldUrl, separate ? server.create(name + "_new") : oldUrl);
    }

    /** The YAML's {@code new:} section for a separate new database, else nothing. */
    String newSection() {
        if (oldUrl.equals(newUrl)) {
            return "";
        }
        return "new:\n  url: '" + newUrl + "'\n  user: " + server.user() + "\n  password: '" + server.password()
                + "'\n";
    }

    /**
     * Writes {@code dir/schemashift.yaml}: migration {@code migration}, the new database if separate,
     * {@code customers → clients} ({@code name → full_name}, {@code legacy_flag} dropped, {@code
     * name_search = lower(name)}), then {@code yaml}.
     */
    Path customersConfig(Path dir, String migration, String yaml) throws IOException {
        return Files.writeString(
                dir.resolve("schemashift.yaml"),
                "migration: " + migration + "\n" + newSection()
                        + """
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns: { name: full_name, legacy_flag: null }
                    derived: { name_search: "lower(name)" }
                """
                        + yaml);
    }

    /** Runs {@code schemashift <command> --config <config> --url <old> --user …}, the password from the environment. */
    Cli.Run cli(Path config, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--config", config.toString(), "--url", oldUrl, "--user", server.user()));
        Map<String, String> env = new HashMap<>();
        if (!server.password().isEmpty()) {
            env.put(SchemaShiftCommand.PASSWORD_ENV, server.password());
        }
        return Cli.run(env, args.toArray(String[]::new));
    }

    void run(String url, String... sql) throws SQLException {
        try (Connection c = server.connect(url)) {
            TestDatabases.run(c, sql);
        }
    }

    /** The first column of the first row, as a number. */
    long count(String url, String sql) throws SQLException {
        try (Connection c = server.connect(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records a divergence of {@code migration} as the driver does, in the default divergence table. */
    void logDivergence(String migration, String table, String key) throws SQLException {
        try (Connection c = server.connect(oldUrl);
                PreparedStatement ps = c.prepareStatement(ControlSchema.insertDivergence("schemashift_divergence"))) {
            ps.setString(1, migration);
            ps.setString(2, table);
            ps.setString(3, key);
            ps.setString(4, "f1");
            ps.setString(5, "mirror-failed");
            ps.setObject(6, ControlSchema.timestamp(Instant.now()));
            ps.executeUpdate();
        }
    }

    /** Every row of a query, each as its values joined with {@code |}. */
    List<String> rows(String url, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
